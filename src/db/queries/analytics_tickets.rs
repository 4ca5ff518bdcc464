//! The tickets analytics (`/admin/analytics/tickets` and its CSV files):
//! the refresh that keeps its rollups, and the reads the page and the CSV
//! share (each table is read by one `for_each_*` function, row by row, so
//! the page and its download cannot differ).
//!
//! Why a refresh job and not counters kept in the writing transaction: the
//! page shows p50/p90 of first response and resolution times, and
//! percentiles do not add up — a day's or a customer's p90 says nothing
//! about the week's. Exact figures over a million issues need the values
//! sorted: ~0.5–1 s per request, far from the 150 ms target, and keeping
//! them per write would make every comment and status change recompute
//! (and row-lock) its week. So:
//!
//! - writes to issues, comments and users append the ISO weeks they touch
//!   to `ticket_stats_dirty`, in their own transaction (triggers, migration
//!   000016): one small insert per inserting or deleting statement, and
//!   per updated row only when the update changes what the row counts for
//!   (the others, such as the comment words every comment writes, are
//!   filtered out by the triggers' column lists and WHEN clauses); no lock
//!   that other writers wait on;
//! - [`refresh`] (every minute, from every instance; an advisory lock makes
//!   them take turns) recomputes exactly those weeks from the raw tables
//!   with `percentile_cont`, for every plane/customer slice at once
//!   (GROUPING SETS), and snapshots the open backlog and open work per agent
//!   when issues changed or the snapshot is 10 minutes old (ages move);
//! - the page reads a primary-key range of at most a row per week, and says
//!   how old the figures are ("updated 2 minutes ago").
//!
//! Definitions (DESIGN.md "Admin", the issue's text): weeks are ISO weeks,
//! Monday to Sunday in UTC; each figure counts in the week its event
//! happened — created by `created_at`, resolved (and its resolution time,
//! `resolved_at − created_at`) by `resolved_at`, first response (the first
//! public comment by staff, i.e. by a user whose role is agent or admin, and
//! its time since `created_at`) by when it was written. A range covers the
//! whole weeks it touches. Open means status open or in progress; plane is
//! the issue's primary plane; an agent's resolved issues are those resolved
//! in the range that are assigned to them.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Date, Float8, Int2, Int8, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::cache::Markers;
use crate::db::models::users::shown_name;
use crate::db::{lock, server_cursor};
use crate::domain::analytics::AgeBucket;

/// Serialises refreshes across instances.
const REFRESH_LOCK: &str = "supportdesk:ticket-stats";
/// Weeks recomputed per transaction: a few seconds at a million issues.
const WEEKS_PER_BATCH: usize = 4;
/// Dirty-log rows read per run at most (the rest wait for the next run).
const DIRTY_PER_RUN: i64 = 100_000;
/// The longest a refresh statement may run (a first run over two years of
/// a million issues recomputes every week).
const REFRESH_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// A run that recomputed this many weeks vacuums the weekly rollups.
const VACUUM_AFTER_WEEKS: usize = 8;
/// The backlog snapshot is retaken at least this often, as ages move.
pub const BACKLOG_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// How often the background job runs.
pub const EVERY: Duration = Duration::from_secs(60);

/// Which rows of the rollups: the nil uuid stands for "every".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub plane: Uuid,
    pub customer: Uuid,
}

impl Slice {
    pub fn of(plane: Option<Uuid>, customer: Option<Uuid>) -> Slice {
        Slice {
            plane: plane.unwrap_or(Uuid::nil()),
            customer: customer.unwrap_or(Uuid::nil()),
        }
    }
}

/// What the tickets page's figures are for: the slice, the range's whole
/// weeks, and today (the weeks shown stop at this week).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketScope {
    pub slice: Slice,
    pub first_week: NaiveDate,
    pub last_week: NaiveDate,
    pub today: NaiveDate,
}

/// Everything the tickets page shows, read in one snapshot.
#[derive(Debug, Clone)]
pub struct TicketFigures {
    pub freshness: Freshness,
    /// The first and last week shown; None: no week to show.
    pub shown: Option<(NaiveDate, NaiveDate)>,
    pub weeks: Vec<WeekRow>,
    pub backlog: Vec<(AgeBucket, i64)>,
    pub agents: Vec<AgentRow>,
    pub planes: Vec<PlaneRow>,
}

