//! A statement whose SQL never changes and binds nothing, kept prepared.
//! Diesel never caches `sql_query`, so PostgreSQL would parse and plan it
//! on every call; this type is cached by its text like diesel's own
//! queries. Load it into a `QueryableByName` type, as `sql_query`.

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Untyped;
use diesel::{QueryResult, RunQueryDsl};

#[derive(Debug, Clone, Copy)]
pub struct FixedSql(pub &'static str);

impl Query for FixedSql {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for FixedSql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.0);
        Ok(())
    }
}

/// Cached as a prepared statement by its SQL text.
impl QueryId for FixedSql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<PgConnection> for FixedSql {}
