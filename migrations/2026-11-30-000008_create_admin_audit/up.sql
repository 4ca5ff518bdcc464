-- The admin audit log: every change an admin makes to users, customers and
-- their domains and environments, planes and their fields and options, and
-- the doc catalog, with who, when, and the object's fields before and after.
-- Written in the same transaction as the change; append-only like
-- issue_activities (the one UPDATE allowed is PostgreSQL's own
-- ON DELETE SET NULL of the actor).

CREATE TYPE audit_kind AS ENUM
    ('user', 'customer', 'environment', 'plane', 'field', 'option', 'doc', 'import');

CREATE TABLE admin_audit (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    -- NULL once the admin is deleted; actor_name keeps who it was.
    actor_id     uuid        REFERENCES users (id) ON DELETE SET NULL,
    actor_name   text        NOT NULL CHECK (length(actor_name) <= 320),
    kind         audit_kind  NOT NULL,
    -- A verb: created, updated, disabled, enabled, retired, restored, moved, imported.
    action       text        NOT NULL CHECK (action ~ '^[a-z_]{1,32}$'),
    -- The changed row (NULL for an import, which changes many).
    object_id    uuid,
    -- How people know the object: an e-mail, a name, a URL.
    object_label text        NOT NULL CHECK (length(object_label) <= 2048),
    -- The object's fields before and after (NULL before a creation).
    before       jsonb,
    after        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The page lists newest first, whole or by kind or by admin, keyset-paginated.
CREATE INDEX admin_audit_created_idx ON admin_audit (created_at DESC, id DESC);
CREATE INDEX admin_audit_kind_created_idx ON admin_audit (kind, created_at DESC, id DESC);
CREATE INDEX admin_audit_actor_created_idx ON admin_audit (actor_id, created_at DESC, id DESC);

CREATE FUNCTION admin_audit_reject_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor_id IS NULL
       AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'admin_audit is append-only: UPDATE is not allowed';
END;
$$;

CREATE TRIGGER admin_audit_append_only BEFORE UPDATE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_reject_update();
