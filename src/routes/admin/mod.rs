//! The admin area.

pub mod invitations;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(invitations::configure);
}
