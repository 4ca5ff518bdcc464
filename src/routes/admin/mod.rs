//! The admin area.

pub mod audit;
pub mod home;
pub mod invitations;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(audit::configure)
        .configure(home::configure)
        .configure(invitations::configure);
}
