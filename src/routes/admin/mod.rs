//! The admin area.

pub mod customers;
pub mod invitations;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(invitations::configure)
        .configure(users::configure)
        .configure(customers::configure);
}
