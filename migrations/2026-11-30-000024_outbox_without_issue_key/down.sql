DROP TRIGGER issues_forget_notifications ON issues;
DROP FUNCTION issues_forget_notifications();
DELETE FROM notification_outbox o
 WHERE o.issue_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM issues i WHERE i.id = o.issue_id);
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_issue_id_fkey
    FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE;
