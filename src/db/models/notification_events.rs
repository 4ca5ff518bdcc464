//! `notification_events`: what happened on an issue that people may hear
//! about, written in the transaction of the change (one row per event,
//! whoever hears of it), until an instance's fan-out turns it into
//! `notification_outbox` rows and deletes it, in one transaction
//! (`db::queries::notifications::fan_out`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::enums::NotificationEvent;
use crate::db::schema::notification_events;

/// An event waiting to be told, with the issue's facts as they were.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_events, check_for_backend(diesel::pg::Pg))]
pub struct EventRow {
    pub id: Uuid,
    pub event: NotificationEvent,
    pub issue_id: Uuid,
    pub customer_id: Uuid,
    pub submitter_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub actor_name: String,
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = notification_events)]
pub struct NewEvent<'a> {
    pub event: NotificationEvent,
    pub issue_id: Uuid,
    pub customer_id: Uuid,
    pub submitter_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub actor_name: &'a str,
    pub detail: Option<&'a str>,
}

/// Writes one event (a single-row insert, which diesel keeps prepared).
pub fn insert(conn: &mut PgConnection, event: &NewEvent) -> QueryResult<usize> {
    diesel::insert_into(notification_events::table)
        .values(event)
        .execute(conn)
}

/// Locks up to `limit` of the oldest events for the current transaction,
/// skipping those another instance's fan-out holds.
pub fn lock_oldest(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<EventRow>> {
    notification_events::table
        .order(notification_events::created_at)
        .limit(limit)
        .select(EventRow::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
}

/// How many events wait for a fan-out, and since when (normally none: the
/// fan-out runs every half second).
pub fn waiting(conn: &mut PgConnection) -> QueryResult<(i64, Option<DateTime<Utc>>)> {
    notification_events::table
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(notification_events::created_at),
        ))
        .first(conn)
}

pub fn delete(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<usize> {
    use notification_events::dsl as e;
    diesel::delete(e::notification_events.filter(e::id.eq_any(ids))).execute(conn)
}

/// Deletes the events written in the current transaction: the demo seed
/// writes a desk's history through the app's own functions, and history
/// is nobody's news. (`now()` is the transaction's start, the time every
/// row written in it carries.)
pub fn discard_written_in_this_transaction(conn: &mut PgConnection) -> QueryResult<usize> {
    use notification_events::dsl as e;
    diesel::delete(e::notification_events.filter(e::created_at.eq(diesel::dsl::now))).execute(conn)
}
