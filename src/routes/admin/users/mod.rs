//! `/admin/users`: the admin's list of users ([`list`]) and one user's
//! page ([`edit`]): name, role, customer and chat handle, and disabling
//! or enabling the account. Users are never deleted here: a disabled user
//! cannot sign in, and their name stays on what they filed and wrote.

pub mod edit;
pub mod list;

use actix_web::http::Method;
use actix_web::web;
use uuid::Uuid;

use crate::error::AppError;
use crate::routes::add;

/// A user id from the path: only the canonical hyphenated form names a
/// user, so one user has one URL; anything else is not found.
fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::try_parse(raw)
        .ok()
        .filter(|id| id.hyphenated().to_string().eq_ignore_ascii_case(raw))
        .ok_or(AppError::NotFound)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_canonical_id_names_a_user() {
        let id = Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0);
        let canonical = id.hyphenated().to_string();
        assert_eq!(parse_id(&canonical).unwrap(), id);
        assert_eq!(parse_id(&canonical.to_uppercase()).unwrap(), id);
        for bad in [
            "",
            "x",
            "123",
            &id.simple().to_string(),
            &format!("{{{canonical}}}"),
            &format!("urn:uuid:{canonical}"),
            &format!("{canonical} "),
        ] {
            assert!(matches!(parse_id(bad), Err(AppError::NotFound)), "{bad:?}");
        }
    }
}
