-- What happened, waiting to be told (issue 14). A change that people hear
-- about writes one row per event here, in its own transaction, whoever and
-- however many hear of it: the request's cost does not grow with the
-- followers. Each instance's fan-out task claims rows (FOR UPDATE SKIP
-- LOCKED), writes one notification_outbox row per recipient and deletes
-- the event, in one transaction: an event becomes its messages exactly
-- once, and a fan-out that dies leaves it whole for another.
--
-- The issue's facts the rules need are kept as they were at the event
-- (its customer, submitter and assignee), so a later change does not
-- redirect an earlier event's messages, and the fan-out need not read the
-- issue's row, which the requests of a busy conversation keep updating.
-- No foreign keys: an insert should cost two index entries.
CREATE TABLE notification_events (
    id          uuid               PRIMARY KEY DEFAULT gen_random_uuid(),
    event       notification_event NOT NULL
        CHECK (event NOT IN ('invitation', 'password_reset')),
    issue_id    uuid               NOT NULL,
    customer_id uuid               NOT NULL,
    submitter_id uuid              NOT NULL,
    assignee_id uuid,
    -- Who did it: never told of their own action; named as pages name them.
    actor_id    uuid               NOT NULL,
    actor_name  text               NOT NULL CHECK (length(actor_name) <= 320),
    -- Public text the messages quote: a reply, resolution notes. Never an
    -- internal note.
    detail      text,
    created_at  timestamptz        NOT NULL DEFAULT now()
);

-- The fan-out takes the oldest first; a backlog is read in order, not
-- sorted whole for each batch.
CREATE INDEX notification_events_created_idx ON notification_events (created_at);
