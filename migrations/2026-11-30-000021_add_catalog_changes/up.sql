-- A change counter (as in migration 000005) for what the doc analytics
-- name beside their figures: doc titles, URLs and types, and the planes'
-- context fields and options. The analytics pages keep computed figures
-- while the rollups' refresh time and these counters read the same, so a
-- renamed doc or option shows at once, not after the next refresh.
CREATE SEQUENCE catalog_changes;

CREATE TRIGGER docs_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON docs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('catalog_changes');
CREATE TRIGGER plane_contexts_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plane_contexts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('catalog_changes');
CREATE TRIGGER plane_context_options_bump_changes
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plane_context_options
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('catalog_changes');
