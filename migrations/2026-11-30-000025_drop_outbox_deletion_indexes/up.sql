-- The fan-out writes an outbox row per recipient: a filing that 16 staff
-- hear of writes 16, each with an entry in every index of the table. Two
-- of them served only deletions, which the app never makes: of an issue
-- (its rows now go by the statement trigger of 000024, one scan per
-- deleting statement) and of a user (the foreign key's cascade). Deleting
-- by hand scans the outbox instead; every message costs two entries less.
DROP INDEX notification_outbox_issue_idx;
DROP INDEX notification_outbox_recipient_idx;
