//! The reads behind `/admin/analytics/docs` and its CSV downloads, all on
//! the daily rollups (`doc_rollup_*`, kept by [`super::doc_rollups`]):
//! the headline, the per-doc figures (per type and the least helpful are
//! derived from them in `domain::analytics::docs`), per plane, per context
//! value, and the weekly trend. Each read sums the rollup rows of the
//! range for one customer, or the all-customer rows (the nil id) when no
//! customer is chosen, so its cost follows the number of days, planes and
//! docs, not the number of sessions.

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Date, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::models::enums::DocType;
use crate::db::schema::sql_types::DocType as SqlDocType;
use crate::domain::analytics::docs::{ContextRow, DocFigures, DocRow, Headline, PlaneRow, WeekRow};

/// What the figures are about, as the rollups are keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// First day, inclusive (UTC).
    pub from: NaiveDate,
    /// The day after the last one.
    pub to_exclusive: NaiveDate,
    pub customer: Option<Uuid>,
    /// A plane's id; sessions without a plane are only in the unfiltered figures.
    pub plane: Option<Uuid>,
    /// Applies to the doc figures, not to the sessions'.
    pub doc_type: Option<DocType>,
}

impl Scope {
    /// The rollup rows of the customer, or the all-customer rows.
    fn customer_key(&self) -> Uuid {
        self.customer.unwrap_or(Uuid::nil())
    }
}

/// The rows of one scope: `r` is the rollup table. Binds $1 customer, $2
/// from, $3 to (exclusive), $4 plane; a read of doc figures also $5, the
/// doc type.
const IN_SCOPE: &str = "r.customer_id = $1 AND r.day >= $2 AND r.day < $3
                        AND ($4::uuid IS NULL OR r.plane_id = $4)";
const OF_TYPE: &str = "($5::doc_type IS NULL OR d.doc_type = $5)";

/// The page's reads, by name (also for the benchmark's plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Headline,
    Docs,
    Planes,
    Contexts,
    WeeksOfSessions,
    WeeksOfDocs,
}

impl Read {
    pub const ALL: [Read; 6] = [
        Read::Headline,
        Read::Docs,
        Read::Planes,
        Read::Contexts,
        Read::WeeksOfSessions,
        Read::WeeksOfDocs,
    ];

    /// Whether the read binds the doc type ($5).
    fn of_docs(self) -> bool {
        matches!(self, Read::Docs | Read::Planes | Read::WeeksOfDocs)
    }

    pub fn sql(self) -> String {
        match self {
            Read::Headline => format!(
                "SELECT coalesce(sum(r.sessions), 0)::int8 AS sessions,
                        coalesce(sum(r.shown), 0)::int8 AS shown,
                        coalesce(sum(r.deflected), 0)::int8 AS deflected,
                        coalesce(sum(r.filed), 0)::int8 AS filed
                 FROM doc_rollup_sessions r WHERE {IN_SCOPE}"
            ),
            Read::Docs => format!(
                "SELECT d.id, d.url, d.title, d.doc_type,
                        sum(r.shown)::int8 AS shown, sum(r.helpful)::int8 AS helpful,
                        sum(r.dismissed)::int8 AS dismissed,
                        sum(r.filed_after_helpful)::int8 AS filed_after_helpful
                 FROM doc_rollup_docs r JOIN docs d ON d.id = r.doc_id
                 WHERE {IN_SCOPE} AND {OF_TYPE}
                 GROUP BY d.id
                 ORDER BY d.id"
            ),
            Read::Planes => format!(
                "SELECT p.slug::text AS slug, p.name::text AS name,
                        sum(r.shown)::int8 AS shown, sum(r.helpful)::int8 AS helpful,
                        sum(r.dismissed)::int8 AS dismissed,
                        sum(r.filed_after_helpful)::int8 AS filed_after_helpful
                 FROM doc_rollup_docs r
                 JOIN docs d ON d.id = r.doc_id
                 LEFT JOIN planes p ON p.id = r.plane_id
                 WHERE {IN_SCOPE} AND {OF_TYPE}
                 GROUP BY p.id
                 ORDER BY p.id IS NULL, min(p.display_order), min(p.slug)"
            ),
            Read::Contexts => format!(
                "SELECT p.slug::text AS plane_slug, p.name::text AS plane_name,
                        pc.context_key::text AS context_key, pc.label::text AS field_label,
                        x.value, coalesce(o.label::text, x.value) AS option_label,
                        x.deflected, x.filed, x.filed_unhelped
                 FROM (SELECT r.context_id, r.value, sum(r.deflected)::int8 AS deflected,
                              sum(r.filed)::int8 AS filed,
                              sum(r.filed_unhelped)::int8 AS filed_unhelped
                       FROM doc_rollup_contexts r WHERE {IN_SCOPE}
                       GROUP BY r.context_id, r.value) x
                 JOIN plane_contexts pc ON pc.id = x.context_id
                 JOIN planes p ON p.id = pc.plane_id
                 LEFT JOIN plane_context_options o ON o.plane_context_id = x.context_id
                                                  AND o.value = x.value
                 ORDER BY p.slug, pc.context_key, x.value"
            ),
            Read::WeeksOfSessions => format!(
                "SELECT date_trunc('week', r.day::timestamp)::date AS week,
                        sum(r.shown)::int8 AS a, sum(r.deflected)::int8 AS b
                 FROM doc_rollup_sessions r WHERE {IN_SCOPE}
                 GROUP BY 1 ORDER BY 1"
            ),
            Read::WeeksOfDocs => format!(
                "SELECT date_trunc('week', r.day::timestamp)::date AS week,
                        sum(r.shown)::int8 AS a, sum(r.helpful)::int8 AS b
                 FROM doc_rollup_docs r JOIN docs d ON d.id = r.doc_id
                 WHERE {IN_SCOPE} AND {OF_TYPE}
                 GROUP BY 1 ORDER BY 1"
            ),
        }
    }

