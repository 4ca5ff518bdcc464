//! Error pages: the wording per status and the friendly HTML page carrying
//! the request id. `routes::page::render_error_page` gives it to every
//! 4xx/5xx response without a body of its own.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use super::Layout;

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
pub fn wording(status: StatusCode) -> (&'static str, &'static str) {
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
            "You have done this too often for now. Please wait a while (at most an hour) and try again.",
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
