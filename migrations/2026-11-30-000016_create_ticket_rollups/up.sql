-- Ticket analytics rollups (/admin/analytics/tickets). Percentiles cannot be
-- added up, so no per-write counter can keep them: a refresh job
-- (db::queries::analytics_tickets::refresh) recomputes, from the raw
-- tables, the ISO weeks whose tickets changed, and takes a snapshot of the
-- open backlog; the page reads only these tables and says how old they are.
-- Rows whose plane_id / customer_id is the nil uuid (all zeros) are the
-- totals over every plane / every customer (GROUPING SETS), so each filter
-- combination is one primary-key range of at most a row per week. In the
-- per-agent tables a nil assignee_id is "unassigned".

-- Per ISO week (its Monday, UTC): issues created, resolved (by resolved_at),
-- first responses given (the first public comment by staff), and p50/p90 in
-- hours of first response and of resolution, attributed to the week the
-- response or resolution happened.
CREATE TABLE ticket_week_stats (
    plane_id              uuid    NOT NULL,
    customer_id           uuid    NOT NULL,
    week                  date    NOT NULL,
    created               integer NOT NULL,
    resolved              integer NOT NULL,
    first_responses       integer NOT NULL,
    first_response_p50_h  float8,
    first_response_p90_h  float8,
    resolution_p50_h      float8,
    resolution_p90_h      float8,
    -- Covering: the page's reads are index-only scans of one slice.
    PRIMARY KEY (plane_id, customer_id, week)
        INCLUDE (created, resolved, first_responses, first_response_p50_h,
                 first_response_p90_h, resolution_p50_h, resolution_p90_h)
);
CREATE INDEX ticket_week_stats_week_idx ON ticket_week_stats (week);

-- Issues resolved per week by their (current) assignee.
CREATE TABLE ticket_week_agent_stats (
    plane_id     uuid    NOT NULL,
    customer_id  uuid    NOT NULL,
    week         date    NOT NULL,
    assignee_id  uuid    NOT NULL,
    resolved     integer NOT NULL,
    PRIMARY KEY (plane_id, customer_id, week, assignee_id) INCLUDE (resolved)
);
CREATE INDEX ticket_week_agent_stats_week_idx ON ticket_week_agent_stats (week);

-- The open backlog (open and in progress) at the last snapshot, by age
-- bucket (domain::analytics::AgeBucket, 0 = under a day).
CREATE TABLE ticket_backlog_stats (
    plane_id     uuid     NOT NULL,
    customer_id  uuid     NOT NULL,
    bucket       smallint NOT NULL,
    open         integer  NOT NULL,
    PRIMARY KEY (plane_id, customer_id, bucket) INCLUDE (open)
);

-- Open issues per assignee at the last snapshot.
CREATE TABLE ticket_open_agent_stats (
    plane_id     uuid    NOT NULL,
    customer_id  uuid    NOT NULL,
    assignee_id  uuid    NOT NULL,
    open         integer NOT NULL,
    PRIMARY KEY (plane_id, customer_id, assignee_id) INCLUDE (open)
);

-- When the rollups were last brought up to date, and the issue change
-- counter (migration 000005) the backlog snapshot was taken at.
CREATE TABLE ticket_stats_state (
    id              boolean     PRIMARY KEY DEFAULT true CHECK (id),
    refreshed_at    timestamptz,
    backlog_at      timestamptz,
    backlog_marker  bigint      NOT NULL DEFAULT -1
);
INSERT INTO ticket_stats_state DEFAULT VALUES;

-- Weeks to recompute, appended in the same transaction as the write that
-- changes them. An append-only log, not a set: the job deletes exactly the
-- rows it read, so a write that commits while the job recomputes leaves its
-- row for the next run (a set with ON CONFLICT DO NOTHING could lose it).
CREATE TABLE ticket_stats_dirty (
    id    bigserial PRIMARY KEY,
    week  date      NOT NULL
);

