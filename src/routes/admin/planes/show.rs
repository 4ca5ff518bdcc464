//! `/admin/planes/{slug}`: one plane's page. Its label and description are
//! one form, carrying the plane's version; its context fields are listed
//! below in display order (retired ones marked), as the issue form asks
//! for them, each with its buttons and a link to its own page; a last form
//! adds a field (see `add`).
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
use crate::db::models::enums::FieldType;
use crate::db::queries::admin_planes::{self, FieldListRow, Saved};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_planes::fields::{FIELD_HELP, FIELD_LABEL, takes_options};
use crate::domain::admin_planes::{self as rules, CONTEXT_KEY_MAX, PLANE_DESCRIPTION, PLANE_NAME};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::DAMAGED;
use crate::routes::form::Form;
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
    /// A field button's refusal or conflict.
    field_errors: FormErrors,
    new_field: NewFieldForm,
    /// Fields `label`, `context_key`, `field_type`, `help_text`.
    new_field_errors: FormErrors,
    field_types: &'static [FieldType],
}

/// One field with its version, for its buttons.
struct FieldRow {
    field: FieldListRow,
    version: String,
    first: bool,
    last: bool,
    takes_options: bool,
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

/// The new-field form as typed: `label`, `context_key`, `field_type`,
/// `is_required` (a checkbox: present or not), `help_text`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewFieldForm {
    #[serde(default)]
    pub(super) label: String,
    #[serde(default)]
    pub(super) context_key: String,
    #[serde(default)]
    pub(super) field_type: String,
    #[serde(default)]
    pub(super) is_required: String,
    #[serde(default)]
    pub(super) help_text: String,
}

/// What the page shows besides the stored values: one form sent back
/// with what was typed (`None`: the current values) and its messages.
#[derive(Default)]
pub(super) struct Shown {
    pub(super) status: StatusCode,
    pub(super) plane: Option<(Option<PlaneForm>, FormErrors)>,
    pub(super) fields: FormErrors,
    pub(super) new_field: Option<(NewFieldForm, FormErrors)>,
}

const STALE: &str = "Another admin changed this plane while you were editing it. \
     Nothing was saved; these are its current values.";

fn field_rows(fields: Vec<FieldListRow>) -> Vec<FieldRow> {
    let count = fields.len();
    fields
        .into_iter()
        .enumerate()
        .map(|(i, field)| FieldRow {
            version: Version(field.updated_at).token(),
            takes_options: takes_options(field.field_type),
            field,
            first: i == 0,
            last: i + 1 == count,
        })
        .collect()
}

/// The plane's page with the stored values and what `shown` sends back.
pub(super) async fn render(
    page: &Page,
    pool: &PgPool,
    slug: &str,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let owned = slug.to_owned();
    let (plane, fields) = db::run(pool, move |conn| admin_planes::load(conn, &owned))
        .await?
        .ok_or(AppError::NotFound)?;
    let (form, errors) = match shown.plane {
        Some((Some(form), errors)) => (form, errors),
        other => (
            PlaneForm {
                name: plane.name.clone(),
                description: plane.description.clone().unwrap_or_default(),
                version: Version(plane.updated_at).token(),
            },
            other.map(|(_, errors)| errors).unwrap_or_default(),
        ),
    };
    let (new_field, new_field_errors) = shown.new_field.unwrap_or_default();
    page.render_status(
        shown.status,
        &PlanePage {
            layout: page.layout(plane.name.clone()),
            slug: plane.slug,
            name: plane.name,
            is_active: plane.is_active,
            form,
            errors,
            fields: field_rows(fields),
            field_errors: shown.fields,
            new_field,
            new_field_errors,
            field_types: FieldType::ALL,
        },
    )
}

/// GET /admin/planes/{slug} — admin.
pub async fn show_plane(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = parse_slug(&slug)?;
    render(&page, &pool, slug, Shown::default()).await
}

/// POST /admin/planes/{slug} — admin: label and description.
pub async fn update_plane(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    slug: web::Path<String>,
    form: Form<PlaneForm>,
) -> Result<HttpResponse, AppError> {
    let slug = parse_slug(&slug)?.to_owned();
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        plane: Some((Some(form), errors)),
        ..Shown::default()
    };
    let draft = match rules::plane(&form.name, &form.description) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, &slug, sent_back(form, errors)).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, &slug, sent_back(form, errors)).await;
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
            let shown = Shown {
                status: StatusCode::CONFLICT,
                plane: Some((None, FormErrors::form_message(STALE))),
                ..Shown::default()
            };
            render(&page, &pool, &slug, shown).await
        }
        Saved::Refused(errors) => render(&page, &pool, &slug, sent_back(form, errors)).await,
    }
}
