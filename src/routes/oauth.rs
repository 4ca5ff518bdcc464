//! OAuth 2.0 sign-in: a POST to `/auth/{provider}/start` (the sign-in
//! page's button, CSRF-checked) sends the browser to the provider with
//! state, PKCE and (OIDC) a nonce; `/auth/{provider}/callback` checks them
//! once and signs the user in. What the callback needs is kept in an
//! encrypted cookie that lives 10 minutes, not in a session row: a
//! visitor who never finishes costs the database nothing.

use actix_session::Session;
use actix_web::cookie::{Cookie, CookieJar, SameSite, time};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::auth::oauth::{PendingSignIn, Providers};
use crate::auth::{identity, redirect, session, tokens};
use crate::config::AppConfig;
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::auth::login_page;
use crate::routes::form::Form;
use crate::routes::page::Page;
use crate::views;

/// How long a started sign-in may take at the provider.
const PENDING_LIFETIME_SECS: i64 = 600;

fn pending_cookie_name(https: bool) -> &'static str {
    if https { "__Host-sd_oauth" } else { "sd_oauth" }
}

/// The pending sign-in with its deadline (the cookie's own expiry is the
/// browser's to keep; this one the server checks).
#[derive(Serialize, Deserialize)]
struct Pending {
    sign_in: PendingSignIn,
    expires_at: i64,
}

/// The encrypted cookie holding `pending` (the PKCE verifier and nonce are
/// secrets: encrypted, not only signed).
fn pending_cookie(config: &AppConfig, sign_in: PendingSignIn) -> Result<Cookie<'static>, AppError> {
    let pending = Pending {
        sign_in,
        expires_at: Utc::now().timestamp() + PENDING_LIFETIME_SECS,
    };
    let value = serde_json::to_string(&pending)
        .map_err(|e| AppError::Internal(format!("oauth state: {e}")))?;
    let mut jar = CookieJar::new();
    jar.private_mut(&config.cookie_key).add(
        Cookie::build(pending_cookie_name(config.https), value)
            .path("/")
            .http_only(true)
            .secure(config.https)
            // The provider sends the browser back with a top-level GET,
            // which Lax cookies accompany.
            .same_site(SameSite::Lax)
            .max_age(time::Duration::seconds(PENDING_LIFETIME_SECS))
            .finish(),
    );
    jar.delta()
        .next()
        .cloned()
        .ok_or_else(|| AppError::Internal("oauth cookie not built".into()))
}

/// The pending sign-in this browser started, if its cookie is ours and fresh.
fn read_pending(config: &AppConfig, req: &HttpRequest) -> Option<PendingSignIn> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie(pending_cookie_name(config.https))?);
    let cookie = jar
        .private(&config.cookie_key)
        .get(pending_cookie_name(config.https))?;
    let pending: Pending = serde_json::from_str(cookie.value()).ok()?;
    (pending.expires_at > Utc::now().timestamp()).then_some(pending.sign_in)
}

/// The cookie that removes the pending sign-in (it works one time only).
fn clear_pending(config: &AppConfig) -> Cookie<'static> {
    let mut cookie = Cookie::build(pending_cookie_name(config.https), "")
        .path("/")
        .http_only(true)
        .secure(config.https)
        .same_site(SameSite::Lax)
        .finish();
    cookie.make_removal();
    cookie
}

#[derive(Deserialize)]
pub struct StartForm {
    next: Option<String>,
}

/// POST /auth/{provider}/start — anyone (the sign-in page's button).
pub async fn start_oauth(
    path: web::Path<String>,
    form: Form<StartForm>,
    providers: web::Data<Providers>,
    config: web::Data<AppConfig>,
) -> Result<HttpResponse, AppError> {
    let provider = providers.find(&path).ok_or(AppError::NotFound)?;
    let next = redirect::safe_next(form.next.as_deref());
    let (url, pending) = provider.authorize(next);
    let mut res = views::see_other(&url);
    res.add_cookie(&pending_cookie(&config, pending)?)
        .map_err(|e| AppError::Internal(format!("oauth cookie: {e}")))?;
    Ok(res)
}