impl TicketFigures {
    /// How many rows they hold (what keeping them costs).
    pub fn rows(&self) -> usize {
        1 + self.weeks.len() + self.backlog.len() + self.agents.len() + self.planes.len()
    }
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Refreshed {
    pub weeks: usize,
    pub backlog: bool,
}

#[derive(QueryableByName)]
struct Pending {
    #[diesel(sql_type = Int8)]
    id: i64,
    #[diesel(sql_type = Date)]
    week: NaiveDate,
}

/// Brings the rollups up to date: every week in the dirty log as it stood
/// when the run began, and the backlog snapshot when due. Waits for a
/// refresh running elsewhere to finish first. Call it outside a
/// transaction: it commits batch by batch, and may VACUUM.
pub fn refresh(conn: &mut PgConnection) -> QueryResult<Refreshed> {
    let start: Start = diesel::sql_query(
        "SELECT now() AS at, (SELECT max(id) FROM ticket_stats_dirty) AS ceiling",
    )
    .get_result(conn)?;
    let (started, ceiling) = (start.at, start.ceiling);
    let mut done = Refreshed::default();
    if let Some(ceiling) = ceiling {
        loop {
            let weeks = conn.transaction(|conn| refresh_batch(conn, ceiling))?;
            if weeks == 0 {
                break;
            }
            done.weeks += weeks;
        }
    }
    done.backlog = conn.transaction(snapshot_if_due)?;
    if done.weeks >= VACUUM_AFTER_WEEKS {
        // Many rows rewritten at once (a first run, or after `generate`):
        // mark the pages all-visible now, so the page's reads are
        // index-only scans at once rather than after autovacuum comes by.
        vacuum_weekly(conn)?;
    }
    diesel::sql_query("UPDATE ticket_stats_state SET refreshed_at = greatest(refreshed_at, $1)")
        .bind::<diesel::sql_types::Timestamptz, _>(started)
        .execute(conn)?;
    Ok(done)
}

/// When a run began, and the newest dirty-log row it will handle.
#[derive(QueryableByName)]
struct Start {
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Int8>)]
    ceiling: Option<i64>,
}

fn raise_timeout(conn: &mut PgConnection) -> QueryResult<()> {
    conn.batch_execute(&format!(
        "SET LOCAL statement_timeout = {}",
        REFRESH_TIMEOUT.as_millis()
    ))
}

/// VACUUM (ANALYZE) of the weekly rollups, with the refresh's longer
/// statement limit for its duration (VACUUM cannot run in a transaction, so
/// the session's limit is raised and put back).
fn vacuum_weekly(conn: &mut PgConnection) -> QueryResult<()> {
    #[derive(QueryableByName)]
    struct Limit {
        #[diesel(sql_type = Text)]
        statement_timeout: String,
    }
    let before: Limit = diesel::sql_query("SHOW statement_timeout").get_result(conn)?;
    conn.batch_execute(&format!(
        "SET statement_timeout = {}",
        REFRESH_TIMEOUT.as_millis()
    ))?;
    let vacuumed =
        conn.batch_execute("VACUUM (ANALYZE) ticket_week_stats, ticket_week_agent_stats");
    diesel::sql_query("SELECT set_config('statement_timeout', $1, false)")
        .bind::<Text, _>(&before.statement_timeout)
        .execute(conn)?;
    vacuumed
}

/// One transaction: up to [`WEEKS_PER_BATCH`] weeks of the log (ids up to
/// `ceiling`) recomputed, and exactly the log rows read for them deleted.
fn refresh_batch(conn: &mut PgConnection, ceiling: i64) -> QueryResult<usize> {
    lock::xact_lock(conn, REFRESH_LOCK)?;
    raise_timeout(conn)?;
    let pending: Vec<Pending> = diesel::sql_query(
        "SELECT id, week FROM ticket_stats_dirty WHERE id <= $1 ORDER BY id LIMIT $2",
    )
    .bind::<BigInt, _>(ceiling)
    .bind::<BigInt, _>(DIRTY_PER_RUN)
    .load(conn)?;
    let weeks: Vec<NaiveDate> = pending
        .iter()
        .map(|p| p.week)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .rev()
        .take(WEEKS_PER_BATCH)
        .collect();
    if weeks.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = pending
        .iter()
        .filter(|p| weeks.contains(&p.week))
        .map(|p| p.id)
        .collect();
    recompute_weeks(conn, &weeks)?;
    diesel::sql_query("DELETE FROM ticket_stats_dirty WHERE id = ANY($1)")
        .bind::<Array<BigInt>, _>(&ids)
        .execute(conn)?;
    Ok(weeks.len())
}

