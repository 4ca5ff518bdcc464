//! Per-user write limits: issues filed, replies (and internal notes) and
//! doc feedback clicks, each counted per user in fixed one-hour windows in
//! PostgreSQL, so they hold across instances. [`within`] counts before the
//! write and takes the count back from a write refused here or failing
//! later. The limits (settings, see `config::WriteLimits`) are far above
//! what a person does in an hour and stop a script at that.

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

/// Counts one `action` by `user_id` and runs `write` in a transaction:
/// past the limit, 429 and nothing is written. A write refused here, or
/// failing, has its count taken back.
///
/// The count is kept by a statement of its own before the write (see
/// `write_counts::add`): inside the write's transaction the window's row
/// stayed locked until the write's commit, so one account's concurrent
/// writes (a script, a bot account) ran one at a time. Each count still
/// returns its own total, so concurrent writes cannot slip past the
/// limit. A crash can lose a recent count or keep one for a write that
/// never committed: a guard's loss, not data's.
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
    let action_name = action.as_str();
    // The answer stands whether or not the count is taken back: one not
    // taken back only leaves the user one write less this hour.
    let take_back = |conn: &mut PgConnection| {
        if let Err(e) = write_counts::add(conn, user_id, action_name, start, -1) {
            tracing::warn!(error = %e, "a write's count was not taken back");
        }
    };
    let count = write_counts::add(conn, user_id, action_name, start, 1)?;
    if i64::from(count) > i64::from(action.limit(limits)) {
        take_back(conn);
        return Err(AppError::TooManyRequests {
            retry_after_secs: (start + WINDOW - now).num_seconds().max(1) as u64,
        });
    }
    let written = conn.transaction(|conn| write(conn).map_err(AppError::from));
    if written.is_err() {
        take_back(conn);
    }
    written
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
