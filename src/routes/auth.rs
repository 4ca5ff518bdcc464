//! Password sign-in and sign-out.

use actix_session::Session;
use actix_web::http::Method;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::flash::FlashKind;
use crate::auth::oauth::Providers;
use crate::auth::{client_address, password, redirect, session, throttle};
use crate::config::AppConfig;
use crate::db::models::users;
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::error::AppError;
use crate::routes::add;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    /// Only ever a message about the whole form: which of e-mail and
    /// password was wrong is not told.
    errors: FormErrors,
    /// (name, display name) of each configured OAuth provider.
    providers: Vec<(String, String)>,
}

/// The sign-in page, also used to explain a refused OAuth sign-in.
pub fn login_page(
    page: &Page,
    providers: &Providers,
    email: String,
    next: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    page.render_status(
        status,
        &LoginPage {
            layout: page.layout("Sign in"),
            email,
            next,
            errors: error.map(FormErrors::form_message).unwrap_or_default(),
            providers: providers
                .0
                .iter()
                .map(|p| (p.config.name.clone(), p.config.display_name.clone()))
                .collect(),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The one message for every failed sign-in: it does not tell whether the
/// account exists.
const SIGN_IN_FAILED: &str = "That e-mail and password do not match an active account.";

/// GET /login — anyone.
pub async fn show_login(
    page: Page,
    providers: web::Data<Providers>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = redirect::safe_next(query.next.as_deref());
    if page.user.is_some() {
        return Ok(crate::views::see_other(&next));
    }
    login_page(&page, &providers, String::new(), next, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// POST /login — anyone.
pub async fn login(
    page: Page,
    session: Session,
    pool: web::Data<PgPool>,
    providers: web::Data<Providers>,
    config: web::Data<AppConfig>,
    form: Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = form.email.trim().to_lowercase();
    let next = redirect::safe_next(form.next.as_deref());
    if text::has_control(&email, false) || email.len() > text::EMAIL_MAX {
        // No account has such an address, and neither a NUL nor more than
        // the column's length can be stored in the throttle's log: refuse
        // before any query.
        return login_page(
            &page,
            &providers,
            email.replace(char::is_control, ""),
            next,
            Some(SIGN_IN_FAILED.to_owned()),
            StatusCode::UNAUTHORIZED,
        );
    }
    let address = client_address::client_of(&config.trusted_proxies, page.request());

    let (throttle_email, throttle_address) = (email.clone(), address.clone());
    let admitted = db::run(&pool, move |conn| {
        throttle::admit(conn, &throttle_email, &throttle_address)
    })
    .await?;

    let lookup = email.clone();
    let user = db::run(&pool, move |conn| users::find_by_email(conn, &lookup)).await?;
    let candidate = form.password;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify_off_executor(candidate, stored).await?;

    match user {
        Some(user) if matches && !user.is_disabled() => {
            let forget = email.clone();
            db::run(&pool, move |conn| {
                throttle::forget_success(conn, &forget, &address, admitted)
            })
            .await?;
            session::sign_in(&session, user.id)
                .map_err(|e| AppError::Internal(format!("session: {e}")))?;
            tracing::info!(user_id = %user.id, "signed in with password");
            Ok(crate::views::see_other(&next))
        }
        _ => login_page(
            &page,
            &providers,
            email,
            next,
            Some(SIGN_IN_FAILED.to_owned()),
            StatusCode::UNAUTHORIZED,
        ),
    }
}

/// POST /logout — any signed-in user (and harmless for others).
pub async fn logout(page: Page, session: Session) -> HttpResponse {
    session::sign_out(&session);
    page.redirect_with("/login", FlashKind::Info, "You are signed out.")
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/login", show_login);
    add(cfg, Method::POST, "/login", login);
    add(cfg, Method::POST, "/logout", logout);
}
