//! The admin area, one file per page group, as `routes/admin/` is laid out.

mod audit;
mod customers;
mod docs;
mod home;
mod import;
mod planes;
mod users;
