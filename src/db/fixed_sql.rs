//! A statement whose SQL never changes, kept prepared. Diesel never caches
//! `sql_query`, so PostgreSQL would parse and plan it on every call; this
//! type is cached by its text like diesel's own queries. It binds at most
//! one value, an id or an array of ids, at each [`SLOT`] of the text. Load
//! it into a `QueryableByName` type, as `sql_query`.

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, Untyped, Uuid as SqlUuid};
use diesel::{QueryResult, RunQueryDsl};
use uuid::Uuid;

/// Where [`FixedSql::with_id`] binds its id (a character SQL never holds).
pub const SLOT: char = '\u{1}';

#[derive(Debug, Clone, Copy)]
pub struct FixedSql<'a> {
    sql: &'static str,
    bind: Bind<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Bind<'a> {
    Nothing,
    Id(Uuid),
    Ids(&'a [Uuid]),
}

impl FixedSql<'static> {
    /// `sql`, binding nothing.
    pub const fn new(sql: &'static str) -> Self {
        FixedSql {
            sql,
            bind: Bind::Nothing,
        }
    }

    /// `sql` with `id` bound at each [`SLOT`].
    pub const fn with_id(sql: &'static str, id: Uuid) -> Self {
        FixedSql {
            sql,
            bind: Bind::Id(id),
        }
    }
}

impl<'a> FixedSql<'a> {
    /// `sql` with `ids` bound as one `uuid[]` at each [`SLOT`].
    pub const fn with_ids(sql: &'static str, ids: &'a [Uuid]) -> Self {
        FixedSql {
            sql,
            bind: Bind::Ids(ids),
        }
    }
}

impl Query for FixedSql<'_> {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for FixedSql<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut parts = self.sql.split(SLOT);
        if let Some(first) = parts.next() {
            out.push_sql(first);
        }
        for part in parts {
            match &self.bind {
                Bind::Nothing => {
                    return Err(diesel::result::Error::QueryBuilderError(
                        "a slot without an id".into(),
                    ));
                }
                Bind::Id(id) => out.push_bind_param::<SqlUuid, _>(id)?,
                Bind::Ids(ids) => out.push_bind_param::<Array<SqlUuid>, _>(ids)?,
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

/// Cached as a prepared statement by its SQL text.
impl QueryId for FixedSql<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<PgConnection> for FixedSql<'_> {}
