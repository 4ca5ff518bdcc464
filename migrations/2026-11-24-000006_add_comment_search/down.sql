DROP TRIGGER comments_recount_after_delete ON comments;
DROP TRIGGER comments_recount_after_update ON comments;
DROP TRIGGER comments_add_words ON comments;
DROP FUNCTION comments_recount_words();
DROP FUNCTION comments_add_words();
DROP INDEX issues_full_search_idx;
ALTER TABLE issues DROP COLUMN comment_search;
DROP AGGREGATE tsvector_agg(tsvector);
DROP TRIGGER issues_set_updated_at ON issues;
CREATE TRIGGER issues_set_updated_at BEFORE UPDATE ON issues
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
