//! `/admin/users/{id}`: one user's page. The edit form (name, role,
//! customer, chat handle) and the disable / enable button post to their
//! own routes, each carrying the version the page was loaded at: a stale
//! post answers 409 with the current values, a refused one 422 with the
//! reason beside its form, and nothing is written either way. Disabling
//! is a button of its own, not a checkbox of the edit form, because it
//! does more than set a field (it signs the user out everywhere) and the
//! audit log names it apart.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::db::models::customers;
use crate::db::models::enums::UserRole;
use crate::db::models::users::{self, User};
use crate::db::queries::admin_users::{self, Outcome};
use crate::db::version::Version;
use crate::db::{self, PgPool};
use crate::domain::admin_users::{CHAT_HANDLE, NAME, NO_SUCH_CUSTOMER, ProfileForm, Request};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::admin::users::path_id;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::Layout;

/// An option of a select.
struct Choice {
    value: String,
    label: String,
}

/// The user as the page shows them, besides the form.
struct Shown {
    id: Uuid,
    email: String,
    display_name: String,
    created: String,
    /// When the account was disabled, or `None` while it is active.
    disabled_since: Option<String>,
    /// The admin looking is this user.
    is_you: bool,
    /// The row's version, for every form of the page.
    version: String,
}

#[derive(Template)]
#[template(path = "admin/users/edit.html")]
struct UserPage {
    layout: Layout,
    user: Shown,
    roles: &'static [UserRole],
    customers: Vec<Choice>,
    /// The edit form's values: as typed after a refusal, else the user's.
    form: ProfileForm,
    /// The edit form: fields `name`, `role`, `customer_id`, `chat_handle`,
    /// and a message about the form (a stale edit).
    errors: FormErrors,
    /// The disable / enable form: a message about it only.
    status_errors: FormErrors,
}

/// What the page shows besides the user's current state.
struct State {
    status: StatusCode,
    /// `None`: the user's current values.
    form: Option<ProfileForm>,
    errors: FormErrors,
    status_errors: FormErrors,
}

impl State {
    fn fresh() -> Self {
        Self {
            status: StatusCode::OK,
            form: None,
            errors: FormErrors::default(),
            status_errors: FormErrors::default(),
        }
    }
}

/// The edit form filled with `user`'s values.
fn form_of(user: &User) -> ProfileForm {
    ProfileForm {
        name: user.name.clone(),
        role: user.role.as_str().to_owned(),
        customer_id: user
            .customer_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        chat_handle: user.chat_handle.clone().unwrap_or_default(),
        version: Version(user.updated_at).token(),
    }
}

/// Renders user `id`'s page as it is now (unknown: 404) in `state`.
async fn render(
    page: &Page,
    pool: &PgPool,
    admin: &User,
    id: Uuid,
    state: State,
) -> Result<HttpResponse, AppError> {
    let (user, customers) = db::run(pool, move |conn| {
        let user = users::find(conn, id)?;
        let customers = customers::list(conn)?;
        Ok::<_, diesel::result::Error>((user, customers))
    })
    .await?;
    let shown = Shown {
        id: user.id,
        email: user.email.clone(),
        display_name: user.display_name(),
        created: user.created_at.format("%Y-%m-%d").to_string(),
        disabled_since: user
            .disabled_at
            .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
        is_you: user.id == admin.id,
        version: Version(user.updated_at).token(),
    };
    let mut form = state.form.unwrap_or_else(|| form_of(&user));
    // Every form of the page carries the version it shows; a refused edit
    // keeps what was typed, but not an old version.
    form.version = shown.version.clone();
    page.render_status(
        state.status,
        &UserPage {
            layout: page.layout(user.display_name()),
            user: shown,
            roles: UserRole::ALL,
            customers: customers
                .into_iter()
                .map(|c| Choice {
                    value: c.id.to_string(),
                    label: c.name,
                })
                .collect(),
            form,
            errors: state.errors,
            status_errors: state.status_errors,
        },
    )
}

/// GET /admin/users/{id} — admin.
pub async fn show_user(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    render(&page, &pool, &admin, id, State::fresh()).await
}

/// The form's version, or 400 for a damaged form of a user that exists
/// (an unknown user is a 404 whatever the form holds).
async fn version_of(pool: &PgPool, id: Uuid, token: &str) -> Result<Version, AppError> {
    if let Some(version) = Version::parse(token) {
        return Ok(version);
    }
    db::run(pool, move |conn| users::find(conn, id)).await?;
    Err(AppError::BadRequest(
        "The form is damaged; reload the page.".into(),
    ))
}

