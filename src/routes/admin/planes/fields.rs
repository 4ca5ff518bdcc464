//! `POST /admin/planes/{slug}/fields/{id}/{action}`: a context field's
//! buttons on the plane's page, plain forms that work without JavaScript:
//! `up` and `down` swap it with its neighbour, `retire` takes it off the
//! issue form (issues that answered it keep showing the answer), `restore`
//! puts it back (a choice field only with an option to choose: 422
//! otherwise). Each carries the field's version: a field another admin
//! changed meanwhile answers 409 with the page as it now is.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::parse_slug;
use super::show::{Shown, render};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::queries::admin_planes::{self, FieldChange, Saved};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::path_id;
use crate::routes::form::Form;
use crate::routes::page::Page;

#[derive(Debug, Deserialize)]
pub struct FieldButton {
    #[serde(default)]
    pub(super) version: String,
}

const STALE: &str = "Another admin changed this field while you were looking at it. \
     Nothing was changed; this is the plane as it now is.";

/// The action segment of the path; anything else is a page that does not exist.
pub(super) fn parse_action(raw: &str) -> Result<FieldChange, AppError> {
    match raw {
        "retire" => Ok(FieldChange::Retire),
        "restore" => Ok(FieldChange::Restore),
        "up" => Ok(FieldChange::Up),
        "down" => Ok(FieldChange::Down),
        _ => Err(AppError::NotFound),
    }
}

/// POST /admin/planes/{slug}/fields/{id}/{action} — admin.
pub async fn change_field(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String, String)>,
    form: Form<FieldButton>,
) -> Result<HttpResponse, AppError> {
    let (slug, id, action) = path.into_inner();
    let slug = parse_slug(&slug)?.to_owned();
    let id = path_id(&id)?;
    let change = parse_action(&action)?;
    // A damaged version is as stale as an old one: nothing is changed.
    let version = Version::parse(&form.version);
    let saving = slug.clone();
    let saved = match version {
        Some(version) => {
            db::run(&pool, move |conn| {
                admin_planes::change_field(conn, &admin, &saving, id, version, change)
            })
            .await?
        }
        None => Saved::Stale,
    };
    let location = format!("/admin/planes/{slug}#fields");
    let done = match change {
        FieldChange::Retire => "Field retired: the issue form no longer asks it.",
        FieldChange::Restore => "Field restored: the issue form asks it again.",
        FieldChange::Up | FieldChange::Down => "Field moved.",
    };
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, done)),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::NotFound => Err(AppError::NotFound),
        Saved::Stale => {
            let shown = Shown {
                status: StatusCode::CONFLICT,
                fields: FormErrors::form_message(STALE),
                ..Shown::default()
            };
            render(&page, &pool, &slug, shown).await
        }
        Saved::Refused(errors) => {
            let shown = Shown {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                fields: errors,
                ..Shown::default()
            };
            render(&page, &pool, &slug, shown).await
        }
    }
}
