//! What `/admin/analytics/docs` shows, built from the figures: the tables
//! as rows of [`Cell`]s, written by the same functions for the page and
//! for the CSV download (so the two cannot disagree), the sort links of
//! the per-doc table, the weekly chart, and how old the figures are.

use chrono::{DateTime, Utc};

use crate::db::queries::analytics_docs::Figures;
use crate::domain::analytics::docs::{
    self, ContextRow, Direction, DocFigures, DocOrder, DocRow, DocSort, PlaneRow, Table, TypeRow,
    WeekRow,
};
use crate::domain::analytics::{Filters, format, week_label};
use crate::routes::admin::analytics::link;
use crate::routes::csv::Cell;
use crate::views::chart::{self, Chart, ChartSpec, DataTable, Series, ValueFormat};

/// Where the page lives; its CSV is the same path with `.csv`.
pub const PATH: &str = "/admin/analytics/docs";
pub const CSV_PATH: &str = "/admin/analytics/docs.csv";
/// Rows the page lists of the long tables; the CSV has them all.
pub const DOCS_ON_PAGE: usize = 100;
pub const CONTEXTS_ON_PAGE: usize = 50;
pub const GAPS_ON_PAGE: usize = 10;

/// The tables of one filtered view, in the order each is shown.
pub struct Tables {
    pub docs: Vec<DocRow>,
    pub least_helpful: Vec<DocRow>,
    pub types: Vec<TypeRow>,
    pub planes: Vec<PlaneRow>,
    pub contexts: Vec<ContextRow>,
    pub gaps: Vec<ContextRow>,
    pub weeks: Vec<WeekRow>,
}

impl Tables {
    pub fn new(figures: &Figures, order: &DocOrder) -> Self {
        Tables {
            docs: order.apply(&figures.docs),
            least_helpful: docs::least_helpful(&figures.docs),
            types: docs::by_type(&figures.docs),
            planes: figures.planes.clone(),
            contexts: docs::contexts_in_order(&figures.contexts),
            gaps: docs::gaps(&figures.contexts),
            weeks: figures.weeks.clone(),
        }
    }
}

fn figure_cells(f: &DocFigures) -> [Cell; 5] {
    [
        Cell::Count(f.shown),
        Cell::Count(f.helpful),
        Cell::Count(f.dismissed),
        Cell::Rate(f.helpful_rate()),
        Cell::Count(f.filed_after_helpful),
    ]
}

pub fn doc_cells(d: &DocRow) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Text(d.url.clone()),
        Cell::Text(d.title.clone()),
        Cell::Text(d.doc_type.as_str().to_owned()),
    ];
    cells.extend(figure_cells(&d.figures));
    cells
}

fn context_names(r: &ContextRow) -> [Cell; 3] {
    [
        Cell::Text(r.plane_slug.clone()),
        Cell::Text(r.context_key.clone()),
        Cell::Text(r.value.clone()),
    ]
}

/// The rows of `table` as the CSV writes them, in the page's order.
pub fn csv_rows(table: Table, figures: &Figures, tables: &Tables) -> Vec<Vec<Cell>> {
    match table {
        Table::Docs => tables.docs.iter().map(doc_cells).collect(),
        Table::Summary => {
            let h = &figures.headline;
            vec![vec![
                Cell::Count(h.sessions),
                Cell::Count(h.shown),
                Cell::Count(h.deflected),
                Cell::Rate(h.deflection_rate()),
                Cell::Count(h.filed),
            ]]
        }
        Table::Types => (tables.types.iter())
            .map(|t| {
                let mut cells = vec![Cell::Text(t.doc_type.as_str().to_owned())];
                cells.extend(figure_cells(&t.figures));
                cells
            })
            .collect(),
        Table::Planes => (tables.planes.iter())
            .map(|p| {
                let slug = p.plane.as_ref().map(|(s, _)| s.clone()).unwrap_or_default();
                let mut cells = vec![Cell::Text(slug)];
                cells.extend(figure_cells(&p.figures));
                cells
            })
            .collect(),
        Table::Contexts => (tables.contexts.iter())
            .map(|r| {
                let mut cells = context_names(r).to_vec();
                cells.extend([
                    Cell::Count(r.deflected),
                    Cell::Count(r.filed),
                    Cell::Rate(r.deflected_share()),
                ]);
                cells
            })
            .collect(),
        Table::Gaps => (tables.gaps.iter())
            .map(|r| {
                let mut cells = context_names(r).to_vec();
                cells.extend([Cell::Count(r.filed), Cell::Count(r.filed_unhelped)]);
                cells
            })
            .collect(),
        Table::Weeks => (tables.weeks.iter())
            .map(|w| {
                vec![
                    Cell::Text(week_label(w.week)),
                    Cell::Count(w.sessions_shown),
                    Cell::Count(w.deflected),
                    Cell::Rate(w.deflection_rate()),
                    Cell::Count(w.docs_shown),
                    Cell::Count(w.helpful),
                    Cell::Rate(w.helpful_rate()),
                ]
            })
            .collect(),
    }
}

