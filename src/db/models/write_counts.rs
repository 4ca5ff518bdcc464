//! `write_counts`: a user's writes of one kind per one-hour window, for
//! the write limits (`auth::write_limits`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamptz, Uuid as SqlUuid};

use crate::db::schema::write_counts;

/// Adds `delta` (1: a write; -1: one taken back) to the window's count
/// and returns it. One statement, `count_write` (migration 000022): call
/// it outside any transaction, so the row is locked only while it runs;
/// concurrent calls queue on the row, none is lost.
pub fn add(
    conn: &mut PgConnection,
    user_id: uuid::Uuid,
    action: &str,
    window_start: DateTime<Utc>,
    delta: i32,
) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = Integer)]
        n: i32,
    }
    Ok(diesel::sql_query("SELECT count_write($1, $2, $3, $4) AS n")
        .bind::<SqlUuid, _>(user_id)
        .bind::<Text, _>(action)
        .bind::<Timestamptz, _>(window_start)
        .bind::<Integer, _>(delta)
        .get_result::<Count>(conn)?
        .n)
}

/// Removes windows that started before `before`; returns how many.
pub fn delete_older_than(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(write_counts::table.filter(write_counts::window_start.lt(before))).execute(conn)
}
