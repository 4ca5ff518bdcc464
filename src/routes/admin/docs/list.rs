//! `GET /admin/docs`: the catalog by title, in keyset pages, searched by
//! title or address and filtered by type, plane and whether the doc is
//! active (retired docs stay, since feedback points at them).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extractors::RequireAdmin;
use crate::db::models::enums::DocType;
use crate::db::models::planes::{self, Plane};
use crate::db::queries::admin_customers::ListCursor;
use crate::db::queries::admin_docs::{self, ListFilter, ListRow, PER_PAGE};
use crate::db::{self, PgPool};
use crate::domain::admin_docs::ActiveFilter;
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "admin/docs/list.html")]
struct DocsPage {
    layout: Layout,
    rows: Vec<ListRow>,
    q: String,
    doc_type: String,
    plane: String,
    active: &'static str,
    doc_types: &'static [DocType],
    planes: Vec<Plane>,
    /// Any search or filter is set (the empty list says "none match").
    filtered: bool,
    first_page: Option<String>,
    next_page: Option<String>,
    notice: Option<&'static str>,
    /// None: the filter form's fields go through the form macros.
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    doc_type: Option<String>,
    plane: Option<String>,
    active: Option<String>,
    after: Option<String>,
}

/// The list's address with these filters, at `after` when given.
fn page_link(
    q: &str,
    doc_type: &str,
    plane: &str,
    active: ActiveFilter,
    after: Option<&str>,
) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [("q", q), ("doc_type", doc_type), ("plane", plane)] {
        if !value.is_empty() {
            query.append_pair(name, value);
        }
    }
    if active != ActiveFilter::All {
        query.append_pair("active", active.as_str());
    }
    if let Some(after) = after {
        query.append_pair("after", after);
    }
    match query.finish() {
        query if query.is_empty() => "/admin/docs".to_owned(),
        query => format!("/admin/docs?{query}"),
    }
}

/// GET /admin/docs — admin.
pub async fn list_docs(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notice = None;
    let doc_type = match query.doc_type.as_deref().unwrap_or_default() {
        "" => None,
        t => DocType::parse(t).or_else(|| {
            notice = Some("That type filter is unknown, so every type is shown.");
            None
        }),
    };
    let active =
        ActiveFilter::parse(query.active.as_deref().unwrap_or_default()).unwrap_or_else(|| {
            notice = Some("That active filter is unknown, so every doc is shown.");
            ActiveFilter::All
        });
    let after = match query.after.as_deref() {
        None | Some("") => None,
        Some(c) => ListCursor::decode(c).or_else(|| {
            notice = Some("That page link is damaged, so the first page is shown.");
            None
        }),
    };
    let q = text::search_words(query.q.as_deref().unwrap_or_default());
    let planes: Vec<Plane> = db::run(&pool, planes::list_all).await?;
    // Only a slug the catalog has is a filter; anything else is ignored.
    let plane = match query.plane.as_deref().unwrap_or_default() {
        "" => None,
        slug => planes
            .iter()
            .find(|p| p.slug == slug)
            .map(|p| p.slug.clone())
            .or_else(|| {
                notice = Some("That plane filter is unknown, so every plane is shown.");
                None
            }),
    };
    let doc_type_word = doc_type.map(|t| t.as_str()).unwrap_or_default();
    let plane_word = plane.clone().unwrap_or_default();
    let filter = ListFilter {
        q: Some(q.clone()).filter(|q| !q.is_empty()),
        doc_type,
        plane,
        is_active: active.is_active(),
        after: after.clone(),
    };
    let (rows, more) =
        db::run(&pool, move |conn| admin_docs::list(conn, &filter, PER_PAGE)).await?;
    let next_page = match rows.last() {
        Some(last) if more => {
            let cursor = ListCursor {
                key: last.key.clone(),
                id: last.id,
            }
            .encode();
            Some(page_link(
                &q,
                doc_type_word,
                &plane_word,
                active,
                Some(&cursor),
            ))
        }
        _ => None,
    };
    let first_page = after
        .is_some()
        .then(|| page_link(&q, doc_type_word, &plane_word, active, None));
    page.render(&DocsPage {
        layout: page.layout("Docs"),
        rows,
        filtered: !q.is_empty()
            || doc_type.is_some()
            || !plane_word.is_empty()
            || active != ActiveFilter::All
            || after.is_some(),
        q,
        doc_type: doc_type_word.to_owned(),
        plane: plane_word,
        active: active.as_str(),
        doc_types: DocType::ALL,
        planes,
        first_page,
        next_page,
        notice,
        errors: FormErrors::default(),
    })
}