/// A figure as the page writes it: counts as digits, rates as percentages.
fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Hours(h) => format::hours(*h),
        Cell::Rate(r) => match r {
            Some(_) => format::percent(*r),
            None => "—".to_owned(),
        },
    }
}

/// A row of numbers under a label, as a table line of the page.
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    /// A second line under the label (a doc's address), or empty.
    pub detail: String,
    /// Where the label links to, or empty.
    pub href: String,
    /// A word cell before the figures (a doc's type), or empty.
    pub kind: String,
    /// The figures.
    pub cells: Vec<String>,
}

fn numbers(cells: &[Cell]) -> Vec<String> {
    cells.iter().map(shown).collect()
}

pub fn doc_lines(rows: &[DocRow]) -> Vec<Line> {
    rows.iter()
        .map(|d| Line {
            label: d.title.clone(),
            detail: d.url.clone(),
            href: format!("/admin/docs/{}", d.doc_id),
            kind: d.doc_type.label().to_owned(),
            cells: numbers(&figure_cells(&d.figures)),
        })
        .collect()
}

pub fn type_lines(rows: &[TypeRow]) -> Vec<Line> {
    rows.iter()
        .map(|t| Line {
            label: t.doc_type.label().to_owned(),
            detail: String::new(),
            href: String::new(),
            kind: String::new(),
            cells: numbers(&figure_cells(&t.figures)),
        })
        .collect()
}

pub fn plane_lines(rows: &[PlaneRow]) -> Vec<Line> {
    rows.iter()
        .map(|p| Line {
            label: p
                .plane
                .as_ref()
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| "No area chosen".to_owned()),
            detail: String::new(),
            href: String::new(),
            kind: String::new(),
            cells: numbers(&figure_cells(&p.figures)),
        })
        .collect()
}

fn context_label(r: &ContextRow) -> (String, String) {
    (
        format!("{} · {}", r.plane_name, r.field_label),
        r.option_label.clone(),
    )
}

pub fn context_lines(rows: &[ContextRow]) -> Vec<Line> {
    rows.iter()
        .map(|r| {
            let (field, value) = context_label(r);
            Line {
                label: value,
                detail: field,
                href: String::new(),
                kind: String::new(),
                cells: numbers(&[
                    Cell::Count(r.deflected),
                    Cell::Count(r.filed),
                    Cell::Rate(r.deflected_share()),
                ]),
            }
        })
        .collect()
}

pub fn gap_lines(rows: &[ContextRow]) -> Vec<Line> {
    rows.iter()
        .map(|r| {
            let (field, value) = context_label(r);
            Line {
                label: value,
                detail: field,
                href: String::new(),
                kind: String::new(),
                cells: numbers(&[Cell::Count(r.filed), Cell::Count(r.filed_unhelped)]),
            }
        })
        .collect()
}

pub fn week_lines(rows: &[WeekRow]) -> Vec<Line> {
    rows.iter()
        .map(|w| Line {
            label: week_label(w.week),
            detail: String::new(),
            href: String::new(),
            kind: String::new(),
            cells: numbers(&[
                Cell::Count(w.sessions_shown),
                Cell::Count(w.deflected),
                Cell::Rate(w.deflection_rate()),
                Cell::Count(w.docs_shown),
                Cell::Count(w.helpful),
                Cell::Rate(w.helpful_rate()),
            ]),
        })
        .collect()
}

/// The headline as tiles.
pub struct Stat {
    pub value: String,
    pub label: &'static str,
}

pub fn stats(figures: &Figures) -> Vec<Stat> {
    let h = &figures.headline;
    vec![
        Stat {
            value: h.sessions.to_string(),
            label: "Form sessions",
        },
        Stat {
            value: h.shown.to_string(),
            label: "Shown a doc",
        },
        Stat {
            value: h.deflected.to_string(),
            label: "Deflected (a doc helped, no issue filed)",
        },
        Stat {
            value: shown(&Cell::Rate(h.deflection_rate())),
            label: "Deflection rate (of sessions shown a doc)",
        },
        Stat {
            value: h.filed.to_string(),
            label: "Issues filed",
        },
    ]
}

