//! OAuth 2.0 sign-in: `/auth/{provider}/start` sends the browser to the
//! provider with state, PKCE and (OIDC) a nonce kept in the session;
//! `/auth/{provider}/callback` checks them once and signs the user in.

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::oauth::{PendingSignIn, Providers};
use crate::auth::{identity, redirect, session, tokens};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::auth::login_page;
use crate::routes::page::Page;
use crate::views;

const PENDING_KEY: &str = "oauth_pending";

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// GET /auth/{provider}/start — anyone.
pub async fn start_oauth(
    path: web::Path<String>,
    query: web::Query<StartQuery>,
    providers: web::Data<Providers>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let provider = providers.find(&path).ok_or(AppError::NotFound)?;
    let next = redirect::safe_next(query.next.as_deref());
    let (url, pending) = provider.authorize(next);
    let pending = serde_json::to_string(&pending)
        .map_err(|e| AppError::Internal(format!("oauth state: {e}")))?;
    session::put(&session, PENDING_KEY, &pending)
        .map_err(|e| AppError::Internal(format!("session: {e}")))?;
    Ok(views::see_other(&url))
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
    page: Page,
) -> Result<HttpResponse, AppError> {
    let provider = providers.find(&path).ok_or(AppError::NotFound)?;
    let display = provider.config.display_name.clone();
    // The pending sign-in is taken out at once: a state works one time only.
    let pending: Option<PendingSignIn> =
        session::take(&session, PENDING_KEY).and_then(|json| serde_json::from_str(&json).ok());
    let refuse = |why: String| {
        tracing::info!(provider = %provider.config.name, %why, "oauth sign-in refused");
        if session::user_id(&session).is_none() {
            session::sign_out(&session);
        }
        login_page(
            &page,
            &providers,
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
    let provider_name = provider.config.name.clone();
    let outcome = db::run(&pool, move |conn| {
        identity::resolve(conn, &provider_name, &identity)
    })
    .await?;
    match outcome {
        Ok(user) => {
            session::sign_in(&session, user.id)
                .map_err(|e| AppError::Internal(format!("session: {e}")))?;
            tracing::info!(user_id = %user.id, provider = %provider.config.name, "signed in with OAuth");
            Ok(views::see_other(&pending.next))
        }
        Err(refusal) => refuse(refusal.0),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/auth/{provider}/start", start_oauth);
    add(cfg, Method::GET, "/auth/{provider}/callback", finish_oauth);
}
