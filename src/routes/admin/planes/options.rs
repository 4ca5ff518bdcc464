//! A choice field's options, on the field's page: `POST …/options` adds
//! one, `POST …/options/{option_id}` changes its value and label, and
//! `POST …/options/{option_id}/{up|down|retire|restore}` are its buttons,
//! plain forms that work without JavaScript. A retired option is gone from
//! the issue form's next load and still shown on the issues that chose
//! it. There is no delete: an option that issues chose must stay, and the
//! database refuses deleting it too.
//!
//! Every form carries the field's version: 303 with a flash when saved,
//! 422 with the page and the typed values when invalid or refused (the
//! value of a chosen option, a value the field has, the last option of an
//! asked field), 409 with the current values when stale.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::field::{OptionForm, STALE, Shown, field_path, render};
use super::fields::{FieldButton, parse_action};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::queries::admin_planes::{FieldChange, Saved, options};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_planes::fields as rules;
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::DAMAGED;
use crate::routes::admin::path_id;
use crate::routes::form::Form;
use crate::routes::page::Page;

fn options_location(slug: &str, id: Uuid) -> String {
    format!("/admin/planes/{slug}/fields/{id}#options")
}

/// POST /admin/planes/{slug}/fields/{id}/options — admin: adds an option.
pub async fn add_option(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String)>,
    form: Form<OptionForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = field_path(&path.0, &path.1)?;
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        new_option: Some((form, errors)),
        ..Shown::default()
    };
    let draft = match rules::option(&form.value, &form.label) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, &slug, id, sent_back(form, errors)).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, &slug, id, sent_back(form, errors)).await;
    };
    let saving = slug.clone();
    let label = draft.label.clone();
    let saved = db::run(&pool, move |conn| {
        options::add_option(conn, &admin, &saving, id, version, &draft)
    })
    .await?;
    match saved {
        Saved::Changed | Saved::Unchanged => Ok(page.redirect_with(
            &options_location(&slug, id),
            FlashKind::Success,
            &format!("Option “{label}” added."),
        )),
        Saved::NotFound => Err(AppError::NotFound),
        Saved::Stale => {
            let shown = Shown {
                status: StatusCode::CONFLICT,
                new_option: Some((form, FormErrors::form_message(STALE))),
                ..Shown::default()
            };
            render(&page, &pool, &slug, id, shown).await
        }
        Saved::Refused(errors) => render(&page, &pool, &slug, id, sent_back(form, errors)).await,
    }
}

/// POST /admin/planes/{slug}/fields/{id}/options/{option_id} — admin: an
/// option's value and label.
pub async fn update_option(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String, String)>,
    form: Form<OptionForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = field_path(&path.0, &path.1)?;
    let option_id = path_id(&path.2)?;
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        option: Some((option_id, Some(form), errors)),
        ..Shown::default()
    };
    let draft = match rules::option(&form.value, &form.label) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, &slug, id, sent_back(form, errors)).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, &slug, id, sent_back(form, errors)).await;
    };
    let saving = slug.clone();
    let saved = db::run(&pool, move |conn| {
        options::update_option(conn, &admin, &saving, id, option_id, version, &draft)
    })
    .await?;
    let location = options_location(&slug, id);
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, "Option saved.")),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::NotFound => Err(AppError::NotFound),
        Saved::Stale => {
            let shown = Shown {
                status: StatusCode::CONFLICT,
                option: Some((option_id, None, FormErrors::form_message(STALE))),
                ..Shown::default()
            };
            render(&page, &pool, &slug, id, shown).await
        }
        Saved::Refused(errors) => render(&page, &pool, &slug, id, sent_back(form, errors)).await,
    }
}

/// POST /admin/planes/{slug}/fields/{id}/options/{option_id}/{action} —
/// admin: Move up, Move down, Retire, Restore.
pub async fn change_option(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String, String, String)>,
    form: Form<FieldButton>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = field_path(&path.0, &path.1)?;
    let option_id = path_id(&path.2)?;
    let change = parse_action(&path.3)?;
    // A damaged version is as stale as an old one: nothing is changed.
    let saved = match Version::parse(&form.version) {
        Some(version) => {
            let saving = slug.clone();
            db::run(&pool, move |conn| {
                options::change_option(conn, &admin, &saving, id, option_id, version, change)
            })
            .await?
        }
        None => Saved::Stale,
    };
    let done = match change {
        FieldChange::Retire => "Option retired: the issue form no longer offers it.",
        FieldChange::Restore => "Option restored: the issue form offers it again.",
        FieldChange::Up | FieldChange::Down => "Option moved.",
    };
    let location = options_location(&slug, id);
    let shown = |status, errors| Shown {
        status,
        options: errors,
        ..Shown::default()
    };
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, done)),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::NotFound => Err(AppError::NotFound),
        Saved::Stale => {
            let errors = FormErrors::form_message(STALE);
            render(&page, &pool, &slug, id, shown(StatusCode::CONFLICT, errors)).await
        }
        Saved::Refused(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&page, &pool, &slug, id, shown(status, errors)).await
        }
    }
}