/// GET /auth/{provider}/start — anyone. A link or a crawler does not start
/// a sign-in; it is sent to the sign-in page, whose button does.
pub async fn start_oauth_link(
    path: web::Path<String>,
    query: web::Query<StartForm>,
    providers: web::Data<Providers>,
) -> Result<HttpResponse, AppError> {
    providers.find(&path).ok_or(AppError::NotFound)?;
    let next = redirect::safe_next(query.next.as_deref());
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", &next)
        .finish();
    Ok(views::see_other(&format!("/login?{query}")))
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// GET /auth/{provider}/callback — anyone (coming back from the provider).
pub async fn finish_oauth(
    path: web::Path<String>,
    query: web::Query<CallbackQuery>,
    providers: web::Data<Providers>,
    pool: web::Data<PgPool>,
    session: Session,
    config: web::Data<AppConfig>,
    page: Page,
) -> Result<HttpResponse, AppError> {
    let provider = providers.find(&path).ok_or(AppError::NotFound)?;
    let mut res = finish(
        &provider.config.name,
        query,
        &providers,
        &pool,
        &session,
        &config,
        &page,
    )
    .await?;
    // The pending sign-in is used up whatever the outcome: a state works
    // one time only.
    res.add_cookie(&clear_pending(&config))
        .map_err(|e| AppError::Internal(format!("oauth cookie: {e}")))?;
    Ok(res)
}

async fn finish(
    name: &str,
    query: web::Query<CallbackQuery>,
    providers: &Providers,
    pool: &PgPool,
    session: &Session,
    config: &AppConfig,
    page: &Page,
) -> Result<HttpResponse, AppError> {
    let provider = providers.find(name).ok_or(AppError::NotFound)?;
    let display = provider.config.display_name.clone();
    let pending = read_pending(config, page.request());
    let refuse = |why: String| {
        tracing::info!(provider = %provider.config.name, %why, "oauth sign-in refused");
        if session::user_id(session).is_none() {
            session::sign_out(session);
        }
        login_page(
            page,
            providers,
            String::new(),
            "/".into(),
            Some(why),
            StatusCode::FORBIDDEN,
        )
    };
    let state_ok = |p: &PendingSignIn| {
        p.provider == provider.config.name
            && query
                .state
                .as_deref()
                .is_some_and(|s| tokens::constant_eq(s, &p.state))
    };
    let Some(pending) = pending.filter(state_ok) else {
        return refuse(format!(
            "Sign-in with {display} did not complete: the request expired or did not start in this \
             browser. Please try again."
        ));
    };
    if query.error.is_some() {
        return refuse(format!("{display} did not sign you in. Please try again."));
    }
    let Some(code) = query.code.clone() else {
        return refuse(format!(
            "{display} sent no authorization code. Please try again."
        ));
    };
    let identity = match provider.identify(code, &pending).await {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(provider = %provider.config.name, error = %e, "oauth exchange failed");
            return refuse(format!("Sign-in with {display} failed. Please try again."));
        }
    };
    let provider_config = provider.config.clone();
    let outcome = db::run(pool, move |conn| {
        identity::resolve(conn, &provider_config, &identity)
    })
    .await?;
    match outcome {
        Ok(user) => {
            session::sign_in(session, user.id)
                .map_err(|e| AppError::Internal(format!("session: {e}")))?;
            tracing::info!(user_id = %user.id, provider = %provider.config.name, "signed in with OAuth");
            Ok(views::see_other(&pending.next))
        }
        Err(refusal) => refuse(refusal.0),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::POST, "/auth/{provider}/start", start_oauth);
    add(cfg, Method::GET, "/auth/{provider}/start", start_oauth_link);
    add(cfg, Method::GET, "/auth/{provider}/callback", finish_oauth);
}
