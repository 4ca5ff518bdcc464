//! Sign-in throttling, kept in PostgreSQL so it holds across instances.
//! Each attempt is counted before the password is checked, under a
//! transaction-scoped advisory lock per subject, so parallel attempts cannot
//! slip past the limit together.

use chrono::{Duration, Utc};
use diesel::prelude::*;

use crate::db::lock;
use crate::db::models::login_attempts::{self, AttemptScope};
use crate::error::AppError;

/// The window attempts are counted in.
pub const WINDOW: Duration = Duration::minutes(15);
/// Attempts per account (e-mail) in the window.
pub const PER_ACCOUNT: i64 = 10;
/// Attempts per client address in the window: higher, since one address
/// may be a whole office behind NAT.
pub const PER_ADDRESS: i64 = 100;

/// An attempt let through: the address's count row, so a success takes off
/// exactly its own attempt.
#[derive(Debug, Clone, Copy)]
pub struct Admitted {
    address_attempt: i64,
}

/// Records an attempt for the account and the address, or refuses with 429
/// when either is at its limit (a refused attempt is not counted).
pub fn admit(conn: &mut PgConnection, email: &str, address: &str) -> Result<Admitted, AppError> {
    conn.transaction(|conn| {
        let since = Utc::now() - WINDOW;
        let checks = [
            (AttemptScope::Account, email, PER_ACCOUNT),
            (AttemptScope::Address, address, PER_ADDRESS),
        ];
        for (scope, subject, _) in checks {
            lock::xact_lock(conn, &format!("{}:{subject}", scope.as_str()))?;
        }
        for (scope, subject, limit) in checks {
            if login_attempts::count_since(conn, scope, subject, since)? >= limit {
                return Err(AppError::TooManyRequests {
                    retry_after_secs: WINDOW.num_seconds() as u64,
                });
            }
        }
        login_attempts::insert(conn, AttemptScope::Account, email)?;
        let address_attempt = login_attempts::insert(conn, AttemptScope::Address, address)?;
        Ok(Admitted { address_attempt })
    })
}

/// A successful sign-in clears the account's count and takes its own
/// attempt off the address's count: the address limit counts failures, so
/// an office of colleagues signing in is not throttled (and a success never
/// takes off someone else's failure).
pub fn forget_success(conn: &mut PgConnection, email: &str, admitted: Admitted) -> QueryResult<()> {
    login_attempts::delete_for_subject(conn, AttemptScope::Account, email)?;
    login_attempts::delete(conn, admitted.address_attempt).map(|_| ())
}
