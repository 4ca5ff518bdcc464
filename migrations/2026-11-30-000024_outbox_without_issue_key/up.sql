-- The fan-out writes outbox rows about issues that requests are updating
-- at that moment (a reply bumps its issue twice). A foreign key made each
-- row take a share lock on its issue: 0.41 ms a row under the reply load,
-- against 0.04 ms for the (rarely written) user it goes to, and shared
-- row locks the requests' updates then have to work around. A deleted
-- issue's messages and events go with it by trigger instead: its events
-- first, which waits for a fan-out holding them to commit, then its
-- messages, in a statement that sees what that fan-out wrote.
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_issue_id_fkey;

CREATE FUNCTION issues_forget_notifications() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM notification_events e USING gone g WHERE e.issue_id = g.id;
    DELETE FROM notification_outbox o USING gone g WHERE o.issue_id = g.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER issues_forget_notifications
    AFTER DELETE ON issues
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION issues_forget_notifications();
