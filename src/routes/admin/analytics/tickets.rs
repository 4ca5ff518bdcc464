//! `GET /admin/analytics/tickets` and `GET /admin/analytics/tickets.csv`:
//! how the desk is doing — issues created and resolved per ISO week, first
//! response and resolution times (p50, p90), the open backlog by age and
//! the work per agent, for the range and filters of the query. The figures
//! come from rollups a refresh job keeps (see
//! `db::queries::analytics_tickets` for why, and for the definitions); the
//! page says how old they are; the figures of a scope are kept
//! (`db::cache`) until the next refresh. Each table downloads as CSV with
//! the same filters (`table=weekly|backlog|agents|planes`, weekly by
//! default), read by the same function as the page.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, Utc};

use crate::auth::extractors::RequireAdmin;
use crate::db::cache::{Caches, TicketFiguresKey};
use crate::db::queries::analytics_tickets::{
    self as stats, AgentRow, Freshness, PlaneRow, Read, Slice, TicketFigures, TicketScope, WeekRow,
};
use crate::db::{self, PgPool};
use crate::domain::analytics::docs::OrderNotice;
use crate::domain::analytics::{Filters, format, week_label, week_start};
use crate::domain::form_pairs;
use crate::error::AppError;
use crate::routes::admin::analytics::{FilterForm, Scope, csv_filename, link, read_scope};
use crate::routes::csv::{self, Cell, CsvRows, StreamError};
use crate::routes::page::Page;
use crate::views::Layout;
use crate::views::chart::{self, Chart, ChartSpec, DataTable, Series, ValueFormat};

const PATH: &str = "/admin/analytics/tickets";
const CSV_PATH: &str = "/admin/analytics/tickets.csv";

/// The weekly CSV's header, as DESIGN.md fixes it.
pub const WEEKLY_HEADER: &[&str] = &[
    "week",
    "created",
    "resolved",
    "first_response_p50_h",
    "first_response_p90_h",
    "resolution_p50_h",
    "resolution_p90_h",
];
const BACKLOG_HEADER: &[&str] = &["age", "open"];
const AGENTS_HEADER: &[&str] = &["agent", "open_assigned", "resolved"];
const PLANES_HEADER: &[&str] = &["plane", "created", "resolved"];
/// How the unassigned row of the agents table is named.
const UNASSIGNED: &str = "Unassigned";

/// The weeks a range covers, as far as there are figures: from the later of
/// the range's first week and the slice's first week with figures, to the
/// earlier of the range's last week and this week. None: no week to show.
fn shown_weeks(
    filters: &Filters,
    first_with_figures: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    let first = week_start(filters.from).max(first_with_figures?);
    let last = week_start(filters.to).min(week_start(today));
    (first <= last).then_some((first, last))
}

/// The weeks a range covers, whole (for sums, where weeks without figures
/// add nothing).
fn range_weeks(filters: &Filters) -> (NaiveDate, NaiveDate) {
    (week_start(filters.from), week_start(filters.to))
}

/// One row of the weekly table, written as the page and the CSV show it.
pub struct WeekLine {
    pub label: String,
    pub created: i64,
    pub resolved: i64,
    pub first_response_p50: String,
    pub first_response_p90: String,
    pub resolution_p50: String,
    pub resolution_p90: String,
}

impl WeekLine {
    fn of(row: &WeekRow) -> WeekLine {
        WeekLine {
            label: week_label(row.week),
            created: row.created,
            resolved: row.resolved,
            first_response_p50: format::hours(row.first_response_p50_h),
            first_response_p90: format::hours(row.first_response_p90_h),
            resolution_p50: format::hours(row.resolution_p50_h),
            resolution_p90: format::hours(row.resolution_p90_h),
        }
    }
}

fn week_cells(row: &WeekRow) -> [Cell; 7] {
    [
        Cell::Text(week_label(row.week)),
        Cell::Count(row.created),
        Cell::Count(row.resolved),
        Cell::Hours(row.first_response_p50_h),
        Cell::Hours(row.first_response_p90_h),
        Cell::Hours(row.resolution_p50_h),
        Cell::Hours(row.resolution_p90_h),
    ]
}

fn agent_name(row: &AgentRow) -> String {
    match row.id {
        Some(_) => row.name.clone(),
        None => UNASSIGNED.to_owned(),
    }
}

/// A table's CSV link.
struct Download {
    href: String,
}

