//! Validated types parsed from raw input; no actix, no database calls.

pub mod form_errors;
pub mod form_pairs;
pub mod issue_form;
pub mod lifecycle;
pub mod text;
