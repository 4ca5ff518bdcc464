-- E-mail notifications (issue 14). A change that people hear about writes
-- one outbox row per recipient in the transaction of the change; each app
-- instance's delivery worker claims due rows (FOR UPDATE SKIP LOCKED, then
-- a claim that expires, so rows held by a dead instance are sent by
-- another), sends them over SMTP and marks them sent, or retries later, or
-- gives up with the server's reason.

-- What happened.
CREATE TYPE notification_event AS ENUM
    ('agent_reply', 'customer_reply', 'resolved', 'closed', 'new_issue', 'assigned',
     'invitation', 'password_reset');

-- What a person chooses to hear about by e-mail (the account page, and what
-- an unsubscribe link turns off).
CREATE TYPE notification_topic AS ENUM
    ('replies', 'status', 'assigned', 'customer_replies', 'unassigned');

CREATE TYPE outbox_status AS ENUM ('queued', 'sent', 'failed');

CREATE TABLE notification_outbox (
    id               uuid               PRIMARY KEY DEFAULT gen_random_uuid(),
    event            notification_event NOT NULL,
    -- The preference it is sent under; NULL for invitations and reset links,
    -- which are no subscription.
    topic            notification_topic,
    -- NULL for an invitation: the person has no account yet.
    recipient_id     uuid               REFERENCES users (id) ON DELETE CASCADE,
    email            varchar(320)       NOT NULL,
    issue_id         uuid               REFERENCES issues (id) ON DELETE CASCADE,
    -- Who did it, as pages name them.
    actor_name       text               NOT NULL DEFAULT '' CHECK (length(actor_name) <= 320),
    -- Public text the message quotes: a reply, resolution notes. Never an
    -- internal note.
    detail           text,
    -- An invitation's or reset's one-time link; cleared once sent (only its
    -- hash is kept in verification_tokens).
    link             text,
    status           outbox_status      NOT NULL DEFAULT 'queued',
    attempts         integer            NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz        NOT NULL DEFAULT now(),
    -- The instance sending it, until when; both NULL when nobody holds it.
    claimed_by       uuid,
    claim_expires_at timestamptz,
    last_error       text               CHECK (length(last_error) <= 2000),
    created_at       timestamptz        NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    CONSTRAINT notification_outbox_claim_whole
        CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL)),
    CONSTRAINT notification_outbox_sent_has_time
        CHECK (status <> 'sent' OR sent_at IS NOT NULL),
    CONSTRAINT notification_outbox_issue_events
        CHECK ((issue_id IS NULL) = (event IN ('invitation', 'password_reset')))
);

-- The workers' claim: due queued rows, oldest due first.
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at)
    WHERE status = 'queued';
-- /admin/notifications, newest first, whole or by status, keyset-paginated.
CREATE INDEX notification_outbox_created_idx ON notification_outbox (created_at DESC, id DESC);
CREATE INDEX notification_outbox_status_created_idx
    ON notification_outbox (status, created_at DESC, id DESC);
-- Deleting an issue or a user removes their rows.
CREATE INDEX notification_outbox_issue_idx ON notification_outbox (issue_id);
CREATE INDEX notification_outbox_recipient_idx ON notification_outbox (recipient_id);

-- A person's choices; a topic without a row has its default (see
-- domain::notifications).
CREATE TABLE notification_preferences (
    user_id    uuid               NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      notification_topic NOT NULL,
    enabled    boolean            NOT NULL,
    updated_at timestamptz        NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, topic)
);

-- Finding the agents who chose to hear about a topic.
CREATE INDEX notification_preferences_enabled_idx ON notification_preferences (topic, user_id)
    WHERE enabled;

-- An issue's followers: the distinct authors of its public replies, found
-- one index probe per author however long the conversation.
CREATE INDEX comments_issue_author_public_idx ON comments (issue_id, author_id)
    WHERE NOT is_internal;

-- An admin retrying a failed message is an audited change.
ALTER TYPE audit_kind ADD VALUE 'notification';
