//! The request as a page sees it: the [`Page`] extractor handlers take, and
//! the error-page middleware that gives 4xx/5xx responses the same header.
//! Both turn what auth knows about the request (user, CSRF token, flash)
//! into the plain [`Layout`] views render, so views never sees a db row.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::csrf::CsrfToken;
use crate::auth::extractors::{cached_user, load_user};
use crate::auth::flash::{self, Flash, FlashKind};
use crate::config::RequestId;
use crate::db::models::users::User;
use crate::error::{AppError, ErrorDetail};
use crate::views::errors::{error_response, wording};
use crate::views::{Layout, LayoutUser, render_status, see_other};

/// The signed-in user as the layout's header shows them.
pub fn layout_user(user: &User) -> LayoutUser {
    LayoutUser {
        name: user.display_name(),
        email: user.email.clone(),
        role: user.role,
    }
}

/// The token the CSRF middleware gave this request, for its forms.
fn csrf_token(req: &HttpRequest) -> String {
    req.extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default()
}

/// The request as a page sees it: the layout's user, CSRF token and flash
/// messages. Rendering through it clears a flash once shown.
pub struct Page {
    req: HttpRequest,
    pub user: Option<User>,
    pub csrf_token: String,
    flashes: Vec<Flash>,
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(&req).await?;
            let csrf_token = csrf_token(&req);
            let flashes = flash::read(&req);
            Ok(Page {
                req,
                user,
                csrf_token,
                flashes,
            })
        })
    }
}

impl Page {
    /// The layout for a page titled `title`.
    pub fn layout(&self, title: impl Into<String>) -> Layout {
        let user = self.user.as_ref().map(layout_user);
        Layout::new(
            title,
            self.req.path(),
            user,
            self.csrf_token.clone(),
            self.flashes.clone(),
        )
    }

    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    /// Renders with a status, clearing the flash cookie it showed.
    pub fn render_status<T: Template>(
        &self,
        status: StatusCode,
        page: &T,
    ) -> Result<HttpResponse, AppError> {
        let mut response = render_status(status, page)?;
        flash::clear(&self.req, &mut response);
        Ok(response)
    }

    pub fn render<T: Template>(&self, page: &T) -> Result<HttpResponse, AppError> {
        self.render_status(StatusCode::OK, page)
    }

    /// 303 to `location` with a message for the next page.
    pub fn redirect_with(&self, location: &str, kind: FlashKind, message: &str) -> HttpResponse {
        let mut response = see_other(location);
        flash::set(&self.req, &mut response, kind, message);
        response
    }
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
        Layout::new(
            wording(status).0,
            res.request().path(),
            Some(layout_user(&user)),
            csrf_token(res.request()),
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
