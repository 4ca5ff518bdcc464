//! Reading a result of any size a batch at a time through a server-side
//! cursor (`DECLARE … CURSOR` / `FETCH`), for the CSV downloads: memory
//! stays at one batch, and a reader that stops early (the client left)
//! just stops fetching — the rest is never sent, unlike a result streamed
//! row by row, which the connection has to read to its end before it can
//! be used again. Call it inside a transaction (a cursor lives in one).

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::query_dsl::methods::LoadQuery;

/// Put before a query's text to declare it as the cursor [`each_row`]
/// reads: `diesel::sql_query(format!("{DECLARE}SELECT …"))`.
pub const DECLARE: &str = "DECLARE server_cursor_rows NO SCROLL CURSOR FOR ";

/// Rows fetched per round trip.
const BATCH: usize = 1_000;

/// Declares `declared` (a query whose text starts with [`DECLARE`], with
/// its binds) and calls `each` with every row, in order, [`BATCH`] rows
/// fetched at a time. An error from `each` stops the reading there.
pub fn each_row<T, E>(
    conn: &mut PgConnection,
    declared: BoxedSqlQuery<'_, Pg, SqlQuery>,
    mut each: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<diesel::result::Error>,
    for<'a> SqlQuery: LoadQuery<'a, PgConnection, T>,
{
    declared.execute(conn)?;
    let mut read = || -> Result<(), E> {
        loop {
            let rows: Vec<T> =
                diesel::sql_query(format!("FETCH FORWARD {BATCH} FROM server_cursor_rows"))
                    .load(conn)?;
            let last = rows.len() < BATCH;
            for row in rows {
                each(row)?;
            }
            if last {
                return Ok(());
            }
        }
    };
    let read = read();
    // Closed either way, so the transaction can declare the next one.
    let closed = diesel::sql_query("CLOSE server_cursor_rows").execute(conn);
    read?;
    closed?;
    Ok(())
}