CREATE FUNCTION ticket_week(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_trunc('week', at AT TIME ZONE 'UTC')::date
$$;

-- Inserted and deleted issues (per statement, so a bulk load appends each
-- week once): the weeks they were created and resolved in. Their comments
-- have triggers of their own.
CREATE FUNCTION ticket_stats_mark_issues() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_stats_dirty (week)
        SELECT DISTINCT w FROM new_issues,
            LATERAL (VALUES (ticket_week(created_at)), (ticket_week(resolved_at))) v(w)
        WHERE w IS NOT NULL;
    ELSE
        INSERT INTO ticket_stats_dirty (week)
        SELECT DISTINCT w FROM old_issues,
            LATERAL (VALUES (ticket_week(created_at)), (ticket_week(resolved_at))) v(w)
        WHERE w IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER issues_ticket_stats_insert
    AFTER INSERT ON issues REFERENCING NEW TABLE AS new_issues
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_stats_mark_issues();
CREATE TRIGGER issues_ticket_stats_delete
    AFTER DELETE ON issues REFERENCING OLD TABLE AS old_issues
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_stats_mark_issues();

-- An update that changes what an issue counts for: the weeks it was and is
-- created and resolved in, and when its plane or customer moves, the weeks
-- of its public comments. Row by row, with a column list and WHEN, so every
-- other update (the comment words each new comment writes, status and
-- priority changes that resolve nothing) calls nothing and captures nothing.
CREATE FUNCTION ticket_stats_mark_issue_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_stats_dirty (week)
    SELECT DISTINCT w FROM (
        VALUES (ticket_week(OLD.created_at)), (ticket_week(NEW.created_at)),
               (ticket_week(OLD.resolved_at)), (ticket_week(NEW.resolved_at))
        UNION ALL
        SELECT ticket_week(c.created_at) FROM comments c
        WHERE (OLD.primary_plane_id, OLD.customer_id)
              IS DISTINCT FROM (NEW.primary_plane_id, NEW.customer_id)
          AND c.issue_id = NEW.id AND NOT c.is_internal
    ) v(w)
    WHERE w IS NOT NULL;
    RETURN NULL;
END;
$$;

CREATE TRIGGER issues_ticket_stats_update
    AFTER UPDATE OF created_at, resolved_at, primary_plane_id, customer_id, assignee_id
    ON issues FOR EACH ROW
    WHEN ((OLD.created_at, OLD.resolved_at, OLD.primary_plane_id, OLD.customer_id, OLD.assignee_id)
          IS DISTINCT FROM
          (NEW.created_at, NEW.resolved_at, NEW.primary_plane_id, NEW.customer_id, NEW.assignee_id))
    EXECUTE FUNCTION ticket_stats_mark_issue_update();

-- Public comments may be (or stop being) a first response: their weeks.
CREATE FUNCTION ticket_stats_mark_comments() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_stats_dirty (week)
        SELECT DISTINCT ticket_week(created_at) FROM new_comments WHERE NOT is_internal;
    ELSE
        INSERT INTO ticket_stats_dirty (week)
        SELECT DISTINCT ticket_week(created_at) FROM old_comments WHERE NOT is_internal;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER comments_ticket_stats_insert
    AFTER INSERT ON comments REFERENCING NEW TABLE AS new_comments
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_stats_mark_comments();
CREATE TRIGGER comments_ticket_stats_delete
    AFTER DELETE ON comments REFERENCING OLD TABLE AS old_comments
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_stats_mark_comments();

-- A comment moved in time, made internal or public, or given another
-- author or issue (an edited body changes nothing here).
CREATE FUNCTION ticket_stats_mark_comment_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_stats_dirty (week)
    SELECT DISTINCT w FROM (VALUES (ticket_week(OLD.created_at)), (ticket_week(NEW.created_at))) v(w);
    RETURN NULL;
END;
$$;

CREATE TRIGGER comments_ticket_stats_update
    AFTER UPDATE OF created_at, is_internal, author_id, issue_id ON comments FOR EACH ROW
    WHEN ((OLD.created_at, OLD.is_internal, OLD.author_id, OLD.issue_id)
          IS DISTINCT FROM (NEW.created_at, NEW.is_internal, NEW.author_id, NEW.issue_id))
    EXECUTE FUNCTION ticket_stats_mark_comment_update();

-- "By staff" is the author's role: a user who becomes (or stops being) staff
-- changes which of their public comments are first responses.
CREATE FUNCTION ticket_stats_mark_user_role() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_stats_dirty (week)
    SELECT DISTINCT ticket_week(c.created_at) FROM comments c
    WHERE c.author_id = NEW.id AND NOT c.is_internal;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_ticket_stats_update
    AFTER UPDATE OF role ON users FOR EACH ROW
    WHEN ((OLD.role IN ('agent', 'admin')) IS DISTINCT FROM (NEW.role IN ('agent', 'admin')))
    EXECUTE FUNCTION ticket_stats_mark_user_role();

-- Every week that already has tickets is computed on the first refresh.
INSERT INTO ticket_stats_dirty (week)
SELECT DISTINCT w FROM (
    SELECT ticket_week(created_at) FROM issues
    UNION SELECT ticket_week(resolved_at) FROM issues WHERE resolved_at IS NOT NULL
    UNION SELECT ticket_week(created_at) FROM comments WHERE NOT is_internal
) v(w);

-- The refresh finds a week's resolutions by resolved_at (closed issues keep
-- theirs; the older index covers status 'resolved' only).
CREATE INDEX issues_resolved_at_any_idx ON issues (resolved_at) WHERE resolved_at IS NOT NULL;
