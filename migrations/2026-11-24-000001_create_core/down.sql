-- Undoes up.sql: tables in reverse order of creation (dependents first, so
-- no CASCADE is needed and nothing else is dropped by accident), then the
-- trigger functions, then the enum types. Indexes and triggers go with their
-- tables.

DROP TABLE doc_feedback;
DROP TABLE doc_context_options;
DROP TABLE doc_planes;
DROP TABLE docs;
DROP TABLE resolutions;
DROP TABLE issue_activities;
DROP TABLE comments;
DROP TABLE issue_plane_contexts;
DROP TABLE issue_planes;
DROP TABLE issues;
DROP TABLE plane_context_options;
DROP TABLE plane_contexts;
DROP TABLE planes;
DROP TABLE login_attempts;
DROP TABLE verification_tokens;
DROP TABLE sessions;
DROP TABLE accounts;
DROP TABLE users;
DROP TABLE environments;
DROP TABLE customer_domains;
DROP TABLE customers;

DROP FUNCTION issue_activities_reject_update();
DROP FUNCTION set_updated_at();

DROP TYPE token_purpose;
DROP TYPE doc_type;
DROP TYPE field_type;
DROP TYPE issue_category;
DROP TYPE issue_priority;
DROP TYPE issue_status;
DROP TYPE env_type;
DROP TYPE user_role;
