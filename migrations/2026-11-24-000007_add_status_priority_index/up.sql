-- "Open, high priority, newest first" is the queue's most common filter.
-- Without an index on both, the planner walks the newest tickets and skips
-- those that do not match; when the newest are all untriaged (medium), as
-- after a burst of new tickets, that walk is long (62 ms past 14,000
-- tickets on the benchmark data). The (priority, created_at, id) index it
-- replaces is redundant: issues_priority_sort_idx has the same columns and
-- serves "priority = X, newest first" just as well.
DROP INDEX issues_priority_created_at_id_idx;
CREATE INDEX issues_status_priority_created_idx
    ON issues (status, priority, created_at DESC, id DESC);
