//! Removes expired sessions, old sign-in attempts, past write-limit
//! windows and e-mails sent or failed long ago now and then, so the
//! tables stay small. Every instance sweeps; the deletes are idempotent.

use std::time::Duration;

use chrono::Utc;

use crate::auth::{throttle, write_limits};
use crate::db::models::{login_attempts, notification_outbox, sessions, write_counts};
use crate::db::{self, PgPool};

const EVERY: Duration = Duration::from_secs(600);

/// How long `/admin/notifications` keeps a message that was sent or
/// failed for good.
pub const MESSAGES_KEPT_DAYS: i64 = 90;

/// Messages removed per sweep at most: a first sweep over years of them
/// is spread over several, each a short transaction.
const MESSAGES_PER_SWEEP: i64 = 10_000;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: usize,
    /// Sign-in attempts and write counts.
    pub attempts: usize,
    pub messages: usize,
}

/// One sweep.
pub async fn sweep(pool: &PgPool) -> Result<Swept, crate::error::AppError> {
    db::run(pool, |conn| {
        let sessions = sessions::delete_expired(conn)?;
        let attempts = login_attempts::delete_older_than(conn, Utc::now() - throttle::WINDOW)?
            + write_counts::delete_older_than(conn, Utc::now() - write_limits::WINDOW)?;
        let messages = notification_outbox::delete_done_before(
            conn,
            Utc::now() - chrono::Duration::days(MESSAGES_KEPT_DAYS),
            MESSAGES_PER_SWEEP,
        )?;
        Ok::<_, diesel::result::Error>(Swept {
            sessions,
            attempts,
            messages,
        })
    })
    .await
}

pub async fn sweep_forever(pool: PgPool) {
    let mut ticks = actix_web::rt::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match sweep(&pool).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(
                sessions = swept.sessions,
                attempts = swept.attempts,
                messages = swept.messages,
                "swept expired rows"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep failed"),
        }
    }
}