#[derive(Template)]
#[template(path = "admin/analytics/tickets.html")]
struct TicketsPage {
    layout: Layout,
    filter_form: FilterForm,
    notices: Vec<&'static str>,
    /// "Weeks 2026-W44 to 2026-W49 (…)", or None when none is shown.
    weeks_shown: Option<String>,
    /// The filters in words: "App CI/CD · Acme".
    scope_words: String,
    freshness: FreshnessLine,
    created: i64,
    resolved: i64,
    open: i64,
    weeks: Vec<WeekLine>,
    weekly_chart: Chart,
    backlog: Vec<(&'static str, &'static str, i64)>,
    backlog_chart: Chart,
    agents: Vec<AgentRow>,
    planes: Vec<PlaneRow>,
    weekly_csv: Download,
    backlog_csv: Download,
    agents_csv: Download,
    planes_csv: Download,
}

/// How old the figures are, in words and as a timestamp.
struct FreshnessLine {
    /// None until the first refresh has run.
    updated: Option<(String, String)>,
}

impl FreshnessLine {
    fn of(f: Freshness) -> FreshnessLine {
        // The older of the two is what the page as a whole is as of.
        let at = match (f.refreshed_at, f.backlog_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        };
        FreshnessLine {
            updated: at.map(|at| {
                (
                    format::ago(Utc::now(), at),
                    at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                )
            }),
        }
    }
}

fn describe_weeks(first: NaiveDate, last: NaiveDate) -> String {
    let sunday = last + chrono::Days::new(6);
    if first == last {
        format!(
            "Week {} ({} to {}, UTC)",
            week_label(first),
            first.format("%-d %b %Y"),
            sunday.format("%-d %b %Y")
        )
    } else {
        format!(
            "Weeks {} to {} ({} to {}, UTC)",
            week_label(first),
            week_label(last),
            first.format("%-d %b %Y"),
            sunday.format("%-d %b %Y")
        )
    }
}

/// GET /admin/analytics/tickets — admin.
pub async fn show_tickets(
    _admin: RequireAdmin,
    page: Page,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    caches: web::Data<Caches>,
) -> Result<HttpResponse, AppError> {
    let scope = read_scope(&req, &pool, &caches, PATH, false).await?;
    render(&page, &pool, &caches, scope).await
}

/// The page for `scope`, its notices shown above the figures.
async fn render(
    page: &Page,
    pool: &PgPool,
    caches: &Caches,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let slice = Slice::of(scope.plane_id, scope.filters.customer);
    let today = Utc::now().date_naive();
    let (first_week, last_week) = range_weeks(&scope.filters);
    let key = TicketFiguresKey {
        freshness: scope.stamps.tickets,
        directory: scope.stamps.markers.directory,
        scope: TicketScope {
            slice,
            first_week,
            last_week,
            today,
        },
    };
    let figures = match caches.ticket_figures.get(&key) {
        Some(figures) => figures,
        None => {
            let filters = scope.filters.clone();
            // One read-only transaction: the tables agree with each other,
            // and the reads' server-side cursors live in it.
            let figures = Arc::new(
                db::run(pool, move |conn| {
                    conn.build_transaction()
                        .read_only()
                        .repeatable_read()
                        .run(|conn| read_page(conn, slice, &filters, today))
                })
                .await?,
            );
            // Filed under the refresh the snapshot saw, which may be newer.
            let key = TicketFiguresKey {
                freshness: figures.freshness,
                ..key
            };
            caches
                .ticket_figures
                .put(key, figures.clone(), figures.rows());
            figures
        }
    };
    let TicketFigures {
        freshness,
        shown,
        weeks,
        backlog,
        agents,
        planes,
    } = &*figures;

    let labels: Vec<String> = weeks.iter().map(|w| week_label(w.week)).collect();
    let count = |f: fn(&WeekRow) -> i64| weeks.iter().map(|w| Some(f(w) as f64)).collect();
    let weekly_chart = chart::line_chart(&ChartSpec {
        id: "weekly-chart".into(),
        title: "Issues created and resolved per week".into(),
        x_label: "ISO week".into(),
        y_label: "Issues".into(),
        labels,
        series: vec![
            Series {
                name: "Created".into(),
                values: count(|w| w.created),
            },
            Series {
                name: "Resolved".into(),
                values: count(|w| w.resolved),
            },
        ],
        format: ValueFormat::Count,
        table: DataTable::Elsewhere {
            id: "weekly".into(),
            caption: "Weekly figures".into(),
        },
    });
    let backlog_chart = chart::bar_chart(&ChartSpec {
        id: "backlog-chart".into(),
        title: "Open issues by age".into(),
        x_label: "Age".into(),
        y_label: "Open issues".into(),
        labels: backlog.iter().map(|(b, _)| b.label().to_owned()).collect(),
        series: vec![Series {
            name: "Open".into(),
            values: backlog.iter().map(|(_, n)| Some(*n as f64)).collect(),
        }],
        format: ValueFormat::Count,
        table: DataTable::Elsewhere {
            id: "backlog".into(),
            caption: "Open backlog by age".into(),
        },
    });
    let csv_link = |table: &str| Download {
        href: link(CSV_PATH, &scope.filters, &[("table", table)]),
    };
    let scope_words = scope_words(&scope);
    page.render(&TicketsPage {
        layout: page.layout("Tickets analytics"),
        notices: scope.notices.clone(),
        weeks_shown: (*shown).map(|(first, last)| describe_weeks(first, last)),
        scope_words,
        freshness: FreshnessLine::of(*freshness),
        created: weeks.iter().map(|w| w.created).sum(),
        resolved: weeks.iter().map(|w| w.resolved).sum(),
        open: backlog.iter().map(|(_, n)| n).sum(),
        weeks: weeks.iter().map(WeekLine::of).collect(),
        weekly_chart,
        backlog: backlog
            .iter()
            .map(|(b, n)| (b.label(), b.describe(), *n))
            .collect(),
        backlog_chart,
        agents: agents.clone(),
        planes: planes.clone(),
        weekly_csv: csv_link("weekly"),
        backlog_csv: csv_link("backlog"),
        agents_csv: csv_link("agents"),
        planes_csv: csv_link("planes"),
        filter_form: scope.form,
    })
}

