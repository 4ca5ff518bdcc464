//! Error pages: every 4xx/5xx response without a body of its own gets a
//! friendly HTML page carrying the request id.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse};
use askama::Template;

use super::{Layout, LayoutUser};
use crate::auth::csrf::CsrfToken;
use crate::auth::extractors::cached_user;
use crate::config::RequestId;
use crate::error::ErrorDetail;

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub heading: &'static str,
    pub message: String,
    pub request_id: String,
}

/// Heading and explanation for a status.
fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("Bad request", "The request could not be understood."),
        403 => ("Not allowed", "You do not have access to this page."),
        404 => (
            "Page not found",
            "There is nothing here, or you do not have access to it.",
        ),
        405 => (
            "Method not allowed",
            "This page does not accept that kind of request.",
        ),
        409 => (
            "Changed meanwhile",
            "Someone else changed this while you were working on it.",
        ),
        413 => (
            "Too large",
            "What you sent is larger than this site accepts. Shorten it and try again.",
        ),
        429 => (
            "Too many attempts",
            "Please wait a moment before trying again.",
        ),
        503 => (
            "Temporarily unavailable",
            "The service cannot reach its database right now. Please try again in a few seconds.",
        ),
        s if s >= 500 => (
            "Something went wrong",
            "An unexpected error stopped this request. It has been logged.",
        ),
        _ => ("Request failed", "The request could not be completed."),
    }
}

/// The full error page for a status as a response.
pub fn error_response(
    status: StatusCode,
    detail: Option<String>,
    request_id: &str,
    layout: Option<Layout>,
) -> HttpResponse {
    let (heading, default_message) = wording(status);
    let page = ErrorPage {
        layout: layout.unwrap_or_else(|| Layout::anonymous(heading)),
        status: status.as_u16(),
        heading,
        message: detail.unwrap_or_else(|| default_message.to_owned()),
        request_id: request_id.to_owned(),
    };
    let body = page
        .render()
        .unwrap_or_else(|_| format!("{heading} (request {request_id})"));
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// `ErrorHandlers` default handler: replaces bodiless or plain-text error
/// responses (ours and actix's own, e.g. a payload too large) with the page;
/// pages that render their own HTML (a 422 form) pass through untouched.
pub fn render_error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let status = res.status();
    if is_html || !(status.is_client_error() || status.is_server_error()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let request_id = res
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let detail = res
        .response()
        .extensions()
        .get::<ErrorDetail>()
        .and_then(|d| d.0.clone());
    // Keep the signed-in header when the request already knew its user.
    let layout = cached_user(res.request()).map(|user| {
        let csrf = res
            .request()
            .extensions()
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        Layout::new(
            wording(status).0,
            res.request().path(),
            Some(LayoutUser::of(&user)),
            csrf,
            Vec::new(),
        )
    });
    let mut page = error_response(status, detail, &request_id, layout);
    // Keep headers set for this status (Retry-After, Allow).
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = res.headers().get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}