/// A column heading of the per-doc table that sorts by it.
pub struct SortHeading {
    pub label: &'static str,
    pub href: String,
    /// `aria-sort` of the column sorted by, else empty.
    pub aria_sort: &'static str,
}

/// The per-doc table's headings, each a link that sorts by it (again:
/// the other way round).
pub fn sort_headings(filters: &Filters, order: &DocOrder) -> Vec<SortHeading> {
    [
        (DocSort::Title, "Doc"),
        (DocSort::Shown, "Shown"),
        (DocSort::Helpful, "Helpful"),
        (DocSort::Dismissed, "Dismissed"),
        (DocSort::HelpfulRate, "Helpful rate"),
        (DocSort::FiledAfterHelpful, "Filed after helpful"),
    ]
    .into_iter()
    .map(|(sort, label)| {
        let current = order.sort == sort;
        let dir = match (current, order.dir, sort) {
            (true, Direction::Desc, _) => Direction::Asc,
            (true, Direction::Asc, _) => Direction::Desc,
            (false, _, DocSort::Title) => Direction::Asc,
            (false, _, _) => Direction::Desc,
        };
        let next = DocOrder {
            sort,
            dir,
            min_shown: order.min_shown,
        };
        SortHeading {
            label,
            href: format!("{}#docs", order_link(filters, &next)),
            aria_sort: match (current, order.dir) {
                (false, _) => "",
                (true, Direction::Asc) => "ascending",
                (true, Direction::Desc) => "descending",
            },
        }
    })
    .collect()
}

/// The page with these filters and this order.
pub fn order_link(filters: &Filters, order: &DocOrder) -> String {
    let pairs = order.pairs();
    let extra: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    link(PATH, filters, &extra)
}

/// The CSV download of `table` with the page's filters (and, for the
/// docs, its order).
pub fn csv_link(filters: &Filters, order: &DocOrder, table: Table) -> String {
    let mut pairs = vec![("table", table.as_str().to_owned())];
    if table == Table::Docs {
        pairs.extend(order.pairs());
    }
    let extra: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
    link(CSV_PATH, filters, &extra)
}

/// The weekly trend of the two rates; its figures are in the page's
/// weekly table.
pub fn trend_chart(weeks: &[WeekRow]) -> Chart {
    chart::line_chart(&ChartSpec {
        id: "trend".into(),
        title: "Deflection rate and helpful rate per week".into(),
        x_label: "ISO week".into(),
        y_label: "Rate".into(),
        labels: weeks.iter().map(|w| week_label(w.week)).collect(),
        series: vec![
            Series {
                name: "Deflection rate".into(),
                values: weeks.iter().map(WeekRow::deflection_rate).collect(),
            },
            Series {
                name: "Helpful rate".into(),
                values: weeks.iter().map(WeekRow::helpful_rate).collect(),
            },
        ],
        format: ValueFormat::Rate,
        table: DataTable::Elsewhere {
            id: "weeks".into(),
            caption: Table::Weeks.label().into(),
        },
    })
}

/// How old the figures are, for the page.
pub struct AsOf {
    /// `<time datetime>`: seconds, no fraction.
    pub datetime: String,
    pub text: String,
    pub ago: String,
}

pub fn as_of(at: DateTime<Utc>, now: DateTime<Utc>) -> AsOf {
    let minutes = (now - at).num_minutes().max(0);
    let ago = match minutes {
        0 => "less than a minute ago".to_owned(),
        1 => "1 minute ago".to_owned(),
        m if m < 120 => format!("{m} minutes ago"),
        m if m < 48 * 60 => format!("{} hours ago", m / 60),
        m => format!("{} days ago", m / (24 * 60)),
    };
    AsOf {
        datetime: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        text: at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ago,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_age_of_the_figures_reads_naturally() {
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 14, 2, 9).unwrap();
        let after = |secs| as_of(at, at + chrono::TimeDelta::seconds(secs)).ago;
        assert_eq!(after(-5), "less than a minute ago");
        assert_eq!(after(59), "less than a minute ago");
        assert_eq!(after(61), "1 minute ago");
        assert_eq!(after(150 * 60), "2 hours ago");
        assert_eq!(after(3 * 86_400), "3 days ago");
        let a = as_of(at, at);
        assert_eq!(a.datetime, "2026-11-30T14:02:09Z");
        assert_eq!(a.text, "2026-11-30 14:02 UTC");
    }

    #[test]
    fn the_page_writes_rates_as_percentages_and_the_csv_as_decimals() {
        assert_eq!(shown(&Cell::Rate(Some(0.25))), "25.0 %");
        assert_eq!(shown(&Cell::Rate(None)), "—");
        assert_eq!(shown(&Cell::Count(7)), "7");
    }
}
