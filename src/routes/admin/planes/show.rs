//! `/admin/planes/{slug}`: one plane's page. Its label and description are
//! one form, carrying the plane's version; its context fields are listed
//! below in display order (retired ones marked), as the issue form asks
//! for them.
//!
//! The POST answers 303 with a flash when saved, 422 with the page and the
//! typed values when invalid, and 409 with the current values when another
//! admin changed the plane meanwhile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::parse_slug;
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::models::planes::PlaneContext;
use crate::db::queries::admin_planes::{self, Saved};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_planes::{self as rules, PLANE_DESCRIPTION, PLANE_NAME};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/planes/show.html")]
struct PlanePage {
    layout: Layout,
    slug: String,
    /// The label as stored, for the heading, whatever the form holds.
    name: String,
    is_active: bool,
    form: PlaneForm,
    /// Fields `name`, `description`; the form's message when stale.
    errors: FormErrors,
    fields: Vec<FieldRow>,
}

/// One field with its version, for its buttons.
struct FieldRow {
    field: PlaneContext,
    version: String,
    first: bool,
    last: bool,
}

/// The plane form as typed: `name`, `description`, `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlaneForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    version: String,
}

const DAMAGED: &str = "The form is damaged; reload the page and make the change again.";
const STALE: &str = "Another admin changed this plane while you were editing it. \
     Nothing was saved; these are its current values.";

fn field_rows(fields: Vec<PlaneContext>) -> Vec<FieldRow> {
    let count = fields.len();
    fields
        .into_iter()
        .enumerate()
        .map(|(i, field)| FieldRow {
            version: Version(field.updated_at).token(),
            field,
            first: i == 0,
            last: i + 1 == count,
        })
        .collect()
}

/// The page, with the form as typed (`Some`) or the current values (`None`).
async fn render(
    page: &Page,
    pool: &PgPool,
    slug: &str,
    status: StatusCode,
    typed: Option<PlaneForm>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let owned = slug.to_owned();
    let (plane, fields) = db::run(pool, move |conn| admin_planes::load(conn, &owned))
        .await?
        .ok_or(AppError::NotFound)?;
    let form = typed.unwrap_or_else(|| PlaneForm {
        name: plane.name.clone(),
        description: plane.description.clone().unwrap_or_default(),
        version: Version(plane.updated_at).token(),
    });
    page.render_status(
        status,
        &PlanePage {
            layout: page.layout(plane.name.clone()),
            slug: plane.slug,
            name: plane.name,
            is_active: plane.is_active,
            form,
            errors,
            fields: field_rows(fields),
        },
    )
}

/// The page with the plane's current values and `errors` (the field
/// buttons' 409).
pub(super) async fn render_current(
    page: &Page,
    pool: &PgPool,
    slug: &str,
    status: StatusCode,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render(page, pool, slug, status, None, errors).await
}

/// GET /admin/planes/{slug} — admin.
pub async fn show_plane(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = parse_slug(&slug)?;
    render(
        &page,
        &pool,
        slug,
        StatusCode::OK,
        None,
        FormErrors::default(),
    )
    .await
}

/// POST /admin/planes/{slug} — admin: label and description.
pub async fn update_plane(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    slug: web::Path<String>,
    form: web::Form<PlaneForm>,
) -> Result<HttpResponse, AppError> {
    let slug = parse_slug(&slug)?.to_owned();
    let form = form.into_inner();
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let draft = match rules::plane(&form.name, &form.description) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, &slug, invalid, Some(form), errors).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, &slug, invalid, Some(form), errors).await;
    };
    let saving = slug.clone();
    let saved = db::run(&pool, move |conn| {
        admin_planes::update_plane(conn, &admin, &saving, version, &draft)
    })
    .await?;
    let location = format!("/admin/planes/{slug}");
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, "Plane saved.")),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::NotFound => Err(AppError::NotFound),
        Saved::Stale => {
            let errors = FormErrors::form_message(STALE);
            render(&page, &pool, &slug, StatusCode::CONFLICT, None, errors).await
        }
    }
}
