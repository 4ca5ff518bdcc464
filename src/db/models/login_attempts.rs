//! `login_attempts`: failed sign-ins counted per account, per client
//! address and per (account, address), in the database so that every
//! instance sees the same counters.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::login_attempts;

/// What a throttling counter is keyed on (the table's CHECK allows these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptScope {
    /// The subject is the (lower-case) e-mail address.
    Account,
    /// The subject is the client's address (an IPv6 client's /64).
    Address,
    /// The subject is "<e-mail> <address>".
    AccountAddress,
}

impl AttemptScope {
    pub fn as_str(&self) -> &'static str {
        match self {
            AttemptScope::Account => "account",
            AttemptScope::Address => "address",
            AttemptScope::AccountAddress => "account_address",
        }
    }
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = login_attempts)]
struct NewLoginAttempt<'a> {
    scope: &'a str,
    subject: &'a str,
}

/// Records one attempt now; returns its id.
pub fn insert(conn: &mut PgConnection, scope: AttemptScope, subject: &str) -> QueryResult<i64> {
    diesel::insert_into(login_attempts::table)
        .values(NewLoginAttempt {
            scope: scope.as_str(),
            subject,
        })
        .returning(login_attempts::id)
        .get_result(conn)
}

/// Attempts for this subject after `since`.
pub fn count_since(
    conn: &mut PgConnection,
    scope: AttemptScope,
    subject: &str,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    login_attempts::table
        .filter(login_attempts::scope.eq(scope.as_str()))
        .filter(login_attempts::subject.eq(subject))
        .filter(login_attempts::attempted_at.gt(since))
        .count()
        .get_result(conn)
}

/// Forgets a subject's attempts (after a successful sign-in).
pub fn delete_for_subject(
    conn: &mut PgConnection,
    scope: AttemptScope,
    subject: &str,
) -> QueryResult<usize> {
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::scope.eq(scope.as_str()))
            .filter(login_attempts::subject.eq(subject)),
    )
    .execute(conn)
}

pub fn delete(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.find(id)).execute(conn)
}

/// The periodic sweep.
pub fn delete_older_than(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(before)))
        .execute(conn)
}
