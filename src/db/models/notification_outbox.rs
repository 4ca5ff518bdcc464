//! `notification_outbox`: one row per e-mail to send, written by the
//! fan-out from a change's events (or, for an invitation or reset link,
//! in the transaction that makes the link), and the delivery workers'
//! side of it: claiming due rows (`FOR UPDATE SKIP LOCKED`, then a claim
//! that expires, so a dead instance's rows are sent by another), marking
//! them sent, retrying later or failed, releasing claims at shutdown, and
//! an admin's retry of a failed one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::models::enums::{NotificationEvent, NotificationTopic, OutboxStatus};
use crate::db::schema::notification_outbox;
use crate::db::schema::sql_types::{NotificationEvent as SqlEvent, NotificationTopic as SqlTopic};

/// The longest reason kept of a failure (the column's limit).
pub const ERROR_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notification_outbox, check_for_backend(diesel::pg::Pg))]
pub struct OutboxRow {
    pub id: Uuid,
    pub event: NotificationEvent,
    pub topic: Option<NotificationTopic>,
    pub recipient_id: Option<Uuid>,
    pub email: String,
    pub issue_id: Option<Uuid>,
    pub actor_name: String,
    pub detail: Option<String>,
    pub link: Option<String>,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_by: Option<Uuid>,
    pub claim_expires_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message to send; it is due at once.
#[derive(Debug, Clone, Copy)]
pub struct NewOutboxRow<'a> {
    pub event: NotificationEvent,
    pub topic: Option<NotificationTopic>,
    pub recipient_id: Option<Uuid>,
    pub email: &'a str,
    pub issue_id: Option<Uuid>,
    pub actor_name: &'a str,
    pub detail: Option<&'a str>,
    pub link: Option<&'a str>,
    /// When what it tells of happened; `None`: now. It is also when the
    /// message is first due, so one person's messages go out in the order
    /// of their events, however the fan-out batched them.
    pub created_at: Option<DateTime<Utc>>,
}

/// Writes the rows in one statement (none for an empty list). Its text is
/// the same for any number of rows (one array per column), so it stays
/// prepared: a multi-row `insert_into` is parsed and planned anew each
/// time, and a filing or reply writing a row per follower pays for it.
pub fn insert_many(conn: &mut PgConnection, rows: &[NewOutboxRow]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    Columns::of(rows).execute(conn)
}

/// The rows of [`insert_many`] as one array per column. The enums go as
/// their stored words and are cast back, so no enum array type is needed.
struct Columns<'a> {
    events: Vec<&'static str>,
    topics: Vec<Option<&'static str>>,
    recipients: Vec<Option<Uuid>>,
    emails: Vec<&'a str>,
    issues: Vec<Option<Uuid>>,
    actors: Vec<&'a str>,
    details: Vec<Option<&'a str>>,
    links: Vec<Option<&'a str>>,
    created: Vec<Option<DateTime<Utc>>>,
}

impl<'a> Columns<'a> {
    fn of(rows: &[NewOutboxRow<'a>]) -> Self {
        Columns {
            events: rows.iter().map(|r| r.event.as_str()).collect(),
            topics: rows.iter().map(|r| r.topic.map(|t| t.as_str())).collect(),
            recipients: rows.iter().map(|r| r.recipient_id).collect(),
            emails: rows.iter().map(|r| r.email).collect(),
            issues: rows.iter().map(|r| r.issue_id).collect(),
            actors: rows.iter().map(|r| r.actor_name).collect(),
            details: rows.iter().map(|r| r.detail).collect(),
            links: rows.iter().map(|r| r.link).collect(),
            created: rows.iter().map(|r| r.created_at).collect(),
        }
    }
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for Columns<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO notification_outbox \
               (event, topic, recipient_id, email, issue_id, actor_name, detail, link, created_at, \
                next_attempt_at) \
             SELECT e::notification_event, t::notification_topic, r, m, i, a, d, l, \
                    coalesce(c, now()), coalesce(c, now()) \
             FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.events)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.topics)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<SqlUuid>>, _>(&self.recipients)?;
        out.push_sql("::uuid[], ");
        out.push_bind_param::<Array<Text>, _>(&self.emails)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<SqlUuid>>, _>(&self.issues)?;
        out.push_sql("::uuid[], ");
        out.push_bind_param::<Array<Text>, _>(&self.actors)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.details)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.links)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<Timestamptz>>, _>(&self.created)?;
        out.push_sql("::timestamptz[]) AS x (e, t, r, m, i, a, d, l, c)");
        Ok(())
    }
}

/// Cached as a prepared statement by its SQL text.
impl diesel::query_builder::QueryId for Columns<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<PgConnection> for Columns<'_> {}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<OutboxRow> {
    notification_outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
}

/// A row a worker holds, with what its message needs of the issue.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlEvent)]
    pub event: NotificationEvent,
    #[diesel(sql_type = Nullable<SqlTopic>)]
    pub topic: Option<NotificationTopic>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub recipient_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub actor_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub detail: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub link: Option<String>,
    /// Counting this one.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub issue_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub number: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub title: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
}

