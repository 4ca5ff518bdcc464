//! `EXPLAIN (ANALYZE, BUFFERS)` around any diesel query, so the benchmark
//! reports the plans of the app's real queries rather than copies of them.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::{PgConnection, QueryResult, RunQueryDsl};

/// Wraps a query; loading it yields the plan's lines.
#[derive(Debug, Clone)]
pub struct Explain<Q>(pub Q);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Explain<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("EXPLAIN (ANALYZE, BUFFERS) ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> Query for Explain<Q> {
    type SqlType = Text;
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> RunQueryDsl<PgConnection> for Explain<Q> {}
