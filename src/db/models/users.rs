//! `users`: staff (admins, agents) and customer users. E-mail addresses are
//! stored lower-case; the password hash never appears in `Debug` output.

use std::fmt;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::enums::UserRole;
use crate::db::schema::users;

#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: UserRole,
    pub customer_id: Option<Uuid>,
    pub chat_handle: Option<String>,
    /// `None` for OAuth-only users.
    pub password_hash: Option<String>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub image_url: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a person is named on pages: their name, or their e-mail when they
/// gave none (OAuth and invited users often have no name).
pub fn shown_name(name: &str, email: &str) -> String {
    if name.is_empty() { email } else { name }.to_owned()
}

impl User {
    pub fn display_name(&self) -> String {
        shown_name(&self.name, &self.email)
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    /// Agents and admins.
    pub fn is_staff(&self) -> bool {
        matches!(self.role, UserRole::Agent | UserRole::Admin)
    }
}

fn redacted(hash: &Option<impl AsRef<str>>) -> &'static str {
    if hash.is_some() {
        "<redacted>"
    } else {
        "<none>"
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("customer_id", &self.customer_id)
            .field("chat_handle", &self.chat_handle)
            .field("password_hash", &redacted(&self.password_hash))
            .field("email_verified_at", &self.email_verified_at)
            .field("image_url", &self.image_url)
            .field("disabled_at", &self.disabled_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// `customer_id` must be set exactly when `role` is customer (a CHECK
/// constraint). [`insert`] lower-cases `email`.
#[derive(Clone, Copy, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: UserRole,
    pub customer_id: Option<Uuid>,
    pub chat_handle: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub image_url: Option<&'a str>,
}

impl fmt::Debug for NewUser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("customer_id", &self.customer_id)
            .field("chat_handle", &self.chat_handle)
            .field("password_hash", &redacted(&self.password_hash))
            .field("email_verified_at", &self.email_verified_at)
            .field("image_url", &self.image_url)
            .finish()
    }
}

/// `None` leaves a column alone; `Some(None)` clears a nullable one.
#[derive(Clone, Copy, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChangeset<'a> {
    pub name: Option<&'a str>,
    pub role: Option<UserRole>,
    pub customer_id: Option<Option<Uuid>>,
    pub chat_handle: Option<Option<&'a str>>,
    pub password_hash: Option<Option<&'a str>>,
    pub email_verified_at: Option<Option<DateTime<Utc>>>,
    pub image_url: Option<Option<&'a str>>,
    pub disabled_at: Option<Option<DateTime<Utc>>>,
}

impl fmt::Debug for UserChangeset<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserChangeset")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("customer_id", &self.customer_id)
            .field("chat_handle", &self.chat_handle)
            .field(
                "password_hash",
                &self.password_hash.map(|hash| redacted(&hash)),
            )
            .field("email_verified_at", &self.email_verified_at)
            .field("image_url", &self.image_url)
            .field("disabled_at", &self.disabled_at)
            .finish()
    }
}

/// Inserts with the e-mail lower-cased.
pub fn insert(conn: &mut PgConnection, new: &NewUser) -> QueryResult<User> {
    let email = new.email.trim().to_lowercase();
    let row = NewUser {
        email: &email,
        ..*new
    };
    diesel::insert_into(users::table)
        .values(&row)
        .returning(User::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

/// Case-insensitive: the argument is lower-cased like the stored addresses.
/// Disabled users are returned too; callers decide what that means.
pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The users of one customer, by name.
pub fn list_for_customer(conn: &mut PgConnection, customer_id: Uuid) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::customer_id.eq(customer_id))
        .order((users::name.asc(), users::email.asc()))
        .select(User::as_select())
        .load(conn)
}

pub fn count(conn: &mut PgConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Fails with a query-builder error when the changeset is empty.
pub fn update(conn: &mut PgConnection, id: Uuid, changes: &UserChangeset) -> QueryResult<User> {
    diesel::update(users::table.find(id))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)
}

/// The ids of every enabled admin, locked (`FOR UPDATE`) until the
/// transaction ends: a change that could leave the desk without an admin
/// holds these while it judges and writes, so two such changes queue, and
/// the second sees the first's outcome (PostgreSQL re-checks a locked row
/// that changed meanwhile and leaves it out once it no longer matches).
/// Locked in id order, so two lockers never deadlock.
pub fn lock_active_admins(conn: &mut PgConnection) -> QueryResult<Vec<Uuid>> {
    users::table
        .filter(users::role.eq(UserRole::Admin))
        .filter(users::disabled_at.is_null())
        .order(users::id.asc())
        .select(users::id)
        .for_update()
        .load(conn)
}

/// Updates the user only if it is still at `version` (its `updated_at`
/// when the edit form was loaded); `None` when it has changed since.
/// Fails with a query-builder error when the changeset is empty.
pub fn update_at_version(
    conn: &mut PgConnection,
    id: Uuid,
    version: DateTime<Utc>,
    changes: &UserChangeset,
) -> QueryResult<Option<User>> {
    diesel::update(users::table.find(id).filter(users::updated_at.eq(version)))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)
        .optional()
}