/// The weeks of `weeks` as rows of `wk` (week, lo, hi) for the queries.
const WEEKS_CTE: &str = "wk AS (
    SELECT w AS week, w::timestamp AT TIME ZONE 'UTC' AS lo,
           (w + 7)::timestamp AT TIME ZONE 'UTC' AS hi
    FROM unnest($1::date[]) AS w)";

/// Recomputes the weekly rollups of `weeks` from the raw tables.
pub fn recompute_weeks(conn: &mut PgConnection, weeks: &[NaiveDate]) -> QueryResult<()> {
    for table in ["ticket_week_stats", "ticket_week_agent_stats"] {
        diesel::sql_query(format!("DELETE FROM {table} WHERE week = ANY($1)"))
            .bind::<Array<Date>, _>(weeks)
            .execute(conn)?;
    }
    // Three kinds of event per week, then every slice's figures at once.
    // The first response is the earliest public staff comment of its issue
    // (ties broken by id); NOT EXISTS reads comments_issue_id_created_at_idx.
    diesel::sql_query(format!(
        "WITH {WEEKS_CTE},
         events AS (
           SELECT wk.week, i.primary_plane_id AS plane_id, i.customer_id,
                  1 AS created, 0 AS resolved, NULL::float8 AS fr_h, NULL::float8 AS res_h
           FROM wk JOIN issues i ON i.created_at >= wk.lo AND i.created_at < wk.hi
           UNION ALL
           SELECT wk.week, i.primary_plane_id, i.customer_id, 0, 1, NULL,
                  extract(epoch FROM i.resolved_at - i.created_at)::float8 / 3600
           FROM wk JOIN issues i ON i.resolved_at >= wk.lo AND i.resolved_at < wk.hi
           UNION ALL
           SELECT wk.week, i.primary_plane_id, i.customer_id, 0, 0,
                  extract(epoch FROM c.created_at - i.created_at)::float8 / 3600, NULL
           FROM wk
           JOIN comments c ON c.created_at >= wk.lo AND c.created_at < wk.hi AND NOT c.is_internal
           JOIN users u ON u.id = c.author_id AND u.role IN ('agent', 'admin')
           JOIN issues i ON i.id = c.issue_id
           WHERE NOT EXISTS (
             SELECT 1 FROM comments e JOIN users eu ON eu.id = e.author_id
             WHERE e.issue_id = c.issue_id AND NOT e.is_internal
               AND eu.role IN ('agent', 'admin')
               AND (e.created_at, e.id) < (c.created_at, c.id))
         )
         INSERT INTO ticket_week_stats
           (plane_id, customer_id, week, created, resolved, first_responses,
            first_response_p50_h, first_response_p90_h, resolution_p50_h, resolution_p90_h)
         SELECT coalesce(plane_id, '{nil}'), coalesce(customer_id, '{nil}'), week,
                created, resolved, first_responses, fr[1], fr[2], res[1], res[2]
         FROM (
           SELECT week, plane_id, customer_id,
                  sum(created)::int AS created, sum(resolved)::int AS resolved,
                  count(fr_h)::int AS first_responses,
                  percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY fr_h) AS fr,
                  percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY res_h) AS res
           FROM events
           GROUP BY GROUPING SETS ((week), (week, plane_id), (week, customer_id),
                                   (week, plane_id, customer_id))
         ) g",
        nil = Uuid::nil()
    ))
    .bind::<Array<Date>, _>(weeks)
    .execute(conn)?;
    // The assignee is in every grouping set, so a NULL there is a ticket
    // nobody is assigned, never a total.
    diesel::sql_query(format!(
        "WITH {WEEKS_CTE}
         INSERT INTO ticket_week_agent_stats (plane_id, customer_id, week, assignee_id, resolved)
         SELECT coalesce(plane_id, '{nil}'), coalesce(customer_id, '{nil}'), week,
                coalesce(assignee_id, '{nil}'), count(*)::int
         FROM (SELECT wk.week, i.primary_plane_id AS plane_id, i.customer_id, i.assignee_id
               FROM wk JOIN issues i ON i.resolved_at >= wk.lo AND i.resolved_at < wk.hi) r
         GROUP BY GROUPING SETS ((week, assignee_id), (week, plane_id, assignee_id),
                                 (week, customer_id, assignee_id),
                                 (week, plane_id, customer_id, assignee_id))",
        nil = Uuid::nil()
    ))
    .bind::<Array<Date>, _>(weeks)
    .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct BacklogState {
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    backlog_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    backlog_marker: i64,
}

