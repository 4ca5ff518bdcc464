DROP INDEX comments_issue_author_public_idx;
DROP TABLE notification_preferences;
DROP TABLE notification_outbox;
DROP TYPE outbox_status;
DROP TYPE notification_topic;
DROP TYPE notification_event;

-- PostgreSQL cannot drop one value of an enum: the type is rebuilt without
-- it, and the audit rows of that kind go with it.
DELETE FROM admin_audit WHERE kind = 'notification';
ALTER TYPE audit_kind RENAME TO audit_kind_with_notification;
CREATE TYPE audit_kind AS ENUM
    ('user', 'customer', 'environment', 'plane', 'field', 'option', 'doc', 'import');
ALTER TABLE admin_audit ALTER COLUMN kind TYPE audit_kind USING kind::text::audit_kind;
DROP TYPE audit_kind_with_notification;
