//! Removes expired sessions, old sign-in attempts and past write-limit
//! windows now and then, so the
//! tables stay small. Every instance sweeps; the deletes are idempotent.

use std::time::Duration;

use chrono::Utc;

use crate::auth::{throttle, write_limits};
use crate::db::models::{login_attempts, sessions, write_counts};
use crate::db::{self, PgPool};

const EVERY: Duration = Duration::from_secs(600);

/// One sweep; returns (sessions, attempts and write counts) removed.
pub async fn sweep(pool: &PgPool) -> Result<(usize, usize), crate::error::AppError> {
    db::run(pool, |conn| {
        let expired = sessions::delete_expired(conn)?;
        let attempts = login_attempts::delete_older_than(conn, Utc::now() - throttle::WINDOW)?
            + write_counts::delete_older_than(conn, Utc::now() - write_limits::WINDOW)?;
        Ok::<_, diesel::result::Error>((expired, attempts))
    })
    .await
}

pub async fn sweep_forever(pool: PgPool) {
    let mut ticks = actix_web::rt::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match sweep(&pool).await {
            Ok((sessions, attempts)) if sessions + attempts > 0 => {
                tracing::info!(sessions, attempts, "swept expired rows")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep failed"),
        }
    }
}