/// Typed text as the page shows it back: a control character (a NUL)
/// is not allowed in HTML, so it shows as the replacement character a
/// browser would show, and the message beside the field says to remove it.
fn printable(typed: &str) -> String {
    typed
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// The sentence for an edit of a page loaded before the user changed.
const STALE: &str = "This user changed after you opened the page (another admin, or the \
                     user themself), so nothing was saved. Here are the current values.";

/// POST /admin/users/{id} — admin: saves name, role, customer and chat handle.
pub async fn update_user(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    form: Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let form = form.into_inner();
    let version = version_of(&pool, id, &form.version).await?;
    let invalid = |form: ProfileForm, errors| State {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        form: Some(ProfileForm {
            name: printable(&form.name),
            chat_handle: printable(&form.chat_handle),
            ..form
        }),
        errors,
        status_errors: FormErrors::default(),
    };
    let profile = match form.parse() {
        Ok(profile) => profile,
        Err(errors) => return render(&page, &pool, &admin, id, invalid(form, errors)).await,
    };
    let actor = admin.clone();
    let outcome = db::run(&pool, move |conn| {
        admin_users::change(conn, &actor, id, version, &Request::Edit(profile))
    })
    .await?;
    let errors = match outcome {
        Outcome::Saved(user) => {
            tracing::info!(admin_id = %admin.id, user_id = %user.id, "user updated");
            return Ok(page.redirect_with(
                &format!("/admin/users/{id}"),
                FlashKind::Success,
                &format!("Saved the changes to {}.", user.email),
            ));
        }
        Outcome::Unchanged(_) => {
            return Ok(page.redirect_with(
                &format!("/admin/users/{id}"),
                FlashKind::Info,
                "Nothing to save: the values are the ones the user already has.",
            ));
        }
        Outcome::Stale(_) => {
            let state = State {
                status: StatusCode::CONFLICT,
                errors: FormErrors::form_message(STALE),
                ..State::fresh()
            };
            return render(&page, &pool, &admin, id, state).await;
        }
        Outcome::Refused(refusal) => match refusal.field() {
            Some(field) => FormErrors::field(field, refusal.sentence()),
            None => FormErrors::form_message(refusal.sentence()),
        },
        Outcome::UnknownCustomer => FormErrors::field("customer_id", NO_SUCH_CUSTOMER),
    };
    render(&page, &pool, &admin, id, invalid(form, errors)).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    version: String,
}

/// Disables or enables user `id` through the shared change path.
async fn change_status(
    admin: User,
    page: Page,
    pool: &PgPool,
    id: &str,
    form: StatusForm,
    request: Request,
) -> Result<HttpResponse, AppError> {
    let id = path_id(id)?;
    let version = version_of(pool, id, &form.version).await?;
    let disable = request == Request::Disable;
    let actor = admin.clone();
    let outcome = db::run(pool, move |conn| {
        admin_users::change(conn, &actor, id, version, &request)
    })
    .await?;
    let location = format!("/admin/users/{id}");
    let (status, message) = match outcome {
        Outcome::Saved(user) if disable => {
            tracing::info!(admin_id = %admin.id, user_id = %user.id, "user disabled");
            let message = format!(
                "{} is disabled and signed out everywhere; they cannot sign in until enabled.",
                user.email
            );
            return Ok(page.redirect_with(&location, FlashKind::Success, &message));
        }
        Outcome::Saved(user) => {
            tracing::info!(admin_id = %admin.id, user_id = %user.id, "user enabled");
            let message = format!("{} is enabled and can sign in again.", user.email);
            return Ok(page.redirect_with(&location, FlashKind::Success, &message));
        }
        Outcome::Unchanged(user) => {
            let message = match disable {
                true => format!("{} was already disabled.", user.email),
                false => format!("{} was already enabled.", user.email),
            };
            return Ok(page.redirect_with(&location, FlashKind::Info, &message));
        }
        Outcome::Stale(_) => (StatusCode::CONFLICT, STALE.to_owned()),
        Outcome::Refused(refusal) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            refusal.sentence().to_owned(),
        ),
        Outcome::UnknownCustomer => {
            return Err(AppError::Internal(
                "a status change named a customer".into(),
            ));
        }
    };
    let state = State {
        status,
        status_errors: FormErrors::form_message(message),
        ..State::fresh()
    };
    render(&page, pool, &admin, id, state).await
}

/// POST /admin/users/{id}/disable — admin: disables the user and ends their sessions.
pub async fn disable_user(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    form: Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    change_status(admin, page, &pool, &id, form.into_inner(), Request::Disable).await
}

/// POST /admin/users/{id}/enable — admin: lets a disabled user sign in again.
pub async fn enable_user(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
    form: Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    change_status(admin, page, &pool, &id, form.into_inner(), Request::Enable).await
}
