-- Agents search a ticket's title, description and comments as one
-- document, so that a single indexed predicate on issues lets the planner
-- choose between the full-text index (rare words) and walking the sort
-- order (common words), and keyset pages reach the last match.
-- issues.comment_search holds the words of the ticket's comments, kept by
-- statement triggers on comments (one UPDATE per statement, bulk loads
-- included).

-- Adding words to a ticket is not an edit of it: updated_at is bumped only
-- by writes to the ticket's own columns. A column added to issues later
-- must be added to this list.
DROP TRIGGER issues_set_updated_at ON issues;
CREATE TRIGGER issues_set_updated_at
    BEFORE UPDATE OF id, number, customer_id, environment_id, created_by_id, assignee_id,
        submitter_handle, primary_plane_id, title, description, pipeline_url, status,
        priority, category, lock_version, resolved_at, closed_at, created_at, updated_at,
        submit_token
    ON issues
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE AGGREGATE tsvector_agg(tsvector) (
    SFUNC = tsvector_concat,
    STYPE = tsvector,
    INITCOND = ''
);

ALTER TABLE issues ADD COLUMN comment_search tsvector NOT NULL DEFAULT '';

UPDATE issues i SET comment_search = c.words
FROM (SELECT issue_id, tsvector_agg(search ORDER BY created_at, id) AS words
      FROM comments GROUP BY issue_id) c
WHERE i.id = c.issue_id;

CREATE INDEX issues_full_search_idx ON issues USING gin ((search || comment_search));

-- New comments add their words. A tsvector holds at most 1 MB: a ticket
-- whose words no longer fit keeps what it has, and the comment is saved.
CREATE FUNCTION comments_add_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        UPDATE issues i SET comment_search = i.comment_search || c.words
        FROM (SELECT issue_id, tsvector_agg(search ORDER BY created_at, id) AS words
              FROM new_comments GROUP BY issue_id) c
        WHERE i.id = c.issue_id;
    EXCEPTION WHEN program_limit_exceeded THEN
        NULL;
    END;
    RETURN NULL;
END;
$$;

-- An edited or deleted comment: the ticket's comment words are recounted.
CREATE FUNCTION comments_recount_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        UPDATE issues i
        SET comment_search = (SELECT coalesce(tsvector_agg(c.search ORDER BY c.created_at, c.id), '')
                              FROM comments c WHERE c.issue_id = i.id)
        WHERE i.id IN (SELECT issue_id FROM changed_comments);
    EXCEPTION WHEN program_limit_exceeded THEN
        NULL;
    END;
    RETURN NULL;
END;
$$;

CREATE TRIGGER comments_add_words
    AFTER INSERT ON comments REFERENCING NEW TABLE AS new_comments
    FOR EACH STATEMENT EXECUTE FUNCTION comments_add_words();
CREATE TRIGGER comments_recount_after_update
    AFTER UPDATE ON comments REFERENCING NEW TABLE AS changed_comments
    FOR EACH STATEMENT EXECUTE FUNCTION comments_recount_words();
CREATE TRIGGER comments_recount_after_delete
    AFTER DELETE ON comments REFERENCING OLD TABLE AS changed_comments
    FOR EACH STATEMENT EXECUTE FUNCTION comments_recount_words();
