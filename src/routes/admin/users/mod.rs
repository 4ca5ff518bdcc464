//! `/admin/users`: the admin's list of users ([`list`]) and one user's
//! page ([`edit`]): name, role, customer and chat handle, and disabling
//! or enabling the account. Users are never deleted here: a disabled user
//! cannot sign in, and their name stays on what they filed and wrote.

pub mod edit;
pub mod list;

use actix_web::http::Method;
use actix_web::web;

use crate::routes::add;

use super::path_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/users", list::list_users);
    add(cfg, Method::GET, "/admin/users/{id}", edit::show_user);
    add(cfg, Method::POST, "/admin/users/{id}", edit::update_user);
    add(
        cfg,
        Method::POST,
        "/admin/users/{id}/disable",
        edit::disable_user,
    );
    add(
        cfg,
        Method::POST,
        "/admin/users/{id}/enable",
        edit::enable_user,
    );
}
