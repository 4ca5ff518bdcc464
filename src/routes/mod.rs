//! HTTP handlers by area; each area registers its routes in `configure`.
//! `page` turns a request into what a page shows (user, CSRF token, flash)
//! for handlers and error pages alike.

pub mod account;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod csv;
pub mod form;
pub mod health;
pub mod home;
pub mod issues;
pub mod links;
pub mod oauth;
pub mod page;
pub mod queue;
pub mod unsubscribe;

use std::collections::BTreeSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Mutex;

use futures_util::FutureExt;

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Responder, guard, web};

use crate::error::AppError;

/// Every (method, path) the app serves, recorded as routes are added, so
/// the access-matrix test can insist that each one has an entry.
static REGISTERED: Mutex<BTreeSet<(&'static str, &'static str)>> = Mutex::new(BTreeSet::new());

/// The body limit of every form that has no limit of its own (set in
/// `startup`): sign-in, settings, status changes, admin forms.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The body limit of a form whose long texts hold up to `chars`
/// characters in all: a browser percent-encodes each byte it does not
/// send as is, so a character can take up to 12 bytes; 16 KiB more for
/// the form's other fields.
pub const fn body_limit_for_text(chars: usize) -> usize {
    chars * 12 + 16 * 1024
}

/// Adds a route and records it. All routes go through here or [`add_form`].
pub fn add<F, Args>(cfg: &mut web::ServiceConfig, method: Method, path: &'static str, handler: F)
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    register(cfg, method, path, None, handler);
}

/// Adds a route whose form body may be larger than [`BODY_LIMIT`], up to
/// `body_limit` bytes (at most `csrf::MAX_FORM_BYTES`, which the CSRF
/// check reads before any route).
pub fn add_form<F, Args>(
    cfg: &mut web::ServiceConfig,
    method: Method,
    path: &'static str,
    body_limit: usize,
    handler: F,
) where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    assert!(body_limit <= crate::auth::csrf::MAX_FORM_BYTES);
    register(cfg, method, path, Some(body_limit), handler);
}

fn register<F, Args>(
    cfg: &mut web::ServiceConfig,
    method: Method,
    path: &'static str,
    body_limit: Option<usize>,
    handler: F,
) where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let name: &'static str = match method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "OTHER",
    };
    if let Ok(mut set) = REGISTERED.lock() {
        set.insert((name, path));
    }
    let mut resource = if method == Method::GET {
        // HEAD is answered like GET (actix drops the body), as clients expect.
        web::resource(path).guard(guard::Any(guard::Get()).or(guard::Head()))
    } else {
        web::resource(path).guard(guard::Method(method))
    };
    if let Some(limit) = body_limit {
        resource = resource
            .app_data(web::PayloadConfig::default().limit(limit))
            .app_data(web::FormConfig::default().limit(limit));
    }
    cfg.service(resource.route(web::route().to(CatchPanics(handler))));
}

/// Wraps a handler so a panic inside it answers the 500 page (with its
/// request id) instead of dropping the connection; the panic hook has
/// logged the cause.
#[derive(Clone)]
pub struct CatchPanics<F>(pub F);

impl<F, Args> Handler<Args> for CatchPanics<F>
where
    F: Handler<Args>,
    F::Future: 'static,
    F::Output: Responder,
{
    type Output = Result<F::Output, AppError>;
    type Future = Pin<Box<dyn Future<Output = Self::Output>>>;

    fn call(&self, args: Args) -> Self::Future {
        let future = self.0.call(args);
        Box::pin(async move {
            AssertUnwindSafe(future)
                .catch_unwind()
                .await
                .map_err(|_| AppError::Internal("handler panicked".into()))
        })
    }
}

/// The routes added so far (all of them once an app has been built).
pub fn registered() -> Vec<(&'static str, &'static str)> {
    REGISTERED
        .lock()
        .map(|set| set.iter().copied().collect())
        .unwrap_or_default()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::configure)
        .configure(assets::configure)
        .configure(home::configure)
        .configure(auth::configure)
        .configure(oauth::configure)
        .configure(account::configure)
        .configure(links::configure)
        .configure(issues::configure)
        .configure(queue::configure)
        .configure(unsubscribe::configure)
        .configure(admin::configure);
}

/// Any path no route claims: the 404 page (the user is loaded so the page
/// keeps the signed-in header).
pub async fn not_found(
    _user: crate::auth::extractors::MaybeUser,
) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
