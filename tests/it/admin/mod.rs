//! The admin area, one file per page group, as `routes/admin/` is laid out.

mod analytics_docs;
mod analytics_tickets;
mod audit;
mod customers;
mod docs;
mod home;
mod import;
mod journey;
mod plane_fields;
mod planes;
mod users;
