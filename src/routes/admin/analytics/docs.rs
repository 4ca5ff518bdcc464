//! `GET /admin/analytics/docs`: which docs prevent issues — the form
//! sessions of the range and how many were deflected, each doc's figures
//! (sortable, the least helpful named), per Diátaxis type and plane, per
//! context value, the gaps, and the weekly trend; `GET
//! /admin/analytics/docs.csv?table=…`: any of those tables as CSV with the
//! same filters (and order), streamed. Figures come from the daily
//! rollups, refreshed first when they are more than a minute old (see
//! `db::queries::doc_rollups`), and the page says how old they are. The
//! figures of a scope are kept (`db::cache`) until the rollups are
//! refreshed or a name they show changes, so views in between read no
//! rollup rows.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};

use super::docs_view::{
    self, AsOf, CONTEXTS_ON_PAGE, DOCS_ON_PAGE, GAPS_ON_PAGE, Line, SortHeading, Stat, Tables,
};
use super::{FilterForm, Scope, csv_filename, read_scope};
use crate::auth::extractors::RequireAdmin;
use crate::db::cache::{Caches, DocFiguresKey};
use crate::db::queries::analytics_docs::{self, Figures};
use crate::db::queries::doc_rollups::{self, Wait};
use crate::db::{self, PgPool};
use crate::domain::analytics::docs::{
    DocOrder, LEAST_HELPFUL_MIN_SHOWN, OrderNotice, Table, least_helpful_order,
};
use crate::domain::form_pairs;
use crate::error::AppError;
use crate::routes::add;
use crate::routes::csv::{self, StreamError};
use crate::routes::page::Page;
use crate::views::Layout;
use crate::views::chart::Chart;

/// How long a page waits for a refresh it started; a longer one (the
/// first on a large desk) goes on, and the page shows what there is.
const REFRESH_WAIT: Duration = Duration::from_secs(2);

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, docs_view::PATH, show_docs_analytics);
    add(
        cfg,
        Method::GET,
        docs_view::CSV_PATH,
        download_docs_analytics,
    );
}

#[derive(Template)]
#[template(path = "admin/analytics/docs.html")]
struct DocsAnalyticsPage {
    layout: Layout,
    filter_form: FilterForm,
    notices: Vec<&'static str>,
    /// None: the figures were never computed yet.
    as_of: Option<AsOf>,
    /// The doc type filter is set (it applies to the doc tables only).
    doc_type: Option<&'static str>,
    stats: Vec<Stat>,
    headings: Vec<SortHeading>,
    docs: Vec<Line>,
    docs_total: usize,
    docs_on_page: usize,
    min_shown: i64,
    least_helpful: Vec<Line>,
    least_helpful_href: String,
    least_min_shown: i64,
    types: Vec<Line>,
    planes: Vec<Line>,
    contexts: Vec<Line>,
    contexts_total: usize,
    gaps: Vec<Line>,
    gaps_total: usize,
    weeks: Vec<Line>,
    chart: Chart,
    csv: CsvLinks,
}

/// The download link of each table.
struct CsvLinks {
    summary: String,
    docs: String,
    types: String,
    planes: String,
    contexts: String,
    gaps: String,
    weeks: String,
}

/// The page's query: filters (the shared ones), the doc order, and for
/// the CSV the table.
struct Query {
    scope: Scope,
    order: DocOrder,
    notices: Vec<&'static str>,
}

async fn read_query(
    req: &HttpRequest,
    pool: &PgPool,
    caches: &web::Data<Caches>,
) -> Result<(Query, Vec<(String, String)>), AppError> {
    let scope = read_scope(req, pool, caches, docs_view::PATH, true).await?;
    let (pairs, _invalid_utf8) = form_pairs::decode(req.query_string().as_bytes());
    let (order, order_notices) = DocOrder::parse(&pairs);
    let mut notices = scope.notices.clone();
    notices.extend(order_notices.iter().map(|n| n.sentence()));
    Ok((
        Query {
            scope,
            order,
            notices,
        },
        pairs,
    ))
}

fn rollup_scope(scope: &Scope) -> analytics_docs::Scope {
    analytics_docs::Scope {
        from: scope.filters.from,
        to_exclusive: scope.filters.to_exclusive(),
        customer: scope.filters.customer,
        plane: scope.plane_id,
        doc_type: scope.filters.doc_type,
    }
}

/// Refreshes the rollups when they are more than a minute old (`at`: when
/// they were refreshed), waiting at most [`REFRESH_WAIT`]; another
/// instance's refresh is not waited for. Says whether it refreshed.
async fn freshen(pool: &PgPool, at: Option<DateTime<Utc>>) -> bool {
    if at.is_some_and(|at| Utc::now() - at < doc_rollups::FRESH_FOR) {
        return false;
    }
    let pool = pool.clone();
    let job = actix_web::rt::spawn(async move {
        let outcome = db::run(&pool, |conn| doc_rollups::refresh(conn, Wait::No)).await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "doc analytics refresh failed");
        }
    });
    // Past the wait the refresh goes on; this page shows what there is.
    let _ = tokio::time::timeout(REFRESH_WAIT, job).await;
    true
}

