//! The daily rollups behind `/admin/analytics/docs` (tables
//! `doc_rollup_*`, migration 000015): how they are recomputed from
//! `form_sessions`, `doc_impressions`, `doc_feedback` and the issues' context
//! values, and when.
//!
//! Why a refresh and not counters kept in the writes' transactions: the
//! writes are the issue form's suggestion refreshes, one per pause in
//! typing. Counters would put every customer's refresh on the same few
//! rows (today × plane × doc), where concurrent forms queue on row locks,
//! and a session's figures keep changing after its first impressions (its
//! plane until it is filed, deflected until it files), which counters
//! would have to move from key to key. Recomputing whole days from the
//! tables needs none of that, and its result is by construction what the
//! definitions say. The price is staleness, which the page shows ("as of
//! … , N minutes ago").
//!
//! When: the analytics page asks for a refresh when the figures are more
//! than [`FRESH_FOR`] old (so nothing runs while nobody reads them, and no
//! timer adds work to a quiet desk); the load generator rebuilds after
//! writing history. A refresh recomputes the days whose sessions changed
//! since the last one: sessions started or updated (plane, filing), docs
//! shown and clicks, looking back [`LOOK_BACK`] before the last refresh so
//! that a transaction that was open across it is not missed. Only one
//! refresh runs at a time across every instance (an advisory lock); the
//! first one (on a new database, after the demo seed) rebuilds every day,
//! and so does one after the load generator wrote its history with past
//! times, which a look for recent changes would not see ([`invalidate`]).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, Date, Nullable, Timestamptz};

/// Figures younger than this are shown as they are.
pub const FRESH_FOR: TimeDelta = TimeDelta::seconds(60);
/// How far before the last refresh changes are looked for: longer than any
/// transaction of the app (statements time out after seconds).
pub const LOOK_BACK: TimeDelta = TimeDelta::minutes(10);
/// The advisory lock one refresher holds.
const LOCK: &str = "supportdesk:doc-rollups";
/// A full rebuild of a large desk takes longer than a page's statements.
const REFRESH_TIMEOUT: &str = "SET LOCAL statement_timeout = '15min'";

/// Whether to wait for another refresher or leave the work to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Wait for it, then refresh (what a test or the generator wants).
    Yes,
    /// Return at once if someone else is refreshing (what a page wants).
    No,
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refreshed {
    /// Another refresh was running (with [`Wait::No`]).
    Busy,
    /// These days were recomputed (none: nothing changed).
    Days(Vec<NaiveDate>),
    /// Every day was recomputed.
    Rebuilt,
}

#[derive(QueryableByName)]
struct State {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    refreshed_at: Option<DateTime<Utc>>,
}

/// When the rollups last read the tables; `None`: never.
pub fn refreshed_at(conn: &mut PgConnection) -> QueryResult<Option<DateTime<Utc>>> {
    Ok(
        diesel::sql_query("SELECT refreshed_at FROM doc_rollup_state")
            .get_result::<State>(conn)
            .optional()?
            .and_then(|s| s.refreshed_at),
    )
}

/// Brings the rollups up to date with everything committed before it
/// started, in one transaction (readers see the old figures until then).
pub fn refresh(conn: &mut PgConnection, wait: Wait) -> QueryResult<Refreshed> {
    conn.transaction(|conn| {
        conn.batch_execute(REFRESH_TIMEOUT)?;
        if !lock(conn, wait)? {
            return Ok(Refreshed::Busy);
        }
        let outcome = match refreshed_at(conn)? {
            None => {
                for table in [
                    "doc_rollup_sessions",
                    "doc_rollup_docs",
                    "doc_rollup_contexts",
                ] {
                    conn.batch_execute(&format!("DELETE FROM {table}"))?;
                }
                let days = all_days(conn)?;
                recompute(conn, &days)?;
                Refreshed::Rebuilt
            }
            Some(last) => {
                let days = changed_days(conn, last - LOOK_BACK)?;
                if !days.is_empty() {
                    for table in [
                        "doc_rollup_sessions",
                        "doc_rollup_docs",
                        "doc_rollup_contexts",
                    ] {
                        diesel::sql_query(format!("DELETE FROM {table} WHERE day = ANY($1)"))
                            .bind::<Array<Date>, _>(&days)
                            .execute(conn)?;
                    }
                    recompute(conn, &days)?;
                }
                Refreshed::Days(days)
            }
        };
        conn.batch_execute("UPDATE doc_rollup_state SET refreshed_at = now()")?;
        Ok(outcome)
    })
}

