//! Transaction-scoped advisory locks: the one way this app makes concurrent
//! writers of the same thing queue behind each other (sign-in attempts of
//! one subject, two clicks of one form, two seeders of one database).

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

/// Waits for the advisory lock named `key` and holds it until the
/// surrounding transaction ends. Outside a transaction it would be released
/// at once, so call it inside one. Keys are hashed to 32 bits
/// (`hashtext`): two keys sharing a hash only wait for each other, which
/// costs time, never correctness.
pub fn xact_lock(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind::<Text, _>(key)
        .execute(conn)
        .map(|_| ())
}

/// Takes the advisory lock named `key` for the surrounding transaction if
/// nobody holds it; false when someone does (a job another instance is
/// already running).
pub fn try_xact_lock(conn: &mut PgConnection, key: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked")
        .bind::<Text, _>(key)
        .get_result::<Locked>(conn)
        .map(|row| row.locked)
}
