-- The admin user list (/admin/users): ordered by e-mail (unique, so it is
-- also the keyset), filtered by role, searched by the start of the e-mail
-- or of the name, case-insensitively (e-mails are stored lower-case).
-- text_pattern_ops lets LIKE 'prefix%' use an index whatever the
-- database's collation; pg_trgm would find words inside names too, but it
-- is an extension, and the app needs none (see 000001).

-- Role filter in e-mail order; also everything users_role_idx served
-- (role as the leading column), so that one goes.
CREATE INDEX users_role_email_idx ON users (role, email);
DROP INDEX users_role_idx;

CREATE INDEX users_email_pattern_idx ON users (email text_pattern_ops);
CREATE INDEX users_lower_name_pattern_idx ON users (lower(name) text_pattern_ops);
