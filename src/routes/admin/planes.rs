//! `/admin/planes…`: the admin's plane pages. `list` shows every plane
//! with its number of active context fields; `show` is one plane's page,
//! where its label and description are edited and its context fields are
//! listed; `add` adds a field there; `fields` are the fields' move, retire
//! and restore buttons; `field` is one field's page, where it is edited
//! and its options are listed; `options` adds, edits, moves, retires and
//! restores them.

pub mod add;
pub mod field;
pub mod fields;
pub mod list;
pub mod options;
pub mod show;

use actix_web::http::Method;
use actix_web::web;

use crate::error::AppError;
use crate::routes::add;

/// A slug from the path, read only in the form the `planes.slug` CHECK
/// allows (and at most its 50 characters): anything else is a page that
/// does not exist, answered before the database, never a 500.
fn parse_slug(raw: &str) -> Result<&str, AppError> {
    let sound = !raw.is_empty()
        && raw.len() <= 50
        && raw.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    sound.then_some(raw).ok_or(AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/planes", list::list_planes);
    add(cfg, Method::GET, "/admin/planes/{slug}", show::show_plane);
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}",
        show::update_plane,
    );
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}/fields",
        add::add_field,
    );
    add(
        cfg,
        Method::GET,
        "/admin/planes/{slug}/fields/{id}",
        field::show_field,
    );
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}/fields/{id}",
        field::update_field,
    );
    // Before `{action}`, which would otherwise claim "options".
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}/fields/{id}/options",
        options::add_option,
    );
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}/fields/{id}/{action}",
        fields::change_field,
    );
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}/fields/{id}/options/{option_id}",
        options::update_option,
    );
    add(
        cfg,
        Method::POST,
        "/admin/planes/{slug}/fields/{id}/options/{option_id}/{action}",
        options::change_option,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_read_only_as_the_database_allows_them() {
        for good in ["eks", "aws-lambda", "k8s", "a-1-b"] {
            assert_eq!(parse_slug(good).ok(), Some(good));
        }
        let long = "a".repeat(51);
        for bad in [
            "",
            "EKS",
            "-eks",
            "eks-",
            "a--b",
            "e ks",
            "eks\0",
            "é",
            long.as_str(),
        ] {
            assert!(parse_slug(bad).is_err(), "{bad:?}");
        }
    }
}
