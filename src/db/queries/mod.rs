//! Reads and writes that span several tables, one module per page area:
//! the agent queue and its cached directory of names (with the keyset
//! cursor the queue and the issue list page by), the issues
//! (issue form, suggestions, filing, the scoped issue list), the issue
//! page's one-statement read, and ticket changes with their activity rows.
pub mod admin_audit;
pub mod admin_customers;
pub mod admin_docs;
pub mod admin_docs_import;
pub mod admin_home;
pub mod admin_planes;
pub mod admin_users;
pub mod analytics_docs;
pub mod analytics_tickets;
pub mod cursor;
pub mod directory;
pub mod doc_rollups;
pub mod issue_detail;
pub mod issues;
pub mod like;
pub mod queue;
pub mod tickets;
