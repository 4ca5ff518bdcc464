//! One module per table: `Row` structs, insertable `New*` structs,
//! changesets and the synchronous functions that read and write them.
//! Lookups by id return `NotFound` when missing; lookups by a natural key
//! that may well be absent (e-mail, slug, token hash, …) return `Option`.

pub mod accounts;
pub mod admin_audit;
pub mod comments;
pub mod customers;
pub mod doc_feedback;
pub mod doc_impressions;
pub mod docs;
pub mod enums;
pub mod environments;
pub mod issue_activities;
pub mod issues;
pub mod login_attempts;
pub mod notification_events;
pub mod notification_outbox;
pub mod notification_preferences;
pub mod planes;
pub mod resolutions;
pub mod sessions;
pub mod users;
pub mod verification_tokens;
pub mod write_counts;
