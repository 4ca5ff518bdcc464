//! The admin area.

pub mod customers;
pub mod invitations;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(invitations::configure);
    cfg.configure(customers::configure);
}
