//! `GET/POST /admin/docs/new`: a new doc in the catalog (active, so the
//! issue form suggests it at once).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{DocForm, PlaneChoice, plane_choices, refusal_errors};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::models::enums::DocType;
use crate::db::models::planes::{self, Plane};
use crate::db::queries::admin_docs;
use crate::db::{self, PgPool};
use crate::domain::admin_docs::{self as rules, DOC_SUMMARY, DOC_TITLE, DOC_URL_MAX};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/docs/new.html")]
struct NewDocPage {
    layout: Layout,
    form: DocForm,
    plane_choices: Vec<PlaneChoice>,
    doc_types: &'static [DocType],
    /// Fields `url`, `title`, `doc_type`, `planes`, `summary`.
    errors: FormErrors,
}

async fn render(
    page: &Page,
    pool: &PgPool,
    status: StatusCode,
    form: DocForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let planes: Vec<Plane> = db::run(pool, planes::list_all).await?;
    page.render_status(
        status,
        &NewDocPage {
            layout: page.layout("New doc"),
            plane_choices: plane_choices(&planes, &form.fields.planes),
            form,
            doc_types: DocType::ALL,
            errors,
        },
    )
}

/// GET /admin/docs/new — admin.
pub async fn new_doc_form(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    render(
        &page,
        &pool,
        StatusCode::OK,
        DocForm::default(),
        FormErrors::default(),
    )
    .await
}

/// POST /admin/docs/new — admin.
pub async fn create_doc(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (form, bad_bytes) = DocForm::read(&body);
    let planes: Vec<Plane> = db::run(&pool, planes::list_all).await?;
    let known: Vec<&str> = planes.iter().map(|p| p.slug.as_str()).collect();
    let draft = match rules::doc(&form.fields, &known) {
        Ok(draft) if bad_bytes.is_empty() => draft,
        Ok(_) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&page, &pool, status, form, bad_bytes).await;
        }
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&page, &pool, status, form, errors).await;
        }
    };
    let created = db::run(&pool, move |conn| admin_docs::create(conn, &admin, &draft)).await?;
    match created {
        Ok(doc) => Ok(page.redirect_with(
            &format!("/admin/docs/{}", doc.id),
            FlashKind::Success,
            "Doc added. The issue form suggests it from now on.",
        )),
        Err(refusal) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&page, &pool, status, form, refusal_errors(refusal)).await
        }
    }
}
