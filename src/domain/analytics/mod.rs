//! Analytics definitions shared by the admin's analytics pages and their
//! CSV downloads: the filters every page reads from its query string
//! ([`filters`]), ISO weeks and the open-backlog age buckets ([`periods`]),
//! and how figures are written ([`format`]), so a page and its CSV can
//! never disagree on a number's wording; the doc analytics' own
//! definitions and table orders ([`docs`]). Pure: no database, no HTTP.

pub mod docs;
pub mod filters;
pub mod format;
pub mod periods;

pub use filters::{Filters, Notice};
pub use periods::{AgeBucket, week_label, week_start};
