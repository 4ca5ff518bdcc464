//! `environments`: a customer's dev/qa/staging/production targets that
//! issues are filed against.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::models::customers::lower;
use crate::db::models::enums::EnvType;
use crate::db::schema::environments;
use crate::db::version::Version;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = environments, check_for_backend(diesel::pg::Pg))]
pub struct Environment {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub env_type: EnvType,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = environments)]
pub struct NewEnvironment<'a> {
    pub customer_id: Uuid,
    pub name: &'a str,
    pub env_type: EnvType,
}

#[derive(Debug, Clone, Copy, Default, AsChangeset)]
#[diesel(table_name = environments)]
pub struct EnvironmentChangeset<'a> {
    pub name: Option<&'a str>,
    pub env_type: Option<EnvType>,
}

pub fn insert(conn: &mut PgConnection, new: &NewEnvironment) -> QueryResult<Environment> {
    diesel::insert_into(environments::table)
        .values(new)
        .returning(Environment::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Environment> {
    environments::table
        .find(id)
        .select(Environment::as_select())
        .first(conn)
}

/// A customer's environments, dev → production (the enum's order), then by name.
pub fn list_for_customer(
    conn: &mut PgConnection,
    customer_id: Uuid,
) -> QueryResult<Vec<Environment>> {
    environments::table
        .filter(environments::customer_id.eq(customer_id))
        .order((environments::env_type.asc(), environments::name.asc()))
        .select(Environment::as_select())
        .load(conn)
}

/// Fails with a query-builder error when the changeset is empty.
pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    changes: &EnvironmentChangeset,
) -> QueryResult<Environment> {
    diesel::update(environments::table.find(id))
        .set(changes)
        .returning(Environment::as_returning())
        .get_result(conn)
}

/// One of a customer's environments, its row locked until the transaction
/// ends; `NotFound` for an id of another customer's environment too.
pub fn find_in_customer_for_update(
    conn: &mut PgConnection,
    customer_id: Uuid,
    id: Uuid,
) -> QueryResult<Environment> {
    environments::table
        .find(id)
        .filter(environments::customer_id.eq(customer_id))
        .select(Environment::as_select())
        .for_update()
        .first(conn)
}

/// Renames or retypes the environment if it is still at `version`;
/// `None` when another change came first.
pub fn update_at_version(
    conn: &mut PgConnection,
    id: Uuid,
    version: Version,
    name: &str,
    env_type: EnvType,
) -> QueryResult<Option<Environment>> {
    diesel::update(
        environments::table
            .find(id)
            .filter(environments::updated_at.eq(version.0)),
    )
    .set((
        environments::name.eq(name),
        environments::env_type.eq(env_type),
    ))
    .returning(Environment::as_returning())
    .get_result(conn)
    .optional()
}

/// Whether another environment of the customer (not `except`) has this
/// name, ignoring case: the issue form could not tell "prod" from "Prod".
pub fn name_taken(
    conn: &mut PgConnection,
    customer_id: Uuid,
    name: &str,
    except: Option<Uuid>,
) -> QueryResult<bool> {
    let mut query = environments::table
        .filter(environments::customer_id.eq(customer_id))
        .filter(lower(environments::name).eq(lower(name)))
        .select(environments::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(environments::id.ne(id));
    }
    Ok(query.first::<Uuid>(conn).optional()?.is_some())
}