    /// `sql` (the read's, or a prefix of it such as EXPLAIN) with the
    /// scope's values bound.
    fn bound(self, prefix: &str, scope: &Scope) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let query = diesel::sql_query(format!("{prefix}{}", self.sql()))
            .into_boxed::<Pg>()
            .bind::<SqlUuid, _>(scope.customer_key())
            .bind::<Date, _>(scope.from)
            .bind::<Date, _>(scope.to_exclusive)
            .bind::<Nullable<SqlUuid>, _>(scope.plane);
        if self.of_docs() {
            query.bind::<Nullable<SqlDocType>, _>(scope.doc_type)
        } else {
            query
        }
    }

    fn query(self, scope: &Scope) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        self.bound("", scope)
    }
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// `EXPLAIN (ANALYZE, BUFFERS)` of a read for `scope`, line by line.
pub fn explain(conn: &mut PgConnection, read: Read, scope: &Scope) -> QueryResult<Vec<String>> {
    let lines: Vec<PlanLine> = read
        .bound("EXPLAIN (ANALYZE, BUFFERS) ", scope)
        .load(conn)?;
    Ok(lines.into_iter().map(|l| l.line).collect())
}

/// Everything the page shows, read in one go.
#[derive(Debug, Clone)]
pub struct Figures {
    pub headline: Headline,
    /// By doc id.
    pub docs: Vec<DocRow>,
    pub planes: Vec<PlaneRow>,
    /// By plane, field and value.
    pub contexts: Vec<ContextRow>,
    pub weeks: Vec<WeekRow>,
}

impl Figures {
    /// How many rows they hold (what keeping them costs).
    pub fn rows(&self) -> usize {
        1 + self.docs.len() + self.planes.len() + self.contexts.len() + self.weeks.len()
    }
}

/// The page's figures for `scope`: five statements, whatever the range.
pub fn figures(conn: &mut PgConnection, scope: &Scope) -> QueryResult<Figures> {
    Ok(Figures {
        headline: headline(conn, scope)?,
        docs: docs(conn, scope)?,
        planes: planes(conn, scope)?,
        contexts: contexts(conn, scope)?,
        weeks: weeks(conn, scope)?,
    })
}

#[derive(QueryableByName)]
struct HeadlineRow {
    #[diesel(sql_type = BigInt)]
    sessions: i64,
    #[diesel(sql_type = BigInt)]
    shown: i64,
    #[diesel(sql_type = BigInt)]
    deflected: i64,
    #[diesel(sql_type = BigInt)]
    filed: i64,
}

/// Form sessions, those shown a doc, deflected and filed.
pub fn headline(conn: &mut PgConnection, scope: &Scope) -> QueryResult<Headline> {
    let row: HeadlineRow = Read::Headline.query(scope).get_result(conn)?;
    Ok(Headline {
        sessions: row.sessions,
        shown: row.shown,
        deflected: row.deflected,
        filed: row.filed,
    })
}

#[derive(QueryableByName)]
struct DocSums {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = SqlDocType)]
    doc_type: DocType,
    #[diesel(embed)]
    figures: FigureSums,
}