/// Retakes the backlog snapshot when issues changed since the last one (by
/// the change counter of migration 000005) or it is older than
/// [`BACKLOG_MAX_AGE`]. Returns whether it did.
fn snapshot_if_due(conn: &mut PgConnection) -> QueryResult<bool> {
    lock::xact_lock(conn, REFRESH_LOCK)?;
    raise_timeout(conn)?;
    let marker = Markers::read(conn)?.issues;
    let state: BacklogState =
        diesel::sql_query("SELECT backlog_at, backlog_marker FROM ticket_stats_state FOR UPDATE")
            .get_result(conn)?;
    let max_age = chrono::TimeDelta::from_std(BACKLOG_MAX_AGE).unwrap_or_default();
    let fresh = state.backlog_at.is_some_and(|at| Utc::now() - at < max_age);
    if fresh && state.backlog_marker == marker {
        return Ok(false);
    }
    snapshot_backlog(conn)?;
    diesel::sql_query("UPDATE ticket_stats_state SET backlog_at = now(), backlog_marker = $1")
        .bind::<BigInt, _>(marker)
        .execute(conn)?;
    Ok(true)
}

/// The open backlog by age bucket, and open work per assignee, as of the
/// transaction's `now()`, for every slice.
pub fn snapshot_backlog(conn: &mut PgConnection) -> QueryResult<()> {
    let [b1, b2, b3, b4] = AgeBucket::BOUNDS_DAYS;
    conn.batch_execute("DELETE FROM ticket_backlog_stats; DELETE FROM ticket_open_agent_stats")?;
    // The status predicate is the one of the partial index of open work.
    diesel::sql_query(format!(
        "INSERT INTO ticket_backlog_stats (plane_id, customer_id, bucket, open)
         SELECT coalesce(plane_id, '{nil}'), coalesce(customer_id, '{nil}'), bucket, count(*)::int
         FROM (
           SELECT primary_plane_id AS plane_id, customer_id,
                  (CASE WHEN now() - created_at >= make_interval(days => $4) THEN 4
                        WHEN now() - created_at >= make_interval(days => $3) THEN 3
                        WHEN now() - created_at >= make_interval(days => $2) THEN 2
                        WHEN now() - created_at >= make_interval(days => $1) THEN 1
                        ELSE 0 END)::smallint AS bucket
           FROM issues WHERE status IN ('open', 'in_progress')
         ) o
         GROUP BY GROUPING SETS ((bucket), (plane_id, bucket), (customer_id, bucket),
                                 (plane_id, customer_id, bucket))",
        nil = Uuid::nil()
    ))
    .bind::<diesel::sql_types::Integer, _>(b1 as i32)
    .bind::<diesel::sql_types::Integer, _>(b2 as i32)
    .bind::<diesel::sql_types::Integer, _>(b3 as i32)
    .bind::<diesel::sql_types::Integer, _>(b4 as i32)
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO ticket_open_agent_stats (plane_id, customer_id, assignee_id, open)
         SELECT coalesce(plane_id, '{nil}'), coalesce(customer_id, '{nil}'),
                coalesce(assignee_id, '{nil}'), count(*)::int
         FROM (SELECT primary_plane_id AS plane_id, customer_id, assignee_id
               FROM issues WHERE status IN ('open', 'in_progress')) o
         GROUP BY GROUPING SETS ((assignee_id), (plane_id, assignee_id),
                                 (customer_id, assignee_id), (plane_id, customer_id, assignee_id))",
        nil = Uuid::nil()
    ))
    .execute(conn)?;
    Ok(())
}

