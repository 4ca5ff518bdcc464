-- Per-user write limits (issues filed, replies, doc feedback clicks), in
-- PostgreSQL so they hold across instances: one row per user, action and
-- one-hour window, bumped before the write (a refused or failed write
-- takes its count back; see auth::write_limits).
CREATE TABLE write_counts (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action varchar(20) NOT NULL CHECK (action IN ('issue', 'reply', 'feedback')),
    window_start timestamptz NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (user_id, action, window_start)
);
-- The sweeper deletes past windows.
CREATE INDEX write_counts_window_start_idx ON write_counts (window_start);
