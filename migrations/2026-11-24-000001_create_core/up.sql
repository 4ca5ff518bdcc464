-- Core schema for supportdesk: tenants, users and auth, planes and their
-- context fields, tickets with their comments/activity/resolutions, and the
-- documentation catalog with its feedback. Merged from the two seed schemas
-- (Support App + SupportDesk); see DESIGN.md, "Data model".
--
-- Conventions: UUID keys from gen_random_uuid() (built in since PostgreSQL 13,
-- so no extension is needed), every timestamp is timestamptz NOT NULL
-- DEFAULT now(), and updated_at is maintained by a trigger so that no code
-- path can forget it.

------------------------------------------------------------------------------
-- Enum types
------------------------------------------------------------------------------

CREATE TYPE user_role      AS ENUM ('admin', 'agent', 'customer');
CREATE TYPE env_type       AS ENUM ('dev', 'qa', 'staging', 'production');
CREATE TYPE issue_status   AS ENUM ('open', 'in_progress', 'resolved', 'closed');
CREATE TYPE issue_priority AS ENUM ('low', 'medium', 'high');
CREATE TYPE issue_category AS ENUM ('technical_issue', 'billing', 'feature_request', 'general_inquiry');
CREATE TYPE field_type     AS ENUM ('single_select', 'multi_select', 'text');
-- Diataxis documentation types; 'how-to' keeps the hyphen used in the seed data.
CREATE TYPE doc_type       AS ENUM ('how-to', 'explanation', 'reference', 'tutorial');
CREATE TYPE token_purpose  AS ENUM ('email_verification', 'invitation', 'password_reset');

------------------------------------------------------------------------------
-- Trigger functions
------------------------------------------------------------------------------

-- Bumps updated_at on every UPDATE, unless the statement itself set a new
-- value (lets the demo seeder and imports write realistic history).
-- Compares only updated_at: in a BEFORE trigger the generated tsvector
-- columns of NEW are still NULL, so a whole-row comparison would be useless.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

-- issue_activities is an append-only audit log. DELETE stays allowed so that
-- deleting a ticket can cascade. The one UPDATE allowed is the one
-- PostgreSQL itself issues for actor_id ... ON DELETE SET NULL when a user is
-- deleted: actor_id becomes NULL and nothing else changes.
CREATE FUNCTION issue_activities_reject_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor_id IS NULL
       AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'issue_activities is append-only: UPDATE is not allowed';
END;
$$;

------------------------------------------------------------------------------
-- Tenants
------------------------------------------------------------------------------

CREATE TABLE customers (
    id         uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    name       varchar(255) NOT NULL UNIQUE,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now()
);
CREATE TRIGGER customers_set_updated_at BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- E-mail domains that map to a customer, for OAuth self sign-up
-- (the domain of a verified e-mail picks the customer). Stored lower-case so
-- the lookup is a plain equality on the primary key.
CREATE TABLE customer_domains (
    domain      varchar(253) PRIMARY KEY
                CHECK (domain = lower(domain) AND domain <> ''),
    customer_id uuid         NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  timestamptz  NOT NULL DEFAULT now()
);
-- Admin page "domains of this customer"; also the FK cascade.
CREATE INDEX customer_domains_customer_id_idx ON customer_domains (customer_id);

CREATE TABLE environments (
    id          uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id uuid         NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    name        varchar(255) NOT NULL,
    env_type    env_type     NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    -- Also serves "environments of customer X" (leading column).
    UNIQUE (customer_id, name),
    -- Target of issues' composite FK: an issue's environment must belong to
    -- the issue's customer, enforced by the database, not only by the form.
    UNIQUE (id, customer_id)
);
CREATE TRIGGER environments_set_updated_at BEFORE UPDATE ON environments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

------------------------------------------------------------------------------
-- Users and authentication
------------------------------------------------------------------------------

