//! `environments`: a customer's dev/qa/staging/production targets that
//! issues are filed against.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::models::enums::EnvType;
use crate::db::schema::environments;

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
