//! The admin home's counts: open work, people by role, customers and the
//! doc catalog, in one statement whose every count is served by an index
//! (the issue count reads only the partial index of open work).

use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// What the admin home counts. Users are counted while enabled, by role;
/// disabled users are counted apart, whatever their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct HomeCounts {
    /// Status open or in progress.
    #[diesel(sql_type = BigInt)]
    pub open_issues: i64,
    #[diesel(sql_type = BigInt)]
    pub admins: i64,
    #[diesel(sql_type = BigInt)]
    pub agents: i64,
    #[diesel(sql_type = BigInt)]
    pub customer_users: i64,
    #[diesel(sql_type = BigInt)]
    pub disabled_users: i64,
    #[diesel(sql_type = BigInt)]
    pub customers: i64,
    #[diesel(sql_type = BigInt)]
    pub active_docs: i64,
    #[diesel(sql_type = BigInt)]
    pub docs: i64,
}

/// All the counts in one round trip. The open-issue predicate is written
/// as the partial index `issues_active_created_idx` is, so the count is an
/// index-only scan of open work, not a scan of every issue; the other
/// tables hold people and catalogue entries, thousands, not millions.
pub fn home_counts(conn: &mut PgConnection) -> QueryResult<HomeCounts> {
    diesel::sql_query(
        "SELECT
           (SELECT count(*) FROM issues WHERE status IN ('open', 'in_progress')) AS open_issues,
           (SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL) AS admins,
           (SELECT count(*) FROM users WHERE role = 'agent' AND disabled_at IS NULL) AS agents,
           (SELECT count(*) FROM users WHERE role = 'customer' AND disabled_at IS NULL)
              AS customer_users,
           (SELECT count(*) FROM users WHERE disabled_at IS NOT NULL) AS disabled_users,
           (SELECT count(*) FROM customers) AS customers,
           (SELECT count(*) FROM docs WHERE is_active) AS active_docs,
           (SELECT count(*) FROM docs) AS docs",
    )
    .get_result(conn)
}
