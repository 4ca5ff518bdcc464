-- Indexes for the agent queue's views. "Open" work is status open or
-- in_progress: two values whose rows an ordinary (status, created_at) index
-- cannot return in one created_at order, so the views get partial indexes.

-- View "All open", newest or recently updated first.
CREATE INDEX issues_active_created_idx ON issues (created_at DESC, id DESC)
    WHERE status IN ('open', 'in_progress');
CREATE INDEX issues_active_updated_idx ON issues (updated_at DESC, id DESC)
    WHERE status IN ('open', 'in_progress');
-- View "Mine": an agent's open work.
CREATE INDEX issues_assignee_active_created_idx ON issues (assignee_id, created_at DESC, id DESC)
    WHERE status IN ('open', 'in_progress');
-- Sort by priority (high first), newest first within a priority.
CREATE INDEX issues_priority_sort_idx ON issues (priority DESC, created_at DESC, id DESC);