/// GET /admin/analytics/docs — admin.
pub async fn show_docs_analytics(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    caches: web::Data<Caches>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (query, _) = read_query(&req, &pool, &caches).await?;
    render(&page, &pool, &caches, query).await
}

async fn render(
    page: &Page,
    pool: &PgPool,
    caches: &Caches,
    query: Query,
) -> Result<HttpResponse, AppError> {
    let stamps = query.scope.stamps;
    let refreshed = freshen(pool, stamps.docs_at).await;
    let rollup = rollup_scope(&query.scope);
    let key = DocFiguresKey {
        refreshed_at: stamps.docs_at,
        directory: stamps.markers.directory,
        catalog: stamps.catalog,
        scope: rollup,
    };
    // After a refresh the stamps are out of date: read afresh.
    let cached = (!refreshed).then(|| caches.doc_figures.get(&key)).flatten();
    let (at, figures) = match cached {
        Some(figures) => (key.refreshed_at, figures),
        None => {
            // One snapshot: a refresh committing between the reads would
            // make the headline and the tables disagree (as the tickets
            // page and the CSV do).
            let (at, figures) = db::run(pool, move |conn| {
                conn.build_transaction()
                    .read_only()
                    .repeatable_read()
                    .run(|conn| {
                        let at = doc_rollups::refreshed_at(conn)?;
                        let figures = analytics_docs::figures(conn, &rollup)?;
                        Ok::<_, diesel::result::Error>((at, figures))
                    })
            })
            .await?;
            let figures = Arc::new(figures);
            let key = DocFiguresKey {
                refreshed_at: at,
                ..key
            };
            caches.doc_figures.put(key, figures.clone(), figures.rows());
            (at, figures)
        }
    };
    let Query {
        scope,
        order,
        notices,
    } = query;
    let tables = Tables::new(&figures, &order);
    let filters = &scope.filters;
    let mut docs = docs_view::doc_lines(&tables.docs);
    let docs_total = docs.len();
    docs.truncate(DOCS_ON_PAGE);
    let mut contexts = docs_view::context_lines(&tables.contexts);
    let contexts_total = contexts.len();
    contexts.truncate(CONTEXTS_ON_PAGE);
    let mut gaps = docs_view::gap_lines(&tables.gaps);
    let gaps_total = gaps.len();
    gaps.truncate(GAPS_ON_PAGE);
    let csv = |table| docs_view::csv_link(filters, &order, table);
    page.render(&DocsAnalyticsPage {
        layout: page.layout("Doc analytics"),
        notices,
        as_of: at.map(|at| docs_view::as_of(at, Utc::now())),
        doc_type: filters.doc_type.map(|t| t.label()),
        stats: docs_view::stats(&figures),
        headings: docs_view::sort_headings(filters, &order),
        docs_on_page: docs.len(),
        docs,
        docs_total,
        min_shown: order.min_shown,
        least_helpful: docs_view::doc_lines(&tables.least_helpful),
        least_helpful_href: format!(
            "{}#docs",
            docs_view::order_link(filters, &least_helpful_order())
        ),
        least_min_shown: LEAST_HELPFUL_MIN_SHOWN,
        types: docs_view::type_lines(&tables.types),
        planes: docs_view::plane_lines(&tables.planes),
        contexts,
        contexts_total,
        gaps,
        gaps_total,
        weeks: docs_view::week_lines(&tables.weeks),
        chart: docs_view::trend_chart(&tables.weeks),
        csv: CsvLinks {
            summary: csv(Table::Summary),
            docs: csv(Table::Docs),
            types: csv(Table::Types),
            planes: csv(Table::Planes),
            contexts: csv(Table::Contexts),
            gaps: csv(Table::Gaps),
            weeks: csv(Table::Weeks),
        },
        filter_form: scope.form.clone(),
    })
}

/// GET /admin/analytics/docs.csv — admin. `table` names the table (the
/// docs by default, with the header DESIGN.md fixes). A parameter that
/// cannot be read answers the page with its notice, not a file of other
/// figures than asked for.
pub async fn download_docs_analytics(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    caches: web::Data<Caches>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (mut query, pairs) = read_query(&req, &pool, &caches).await?;
    let (table, table_notice) = Table::parse_param(&pairs);
    if let Some(notice) = table_notice {
        query.notices.push(notice.sentence());
    }
    if !query.notices.is_empty() {
        query
            .notices
            .push(OrderNotice::NothingDownloaded.sentence());
        return render(&page, &pool, &caches, query).await;
    }
    freshen(&pool, query.scope.stamps.docs_at).await;
    let rollup = rollup_scope(&query.scope);
    let order = query.order;
    let filename = csv_filename(&format!("docs-{}", table.as_str()), &query.scope.filters);
    csv::download(&pool, filename, table.header(), move |conn, out| {
        let figures: Figures = analytics_docs::figures(conn, &rollup)?;
        let tables = Tables::new(&figures, &order);
        for row in docs_view::csv_rows(table, &figures, &tables) {
            out.row(&row)?;
        }
        Ok::<_, StreamError>(())
    })
    .await
}
