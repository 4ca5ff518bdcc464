//! `write_counts`: a user's writes of one kind per one-hour window, for
//! the write limits (`auth::write_limits`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::write_counts;

/// Counts one more write in the window; returns the window's count with
/// it. One statement: concurrent bumps queue on the row, none is lost.
pub fn bump(
    conn: &mut PgConnection,
    user_id: uuid::Uuid,
    action: &str,
    window_start: DateTime<Utc>,
) -> QueryResult<i32> {
    diesel::insert_into(write_counts::table)
        .values((
            write_counts::user_id.eq(user_id),
            write_counts::action.eq(action),
            write_counts::window_start.eq(window_start),
            write_counts::count.eq(1),
        ))
        .on_conflict((
            write_counts::user_id,
            write_counts::action,
            write_counts::window_start,
        ))
        .do_update()
        .set(write_counts::count.eq(write_counts::count + 1))
        .returning(write_counts::count)
        .get_result(conn)
}

/// Takes back one write counted by [`bump`] that did not happen.
pub fn take_back(
    conn: &mut PgConnection,
    user_id: uuid::Uuid,
    action: &str,
    window_start: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        write_counts::table
            .find((user_id, action, window_start))
            .filter(write_counts::count.gt(0)),
    )
    .set(write_counts::count.eq(write_counts::count - 1))
    .execute(conn)
}

/// Removes windows that started before `before`; returns how many.
pub fn delete_older_than(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(write_counts::table.filter(write_counts::window_start.lt(before))).execute(conn)
}
