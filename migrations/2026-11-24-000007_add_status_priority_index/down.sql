DROP INDEX issues_status_priority_created_idx;
CREATE INDEX issues_priority_created_at_id_idx
    ON issues (priority, created_at DESC, id DESC);
