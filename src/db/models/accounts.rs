//! `accounts`: OAuth identities (provider + subject) linked to a user.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::schema::accounts;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub struct Account {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider: String,
    pub provider_account_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub user_id: Uuid,
    pub provider: &'a str,
    pub provider_account_id: &'a str,
}

pub fn insert(conn: &mut PgConnection, new: &NewAccount) -> QueryResult<Account> {
    diesel::insert_into(accounts::table)
        .values(new)
        .returning(Account::as_returning())
        .get_result(conn)
}

/// The identity an OAuth callback names, if it is linked to a user.
pub fn find_by_provider(
    conn: &mut PgConnection,
    provider: &str,
    provider_account_id: &str,
) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::provider.eq(provider))
        .filter(accounts::provider_account_id.eq(provider_account_id))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

/// A user's linked identities, oldest first.
pub fn list_for_user(conn: &mut PgConnection, user_id: Uuid) -> QueryResult<Vec<Account>> {
    accounts::table
        .filter(accounts::user_id.eq(user_id))
        .order(accounts::created_at.asc())
        .select(Account::as_select())
        .load(conn)
}
