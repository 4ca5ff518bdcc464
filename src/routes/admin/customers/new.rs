//! `GET/POST /admin/customers/new`: a new customer, with its name and
//! e-mail domains; its environments are added on its own page next.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{CustomerForm, refusal_errors};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::queries::admin_customers;
use crate::db::{self, PgPool};
use crate::domain::admin_customers::{self as rules, CUSTOMER_NAME, DOMAINS_TEXT_MAX};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/customers/new.html")]
struct NewCustomerPage {
    layout: Layout,
    form: CustomerForm,
    /// Fields `name`, `domains`.
    errors: FormErrors,
}

fn render(
    page: &Page,
    status: StatusCode,
    form: CustomerForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    page.render_status(
        status,
        &NewCustomerPage {
            layout: page.layout("New customer"),
            form,
            errors,
        },
    )
}

/// GET /admin/customers/new — admin.
pub async fn new_customer_form(_admin: RequireAdmin, page: Page) -> Result<HttpResponse, AppError> {
    render(
        &page,
        StatusCode::OK,
        CustomerForm::default(),
        FormErrors::default(),
    )
}

/// POST /admin/customers/new — admin.
pub async fn create_customer(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    form: Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let draft = match rules::customer(&form.name, &form.domains) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, StatusCode::UNPROCESSABLE_ENTITY, form, errors),
    };
    let saving = draft.clone();
    let created = db::run(&pool, move |conn| {
        admin_customers::create_customer(conn, &admin, &saving)
    })
    .await?;
    match created {
        Ok(customer) => Ok(page.redirect_with(
            &format!("/admin/customers/{}", customer.id),
            FlashKind::Success,
            "Customer created. Add an environment so that its people can file issues.",
        )),
        Err(refusal) => render(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            refusal_errors(&refusal, &draft),
        ),
    }
}
