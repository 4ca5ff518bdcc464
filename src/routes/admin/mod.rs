//! The admin area.

pub mod audit;
pub mod customers;
pub mod docs;
pub mod home;
pub mod invitations;
pub mod planes;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(home::configure)
        .configure(audit::configure)
        .configure(invitations::configure)
        .configure(users::configure)
        .configure(customers::configure)
        .configure(docs::configure)
        .configure(planes::configure);
}