fn read_page(
    conn: &mut diesel::PgConnection,
    slice: Slice,
    filters: &Filters,
    today: NaiveDate,
) -> diesel::QueryResult<TicketFigures> {
    let (freshness, first_week) = stats::freshness_and_first_week(conn, slice)?;
    let shown = shown_weeks(filters, first_week, today);
    let mut weeks = Vec::new();
    if let Some((first, last)) = shown {
        stats::for_each_week::<diesel::result::Error>(
            conn,
            Read::Whole,
            slice,
            first,
            last,
            |row| {
                weeks.push(row);
                Ok(())
            },
        )?;
    }
    let mut backlog = Vec::new();
    stats::for_each_backlog_bucket::<diesel::result::Error>(
        conn,
        Read::Whole,
        slice,
        |bucket, n| {
            backlog.push((bucket, n));
            Ok(())
        },
    )?;
    let (first, last) = range_weeks(filters);
    let mut agents = Vec::new();
    stats::for_each_agent::<diesel::result::Error>(conn, Read::Whole, slice, first, last, |row| {
        agents.push(row);
        Ok(())
    })?;
    let mut planes = Vec::new();
    stats::for_each_plane::<diesel::result::Error>(conn, Read::Whole, slice, first, last, |row| {
        planes.push(row);
        Ok(())
    })?;
    Ok(TicketFigures {
        freshness,
        shown,
        weeks,
        backlog,
        agents,
        planes,
    })
}

/// The filters in words, for the page's subtitle.
fn scope_words(scope: &Scope) -> String {
    let plane = scope
        .filters
        .plane
        .as_ref()
        .and_then(|slug| {
            scope
                .form
                .planes
                .iter()
                .find(|c| &c.value == slug)
                .map(|c| c.label.clone())
        })
        .unwrap_or_else(|| "Every plane".to_owned());
    let customer = scope
        .customer_name
        .clone()
        .unwrap_or_else(|| "every customer".to_owned());
    format!("{plane} · {customer}")
}

/// Which table a CSV download is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Weekly,
    Backlog,
    Agents,
    Planes,
}

impl Table {
    fn parse(raw: Option<&str>) -> Option<Table> {
        match raw.unwrap_or_default() {
            "" | "weekly" => Some(Table::Weekly),
            "backlog" => Some(Table::Backlog),
            "agents" => Some(Table::Agents),
            "planes" => Some(Table::Planes),
            _ => None,
        }
    }

    fn stem(self) -> &'static str {
        match self {
            Table::Weekly => "tickets-weekly",
            Table::Backlog => "tickets-backlog",
            Table::Agents => "tickets-agents",
            Table::Planes => "tickets-planes",
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Table::Weekly => WEEKLY_HEADER,
            Table::Backlog => BACKLOG_HEADER,
            Table::Agents => AGENTS_HEADER,
            Table::Planes => PLANES_HEADER,
        }
    }
}