/// Runs [`refresh`] every [`EVERY`], the first time one interval after
/// start (so a starting instance serves first, and short-lived ones, such
/// as the test suite's, run nothing in the background), until the task is
/// dropped. Each instance runs it; they take turns on the advisory lock and
/// find nothing left to do after the first.
pub async fn refresh_forever(pool: crate::db::PgPool) {
    use actix_web::rt::time::{Instant, interval_at};
    let mut ticks = interval_at(Instant::now() + EVERY, EVERY);
    loop {
        ticks.tick().await;
        match crate::db::run(&pool, refresh).await {
            Ok(done) if done.weeks > 0 => {
                tracing::info!(
                    weeks = done.weeks,
                    backlog = done.backlog,
                    "ticket analytics refreshed"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "ticket analytics refresh failed"),
        }
    }
}

// ---------------------------------------------------------------------------
// Reads for the page and its CSV files.

/// When the figures were last brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Freshness {
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub refreshed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub backlog_at: Option<DateTime<Utc>>,
}

pub fn freshness(conn: &mut PgConnection) -> QueryResult<Freshness> {
    diesel::sql_query("SELECT refreshed_at, backlog_at FROM ticket_stats_state").get_result(conn)
}

/// The Monday of the first week the slice has figures for.
pub fn first_week(conn: &mut PgConnection, slice: Slice) -> QueryResult<Option<NaiveDate>> {
    Ok(freshness_and_first_week(conn, slice)?.1)
}

/// [`freshness`] and [`first_week`] in one round trip (the page's first read).
pub fn freshness_and_first_week(
    conn: &mut PgConnection,
    slice: Slice,
) -> QueryResult<(Freshness, Option<NaiveDate>)> {
    #[derive(QueryableByName)]
    struct Both {
        #[diesel(embed)]
        freshness: Freshness,
        #[diesel(sql_type = Nullable<Date>)]
        week: Option<NaiveDate>,
    }
    let both: Both = diesel::sql_query(
        "SELECT refreshed_at, backlog_at,
                (SELECT min(week) FROM ticket_week_stats
                 WHERE plane_id = $1 AND customer_id = $2) AS week
         FROM ticket_stats_state",
    )
    .bind::<SqlUuid, _>(slice.plane)
    .bind::<SqlUuid, _>(slice.customer)
    .get_result(conn)?;
    Ok((both.freshness, both.week))
}

/// One ISO week's figures (zeros and empty percentiles when nothing
/// happened that week).
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct WeekRow {
    #[diesel(sql_type = Date)]
    pub week: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub created: i64,
    #[diesel(sql_type = BigInt)]
    pub resolved: i64,
    #[diesel(sql_type = BigInt)]
    pub first_responses: i64,
    #[diesel(sql_type = Nullable<Float8>)]
    pub first_response_p50_h: Option<f64>,
    #[diesel(sql_type = Nullable<Float8>)]
    pub first_response_p90_h: Option<f64>,
    #[diesel(sql_type = Nullable<Float8>)]
    pub resolution_p50_h: Option<f64>,
    #[diesel(sql_type = Nullable<Float8>)]
    pub resolution_p90_h: Option<f64>,
}

/// Calls `each` with every week from `first` to `last` (Mondays), in order,
/// read through a server-side cursor.
pub fn for_each_week<E: From<diesel::result::Error>>(
    conn: &mut PgConnection,
    how: Read,
    slice: Slice,
    first: NaiveDate,
    last: NaiveDate,
    mut each: impl FnMut(WeekRow) -> Result<(), E>,
) -> Result<(), E> {
    let query = |prefix: &str| week_query(prefix, slice, first, last);
    read(conn, how, query, |row: WeekRow| each(row))
}

/// Open issues of the slice in one age bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct BacklogRow {
    #[diesel(sql_type = Int2)]
    pub bucket: i16,
    #[diesel(sql_type = BigInt)]
    pub open: i64,
}

/// Every age bucket in order, with zeros.
pub fn for_each_backlog_bucket<E: From<diesel::result::Error>>(
    conn: &mut PgConnection,
    how: Read,
    slice: Slice,
    mut each: impl FnMut(AgeBucket, i64) -> Result<(), E>,
) -> Result<(), E> {
    let query = |prefix: &str| backlog_query(prefix, slice);
    read(
        conn,
        how,
        query,
        |row: BacklogRow| match AgeBucket::from_index(i32::from(row.bucket)) {
            Some(bucket) => each(bucket, row.open),
            None => Ok(()),
        },
    )
}

