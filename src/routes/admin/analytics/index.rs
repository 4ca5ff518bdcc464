//! `GET /admin/analytics`: the analytics pages, one line each.

use actix_web::HttpResponse;
use askama::Template;

use crate::auth::extractors::RequireAdmin;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

/// An analytics page the index links to.
pub struct AnalyticsLink {
    pub href: &'static str,
    pub label: &'static str,
    pub what: &'static str,
}

/// Every analytics page that exists; a page is listed once it is built.
const PAGES: &[AnalyticsLink] = &[
    AnalyticsLink {
        href: "/admin/analytics/docs",
        label: "Docs",
        what: "Which docs prevent issues: deflection, each doc's helpful rate, by type, plane and context value, and what to write next.",
    },
    AnalyticsLink {
        href: "/admin/analytics/tickets",
        label: "Tickets",
        what: "Issues created and resolved per week, first response and resolution times (p50, p90), the open backlog by age and the work per agent.",
    },
];

#[derive(Template)]
#[template(path = "admin/analytics/index.html")]
struct AnalyticsIndexPage {
    layout: Layout,
    pages: &'static [AnalyticsLink],
}

/// GET /admin/analytics — admin.
pub async fn show_index(_admin: RequireAdmin, page: Page) -> Result<HttpResponse, AppError> {
    page.render(&AnalyticsIndexPage {
        layout: page.layout("Analytics"),
        pages: PAGES,
    })
}
