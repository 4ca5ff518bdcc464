//! Read models spanning several tables (queue, analytics, search).
pub mod portal;
