DROP INDEX users_lower_name_pattern_idx;
DROP INDEX users_email_pattern_idx;
CREATE INDEX users_role_idx ON users (role);
DROP INDEX users_role_email_idx;
