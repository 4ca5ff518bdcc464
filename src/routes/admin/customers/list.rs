//! `GET /admin/customers`: every customer by name, in keyset pages, with
//! its numbers of users and environments; one without an environment is
//! marked, since its people cannot file an issue yet.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extractors::RequireAdmin;
use crate::db::queries::admin_customers::{self, ListCursor, ListRow, PER_PAGE};
use crate::db::{self, PgPool};
use crate::domain::text;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/customers/list.html")]
struct CustomersPage {
    layout: Layout,
    rows: Vec<ListRow>,
    q: String,
    /// This is not the first page (the list offers a way back to it).
    paged: bool,
    next_page: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    after: Option<String>,
}

/// GET /admin/customers — admin.
pub async fn list_customers(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notice = None;
    let after = match query.after.as_deref() {
        None | Some("") => None,
        Some(c) => ListCursor::decode(c).or_else(|| {
            notice = Some("That page link is damaged, so the first page is shown.");
            None
        }),
    };
    let q = text::search_words(query.q.as_deref().unwrap_or_default());
    let search = Some(q.clone()).filter(|s| !s.is_empty());
    let paged = after.is_some();
    let (rows, more) = db::run(&pool, move |conn| {
        admin_customers::list(conn, search.as_deref(), after.as_ref(), PER_PAGE)
    })
    .await?;
    let next_page = match rows.last() {
        Some(last) if more => Some(format!(
            "/admin/customers?q={}&after={}",
            encode(&q),
            encode(
                &ListCursor {
                    key: last.key.clone(),
                    id: last.id,
                }
                .encode()
            )
        )),
        _ => None,
    };
    page.render(&CustomersPage {
        layout: page.layout("Customers"),
        rows,
        q,
        paged,
        next_page,
        notice,
    })
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
