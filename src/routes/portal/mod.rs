//! The customer portal: filing issues and following them.

pub mod issues;
pub mod new_issue;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `/issues/new` before `/issues/{number}`.
    cfg.configure(new_issue::configure)
        .configure(issues::configure);
}
