-- The doc analytics read a customer's (or everyone's, the zero customer)
-- rollup rows over a range of days. The rows of one customer lie on
-- pages of their own, so a whole-range read of everyone's rows fetched
-- one heap page per row (20,000 pages for 24,000 rows at a million
-- issues, 157 ms); these indexes hold every column the reads need, so
-- they scan the index alone (the page's reads went from 370 to 65 ms).
CREATE INDEX doc_rollup_docs_covering_idx ON doc_rollup_docs (customer_id, day)
    INCLUDE (plane_id, doc_id, shown, helpful, dismissed, filed_after_helpful);
CREATE INDEX doc_rollup_sessions_covering_idx ON doc_rollup_sessions (customer_id, day)
    INCLUDE (plane_id, sessions, shown, deflected, filed);
CREATE INDEX doc_rollup_contexts_covering_idx ON doc_rollup_contexts (customer_id, day)
    INCLUDE (plane_id, context_id, value, deflected, filed, filed_unhelped);