/// One person's work in the slice; `id` None is "unassigned".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    pub id: Option<Uuid>,
    pub name: String,
    pub open_assigned: i64,
    pub resolved: i64,
}

#[derive(QueryableByName)]
struct AgentSql {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = BigInt)]
    open: i64,
    #[diesel(sql_type = BigInt)]
    resolved: i64,
}

/// Every active agent (idle ones too) and anyone else with open assigned
/// or resolved issues in the weeks `first`..=`last`, busiest first; the
/// unassigned row last when it has any.
pub fn for_each_agent<E: From<diesel::result::Error>>(
    conn: &mut PgConnection,
    how: Read,
    slice: Slice,
    first: NaiveDate,
    last: NaiveDate,
    mut each: impl FnMut(AgentRow) -> Result<(), E>,
) -> Result<(), E> {
    let query = |prefix: &str| agents_query(prefix, slice, first, last);
    read(conn, how, query, |row: AgentSql| {
        let id = (!row.id.is_nil()).then_some(row.id);
        each(AgentRow {
            id,
            name: if id.is_some() {
                shown_name(&row.name, &row.email)
            } else {
                String::new()
            },
            open_assigned: row.open,
            resolved: row.resolved,
        })
    })
}

/// Created and resolved per plane over the weeks `first`..=`last`.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PlaneRow {
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub created: i64,
    #[diesel(sql_type = BigInt)]
    pub resolved: i64,
}

/// Every plane (only the filtered one when the slice has a plane), in the
/// issue form's order.
pub fn for_each_plane<E: From<diesel::result::Error>>(
    conn: &mut PgConnection,
    how: Read,
    slice: Slice,
    first: NaiveDate,
    last: NaiveDate,
    mut each: impl FnMut(PlaneRow) -> Result<(), E>,
) -> Result<(), E> {
    let query = |prefix: &str| planes_query(prefix, slice, first, last);
    read(conn, how, query, |row: PlaneRow| each(row))
}

// The page's queries, built in one place for reading and for EXPLAIN.

/// How a table's rows are read: all at once (the page, a few rows) or
/// through a server-side cursor (the CSV downloads, inside their
/// transaction). Either way from the same query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Whole,
    Cursor,
}

