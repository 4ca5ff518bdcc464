CREATE INDEX notification_outbox_issue_idx ON notification_outbox (issue_id);
CREATE INDEX notification_outbox_recipient_idx ON notification_outbox (recipient_id);
