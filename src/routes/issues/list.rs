//! `GET /issues`: the viewer's issues, newest first (a customer sees their
//! customer's only), filtered by status and words, in keyset pages.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extractors::CurrentUser;
use crate::db::models::enums::IssueStatus;
use crate::db::queries::cursor::Cursor;
use crate::db::queries::issues::{self, ListFilter, ListRow, Viewer};
use crate::db::{self, PgPool};
use crate::domain::text;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "issues/list.html")]
struct IssuesPage {
    layout: Layout,
    rows: Vec<ListRow>,
    statuses: &'static [IssueStatus],
    status: String,
    q: String,
    next_page: Option<String>,
    notice: Option<&'static str>,
    is_staff: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    before: Option<String>,
}

/// GET /issues — signed-in users: customers their customer's issues, staff all.
pub async fn list_issues(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notice = None;
    let status_text = query.status.clone().unwrap_or_default();
    let status = match status_text.as_str() {
        "" => None,
        s => IssueStatus::parse(s).or_else(|| {
            notice = Some("That status filter is unknown, so all statuses are shown.");
            None
        }),
    };
    let before = match query.before.as_deref() {
        None | Some("") => None,
        Some(c) => Cursor::decode(c).or_else(|| {
            notice = Some("That page link is damaged, so the first page is shown.");
            None
        }),
    };
    let q = text::search_words(query.q.as_deref().unwrap_or_default());
    let filter = ListFilter {
        status,
        search: Some(q.clone()).filter(|s| !s.trim().is_empty()),
        before,
    };
    let viewer = Viewer::of(&user);
    let (rows, more) = db::run(&pool, move |conn| {
        issues::list_issues(conn, viewer, &filter, PER_PAGE)
    })
    .await?;
    let next_page = match rows.last() {
        Some(last) if more => Some(format!(
            "/issues?status={}&q={}&before={}",
            status.map(|s| s.as_str()).unwrap_or(""),
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>(),
            Cursor {
                priority: last.issue.priority,
                at: last.issue.created_at,
                id: last.issue.id,
            }
            .encode()
        )),
        _ => None,
    };
    page.render(&IssuesPage {
        layout: page.layout("Issues"),
        rows,
        statuses: IssueStatus::ALL,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        q,
        next_page,
        notice,
        is_staff: user.is_staff(),
    })
}