fn read<T, E>(
    conn: &mut PgConnection,
    how: Read,
    query: impl Fn(&str) -> Boxed,
    mut each: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<diesel::result::Error>,
    for<'a> SqlQuery: diesel::query_dsl::methods::LoadQuery<'a, PgConnection, T>,
    for<'a> Boxed: diesel::query_dsl::methods::LoadQuery<'a, PgConnection, T>,
{
    match how {
        Read::Whole => {
            for row in query("").load::<T>(conn)? {
                each(row)?;
            }
            Ok(())
        }
        Read::Cursor => server_cursor::each_row(conn, query(server_cursor::DECLARE), each),
    }
}

type Boxed = BoxedSqlQuery<'static, Pg, SqlQuery>;

/// The nil uuid in SQL text: "every" in the rollups' keys.
fn nil_sql(sql: &str) -> String {
    sql.replace("{nil}", &Uuid::nil().to_string())
}

fn week_query(prefix: &str, slice: Slice, first: NaiveDate, last: NaiveDate) -> Boxed {
    diesel::sql_query(format!(
        "{prefix}SELECT g.week::date AS week, coalesce(s.created, 0)::bigint AS created,
                coalesce(s.resolved, 0)::bigint AS resolved,
                coalesce(s.first_responses, 0)::bigint AS first_responses,
                s.first_response_p50_h, s.first_response_p90_h,
                s.resolution_p50_h, s.resolution_p90_h
         FROM generate_series($3::date::timestamp, $4::date::timestamp, interval '7 days') AS g(week)
         LEFT JOIN ticket_week_stats s
           ON s.plane_id = $1 AND s.customer_id = $2 AND s.week = g.week::date
         ORDER BY g.week"
    ))
    .into_boxed()
    .bind::<SqlUuid, _>(slice.plane)
    .bind::<SqlUuid, _>(slice.customer)
    .bind::<Date, _>(first)
    .bind::<Date, _>(last)
}

fn backlog_query(prefix: &str, slice: Slice) -> Boxed {
    diesel::sql_query(format!(
        "{prefix}SELECT b.bucket::smallint AS bucket, coalesce(s.open, 0)::bigint AS open
         FROM generate_series(0, $3) AS b(bucket)
         LEFT JOIN ticket_backlog_stats s
           ON s.plane_id = $1 AND s.customer_id = $2 AND s.bucket = b.bucket
         ORDER BY b.bucket"
    ))
    .into_boxed()
    .bind::<SqlUuid, _>(slice.plane)
    .bind::<SqlUuid, _>(slice.customer)
    .bind::<diesel::sql_types::Integer, _>(AgeBucket::ALL.len() as i32 - 1)
}

fn agents_query(prefix: &str, slice: Slice, first: NaiveDate, last: NaiveDate) -> Boxed {
    diesel::sql_query(nil_sql(&format!(
        "{prefix}WITH resolved AS (
           SELECT assignee_id, sum(resolved)::bigint AS resolved FROM ticket_week_agent_stats
           WHERE plane_id = $1 AND customer_id = $2 AND week BETWEEN $3 AND $4
           GROUP BY assignee_id),
         open AS (
           SELECT assignee_id, open::bigint AS open FROM ticket_open_agent_stats
           WHERE plane_id = $1 AND customer_id = $2),
         people AS (
           SELECT assignee_id AS id FROM resolved
           UNION SELECT assignee_id FROM open
           UNION SELECT id FROM users WHERE role = 'agent' AND disabled_at IS NULL)
         SELECT p.id, coalesce(u.name, '') AS name, coalesce(u.email, '') AS email,
                coalesce(o.open, 0) AS open, coalesce(r.resolved, 0) AS resolved
         FROM people p
         LEFT JOIN users u ON u.id = p.id
         LEFT JOIN open o ON o.assignee_id = p.id
         LEFT JOIN resolved r ON r.assignee_id = p.id
         WHERE p.id <> '{{nil}}' OR coalesce(o.open, 0) + coalesce(r.resolved, 0) > 0
         ORDER BY p.id = '{{nil}}', open DESC, resolved DESC, lower(coalesce(u.name, '')),
                  u.email, p.id"
    )))
    .into_boxed()
    .bind::<SqlUuid, _>(slice.plane)
    .bind::<SqlUuid, _>(slice.customer)
    .bind::<Date, _>(first)
    .bind::<Date, _>(last)
}

fn planes_query(prefix: &str, slice: Slice, first: NaiveDate, last: NaiveDate) -> Boxed {
    diesel::sql_query(nil_sql(&format!(
        "{prefix}SELECT p.slug::text AS slug, p.name::text AS name,
                coalesce(sum(s.created), 0)::bigint AS created,
                coalesce(sum(s.resolved), 0)::bigint AS resolved
         FROM planes p
         LEFT JOIN ticket_week_stats s
           ON s.plane_id = p.id AND s.customer_id = $2 AND s.week BETWEEN $3 AND $4
         WHERE $1 = '{{nil}}' OR p.id = $1
         GROUP BY p.id
         ORDER BY p.display_order, p.name"
    )))
    .into_boxed()
    .bind::<SqlUuid, _>(slice.plane)
    .bind::<SqlUuid, _>(slice.customer)
    .bind::<Date, _>(first)
    .bind::<Date, _>(last)
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// `EXPLAIN (ANALYZE, BUFFERS)` of each query the page runs for `slice`
/// and the weeks `first`..=`last` (for the load benchmark's report).
pub fn explain_page(
    conn: &mut PgConnection,
    slice: Slice,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<(&'static str, Vec<String>)>> {
    const ANALYZE: &str = "EXPLAIN (ANALYZE, BUFFERS) ";
    let plan = |q: Boxed, conn: &mut PgConnection| -> QueryResult<Vec<String>> {
        Ok(q.load::<PlanLine>(conn)?
            .into_iter()
            .map(|l| l.line)
            .collect())
    };
    Ok(vec![
        (
            "weekly",
            plan(week_query(ANALYZE, slice, first, last), conn)?,
        ),
        ("backlog", plan(backlog_query(ANALYZE, slice), conn)?),
        (
            "agents",
            plan(agents_query(ANALYZE, slice, first, last), conn)?,
        ),
        (
            "planes",
            plan(planes_query(ANALYZE, slice, first, last), conn)?,
        ),
    ])
}
