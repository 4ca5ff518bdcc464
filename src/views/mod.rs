//! Shared template plumbing: the [`Layout`] every page embeds, rendering
//! helpers and small text utilities used by templates.

pub mod assets;
pub mod errors;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, http::header};
use askama::Template;

use crate::auth::flash::{Flash, FlashKind};
use crate::db::models::enums::UserRole;
use crate::error::AppError;

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct LayoutUser {
    pub name: String,
    pub email: String,
    pub role: UserRole,
}

impl LayoutUser {
    pub fn of(user: &crate::db::models::users::User) -> Self {
        Self {
            name: user.display_name(),
            email: user.email.clone(),
            role: user.role,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What every page shares: title, user, navigation, flash messages and the
/// CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<LayoutUser>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
    pub nav: Vec<NavLink>,
    pub css_href: &'static str,
    pub js_href: &'static str,
}

impl Layout {
    pub fn new(
        title: impl Into<String>,
        path: &str,
        user: Option<LayoutUser>,
        csrf_token: String,
        flashes: Vec<Flash>,
    ) -> Self {
        let nav = navigation(user.as_ref().map(|u| u.role), path);
        Self {
            title: title.into(),
            user,
            csrf_token,
            flashes,
            nav,
            css_href: assets::url("css/app.css"),
            js_href: assets::url("js/app.js"),
        }
    }

    /// For pages rendered outside a session (error pages).
    pub fn anonymous(title: impl Into<String>) -> Self {
        Self::new(title, "", None, String::new(), Vec::new())
    }
}

/// The links a role sees in the header; only pages that exist are listed.
fn navigation(role: Option<UserRole>, path: &str) -> Vec<NavLink> {
    let links: &[(&'static str, &'static str)] = match role {
        None => &[("/login", "Sign in")],
        Some(UserRole::Customer) => &[
            ("/issues/new", "New issue"),
            ("/issues", "Your issues"),
            ("/account", "Account"),
        ],
        Some(UserRole::Agent) => &[
            ("/queue", "Queue"),
            ("/issues/new", "New issue"),
            ("/account", "Account"),
        ],
        Some(UserRole::Admin) => &[
            ("/queue", "Queue"),
            ("/issues/new", "New issue"),
            ("/admin/invitations", "Invite people"),
            ("/account", "Account"),
        ],
    };
    // The current link is the longest one the path falls under.
    let under = |href: &str| path == href || path.starts_with(&format!("{href}/"));
    let best = links
        .iter()
        .filter(|(href, _)| under(href))
        .map(|(href, _)| href.len())
        .max();
    links
        .iter()
        .map(|&(href, label)| NavLink {
            href,
            label,
            current: Some(href.len()) == best && under(href),
        })
        .collect()
}

/// Renders a page as a complete HTML response with the given status.
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// A 303 redirect (POST → redirect → GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The request as a page sees it: the layout's user, CSRF token and flash
/// messages. Rendering through it clears a flash once shown.
pub struct Page {
    req: actix_web::HttpRequest,
    pub user: Option<crate::db::models::users::User>,
    pub csrf_token: String,
    flashes: Vec<Flash>,
}

impl actix_web::FromRequest for Page {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = crate::auth::extractors::load_user(&req).await?;
            let csrf_token = actix_web::HttpMessage::extensions(&req)
                .get::<crate::auth::csrf::CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default();
            let flashes = crate::auth::flash::read(&req);
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
        let user = self.user.as_ref().map(LayoutUser::of);
        Layout::new(
            title,
            self.req.path(),
            user,
            self.csrf_token.clone(),
            self.flashes.clone(),
        )
    }

    pub fn request(&self) -> &actix_web::HttpRequest {
        &self.req
    }

    /// Renders with a status, clearing the flash cookie it showed.
    pub fn render_status<T: Template>(
        &self,
        status: StatusCode,
        page: &T,
    ) -> Result<HttpResponse, AppError> {
        let mut response = render_status(status, page)?;
        crate::auth::flash::clear(&self.req, &mut response);
        Ok(response)
    }

    pub fn render<T: Template>(&self, page: &T) -> Result<HttpResponse, AppError> {
        self.render_status(StatusCode::OK, page)
    }

    /// 303 to `location` with a message for the next page.
    pub fn redirect_with(&self, location: &str, kind: FlashKind, message: &str) -> HttpResponse {
        let mut response = see_other(location);
        crate::auth::flash::set(&self.req, &mut response, kind, message);
        response
    }
}
