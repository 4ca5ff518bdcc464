//! `/admin/customers/{id}`: one customer's page. Its name and e-mail
//! domains are one form; each environment is its own small form (rename,
//! change the type), with its own version, and a last form adds one.
//! Environments are not deleted: issues refer to them.
//!
//! Every POST answers 303 with a flash when saved, 422 with the page and
//! the typed values when invalid or refused, and 409 with the current
//! values when another admin changed the same thing meanwhile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{CustomerForm, path_id, refusal_errors};
use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::models::enums::EnvType;
use crate::db::queries::admin_customers::{self, Refusal, Saved};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_customers::{
    self as rules, CUSTOMER_NAME, DOMAINS_TEXT_MAX, ENVIRONMENT_NAME, domains_text,
};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::DAMAGED;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/customers/show.html")]
struct CustomerPage {
    layout: Layout,
    id: Uuid,
    /// The name as stored, for the heading, whatever the form holds.
    name: String,
    form: CustomerForm,
    /// Fields `name`, `domains`; the form's message when stale.
    errors: FormErrors,
    envs: Vec<EnvRow>,
    new_env: EnvForm,
    /// Fields `name`, `env_type`.
    new_env_errors: FormErrors,
    env_types: &'static [EnvType],
}

/// One environment and its form.
struct EnvRow {
    id: Uuid,
    /// The name and type as stored, whatever the form holds.
    name: String,
    type_label: &'static str,
    form: EnvForm,
    errors: FormErrors,
    /// `env-<id>-`: the start of its element ids, unique on the page.
    prefix: String,
}

/// An environment form as typed: `name`, `env_type` and, when editing,
/// `version`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnvForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    env_type: String,
    #[serde(default)]
    version: String,
}

/// What the page shows besides the stored values: one form sent back,
/// with what was typed (`None`: the current values) and its messages.
#[derive(Default)]
struct Shown {
    status: StatusCode,
    customer: Option<(Option<CustomerForm>, FormErrors)>,
    new_env: Option<(EnvForm, FormErrors)>,
    env: Option<(Uuid, Option<EnvForm>, FormErrors)>,
}

const STALE_CUSTOMER: &str = "Another admin changed this customer while you were editing it. \
     Nothing was saved; these are its current values.";
const STALE_ENV: &str = "Another admin changed this environment while you were editing it. \
     Nothing was saved; these are its current values.";
const ENV_NAME_TAKEN: &str = "This customer already has an environment with this name.";

async fn render(
    page: &Page,
    pool: &PgPool,
    id: Uuid,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let (state, envs) = db::run(pool, move |conn| admin_customers::load(conn, id)).await?;
    let (customer_form, errors) = match shown.customer {
        Some((Some(form), errors)) => (form, errors),
        other => (
            CustomerForm {
                name: state.customer.name.clone(),
                domains: domains_text(&state.domains),
                version: Version(state.customer.updated_at).token(),
            },
            other.map(|(_, errors)| errors).unwrap_or_default(),
        ),
    };
    let mut shown_env = shown.env;
    // A form sent back for an environment that is not this customer's.
    if let Some((env_id, _, _)) = &shown_env
        && !envs.iter().any(|e| e.id == *env_id)
    {
        return Err(AppError::NotFound);
    }
    let envs = envs
        .into_iter()
        .map(|env| {
            let current = EnvForm {
                name: env.name.clone(),
                env_type: env.env_type.as_str().to_owned(),
                version: Version(env.updated_at).token(),
            };
            let (form, errors) = match shown_env.take_if(|(id, _, _)| *id == env.id) {
                Some((_, typed, errors)) => (typed.unwrap_or(current), errors),
                None => (current, FormErrors::default()),
            };
            EnvRow {
                prefix: format!("env-{}-", env.id),
                id: env.id,
                name: env.name,
                type_label: env.env_type.label(),
                form,
                errors,
            }
        })
        .collect();
    let (new_env, new_env_errors) = shown.new_env.unwrap_or_default();
    page.render_status(
        shown.status,
        &CustomerPage {
            layout: page.layout(state.customer.name.clone()),
            id,
            name: state.customer.name,
            form: customer_form,
            errors,
            envs,
            new_env,
            new_env_errors,
            env_types: EnvType::ALL,
        },
    )
}