/// Claims up to `limit` due rows for `instance` until `hold_ms` from now,
/// counting an attempt on each, in one statement. Rows another instance
/// is claiming at this moment are skipped (`SKIP LOCKED`), rows another
/// instance holds are left alone until their claim expires.
pub fn claim(
    conn: &mut PgConnection,
    instance: Uuid,
    hold_ms: i64,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    diesel::sql_query(
        "WITH due AS (
           SELECT id FROM notification_outbox
            WHERE status = 'queued' AND next_attempt_at <= now()
              AND (claim_expires_at IS NULL OR claim_expires_at < clock_timestamp())
            ORDER BY next_attempt_at
            LIMIT $3
            FOR UPDATE SKIP LOCKED
         ), claimed AS (
           UPDATE notification_outbox o
              SET claimed_by = $1,
                  claim_expires_at = clock_timestamp() + $2 * interval '1 millisecond',
                  attempts = o.attempts + 1
             FROM due WHERE o.id = due.id
           RETURNING o.*
         )
         SELECT c.id, c.event, c.topic, c.recipient_id, c.email::text AS email, c.actor_name,
                c.detail, c.link, c.attempts, c.issue_id, i.number, i.title, i.description
           FROM claimed c LEFT JOIN issues i ON i.id = c.issue_id
          ORDER BY c.next_attempt_at",
    )
    .bind::<SqlUuid, _>(instance)
    .bind::<BigInt, _>(hold_ms)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// Marks a row `instance` holds as sent and forgets its one-time link.
/// `false` when the claim was lost meanwhile.
pub fn mark_sent(conn: &mut PgConnection, id: Uuid, instance: Uuid) -> QueryResult<bool> {
    use notification_outbox::dsl as o;
    diesel::update(
        o::notification_outbox
            .find(id)
            .filter(o::claimed_by.eq(instance)),
    )
    .set((
        o::status.eq(OutboxStatus::Sent),
        o::sent_at.eq(diesel::dsl::now),
        o::claimed_by.eq(None::<Uuid>),
        o::claim_expires_at.eq(None::<DateTime<Utc>>),
        o::last_error.eq(None::<String>),
        o::link.eq(None::<String>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Releases a row `instance` holds after a failed attempt: due again at
/// `retry_at`, or, with `None`, failed for good. `false` when the claim
/// was lost meanwhile.
pub fn mark_failed_attempt(
    conn: &mut PgConnection,
    id: Uuid,
    instance: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> QueryResult<bool> {
    use notification_outbox::dsl as o;
    let error: String = error.chars().take(ERROR_MAX_CHARS).collect();
    let target = o::notification_outbox
        .find(id)
        .filter(o::claimed_by.eq(instance));
    let release = (
        o::claimed_by.eq(None::<Uuid>),
        o::claim_expires_at.eq(None::<DateTime<Utc>>),
        o::last_error.eq(Some(error)),
    );
    let updated = match retry_at {
        Some(at) => diesel::update(target)
            .set((release, o::next_attempt_at.eq(at)))
            .execute(conn)?,
        None => diesel::update(target)
            .set((release, o::status.eq(OutboxStatus::Failed)))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Gives back rows `instance` holds and did not try (shutdown): their
/// attempt is not counted.
pub fn release(conn: &mut PgConnection, ids: &[Uuid], instance: Uuid) -> QueryResult<usize> {
    use notification_outbox::dsl as o;
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(
        o::notification_outbox
            .filter(o::id.eq_any(ids))
            .filter(o::claimed_by.eq(instance)),
    )
    .set((
        o::claimed_by.eq(None::<Uuid>),
        o::claim_expires_at.eq(None::<DateTime<Utc>>),
        o::attempts.eq(o::attempts - 1),
    ))
    .execute(conn)
}

/// Queues a failed row again with a fresh count of attempts; `None` when
/// it is not failed (any more).
pub fn retry_failed(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<OutboxRow>> {
    use notification_outbox::dsl as o;
    diesel::update(
        o::notification_outbox
            .find(id)
            .filter(o::status.eq(OutboxStatus::Failed)),
    )
    .set((
        o::status.eq(OutboxStatus::Queued),
        o::attempts.eq(0),
        o::next_attempt_at.eq(diesel::dsl::now),
    ))
    .returning(OutboxRow::as_returning())
    .get_result(conn)
    .optional()
}

/// Deletes up to `limit` messages sent or failed before `cutoff` (queued
/// ones stay, however old), oldest first; returns how many. A failed
/// message's time is its last attempt's. (`created_at`, when the event
/// happened, is never later: it lets the (status, created_at) index skip
/// the recent ones.)
pub fn delete_done_before(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM notification_outbox WHERE id IN (
           SELECT id FROM notification_outbox
            WHERE status IN ('sent', 'failed') AND created_at < $1
              AND coalesce(sent_at, next_attempt_at) < $1
            ORDER BY created_at LIMIT $2)",
    )
    .bind::<Timestamptz, _>(cutoff)
    .bind::<BigInt, _>(limit)
    .execute(conn)
}