/// The four doc figures as every read names them.
#[derive(QueryableByName)]
struct FigureSums {
    #[diesel(sql_type = BigInt)]
    shown: i64,
    #[diesel(sql_type = BigInt)]
    helpful: i64,
    #[diesel(sql_type = BigInt)]
    dismissed: i64,
    #[diesel(sql_type = BigInt)]
    filed_after_helpful: i64,
}

impl From<FigureSums> for DocFigures {
    fn from(f: FigureSums) -> Self {
        DocFigures {
            shown: f.shown,
            helpful: f.helpful,
            dismissed: f.dismissed,
            filed_after_helpful: f.filed_after_helpful,
        }
    }
}

/// Every doc shown in the scope with its figures, by id (the page orders
/// them). Bounded by the catalog: one row per doc.
pub fn docs(conn: &mut PgConnection, scope: &Scope) -> QueryResult<Vec<DocRow>> {
    let rows: Vec<DocSums> = Read::Docs.query(scope).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| DocRow {
            doc_id: r.id,
            url: r.url,
            title: r.title,
            doc_type: r.doc_type,
            figures: r.figures.into(),
        })
        .collect())
}

#[derive(QueryableByName)]
struct PlaneSums {
    #[diesel(sql_type = Nullable<Text>)]
    slug: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
    #[diesel(embed)]
    figures: FigureSums,
}

/// The doc figures per plane of the sessions, in the planes' order, "no
/// area chosen" last.
pub fn planes(conn: &mut PgConnection, scope: &Scope) -> QueryResult<Vec<PlaneRow>> {
    let rows: Vec<PlaneSums> = Read::Planes.query(scope).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| PlaneRow {
            plane: r.slug.zip(r.name),
            figures: r.figures.into(),
        })
        .collect())
}

#[derive(QueryableByName)]
struct ContextSums {
    #[diesel(sql_type = Text)]
    plane_slug: String,
    #[diesel(sql_type = Text)]
    plane_name: String,
    #[diesel(sql_type = Text)]
    context_key: String,
    #[diesel(sql_type = Text)]
    field_label: String,
    #[diesel(sql_type = Text)]
    value: String,
    #[diesel(sql_type = Text)]
    option_label: String,
    #[diesel(sql_type = BigInt)]
    deflected: i64,
    #[diesel(sql_type = BigInt)]
    filed: i64,
    #[diesel(sql_type = BigInt)]
    filed_unhelped: i64,
}

/// Per option of a context field: deflected sessions, issues filed, and
/// issues filed with no doc marked helpful. Bounded by the options.
pub fn contexts(conn: &mut PgConnection, scope: &Scope) -> QueryResult<Vec<ContextRow>> {
    let rows: Vec<ContextSums> = Read::Contexts.query(scope).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ContextRow {
            plane_slug: r.plane_slug,
            plane_name: r.plane_name,
            context_key: r.context_key,
            field_label: r.field_label,
            value: r.value,
            option_label: r.option_label,
            deflected: r.deflected,
            filed: r.filed,
            filed_unhelped: r.filed_unhelped,
        })
        .collect())
}

#[derive(QueryableByName)]
struct WeekSums {
    #[diesel(sql_type = Date)]
    week: NaiveDate,
    #[diesel(sql_type = BigInt)]
    a: i64,
    #[diesel(sql_type = BigInt)]
    b: i64,
}

/// Per ISO week (its Monday) that has figures: sessions shown a doc and
/// deflected, docs shown and marked helpful.
pub fn weeks(conn: &mut PgConnection, scope: &Scope) -> QueryResult<Vec<WeekRow>> {
    let sessions: Vec<WeekSums> = Read::WeeksOfSessions.query(scope).load(conn)?;
    let docs: Vec<WeekSums> = Read::WeeksOfDocs.query(scope).load(conn)?;
    let mut out: Vec<WeekRow> = sessions
        .iter()
        .map(|s| WeekRow {
            week: s.week,
            sessions_shown: s.a,
            deflected: s.b,
            docs_shown: 0,
            helpful: 0,
        })
        .collect();
    for d in docs {
        match out.iter_mut().find(|w| w.week == d.week) {
            Some(w) => {
                w.docs_shown = d.a;
                w.helpful = d.b;
            }
            None => out.push(WeekRow {
                week: d.week,
                sessions_shown: 0,
                deflected: 0,
                docs_shown: d.a,
                helpful: d.b,
            }),
        }
    }
    out.sort_by_key(|w| w.week);
    Ok(out)
}