/// GET /admin/analytics/tickets.csv — admin. A parameter that cannot be
/// read (an unknown `table`, a bad filter) answers the page with its
/// notice, as the doc analytics' downloads do, not a file of other figures
/// than asked for.
pub async fn download_tickets(
    _admin: RequireAdmin,
    page: Page,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    caches: web::Data<Caches>,
) -> Result<HttpResponse, AppError> {
    let (pairs, _) = form_pairs::decode(req.query_string().as_bytes());
    let table = pairs
        .iter()
        .find(|(name, _)| name == "table")
        .map(|(_, value)| value.as_str());
    let table = Table::parse(table);
    let mut scope = read_scope(&req, &pool, &caches, PATH, false).await?;
    let Some(table) = table.filter(|_| scope.notices.is_empty()) else {
        if table.is_none() {
            scope.notices.push(OrderNotice::BadTable.sentence());
        }
        scope
            .notices
            .push(OrderNotice::NothingDownloaded.sentence());
        return render(&page, &pool, &caches, scope).await;
    };
    let slice = Slice::of(scope.plane_id, scope.filters.customer);
    let filters = scope.filters;
    let today = Utc::now().date_naive();
    csv::download(
        &pool,
        csv_filename(table.stem(), &filters),
        table.header(),
        move |conn, rows| write_table(conn, rows, table, slice, &filters, today),
    )
    .await
}

fn write_table(
    conn: &mut diesel::PgConnection,
    rows: &mut CsvRows,
    table: Table,
    slice: Slice,
    filters: &Filters,
    today: NaiveDate,
) -> Result<(), StreamError> {
    let (first, last) = range_weeks(filters);
    match table {
        Table::Weekly => {
            let shown = shown_weeks(filters, stats::first_week(conn, slice)?, today);
            if let Some((first, last)) = shown {
                stats::for_each_week(conn, Read::Cursor, slice, first, last, |row| {
                    rows.row(&week_cells(&row))
                })?;
            }
        }
        Table::Backlog => {
            stats::for_each_backlog_bucket(conn, Read::Cursor, slice, |bucket, n| {
                rows.row(&[Cell::Text(bucket.describe().to_owned()), Cell::Count(n)])
            })?
        }
        Table::Agents => stats::for_each_agent(conn, Read::Cursor, slice, first, last, |row| {
            rows.row(&[
                Cell::Text(agent_name(&row)),
                Cell::Count(row.open_assigned),
                Cell::Count(row.resolved),
            ])
        })?,
        Table::Planes => stats::for_each_plane(conn, Read::Cursor, slice, first, last, |row| {
            rows.row(&[
                Cell::Text(row.name),
                Cell::Count(row.created),
                Cell::Count(row.resolved),
            ])
        })?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn range(from: NaiveDate, to: NaiveDate) -> Filters {
        let mut f = Filters::defaults(to);
        f.from = from;
        f
    }

    #[test]
    fn weeks_shown_are_clipped_to_the_figures_and_to_this_week() {
        let today = day(2026, 11, 30);
        let f = range(day(2026, 11, 1), today);
        // Figures since long ago: the range's weeks, whole.
        assert_eq!(
            shown_weeks(&f, Some(day(2024, 1, 1)), today),
            Some((day(2026, 10, 26), day(2026, 11, 30)))
        );
        // Figures only from mid-range.
        assert_eq!(
            shown_weeks(&f, Some(day(2026, 11, 16)), today),
            Some((day(2026, 11, 16), day(2026, 11, 30)))
        );
        // No figures at all, or none before the range ends.
        assert_eq!(shown_weeks(&f, None, today), None);
        assert_eq!(shown_weeks(&f, Some(day(2026, 12, 7)), today), None);
        // A range reaching far into the future stops at this week; one from
        // the year 1 starts at the first figures.
        let wide = range(day(1, 1, 1), day(9999, 12, 31));
        assert_eq!(
            shown_weeks(&wide, Some(day(2025, 1, 6)), today),
            Some((day(2025, 1, 6), day(2026, 11, 30)))
        );
    }

    #[test]
    fn csv_tables_are_named_and_anything_else_is_refused() {
        assert_eq!(Table::parse(None), Some(Table::Weekly));
        assert_eq!(Table::parse(Some("agents")), Some(Table::Agents));
        assert_eq!(Table::parse(Some("../etc")), None);
        assert_eq!(
            WEEKLY_HEADER.join(","),
            "week,created,resolved,first_response_p50_h,first_response_p90_h,resolution_p50_h,resolution_p90_h"
        );
    }

    #[test]
    fn weeks_are_described_with_their_days() {
        assert_eq!(
            describe_weeks(day(2026, 10, 26), day(2026, 11, 30)),
            "Weeks 2026-W44 to 2026-W49 (26 Oct 2026 to 6 Dec 2026, UTC)"
        );
        assert_eq!(
            describe_weeks(day(2026, 11, 30), day(2026, 11, 30)),
            "Week 2026-W49 (30 Nov 2026 to 6 Dec 2026, UTC)"
        );
    }
}
