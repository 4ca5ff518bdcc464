//! `/admin/docs/{id}`: one doc's page, its form (address, title, type,
//! planes, summary) and a button of its own to retire the doc (no longer
//! suggested on the issue form) or restore it.
//!
//! Every POST answers 303 with a flash when saved, 422 with the page and
//! the typed values when invalid or refused, and 409 with the current
//! values when another admin changed the doc meanwhile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::{DocForm, PlaneChoice, path_id, plane_choices, refusal_errors};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::models::enums::DocType;
use crate::db::models::planes::{self, Plane};
use crate::db::queries::admin_docs::{self, Saved};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_docs::{self as rules, DOC_SUMMARY, DOC_TITLE, DOC_URL_MAX, DocFields};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::DAMAGED;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/docs/show.html")]
struct DocPage {
    layout: Layout,
    id: Uuid,
    /// The title as stored, for the heading, whatever the form holds.
    title: String,
    is_active: bool,
    /// The stored version, for the retire/restore form.
    version: String,
    form: DocForm,
    plane_choices: Vec<PlaneChoice>,
    doc_types: &'static [DocType],
    /// Fields `url`, `title`, `doc_type`, `planes`, `summary`; the form's
    /// message when stale.
    errors: FormErrors,
    /// The retire/restore form's message.
    status_errors: FormErrors,
}

const STALE: &str = "Another admin changed this doc while you were editing it. \
     Nothing was saved; these are its current values.";

/// The page with the stored values, or the form as typed (`Some`).
async fn render(
    page: &Page,
    pool: &PgPool,
    id: Uuid,
    status: StatusCode,
    typed: Option<DocForm>,
    errors: FormErrors,
    status_errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (state, planes): (_, Vec<Plane>) = db::run(pool, move |conn| {
        Ok::<_, diesel::result::Error>((admin_docs::load(conn, id)?, planes::list_all(conn)?))
    })
    .await?;
    let doc = state.doc;
    let version = Version(doc.updated_at).token();
    let form = typed.unwrap_or_else(|| DocForm {
        fields: DocFields {
            url: doc.url.clone(),
            title: doc.title.clone(),
            doc_type: doc.doc_type.as_str().to_owned(),
            planes: state.planes.clone(),
            summary: doc.summary.clone(),
        },
        version: version.clone(),
        active: String::new(),
    });
    page.render_status(
        status,
        &DocPage {
            layout: page.layout(doc.title.clone()),
            id,
            title: doc.title,
            is_active: doc.is_active,
            version,
            plane_choices: plane_choices(&planes, &form.fields.planes),
            form,
            doc_types: DocType::ALL,
            errors,
            status_errors,
        },
    )
}

/// GET /admin/docs/{id} — admin.
pub async fn show_doc(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let none = FormErrors::default;
    render(&page, &pool, id, StatusCode::OK, None, none(), none()).await
}

/// POST /admin/docs/{id} — admin: the doc's fields.
pub async fn update_doc(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let (form, bad_bytes) = DocForm::read(&body);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let planes: Vec<Plane> = db::run(&pool, planes::list_all).await?;
    let known: Vec<&str> = planes.iter().map(|p| p.slug.as_str()).collect();
    let draft = match rules::doc(&form.fields, &known) {
        Ok(draft) if bad_bytes.is_empty() => draft,
        Ok(_) => {
            let none = FormErrors::default();
            return render(&page, &pool, id, unprocessable, Some(form), bad_bytes, none).await;
        }
        Err(errors) => {
            let none = FormErrors::default();
            return render(&page, &pool, id, unprocessable, Some(form), errors, none).await;
        }
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        let none = FormErrors::default();
        return render(&page, &pool, id, unprocessable, Some(form), errors, none).await;
    };
    let saved = db::run(&pool, move |conn| {
        admin_docs::update(conn, &admin, id, version, &draft)
    })
    .await?;
    let location = format!("/admin/docs/{id}");
    let none = FormErrors::default();
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, "Doc saved.")),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::Stale => {
            let errors = FormErrors::form_message(STALE);
            render(&page, &pool, id, StatusCode::CONFLICT, None, errors, none).await
        }
        Saved::Refused(refusal) => {
            let errors = refusal_errors(refusal);
            render(&page, &pool, id, unprocessable, Some(form), errors, none).await
        }
    }
}

/// POST /admin/docs/{id}/active — admin: `active=no` retires the doc,
/// `active=yes` restores it.
pub async fn set_active(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let (form, _) = DocForm::read(&body);
    let active = match form.active.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let (Some(active), Some(version)) = (active, Version::parse(&form.version)) else {
        let errors = FormErrors::form_message(DAMAGED);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(
            &page,
            &pool,
            id,
            status,
            None,
            FormErrors::default(),
            errors,
        )
        .await;
    };
    let saved = db::run(&pool, move |conn| {
        admin_docs::set_active(conn, &admin, id, version, active)
    })
    .await?;
    let location = format!("/admin/docs/{id}");
    match saved {
        Saved::Changed if active => Ok(page.redirect_with(
            &location,
            FlashKind::Success,
            "Doc restored: the issue form suggests it again.",
        )),
        Saved::Changed => Ok(page.redirect_with(
            &location,
            FlashKind::Success,
            "Doc retired: the issue form no longer suggests it.",
        )),
        Saved::Unchanged | Saved::Refused(_) => {
            Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed."))
        }
        Saved::Stale => {
            let errors = FormErrors::form_message(STALE);
            let status = StatusCode::CONFLICT;
            render(
                &page,
                &pool,
                id,
                status,
                None,
                FormErrors::default(),
                errors,
            )
            .await
        }
    }
}
