//! Transaction-scoped advisory locks: the one way this app makes concurrent
//! writers of the same thing queue behind each other (sign-in attempts of
//! one subject, two clicks of one form, two seeders of one database).

use diesel::prelude::*;
use diesel::sql_types::Text;

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
