//! Sign-in throttling, kept in PostgreSQL so it holds across instances.
//! Each attempt is counted before the password is checked, under a
//! transaction-scoped advisory lock per subject, so parallel attempts cannot
//! slip past the limit together.

use std::net::{IpAddr, Ipv6Addr};

use chrono::{Duration, Utc};
use diesel::prelude::*;

use crate::db::lock;
use crate::db::models::login_attempts::{self, AttemptScope};
use crate::error::AppError;

/// The window attempts are counted in.
pub const WINDOW: Duration = Duration::minutes(15);
/// Attempts per account from one address in the window: the limit a
/// guesser meets, which leaves the owner, elsewhere, free to sign in.
pub const PER_ACCOUNT_ADDRESS: i64 = 10;
/// Attempts per account from all addresses together: much higher, against
/// guessing spread over many addresses. Reaching it locks the owner out
/// too, so it is high enough that a single attacker cannot.
pub const PER_ACCOUNT: i64 = 100;
/// Attempts per client address in the window: higher than the pair's,
/// since one address may be a whole office behind NAT.
pub const PER_ADDRESS: i64 = 100;

/// An attempt let through: the address's count row, so a success takes off
/// exactly its own attempt.
#[derive(Debug, Clone, Copy)]
pub struct Admitted {
    address_attempt: i64,
}

/// The address as the throttle counts it: an IPv6 client is given a whole
/// /64 (one home or host gets that many addresses), anything else as is.
pub fn address_subject(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
        _ => address.to_owned(),
    }
}

/// Records an attempt for the account, the address and the pair, or
/// refuses with 429 when one is at its limit (a refused attempt is not
/// counted).
pub fn admit(conn: &mut PgConnection, email: &str, address: &str) -> Result<Admitted, AppError> {
    let address = address_subject(address);
    let pair = format!("{email} {address}");
    conn.transaction(|conn| {
        let since = Utc::now() - WINDOW;
        let checks = [
            (
                AttemptScope::AccountAddress,
                pair.as_str(),
                PER_ACCOUNT_ADDRESS,
            ),
            (AttemptScope::Account, email, PER_ACCOUNT),
            (AttemptScope::Address, address.as_str(), PER_ADDRESS),
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
        login_attempts::insert(conn, AttemptScope::AccountAddress, &pair)?;
        login_attempts::insert(conn, AttemptScope::Account, email)?;
        let address_attempt = login_attempts::insert(conn, AttemptScope::Address, &address)?;
        Ok(Admitted { address_attempt })
    })
}

/// A successful sign-in clears the account's and the pair's counts and takes its own
/// attempt off the address's count: the address limit counts failures, so
/// an office of colleagues signing in is not throttled (and a success never
/// takes off someone else's failure).
pub fn forget_success(
    conn: &mut PgConnection,
    email: &str,
    address: &str,
    admitted: Admitted,
) -> QueryResult<()> {
    let pair = format!("{email} {}", address_subject(address));
    login_attempts::delete_for_subject(conn, AttemptScope::AccountAddress, &pair)?;
    login_attempts::delete_for_subject(conn, AttemptScope::Account, email)?;
    login_attempts::delete(conn, admitted.address_attempt).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(
            address_subject("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(address_subject("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_eq!(address_subject("203.0.113.9"), "203.0.113.9");
        assert_eq!(address_subject("unknown"), "unknown");
    }
}
