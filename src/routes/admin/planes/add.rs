//! `POST /admin/planes/{slug}/fields`: adds a context field at the end of
//! the plane's list, from the form at the foot of the plane's page. A text
//! field is asked at once; a choice field starts retired, since it has no
//! options yet, and its page (where the options are added) is next.
//! Invalid or refused input (a key the plane has) answers 422 with the
//! plane's page and the typed values.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::parse_slug;
use super::show::{NewFieldForm, Shown, render};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::queries::admin_planes::{Saved, fields};
use crate::db::{self, PgPool};
use crate::domain::admin_planes::fields as rules;
use crate::error::AppError;
use crate::routes::form::Form;
use crate::routes::page::Page;

/// POST /admin/planes/{slug}/fields — admin.
pub async fn add_field(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    slug: web::Path<String>,
    form: Form<NewFieldForm>,
) -> Result<HttpResponse, AppError> {
    let slug = parse_slug(&slug)?.to_owned();
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        new_field: Some((form, errors)),
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
        Err(errors) => return render(&page, &pool, &slug, sent_back(form, errors)).await,
    };
    let saving = slug.clone();
    let (saved, created) = db::run(&pool, move |conn| {
        fields::add_field(conn, &admin, &saving, &draft)
    })
    .await?;
    match (saved, created) {
        (Saved::Changed, Some(field)) if field.is_active => Ok(page.redirect_with(
            &format!("/admin/planes/{slug}#fields"),
            FlashKind::Success,
            &format!(
                "Field “{}” added: the issue form asks it from now on.",
                field.label
            ),
        )),
        (Saved::Changed, Some(field)) => Ok(page.redirect_with(
            &format!("/admin/planes/{slug}/fields/{}#options", field.id),
            FlashKind::Success,
            &format!(
                "Field “{}” added, retired until it has options: add them below, then restore it.",
                field.label
            ),
        )),
        (Saved::Refused(errors), _) => render(&page, &pool, &slug, sent_back(form, errors)).await,
        _ => Err(AppError::NotFound),
    }
}
