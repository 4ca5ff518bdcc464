//! Per-user write limits: issues filed, replies (and internal notes) and
//! doc feedback clicks, each counted per user in fixed one-hour windows in
//! PostgreSQL, so they hold across instances. [`within`] counts inside the
//! write's transaction: a write refused here, or failing later, leaves
//! its count uncounted. The limits (settings, see `config::WriteLimits`)
//! are far above what a person does in an hour and stop a script at that.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::config::WriteLimits;
use crate::db::models::write_counts;
use crate::error::AppError;

/// The window writes are counted in.
pub const WINDOW: TimeDelta = TimeDelta::hours(1);

/// A kind of write with a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteAction {
    Issue,
    Reply,
    Feedback,
}

impl WriteAction {
    fn as_str(self) -> &'static str {
        match self {
            WriteAction::Issue => "issue",
            WriteAction::Reply => "reply",
            WriteAction::Feedback => "feedback",
        }
    }

    fn limit(self, limits: &WriteLimits) -> u32 {
        match self {
            WriteAction::Issue => limits.issues,
            WriteAction::Reply => limits.replies,
            WriteAction::Feedback => limits.feedback,
        }
    }
}

/// The start of the window `at` falls in.
fn window_start(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(WINDOW).unwrap_or(at)
}

/// Runs `write` in a transaction that also counts one `action` by
/// `user_id`: past the limit, 429 and nothing is written; if `write`
/// fails, its count goes with it.
///
/// The count is bumped after the write, just before the commit: the bump
/// locks the window's row until the transaction ends, and bumping first
/// made one person's concurrent writes wait for each other's whole
/// transactions. A user already at the limit is refused before any work,
/// by a read that locks nothing; the bump's own count decides the rest.
pub fn within<T, E>(
    conn: &mut PgConnection,
    limits: &WriteLimits,
    user_id: Uuid,
    action: WriteAction,
    write: impl FnOnce(&mut PgConnection) -> Result<T, E>,
) -> Result<T, AppError>
where
    AppError: From<E>,
{
    let now = Utc::now();
    let start = window_start(now);
    let limit = i64::from(action.limit(limits));
    let refused = || AppError::TooManyRequests {
        retry_after_secs: (start + WINDOW - now).num_seconds().max(1) as u64,
    };
    conn.transaction(|conn| {
        if i64::from(write_counts::read(conn, user_id, action.as_str(), start)?) >= limit {
            return Err(refused());
        }
        let written = write(conn)?;
        if i64::from(write_counts::bump(conn, user_id, action.as_str(), start)?) > limit {
            return Err(refused());
        }
        Ok(written)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_start_on_the_hour() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T18:59:59.9Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(window_start(at).to_rfc3339(), "2026-11-30T18:00:00+00:00");
    }
}
