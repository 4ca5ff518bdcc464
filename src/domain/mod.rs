//! Rules and validated types: form parsing, the ticket rules (permission,
//! lifecycle, changes and their activity wording); no actix, no database
//! calls.

pub mod admin_customers;
pub mod admin_docs;
pub mod admin_docs_import;
pub mod admin_planes;
pub mod admin_users;
pub mod analytics;
pub mod audit;
pub mod form_errors;
pub mod form_pairs;
pub mod issue_form;
pub mod text;
pub mod ticket;