/// Forgets what the rollups hold, so that the next refresh rebuilds every
/// day: for writers of history (rows with times in the past, which a
/// refresh looking for recent changes would not see).
pub fn invalidate(conn: &mut PgConnection) -> QueryResult<()> {
    conn.batch_execute("UPDATE doc_rollup_state SET refreshed_at = NULL")
}

fn lock(conn: &mut PgConnection, wait: Wait) -> QueryResult<bool> {
    match wait {
        Wait::Yes => crate::db::lock::xact_lock(conn, LOCK).map(|()| true),
        Wait::No => crate::db::lock::try_xact_lock(conn, LOCK),
    }
}

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
}

/// The UTC day a session started on, as SQL.
const SESSION_DAY: &str = "(started_at AT TIME ZONE 'UTC')::date";

fn all_days(conn: &mut PgConnection) -> QueryResult<Vec<NaiveDate>> {
    let days: Vec<Day> = diesel::sql_query(format!(
        "SELECT DISTINCT {SESSION_DAY} AS day FROM form_sessions ORDER BY day"
    ))
    .load(conn)?;
    Ok(days.into_iter().map(|d| d.day).collect())
}

/// The start days of the sessions that changed since `since`.
fn changed_days(conn: &mut PgConnection, since: DateTime<Utc>) -> QueryResult<Vec<NaiveDate>> {
    // One indexed range per source, not an OR the planner would scan for.
    let days: Vec<Day> = diesel::sql_query(format!(
        "SELECT DISTINCT {SESSION_DAY} AS day FROM form_sessions WHERE id IN (
             SELECT id FROM form_sessions WHERE started_at >= $1
             UNION SELECT id FROM form_sessions WHERE updated_at >= $1
             UNION SELECT form_session_id FROM doc_impressions WHERE first_shown_at >= $1
             UNION SELECT form_session_id FROM doc_feedback
                   WHERE created_at >= $1 AND form_session_id IS NOT NULL)
         ORDER BY day"
    ))
    .bind::<Timestamptz, _>(since)
    .load(conn)?;
    Ok(days.into_iter().map(|d| d.day).collect())
}

/// The facts the three rollups count, for the sessions that started on
/// `$1`'s days (`$2` the first, `$3` the last): `s` the sessions, `pairs`
/// each (session, doc shown) with whether the session marked it helpful
/// or dismissed it, `per_session` each session with whether it was shown
/// a doc and marked one helpful. The sessions are found by the range of
/// the days, which the planner can count (joined to each day instead, it
/// guessed a tenth of the table per day: for 729 days, 7.5 million
/// sessions where there were 93,000), then kept by their day.
const FACTS: &str = "
    s AS MATERIALIZED (
        SELECT fs.id, fs.customer_id,
               coalesce(fs.primary_plane_id, '00000000-0000-0000-0000-000000000000') AS plane_id,
               fs.issue_id, fs.issue_id IS NOT NULL AS filed,
               (fs.started_at AT TIME ZONE 'UTC')::date AS day
        FROM form_sessions fs
        WHERE fs.started_at >= ($2::date::timestamp AT TIME ZONE 'UTC')
          AND fs.started_at < (($3::date + 1)::timestamp AT TIME ZONE 'UTC')
          AND (fs.started_at AT TIME ZONE 'UTC')::date = ANY($1::date[])
    ), clicks AS (
        SELECT f.form_session_id AS id, f.doc_id,
               bool_or(f.marked_helpful) AS helpful, bool_or(f.dismissed) AS dismissed
        FROM s JOIN doc_feedback f ON f.form_session_id = s.id
        WHERE f.doc_id IS NOT NULL
        GROUP BY f.form_session_id, f.doc_id
    ), pairs AS (
        SELECT s.id, s.day, s.customer_id, s.plane_id, s.filed, i.doc_id,
               coalesce(c.helpful, false) AS helpful, coalesce(c.dismissed, false) AS dismissed
        FROM s JOIN doc_impressions i ON i.form_session_id = s.id
        LEFT JOIN clicks c ON c.id = s.id AND c.doc_id = i.doc_id
    ), per_session AS (
        SELECT s.id, s.day, s.customer_id, s.plane_id, s.issue_id, s.filed,
               p.id IS NOT NULL AS shown, coalesce(p.helped, false) AS helped
        FROM s LEFT JOIN (SELECT id, bool_or(helpful) AS helped FROM pairs GROUP BY id) p
               ON p.id = s.id
    )";

/// Each rollup's rows per customer, and the same summed over customers
/// under the nil id.
const BY_CUSTOMER_AND_ALL: &str = "GROUPING SETS ((customer_id, {keys}), ({keys}))";
const ALL_CUSTOMERS: &str = "coalesce(customer_id, '00000000-0000-0000-0000-000000000000')";

