-- What the issue form showed, so that doc analytics can say how often a
-- doc was suggested and not only how often it was clicked (DESIGN.md,
-- "Admin": a form session is one rendering of the submission form, counted
-- once however often its suggestions refresh).
--
-- form_sessions: one row per rendering of the form (its form_session_id),
-- written when the form is first shown, with what the analytics filter
-- by: the customer and the primary plane chosen (the latest one; it
-- becomes the issue's when the form is filed), and the issue filed from it.
-- doc_impressions: one row per (form session, doc suggested), with the
-- best (lowest) rank the doc reached and when it was first shown. The form
-- writes both in one statement per refresh of its suggestions; a refresh
-- that shows nothing new writes nothing.

CREATE TABLE form_sessions (
    -- The form's hidden form_session_id, also on doc_feedback rows.
    id               uuid        PRIMARY KEY,
    customer_id      uuid        NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- Who rendered the form; only they may add to it.
    user_id          uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    -- NULL until an area is chosen.
    primary_plane_id uuid        NULL REFERENCES planes (id) ON DELETE SET NULL,
    -- Set in the transaction that files the issue.
    issue_id         uuid        NULL REFERENCES issues (id) ON DELETE SET NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER form_sessions_set_updated_at BEFORE UPDATE ON form_sessions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
-- Analytics by the day a session started; the refresh of changed days.
CREATE INDEX form_sessions_started_at_idx ON form_sessions (started_at);
CREATE INDEX form_sessions_updated_at_idx ON form_sessions (updated_at);
-- The foreign keys' ON DELETE actions.
CREATE INDEX form_sessions_customer_id_idx ON form_sessions (customer_id);
CREATE INDEX form_sessions_user_id_idx ON form_sessions (user_id);
CREATE INDEX form_sessions_primary_plane_id_idx ON form_sessions (primary_plane_id);
CREATE INDEX form_sessions_issue_id_idx ON form_sessions (issue_id) WHERE issue_id IS NOT NULL;

CREATE TABLE doc_impressions (
    form_session_id uuid        NOT NULL REFERENCES form_sessions (id) ON DELETE CASCADE,
    doc_id          uuid        NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
    -- 1 = first suggestion. NULL: the doc was clicked in a session whose
    -- suggestions were not recorded (feedback from before this table).
    best_rank       smallint    NULL CHECK (best_rank >= 1),
    first_shown_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (form_session_id, doc_id)
);
-- The refresh of changed days; the foreign key's cascade from docs.
CREATE INDEX doc_impressions_first_shown_at_idx ON doc_impressions (first_shown_at);
CREATE INDEX doc_impressions_doc_id_idx ON doc_impressions (doc_id);

-- A session's clicks, filed or not (analytics read them per session and
-- doc); also serves filing's UPDATE ... WHERE form_session_id = $1 AND
-- issue_id IS NULL, which the partial index it replaces served alone.
CREATE INDEX doc_feedback_form_session_id_doc_id_idx ON doc_feedback (form_session_id, doc_id);
DROP INDEX doc_feedback_form_session_id_idx;

-- Every click belongs to a form session, and a clicked doc was shown in
-- it: whoever writes feedback (the form, the demo seed, the load
-- generator, a form rendered before this table existed), its session and
-- impressions exist afterwards. A click carrying an issue (as seed data
-- does) links its session to that issue. Sessions keep their owner: a
-- click by someone else adds nothing to another's session.
CREATE FUNCTION doc_feedback_record_session() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Dated by the clicks (the seed writes past ones), not by now().
    INSERT INTO form_sessions AS s (id, customer_id, user_id, primary_plane_id, issue_id,
                                    started_at, updated_at)
    SELECT DISTINCT ON (n.form_session_id)
           n.form_session_id, n.customer_id, n.user_id, n.primary_plane_id, n.issue_id,
           n.created_at, max(n.created_at) OVER (PARTITION BY n.form_session_id)
    FROM new_feedback n
    WHERE n.form_session_id IS NOT NULL AND n.customer_id IS NOT NULL
    ORDER BY n.form_session_id, n.created_at
    ON CONFLICT (id) DO UPDATE SET issue_id = EXCLUDED.issue_id
        WHERE s.issue_id IS NULL AND EXCLUDED.issue_id IS NOT NULL
          AND s.user_id IS NOT DISTINCT FROM EXCLUDED.user_id;
    INSERT INTO doc_impressions (form_session_id, doc_id, first_shown_at)
    SELECT n.form_session_id, n.doc_id, min(n.created_at)
    FROM new_feedback n
    JOIN form_sessions s ON s.id = n.form_session_id
                        AND s.user_id IS NOT DISTINCT FROM n.user_id
    WHERE n.doc_id IS NOT NULL
    GROUP BY n.form_session_id, n.doc_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER doc_feedback_record_session
    AFTER INSERT ON doc_feedback REFERENCING NEW TABLE AS new_feedback
    FOR EACH STATEMENT EXECUTE FUNCTION doc_feedback_record_session();

-- The feedback recorded so far, as the trigger would have: its sessions
-- (started at their first click) and the docs clicked in them.
INSERT INTO form_sessions (id, customer_id, user_id, primary_plane_id, issue_id, started_at,
                           updated_at)
SELECT DISTINCT ON (f.form_session_id)
       f.form_session_id, f.customer_id, f.user_id, f.primary_plane_id,
       (SELECT g.issue_id FROM doc_feedback g
         WHERE g.form_session_id = f.form_session_id AND g.issue_id IS NOT NULL LIMIT 1),
       f.created_at, max(f.created_at) OVER (PARTITION BY f.form_session_id)
FROM doc_feedback f
WHERE f.form_session_id IS NOT NULL AND f.customer_id IS NOT NULL
ORDER BY f.form_session_id, f.created_at;
INSERT INTO doc_impressions (form_session_id, doc_id, first_shown_at)
SELECT f.form_session_id, f.doc_id, min(f.created_at)
FROM doc_feedback f
JOIN form_sessions s ON s.id = f.form_session_id AND s.user_id IS NOT DISTINCT FROM f.user_id
WHERE f.doc_id IS NOT NULL
GROUP BY f.form_session_id, f.doc_id;

------------------------------------------------------------------------------
-- Daily rollups of the doc analytics (/admin/analytics/docs), recomputed a
-- day at a time from the tables above by db::queries::doc_rollups (why a
-- refresh rather than counters: see that module). Every figure is filed
-- under the UTC day its form session started, its customer and its
-- primary plane. The nil id stands for "every customer" in customer_id
-- (rows holding the day's totals, so an unfiltered range reads few rows)
-- and for "no area chosen" in plane_id, so that the keys have no NULLs.
-- No foreign keys: these are figures, rebuilt from what they summarise.
------------------------------------------------------------------------------

-- When the rollups last read the tables: the start of the refresh's
-- transaction. NULL: never, so the next refresh rebuilds every day.
CREATE TABLE doc_rollup_state (
    id           boolean     PRIMARY KEY DEFAULT true CHECK (id),
    refreshed_at timestamptz NULL
);
INSERT INTO doc_rollup_state DEFAULT VALUES;

-- Form sessions: all of them, those shown at least one doc, those deflected
-- (a doc marked helpful, no issue filed) and those that filed an issue.
CREATE TABLE doc_rollup_sessions (
    customer_id uuid NOT NULL,
    day         date NOT NULL,
    plane_id    uuid NOT NULL,
    sessions    int  NOT NULL,
    shown       int  NOT NULL,
    deflected   int  NOT NULL,
    filed       int  NOT NULL,
    PRIMARY KEY (customer_id, day, plane_id)
);
-- The refresh replaces whole days.
CREATE INDEX doc_rollup_sessions_day_idx ON doc_rollup_sessions (day);

-- Per doc: form sessions that showed it, marked it helpful, dismissed it,
-- and marked it helpful yet filed.
CREATE TABLE doc_rollup_docs (
    customer_id         uuid NOT NULL,
    day                 date NOT NULL,
    plane_id            uuid NOT NULL,
    doc_id              uuid NOT NULL,
    shown               int  NOT NULL,
    helpful             int  NOT NULL,
    dismissed           int  NOT NULL,
    filed_after_helpful int  NOT NULL,
    PRIMARY KEY (customer_id, day, plane_id, doc_id)
);
CREATE INDEX doc_rollup_docs_day_idx ON doc_rollup_docs (day);

-- Per option of a context field: deflected form sessions whose snapshot
-- (of their latest helpful click) had it, issues filed from form sessions
-- with it, and of those the ones whose session had no doc marked helpful.
CREATE TABLE doc_rollup_contexts (
    customer_id    uuid NOT NULL,
    day            date NOT NULL,
    plane_id       uuid NOT NULL,
    context_id     uuid NOT NULL,
    value          text NOT NULL,
    deflected      int  NOT NULL,
    filed          int  NOT NULL,
    filed_unhelped int  NOT NULL,
    PRIMARY KEY (customer_id, day, plane_id, context_id, value)
);
CREATE INDEX doc_rollup_contexts_day_idx ON doc_rollup_contexts (day);
