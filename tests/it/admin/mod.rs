//! The admin area, one file per page group, as `routes/admin/` is laid out.

mod customers;
mod users;
