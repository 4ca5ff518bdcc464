//! A statement whose SQL never changes, kept prepared. Diesel never caches
//! `sql_query`, so PostgreSQL would parse and plan it on every call; this
//! type is cached by its text like diesel's own queries. It binds at most
//! one value, an id, at each [`SLOT`] of the text. Load it into a
//! `QueryableByName` type, as `sql_query`.

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Untyped, Uuid as SqlUuid};
use diesel::{QueryResult, RunQueryDsl};
use uuid::Uuid;

/// Where [`FixedSql::with_id`] binds its id (a character SQL never holds).
pub const SLOT: char = '\u{1}';

#[derive(Debug, Clone, Copy)]
pub struct FixedSql {
    sql: &'static str,
    id: Option<Uuid>,
}

impl FixedSql {
    /// `sql`, binding nothing.
    pub const fn new(sql: &'static str) -> Self {
        FixedSql { sql, id: None }
    }

    /// `sql` with `id` bound at each [`SLOT`].
    pub const fn with_id(sql: &'static str, id: Uuid) -> Self {
        FixedSql { sql, id: Some(id) }
    }
}

impl Query for FixedSql {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for FixedSql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut parts = self.sql.split(SLOT);
        if let Some(first) = parts.next() {
            out.push_sql(first);
        }
        for part in parts {
            let id = self.id.as_ref().ok_or_else(|| {
                diesel::result::Error::QueryBuilderError("a slot without an id".into())
            })?;
            out.push_bind_param::<SqlUuid, _>(id)?;
            out.push_sql(part);
        }
        Ok(())
    }
}

/// Cached as a prepared statement by its SQL text.
impl QueryId for FixedSql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<PgConnection> for FixedSql {}