/// GET /admin/customers/{id} — admin.
pub async fn show_customer(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    render(&page, &pool, id, Shown::default()).await
}

/// POST /admin/customers/{id} — admin: name and domains.
pub async fn update_customer(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    form: Form<CustomerForm>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        customer: Some((Some(form), errors)),
        ..Shown::default()
    };
    let draft = match rules::customer(&form.name, &form.domains) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, id, sent_back(form, errors)).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, id, sent_back(form, errors)).await;
    };
    let saving = draft.clone();
    let saved = db::run(&pool, move |conn| {
        admin_customers::update_customer(conn, &admin, id, version, &saving)
    })
    .await?;
    let location = format!("/admin/customers/{id}");
    match saved {
        Saved::Changed => Ok(page.redirect_with(&location, FlashKind::Success, "Customer saved.")),
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::Stale => {
            let shown = Shown {
                status: StatusCode::CONFLICT,
                customer: Some((None, FormErrors::form_message(STALE_CUSTOMER))),
                ..Shown::default()
            };
            render(&page, &pool, id, shown).await
        }
        Saved::Refused(refusal) => {
            let errors = refusal_errors(&refusal, &draft);
            render(&page, &pool, id, sent_back(form, errors)).await
        }
    }
}

/// POST /admin/customers/{id}/environments — admin: adds one.
pub async fn create_environment(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    form: Form<EnvForm>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        new_env: Some((form, errors)),
        ..Shown::default()
    };
    let draft = match rules::environment(&form.name, &form.env_type) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, id, sent_back(form, errors)).await,
    };
    let created = db::run(&pool, move |conn| {
        admin_customers::create_environment(conn, &admin, id, &draft)
    })
    .await?;
    match created {
        Ok(env) => Ok(page.redirect_with(
            &format!("/admin/customers/{id}#environments"),
            FlashKind::Success,
            &format!("Environment “{}” added.", env.name),
        )),
        Err(Refusal::NameTaken | Refusal::DomainsTaken(_)) => {
            let errors = FormErrors::field("name", ENV_NAME_TAKEN);
            render(&page, &pool, id, sent_back(form, errors)).await
        }
    }
}

/// POST /admin/customers/{id}/environments/{env_id} — admin: renames or
/// retypes one.
pub async fn update_environment(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    path: web::Path<(String, String)>,
    form: Form<EnvForm>,
) -> Result<HttpResponse, AppError> {
    let (id, env_id) = path.into_inner();
    let (id, env_id) = (path_id(&id)?, path_id(&env_id)?);
    let form = form.into_inner();
    let sent_back = |form, errors| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        env: Some((env_id, Some(form), errors)),
        ..Shown::default()
    };
    let draft = match rules::environment(&form.name, &form.env_type) {
        Ok(draft) => draft,
        Err(errors) => return render(&page, &pool, id, sent_back(form, errors)).await,
    };
    let Some(version) = Version::parse(&form.version) else {
        let errors = FormErrors::form_message(DAMAGED);
        return render(&page, &pool, id, sent_back(form, errors)).await;
    };
    let saved = db::run(&pool, move |conn| {
        admin_customers::update_environment(conn, &admin, id, env_id, version, &draft)
    })
    .await?;
    let location = format!("/admin/customers/{id}#environments");
    match saved {
        Saved::Changed => {
            Ok(page.redirect_with(&location, FlashKind::Success, "Environment saved."))
        }
        Saved::Unchanged => Ok(page.redirect_with(&location, FlashKind::Info, "Nothing changed.")),
        Saved::Stale => {
            let shown = Shown {
                status: StatusCode::CONFLICT,
                env: Some((env_id, None, FormErrors::form_message(STALE_ENV))),
                ..Shown::default()
            };
            render(&page, &pool, id, shown).await
        }
        Saved::Refused(_) => {
            let errors = FormErrors::field("name", ENV_NAME_TAKEN);
            render(&page, &pool, id, sent_back(form, errors)).await
        }
    }
}
