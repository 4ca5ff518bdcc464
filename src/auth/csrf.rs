//! Cross-site request forgery protection for every state-changing request
//! (and, as the first middleware inside the session layer, the 503 page
//! when the session store could not load the session).
//!
//! Two checks, both required: the browser's own signals (`Sec-Fetch-Site`,
//! `Origin`) must not say cross-site, and the request must carry the token
//! of its session (form field `csrf_token` or header `X-CSRF-Token`).
//! Signed-in sessions keep a random token in their server-side state, so a
//! token from before sign-in is worthless after it. Signed-out visitors (the
//! sign-in form) get a signed cookie instead, so no session row is written
//! for anonymous traffic.

use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;

use crate::auth::{client_address, session, tokens};
use crate::config::AppConfig;
use crate::error::AppError;

/// The token to embed in this request's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Largest form body the check reads; larger bodies answer 413.
const MAX_FORM_BYTES: usize = 1024 * 1024;

fn anon_cookie_name(https: bool) -> &'static str {
    if https { "__Host-sd_csrf" } else { "sd_csrf" }
}

/// True when the browser says the request comes from another site.
fn cross_site(req: &HttpRequest, config: &AppConfig) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => false,
        Some(origin) => {
            let same_host = client_address::requested_host(&config.trusted_proxies, req)
                .is_some_and(|host| {
                    [format!("http://{host}"), format!("https://{host}")].contains(&origin.into())
                });
            !(origin == config.base_url || same_host)
        }
    }
}

/// Middleware (inside the session middleware): gives every request its
/// token and refuses unsafe requests without the right one.
pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let config = req
        .app_data::<web::Data<AppConfig>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("AppConfig missing".into()))?;
    let key = &config.cookie_key;
    let cookie_name = anon_cookie_name(config.https);

    if session::store_unavailable(&req.get_session()) {
        let cause = "the session store cannot reach the database".to_owned();
        return Ok(req.error_response(AppError::Unavailable(cause)));
    }
    let session_token = session::csrf_token(&req.get_session());
    let mut new_anon_cookie = None;
    let expected = match session_token {
        Some(token) => token,
        None => {
            let mut jar = CookieJar::new();
            if let Some(c) = req.cookie(cookie_name) {
                jar.add_original(c);
            }
            match jar.signed(key).get(cookie_name) {
                Some(c) => c.value().to_owned(),
                None => {
                    let token = tokens::random_token(32);
                    new_anon_cookie = Some(token.clone());
                    token
                }
            }
        }
    };
    req.extensions_mut().insert(CsrfToken(expected.clone()));

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        // Refusals become responses here, so the error-page middleware
        // outside renders them like any other.
        if cross_site(req.request(), &config) {
            return Ok(req.error_response(AppError::Csrf("cross-site request")));
        }
        if new_anon_cookie.is_some() {
            return Ok(req.error_response(AppError::Csrf("no token cookie")));
        }
        let provided = match req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
        {
            Some(token) => Some(token.to_owned()),
            None => match read_form_token(&mut req).await {
                Ok(token) => token,
                Err(e) => return Ok(req.error_response(e)),
            },
        };
        match provided {
            Some(token) if tokens::constant_eq(&token, &expected) => {}
            _ => return Ok(req.error_response(AppError::Csrf("missing or wrong token"))),
        }
    }

    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(token) = new_anon_cookie {
        let mut jar = CookieJar::new();
        jar.signed_mut(key).add(
            Cookie::build(cookie_name, token)
                .path("/")
                .http_only(true)
                .secure(config.https)
                .same_site(SameSite::Lax)
                .finish(),
        );
        for cookie in jar.delta() {
            res.response_mut().add_cookie(cookie)?;
        }
    }
    Ok(res)
}

/// Reads the `csrf_token` field from an urlencoded body and puts the body
/// back for the handler.
async fn read_form_token(req: &mut ServiceRequest) -> Result<Option<String>, actix_web::Error> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(None);
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(actix_web::error::ErrorPayloadTooLarge("form too large"));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let token = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.into_owned());
    req.set_payload(Payload::from(body));
    Ok(token)
}

impl FromRequest for CsrfToken {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<CsrfToken>()
                .cloned()
                .ok_or_else(|| AppError::Internal("csrf middleware not mounted".into())),
        )
    }
}
