//! `sessions`: the server-side session store. Rows are keyed by the SHA-256
//! of the session key; the key itself is never stored. The state can hold
//! CSRF tokens and OAuth state, so `Debug` leaves it out.

use std::fmt;

use chrono::{DateTime, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema::sessions;

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions, primary_key(key_hash), check_for_backend(diesel::pg::Pg))]
pub struct SessionRow {
    pub key_hash: Vec<u8>,
    pub user_id: Option<Uuid>,
    pub state: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRow")
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("idle_expires_at", &self.idle_expires_at)
            .field("absolute_expires_at", &self.absolute_expires_at)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub key_hash: &'a [u8],
    pub user_id: Option<Uuid>,
    pub state: &'a serde_json::Value,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
}

impl fmt::Debug for NewSession<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("user_id", &self.user_id)
            .field("idle_expires_at", &self.idle_expires_at)
            .field("absolute_expires_at", &self.absolute_expires_at)
            .finish_non_exhaustive()
    }
}

pub fn insert(conn: &mut PgConnection, new: &NewSession) -> QueryResult<SessionRow> {
    diesel::insert_into(sessions::table)
        .values(new)
        .returning(SessionRow::as_returning())
        .get_result(conn)
}

/// A live session: an expired one (idle or absolute) counts as missing.
pub fn find_by_hash(conn: &mut PgConnection, key_hash: &[u8]) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .filter(sessions::key_hash.eq(key_hash))
        .filter(sessions::idle_expires_at.gt(now))
        .filter(sessions::absolute_expires_at.gt(now))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces the state and user of a session and extends its idle expiry;
/// returns how many rows changed (0: the session is gone).
pub fn update_state(
    conn: &mut PgConnection,
    key_hash: &[u8],
    user_id: Option<Uuid>,
    state: &serde_json::Value,
    idle_expires_at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(sessions::table.find(key_hash))
        .set((
            sessions::user_id.eq(user_id),
            sessions::state.eq(state),
            sessions::idle_expires_at.eq(idle_expires_at),
        ))
        .execute(conn)
}

/// Extends the idle expiry only; returns how many rows changed.
pub fn touch(
    conn: &mut PgConnection,
    key_hash: &[u8],
    idle_expires_at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(sessions::table.find(key_hash))
        .set(sessions::idle_expires_at.eq(idle_expires_at))
        .execute(conn)
}

pub fn delete_by_hash(conn: &mut PgConnection, key_hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(key_hash)).execute(conn)
}

/// Signs a user out everywhere (also used when disabling them).
pub fn delete_for_user(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

/// The periodic sweep: removes sessions past either expiry.
pub fn delete_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::idle_expires_at
                .le(now)
                .or(sessions::absolute_expires_at.le(now)),
        ),
    )
    .execute(conn)
}
