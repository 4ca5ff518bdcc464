//! Read models spanning several tables (queue, analytics, search).
pub mod directory;
pub mod issue_detail;
pub mod portal;
pub mod queue;
pub mod tickets;
