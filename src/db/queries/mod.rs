//! Read models spanning several tables (queue, analytics, search).