CREATE TABLE users (
    -- E-mail is stored lower-case so the UNIQUE index is case-insensitive in
    -- effect and sign-in is an equality lookup.
    id                uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    email             varchar(320) NOT NULL UNIQUE
                      CHECK (email = lower(email) AND position('@' in email) > 1),
    name              varchar(255) NOT NULL DEFAULT '',
    role              user_role    NOT NULL DEFAULT 'customer',
    customer_id       uuid         NULL REFERENCES customers (id) ON DELETE RESTRICT,
    -- Chat handle (the seed's "submitter handle"), copied onto issues.
    chat_handle       varchar(255) NULL,
    -- NULL for OAuth-only users.
    password_hash     text         NULL,
    email_verified_at timestamptz  NULL,
    image_url         text         NULL,
    -- Disabled users cannot sign in; rows stay because tickets reference them.
    disabled_at       timestamptz  NULL,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at        timestamptz  NOT NULL DEFAULT now(),
    -- Customers belong to exactly one customer; staff belong to none.
    CONSTRAINT users_customer_matches_role
        CHECK ((role = 'customer') = (customer_id IS NOT NULL))
);
-- Admin user list filtered by role; agent pickers (role = 'agent').
CREATE INDEX users_role_idx ON users (role);
-- Users of a customer (admin page); also the FK RESTRICT check.
CREATE INDEX users_customer_id_idx ON users (customer_id);
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- OAuth identities linked to a user. No provider tokens: the app only needs
-- the identity at sign-in, so it keeps nothing that could be stolen.
CREATE TABLE accounts (
    id                  uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id             uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider            varchar(50)  NOT NULL,
    provider_account_id varchar(255) NOT NULL,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    -- OAuth callback: find the user by (provider, subject).
    UNIQUE (provider, provider_account_id)
);
-- Linked identities of a user; also the FK cascade.
CREATE INDEX accounts_user_id_idx ON accounts (user_id);

-- Server-side session store for actix-session. The primary key is the
-- SHA-256 of the session key: a leaked database dump yields no usable cookie.
CREATE TABLE sessions (
    key_hash            bytea       PRIMARY KEY,
    -- NULL for anonymous sessions (e.g. CSRF token or OAuth state before sign-in).
    user_id             uuid        NULL REFERENCES users (id) ON DELETE CASCADE,
    state               jsonb       NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- "Sign out everywhere" / disabling a user deletes their sessions.
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
-- Periodic sweep: DELETE ... WHERE idle_expires_at < now().
CREATE INDEX sessions_idle_expires_at_idx ON sessions (idle_expires_at);
CREATE TRIGGER sessions_set_updated_at BEFORE UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Single-use, expiring tokens for e-mail verification, invitations and
-- password resets. Only the hash is stored; the token itself is in the link.
CREATE TABLE verification_tokens (
    id            uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Redeeming a link looks the token up by its hash.
    token_hash    bytea         NOT NULL UNIQUE,
    purpose       token_purpose NOT NULL,
    email         varchar(320)  NOT NULL,
    -- Set for verification/reset; NULL for an invitation (no user yet).
    user_id       uuid          NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Invitations: the role and customer the new user gets.
    role          user_role     NULL,
    customer_id   uuid          NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_by_id uuid          NULL REFERENCES users (id) ON DELETE SET NULL,
    expires_at    timestamptz   NOT NULL,
    used_at       timestamptz   NULL,
    created_at    timestamptz   NOT NULL DEFAULT now()
);
-- Pending invitations / earlier tokens for an address (to list or revoke them).
CREATE INDEX verification_tokens_email_idx ON verification_tokens (email);

-- Sign-in throttling, kept in the database so every instance behind a load
-- balancer sees the same counters.
CREATE TABLE login_attempts (
    id           bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 'account': subject is the e-mail; 'address': subject is the client IP.
    scope        varchar(20)  NOT NULL CHECK (scope IN ('account', 'address')),
    subject      varchar(320) NOT NULL,
    attempted_at timestamptz  NOT NULL DEFAULT now()
);
-- COUNT(*) WHERE scope = $1 AND subject = $2 AND attempted_at > now() - window.
CREATE INDEX login_attempts_scope_subject_attempted_at_idx
    ON login_attempts (scope, subject, attempted_at);

------------------------------------------------------------------------------
-- Planes and their context fields
------------------------------------------------------------------------------

CREATE TABLE planes (
    id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    name          varchar(100) NOT NULL,
    -- Used in URLs and form field names (ctx.<slug>.<key>), hence the charset.
    slug          varchar(50)  NOT NULL UNIQUE
                  CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description   text         NULL,
    display_order int          NOT NULL DEFAULT 0,
    is_active     boolean      NOT NULL DEFAULT true,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now()
);
CREATE TRIGGER planes_set_updated_at BEFORE UPDATE ON planes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE plane_contexts (
    id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    plane_id      uuid         NOT NULL REFERENCES planes (id) ON DELETE CASCADE,
    -- Part of the form field name ctx.<plane slug>.<context key>.
    context_key   varchar(100) NOT NULL CHECK (context_key ~ '^[a-z0-9_]+$'),
    label         varchar(255) NOT NULL,
    field_type    field_type   NOT NULL DEFAULT 'single_select',
    is_required   boolean      NOT NULL DEFAULT false,
    display_order int          NOT NULL DEFAULT 0,
    help_text     text         NULL,
    is_active     boolean      NOT NULL DEFAULT true,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (plane_id, context_key)
);
-- The submission form: fields of a plane ORDER BY display_order.
CREATE INDEX plane_contexts_plane_id_display_order_idx
    ON plane_contexts (plane_id, display_order);
CREATE TRIGGER plane_contexts_set_updated_at BEFORE UPDATE ON plane_contexts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE plane_context_options (
    id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    plane_context_id uuid         NOT NULL REFERENCES plane_contexts (id) ON DELETE CASCADE,
    value            varchar(255) NOT NULL,
    label            varchar(255) NOT NULL,
    display_order    int          NOT NULL DEFAULT 0,
    is_active        boolean      NOT NULL DEFAULT true,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    -- Also serves "options of a context" and the submit-time check that a
    -- chosen value belongs to its context.
    UNIQUE (plane_context_id, value)
);

------------------------------------------------------------------------------
-- Issues (tickets)
------------------------------------------------------------------------------

CREATE TABLE issues (
    id               uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Human ticket number (#1042), shown in URLs: /issues/{number}.
    number           bigint         GENERATED ALWAYS AS IDENTITY (START WITH 1001)
                                    NOT NULL UNIQUE,
    customer_id      uuid           NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    environment_id   uuid           NOT NULL,
    created_by_id    uuid           NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    -- Deleting an agent unassigns their tickets.
    assignee_id      uuid           NULL REFERENCES users (id) ON DELETE SET NULL,
    submitter_handle varchar(255)   NOT NULL,
    primary_plane_id uuid           NOT NULL REFERENCES planes (id) ON DELETE RESTRICT,
    title            varchar(500)   NOT NULL,
    description      text           NOT NULL,
    pipeline_url     text           NULL,
    status           issue_status   NOT NULL DEFAULT 'open',
    priority         issue_priority NOT NULL DEFAULT 'medium',
    category         issue_category NOT NULL DEFAULT 'technical_issue',
    -- Optimistic locking: UPDATE ... WHERE id = $1 AND lock_version = $2,
    -- SET lock_version = lock_version + 1; zero rows means someone else won.
    lock_version     integer        NOT NULL DEFAULT 0,
    resolved_at      timestamptz    NULL,
    closed_at        timestamptz    NULL,
    created_at       timestamptz    NOT NULL DEFAULT now(),
    updated_at       timestamptz    NOT NULL DEFAULT now(),
    -- Full-text search for the queue and for suggesting similar issues:
    -- title matches rank above description matches.
    search           tsvector       GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                         setweight(to_tsvector('english', coalesce(description, '')), 'B')
                     ) STORED,
    -- The environment must belong to the issue's customer.
    FOREIGN KEY (environment_id, customer_id)
        REFERENCES environments (id, customer_id) ON DELETE RESTRICT
);
CREATE TRIGGER issues_set_updated_at BEFORE UPDATE ON issues
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Lists are keyset-paginated on (sort key, id), so each list's index ends in
-- (created_at DESC, id DESC) after its equality filters. These composites
-- replace the seed's single-column indexes on customer_id, status and
-- created_at DESC (each is a leading prefix of one below).

-- Queue "All" sorted newest first.
CREATE INDEX issues_created_at_id_idx ON issues (created_at DESC, id DESC);
-- Queue sorted by "recently updated".
CREATE INDEX issues_updated_at_id_idx ON issues (updated_at DESC, id DESC);
-- Queue filtered by status.
CREATE INDEX issues_status_created_at_id_idx
    ON issues (status, created_at DESC, id DESC);
-- "My tickets" (assignee = me, optionally by status); also the FK SET NULL.
CREATE INDEX issues_assignee_id_status_created_at_id_idx
    ON issues (assignee_id, status, created_at DESC, id DESC);
-- Queue "Unassigned": the open work nobody has picked up; small and hot.
CREATE INDEX issues_unassigned_created_at_id_idx
    ON issues (created_at DESC, id DESC)
    WHERE assignee_id IS NULL AND status IN ('open', 'in_progress');
-- Customer portal: /issues for the signed-in user's customer; also the FK.
CREATE INDEX issues_customer_id_created_at_id_idx
    ON issues (customer_id, created_at DESC, id DESC);
-- Customer portal / queue filtered by customer and status.
CREATE INDEX issues_customer_id_status_created_at_id_idx
    ON issues (customer_id, status, created_at DESC, id DESC);
-- Queue filtered by priority.
CREATE INDEX issues_priority_created_at_id_idx
    ON issues (priority, created_at DESC, id DESC);
-- Queue filtered by plane; "similar resolved issues in this plane"; also the FK.
CREATE INDEX issues_primary_plane_id_created_at_id_idx
    ON issues (primary_plane_id, created_at DESC, id DESC);
-- Queue filter and analytics by category.
CREATE INDEX issues_category_idx ON issues (category);
-- "Issues I filed"; also the FK RESTRICT check when deleting a user.
CREATE INDEX issues_created_by_id_idx ON issues (created_by_id);
-- Issues of an environment; also the FK RESTRICT check when deleting one.
CREATE INDEX issues_environment_id_idx ON issues (environment_id);
-- Full-text search (@@ websearch_to_tsquery).
CREATE INDEX issues_search_idx ON issues USING gin (search);
-- Resolved issues suggested while typing, newest resolution first; and
-- auto-closing resolved tickets after a grace period.
CREATE INDEX issues_resolved_at_idx ON issues (resolved_at DESC)
    WHERE status = 'resolved';

-- All planes of an issue: the primary (is_primary, mirrors
-- issues.primary_plane_id) and the secondary ones.
CREATE TABLE issue_planes (
    id         uuid    PRIMARY KEY DEFAULT gen_random_uuid(),
    issue_id   uuid    NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    plane_id   uuid    NOT NULL REFERENCES planes (id) ON DELETE RESTRICT,
    is_primary boolean NOT NULL DEFAULT false,
    -- Also serves "planes of an issue" (leading column).
    UNIQUE (issue_id, plane_id)
);
-- Queue filter "issues touching plane X" (incl. secondary); also the FK.
CREATE INDEX issue_planes_plane_id_issue_id_idx ON issue_planes (plane_id, issue_id);
-- At most one primary plane per issue.
CREATE UNIQUE INDEX issue_planes_one_primary_idx ON issue_planes (issue_id)
    WHERE is_primary;

-- Context values chosen on the form; a multi_select has one row per value.
CREATE TABLE issue_plane_contexts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    issue_id         uuid NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    plane_context_id uuid NOT NULL REFERENCES plane_contexts (id) ON DELETE RESTRICT,
    value            text NOT NULL,
    -- Also serves "context values of an issue" (leading column).
    UNIQUE (issue_id, plane_context_id, value)
);
-- Analytics and queue filter "issues where context X = value Y"; also the FK.
CREATE INDEX issue_plane_contexts_plane_context_id_value_idx
    ON issue_plane_contexts (plane_context_id, value);

-- Public replies and agent-only internal notes (is_internal).
CREATE TABLE comments (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    issue_id    uuid        NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    author_id   uuid        NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    body        text        NOT NULL CHECK (length(body) > 0),
    is_internal boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      tsvector    GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
-- Ticket detail: the conversation in order.
CREATE INDEX comments_issue_id_created_at_idx ON comments (issue_id, created_at);
-- Comments by a user; also the FK RESTRICT check.
CREATE INDEX comments_author_id_idx ON comments (author_id);
-- Analytics over time (e.g. first response time).
CREATE INDEX comments_created_at_idx ON comments (created_at);
-- Queue search also matches comment text.
CREATE INDEX comments_search_idx ON comments USING gin (search);
CREATE TRIGGER comments_set_updated_at BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Audit log of ticket changes, written in the same transaction as the change.
CREATE TABLE issue_activities (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    issue_id    uuid        NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    -- NULL for system actions and once the acting user is deleted.
    actor_id    uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    action      varchar(50) NOT NULL,
    field       varchar(50) NULL,
    from_value  text        NULL,
    to_value    text        NULL,
    description text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- Ticket detail: the activity timeline in order.
CREATE INDEX issue_activities_issue_id_created_at_idx
    ON issue_activities (issue_id, created_at);
-- Activity of a user; also the FK SET NULL.
CREATE INDEX issue_activities_actor_id_idx ON issue_activities (actor_id);
-- Analytics over time (e.g. time to first status change).
CREATE INDEX issue_activities_created_at_idx ON issue_activities (created_at);
CREATE TRIGGER issue_activities_append_only BEFORE UPDATE ON issue_activities
    FOR EACH ROW EXECUTE FUNCTION issue_activities_reject_update();

-- How an issue was resolved; required to resolve. An issue may collect
-- several (resolved, reopened, resolved again).
CREATE TABLE resolutions (
    id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    issue_id         uuid         NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    resolved_by_id   uuid         NULL REFERENCES users (id) ON DELETE SET NULL,
    -- The resolver's display name at the time (seed column); survives the
    -- user being renamed or deleted.
    resolved_by      varchar(255) NOT NULL,
    resolution_notes text         NOT NULL CHECK (length(btrim(resolution_notes)) > 0),
    resolved_at      timestamptz  NOT NULL DEFAULT now(),
    -- Resolution notes are suggested to customers typing a similar issue.
    search           tsvector     GENERATED ALWAYS AS (to_tsvector('english', resolution_notes)) STORED
);
-- Ticket detail: latest resolution first.
CREATE INDEX resolutions_issue_id_resolved_at_idx
    ON resolutions (issue_id, resolved_at DESC);
-- Suggesting similar resolved issues by text.
CREATE INDEX resolutions_search_idx ON resolutions USING gin (search);

------------------------------------------------------------------------------
-- Documentation catalog and feedback
------------------------------------------------------------------------------

-- The catalog that suggestions come from.
CREATE TABLE docs (
    id         uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    url        text         NOT NULL UNIQUE CHECK (url ~ '^https?://'),
    title      varchar(300) NOT NULL,
    doc_type   doc_type     NOT NULL,
    summary    text         NOT NULL DEFAULT '',
    is_active  boolean      NOT NULL DEFAULT true,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    -- Suggestions while the customer types: title matches rank first.
    search     tsvector     GENERATED ALWAYS AS (
                   setweight(to_tsvector('english', title), 'A') ||
                   setweight(to_tsvector('english', summary), 'B')
               ) STORED
);
-- Suggestions by text.
CREATE INDEX docs_search_idx ON docs USING gin (search);
-- Admin catalog filtered by Diataxis type.
CREATE INDEX docs_doc_type_idx ON docs (doc_type);
CREATE TRIGGER docs_set_updated_at BEFORE UPDATE ON docs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Planes a doc is about.
CREATE TABLE doc_planes (
    doc_id   uuid NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
    plane_id uuid NOT NULL REFERENCES planes (id) ON DELETE CASCADE,
    PRIMARY KEY (doc_id, plane_id)
);
-- Suggestions: docs of the chosen planes; also the FK cascade.
CREATE INDEX doc_planes_plane_id_idx ON doc_planes (plane_id);

-- A doc tagged with context values ranks first when the customer picks them.
CREATE TABLE doc_context_options (
    doc_id                  uuid NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
    plane_context_option_id uuid NOT NULL REFERENCES plane_context_options (id) ON DELETE CASCADE,
    PRIMARY KEY (doc_id, plane_context_option_id)
);
-- Suggestions: docs tagged with the chosen options; also the FK cascade.
CREATE INDEX doc_context_options_plane_context_option_id_idx
    ON doc_context_options (plane_context_option_id);

-- One row per "This solved it" / "Not relevant" click on a suggested doc.
-- doc_url and doc_type are copied so analytics survive the doc being removed
-- from the catalog (doc_id then becomes NULL).
CREATE TABLE doc_feedback (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    doc_id           uuid        NULL REFERENCES docs (id) ON DELETE SET NULL,
    doc_url          text        NOT NULL,
    doc_type         doc_type    NOT NULL,
    marked_helpful   boolean     NOT NULL,
    dismissed        boolean     NOT NULL DEFAULT false,
    -- Set once an issue is filed from the form the click came from.
    issue_id         uuid        NULL REFERENCES issues (id) ON DELETE SET NULL,
    user_id          uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    customer_id      uuid        NULL REFERENCES customers (id) ON DELETE SET NULL,
    primary_plane_id uuid        NULL REFERENCES planes (id) ON DELETE SET NULL,
    -- Random id of one rendering of the submission form, to link its clicks
    -- to the issue submitted from it.
    form_session_id  uuid        NULL,
    -- Snapshot of the form's context values at the time of the click.
    issue_context    jsonb       NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- A doc cannot be both helpful and dismissed.
    CHECK (NOT (marked_helpful AND dismissed))
);
-- Analytics per doc URL (seed index).
CREATE INDEX doc_feedback_doc_url_idx ON doc_feedback (doc_url);
-- Analytics per Diataxis type (seed index).
CREATE INDEX doc_feedback_doc_type_idx ON doc_feedback (doc_type);
-- Analytics per catalog doc over time; also the FK SET NULL.
CREATE INDEX doc_feedback_doc_id_created_at_idx ON doc_feedback (doc_id, created_at);
-- Analytics per plane over time; also the FK SET NULL.
CREATE INDEX doc_feedback_primary_plane_id_created_at_idx
    ON doc_feedback (primary_plane_id, created_at);
-- On submit: UPDATE ... SET issue_id WHERE form_session_id = $1 AND issue_id IS NULL.
CREATE INDEX doc_feedback_form_session_id_idx ON doc_feedback (form_session_id)
    WHERE issue_id IS NULL;
-- Feedback shown on the ticket; also the FK SET NULL.
CREATE INDEX doc_feedback_issue_id_idx ON doc_feedback (issue_id);
-- Analytics date ranges and CSV export.
CREATE INDEX doc_feedback_created_at_idx ON doc_feedback (created_at);
-- Analytics by context value: issue_context @> '{"cluster": "prod-1"}'.
CREATE INDEX doc_feedback_issue_context_idx ON doc_feedback
    USING gin (issue_context jsonb_path_ops);