fn grouped(keys: &str) -> String {
    BY_CUSTOMER_AND_ALL.replace("{keys}", keys)
}

/// Recomputes the rollups of `days` (whose rows are gone) in one
/// statement: one snapshot of the tables for the three rollups (in READ
/// COMMITTED each statement would see its own), and the facts computed
/// once for all three.
fn recompute(conn: &mut PgConnection, days: &[NaiveDate]) -> QueryResult<()> {
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Ok(());
    };
    diesel::sql_query(recompute_sql())
        .bind::<Array<Date>, _>(days)
        .bind::<Date, _>(*first)
        .bind::<Date, _>(*last)
        .execute(conn)?;
    Ok(())
}

/// The statement of [`recompute`]; `$1` is the days, `$2` and `$3` the
/// first and the last.
fn recompute_sql() -> String {
    // A deflected session's values are those of the snapshot taken with its
    // latest helpful click (`contexts`: "<plane slug>.<context key>" → a
    // value or a list); a filed session's are its issue's. Only options of
    // select fields count: free text is not a value to group by.
    format!(
        "WITH {FACTS}, deflected AS (
             SELECT DISTINCT ps.id, ps.day, ps.customer_id, ps.plane_id, o.plane_context_id AS context_id,
                    o.value
             FROM per_session ps
             CROSS JOIN LATERAL (
                 SELECT f.issue_context -> 'contexts' AS contexts FROM doc_feedback f
                 WHERE f.form_session_id = ps.id AND f.marked_helpful AND f.doc_id IS NOT NULL
                 ORDER BY f.created_at DESC, f.id DESC LIMIT 1) snap
             CROSS JOIN LATERAL jsonb_each(CASE jsonb_typeof(snap.contexts)
                                           WHEN 'object' THEN snap.contexts ELSE '{{}}' END) AS kv (key, val)
             CROSS JOIN LATERAL jsonb_array_elements_text(CASE jsonb_typeof(kv.val)
                                WHEN 'array' THEN kv.val ELSE jsonb_build_array(kv.val) END) AS v (value)
             JOIN planes p ON p.slug = split_part(kv.key, '.', 1)
             JOIN plane_contexts pc ON pc.plane_id = p.id AND pc.context_key = split_part(kv.key, '.', 2)
             JOIN plane_context_options o ON o.plane_context_id = pc.id AND o.value = v.value
             WHERE ps.helped AND NOT ps.filed
         ), filed AS (
             SELECT ps.id, ps.day, ps.customer_id, ps.plane_id, ipc.plane_context_id AS context_id,
                    ipc.value, ps.helped
             FROM per_session ps
             JOIN issue_plane_contexts ipc ON ipc.issue_id = ps.issue_id
             JOIN plane_context_options o ON o.plane_context_id = ipc.plane_context_id
                                         AND o.value = ipc.value
         ), context_facts AS (
             SELECT day, customer_id, plane_id, context_id, value, 1 AS deflected, 0 AS filed,
                    0 AS filed_unhelped
             FROM deflected
             UNION ALL
             SELECT day, customer_id, plane_id, context_id, value, 0, 1, CASE WHEN helped THEN 0 ELSE 1 END
             FROM filed
         ), sessions_rolled AS (
             INSERT INTO doc_rollup_sessions (customer_id, day, plane_id, sessions, shown, deflected,
                                              filed)
             SELECT {ALL_CUSTOMERS}, day, plane_id, count(*), count(*) FILTER (WHERE shown),
                    count(*) FILTER (WHERE helped AND NOT filed), count(*) FILTER (WHERE filed)
             FROM per_session GROUP BY {sessions_keys}
         ), docs_rolled AS (
             INSERT INTO doc_rollup_docs (customer_id, day, plane_id, doc_id, shown, helpful,
                                          dismissed, filed_after_helpful)
             SELECT {ALL_CUSTOMERS}, day, plane_id, doc_id, count(*), count(*) FILTER (WHERE helpful),
                    count(*) FILTER (WHERE dismissed), count(*) FILTER (WHERE helpful AND filed)
             FROM pairs GROUP BY {docs_keys}
         )
         INSERT INTO doc_rollup_contexts (customer_id, day, plane_id, context_id, value, deflected,
                                          filed, filed_unhelped)
         SELECT {ALL_CUSTOMERS}, day, plane_id, context_id, value, sum(deflected), sum(filed),
                sum(filed_unhelped)
         FROM context_facts GROUP BY {contexts_keys}",
        sessions_keys = grouped("day, plane_id"),
        docs_keys = grouped("day, plane_id, doc_id"),
        contexts_keys = grouped("day, plane_id, context_id, value"),
    )
}
