//! `/admin/planes/{slug}/fields/{id}`: one context field's page. The field
//! (label, key, type, required, help text) is one form; below it, a choice
//! field's options, each with its Move, Retire/Restore buttons and its own
//! small form (value, label), and a last form that adds one (see
//! `options`). Every form carries the field's version, which every change
//! to the field or one of its options moves.
//!
//! The POST answers 303 with a flash when saved, 422 with the page and the
//! typed values when invalid or refused (a used field's key or type), and
//! 409 with the current values when another admin changed the field or
//! its options meanwhile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::parse_slug;
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::models::enums::FieldType;
use crate::db::queries::admin_planes::Saved;
use crate::db::queries::admin_planes::fields::{self, OptionRow};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_planes::CONTEXT_KEY_MAX;
use crate::domain::admin_planes::fields::{
    self as rules, FIELD_HELP, FIELD_LABEL, OPTION_LABEL, OPTION_VALUE, takes_options,
};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::{DAMAGED, path_id};
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/planes/field.html")]
struct FieldPage {
    layout: Layout,
    slug: String,
    plane_name: String,
    id: Uuid,
    /// The label as stored, for the heading, whatever the form holds.
    label: String,
    context_key: String,
    type_label: &'static str,
    is_active: bool,
    /// Some issue answered it: its key and type are fixed.
    used: bool,
    takes_options: bool,
    /// The field's version, carried by every form of the page.
    version: String,
    form: FieldForm,
    /// Fields `label`, `context_key`, `field_type`, `help_text`.
    errors: FormErrors,
    field_types: &'static [FieldType],
    options: Vec<OptionItem>,
    /// An option button's refusal or conflict.
    options_errors: FormErrors,
    new_option: OptionForm,
    /// Fields `value`, `label`.
    new_option_errors: FormErrors,
}

/// One option and its form.
struct OptionItem {
    option: OptionRow,
    form: OptionForm,
    errors: FormErrors,
    /// `option-<id>-`: the start of its element ids, unique on the page.
    prefix: String,
    first: bool,
    last: bool,
}

/// The field form as typed: `label`, `context_key`, `field_type`,
/// `is_required` (a checkbox), `help_text`, `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FieldForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    context_key: String,
    #[serde(default)]
    field_type: String,
    #[serde(default)]
    is_required: String,
    #[serde(default)]
    help_text: String,
    #[serde(default)]
    version: String,
}

/// An option form as typed: `value`, `label`, `version` (the field's).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OptionForm {
    #[serde(default)]
    pub(super) value: String,
    #[serde(default)]
    pub(super) label: String,
    #[serde(default)]
    pub(super) version: String,
}

/// What the page shows besides the stored values: one form sent back
/// with what was typed (`None`: the current values) and its messages.
#[derive(Default)]
pub(super) struct Shown {
    pub(super) status: StatusCode,
    pub(super) field: Option<(Option<FieldForm>, FormErrors)>,
    pub(super) options: FormErrors,
    pub(super) new_option: Option<(OptionForm, FormErrors)>,
    pub(super) option: Option<(Uuid, Option<OptionForm>, FormErrors)>,
}

pub(super) const STALE: &str = "Another admin changed this field or its options while you were \
     editing it. Nothing was saved; this is the field as it now is.";

/// The field's page with the stored values and what `shown` sends back.
pub(super) async fn render(
    page: &Page,
    pool: &PgPool,
    slug: &str,
    id: Uuid,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let owned = slug.to_owned();
    let state = db::run(pool, move |conn| fields::load_field(conn, &owned, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let field = state.field;
    let version = Version(field.updated_at).token();
    let (form, errors) = match shown.field {
        Some((Some(form), errors)) => (form, errors),
        other => (
            FieldForm {
                label: field.label.clone(),
                context_key: field.context_key.clone(),
                field_type: field.field_type.as_str().to_owned(),
                is_required: if field.is_required {
                    "true".into()
                } else {
                    String::new()
                },
                help_text: field.help_text.clone().unwrap_or_default(),
                version: version.clone(),
            },
            other.map(|(_, errors)| errors).unwrap_or_default(),
        ),
    };
    let mut shown_option = shown.option;
    // A form sent back for an option that is not this field's.
    if let Some((option_id, _, _)) = &shown_option
        && !state.options.iter().any(|o| o.id == *option_id)
    {
        return Err(AppError::NotFound);
    }
    let count = state.options.len();
    let options = state
        .options
        .into_iter()
        .enumerate()
        .map(|(i, option)| {
            let current = OptionForm {
                value: option.value.clone(),
                label: option.label.clone(),
                version: version.clone(),
            };
            let (form, errors) = match shown_option.take_if(|(id, _, _)| *id == option.id) {
                Some((_, typed, errors)) => (typed.unwrap_or(current), errors),
                None => (current, FormErrors::default()),
            };
            OptionItem {
                prefix: format!("option-{}-", option.id),
                option,
                form,
                errors,
                first: i == 0,
                last: i + 1 == count,
            }
        })
        .collect();
    let (mut new_option, new_option_errors) = shown.new_option.unwrap_or_default();
    new_option.version = version.clone();
    page.render_status(
        shown.status,
        &FieldPage {
            layout: page.layout(format!("{} · {}", field.label, state.plane.name)),
            slug: state.plane.slug,
            plane_name: state.plane.name,
            id: field.id,
            label: field.label,
            context_key: field.context_key,
            type_label: field.field_type.label(),
            is_active: field.is_active,
            used: state.used,
            takes_options: takes_options(field.field_type),
            version,
            form,
            errors,
            field_types: FieldType::ALL,
            options,
            options_errors: shown.options,
            new_option,
            new_option_errors,
        },
    )
}

/// The slug and field id of the path, read as our links write them.
pub(super) fn field_path(slug: &str, id: &str) -> Result<(String, Uuid), AppError> {
    Ok((parse_slug(slug)?.to_owned(), path_id(id)?))
}

/// GET /admin/planes/{slug}/fields/{id} — admin.
pub async fn show_field(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = field_path(&path.0, &path.1)?;
    render(&page, &pool, &slug, id, Shown::default()).await
}

/// POST /admin/planes/{slug}/fields/{id} — admin: the field's label, key,
/// type, required flag and help text.
pub async fn update_field(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String)>,
    form: Form<FieldForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = field_path(&path.0, &path.1)?;
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        field: Some((Some(form), errors)),
        ..Shown::default()
    };
    let draft = match rules::field(
        &form.label,
        &form.context_key,
        &form.field_type,
        !form.is_required.is_empty(),
        &form.help_text,
    ) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, &slug, id, sent_back(form, errors)).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, &slug, id, sent_back(form, errors)).await;
    };
    let saving = slug.clone();
    let saved = db::run(&pool, move |conn| {
        fields::update_field(conn, &admin, &saving, id, version, &draft)
    })
    .await?;
    let location = format!("/admin/planes/{slug}/fields/{id}");
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, "Field saved.")),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::NotFound => Err(AppError::NotFound),
        Saved::Stale => {
            let shown = Shown {
                status: StatusCode::CONFLICT,
                field: Some((None, FormErrors::form_message(STALE))),
                ..Shown::default()
            };
            render(&page, &pool, &slug, id, shown).await
        }
        Saved::Refused(errors) => render(&page, &pool, &slug, id, sent_back(form, errors)).await,
    }
}
