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

/// Adds a route and records it. All routes go through here.
pub fn add<F, Args>(cfg: &mut web::ServiceConfig, method: Method, path: &'static str, handler: F)
where
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
    let route = if method == Method::GET {
        // HEAD is answered like GET (actix drops the body), as clients expect.
        web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
    } else {
        web::method(method)
    };
    cfg.route(path, route.to(CatchPanics(handler)));
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
