//! Shared template plumbing: the [`Layout`] every page embeds (with its
//! [`LayoutUser`] and [`NavLink`]s), the render and redirect helpers, the
//! static assets' URLs and the error page. Templates get plain structs from
//! here, never db rows; `routes::page` builds them from the request.

pub mod assets;
pub mod chart;
pub mod errors;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, http::header};
use askama::Template;

use crate::auth::flash::Flash;
use crate::db::models::enums::UserRole;
use crate::error::AppError;

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct LayoutUser {
    pub name: String,
    pub email: String,
    pub role: UserRole,
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
    pub icon_href: &'static str,
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
            icon_href: assets::url("img/favicon.svg"),
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
            // Every admin page is reached from the admin home.
            ("/admin", "Admin"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn current(role: UserRole, path: &str) -> Vec<&'static str> {
        navigation(Some(role), path)
            .into_iter()
            .filter(|link| link.current)
            .map(|link| link.href)
            .collect()
    }

    #[test]
    fn admins_reach_the_admin_area_from_the_header() {
        let hrefs: Vec<_> = navigation(Some(UserRole::Admin), "/")
            .into_iter()
            .map(|link| (link.href, link.label))
            .collect();
        assert!(hrefs.contains(&("/admin", "Admin")));
        assert!(!hrefs.iter().any(|(href, _)| *href == "/admin/invitations"));
        for role in [UserRole::Agent, UserRole::Customer] {
            assert!(
                !navigation(Some(role), "/")
                    .iter()
                    .any(|link| link.href.starts_with("/admin")),
                "{role}"
            );
        }
    }

    #[test]
    fn the_admin_link_is_current_on_every_admin_page() {
        for path in [
            "/admin",
            "/admin/audit",
            "/admin/invitations",
            "/admin/users/x",
        ] {
            assert_eq!(current(UserRole::Admin, path), vec!["/admin"], "{path}");
        }
        // A path that only starts with the same letters is not under it.
        assert!(current(UserRole::Admin, "/administrivia").is_empty());
        assert_eq!(current(UserRole::Admin, "/issues/new"), vec!["/issues/new"]);
        assert_eq!(current(UserRole::Admin, "/queue"), vec!["/queue"]);
        assert!(current(UserRole::Admin, "/issues/12").is_empty());
    }
}
