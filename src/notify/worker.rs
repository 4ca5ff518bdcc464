//! The delivery worker: one tokio task per app instance that claims due
//! outbox rows, sends each over SMTP and records the outcome — sent; a
//! failed attempt due again after an exponential backoff; or, refused for
//! good by the server or out of attempts, failed with the server's reason.
//!
//! Several instances share the outbox safely: a claim is taken with
//! `FOR UPDATE SKIP LOCKED` and holds for [`MailTuning::claim_hold`], so
//! no two instances hold a row at once, and a row whose holder died is
//! claimed again once its claim expires. A worker sends only while enough
//! of its claim is left for a whole send, so its claim cannot lapse
//! mid-send and hand the row to a second sender. On shutdown it finishes
//! the send in progress and gives back the rows it did not try.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::config::MailTuning;
use crate::db::models::notification_outbox::{self, Claimed};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::notify::mailer::{Mailer, SendFailure};
use crate::notify::message::Composer;

/// What the worker needs, shared with its task.
struct Worker {
    pool: PgPool,
    mailer: Mailer,
    composer: Composer,
    tuning: MailTuning,
    /// This instance's name on the rows it claims.
    instance: Uuid,
}

/// A running worker; [`stop`](Self::stop) ends it.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    /// How long a stop may take: the send in progress, and a margin.
    grace: Duration,
}

/// Starts the worker of this instance.
pub fn spawn(pool: PgPool, mailer: Mailer, composer: Composer, tuning: MailTuning) -> WorkerHandle {
    let (stop, stopping) = watch::channel(false);
    let grace = tuning.send_timeout + Duration::from_secs(5);
    let worker = Arc::new(Worker {
        pool,
        mailer,
        composer,
        tuning,
        instance: Uuid::new_v4(),
    });
    let task = tokio::spawn(run(worker, stopping));
    WorkerHandle { stop, task, grace }
}

impl WorkerHandle {
    /// Asks the worker to stop and waits for it: the send in progress
    /// finishes, unsent claims are given back.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(self.grace, self.task).await.is_err() {
            tracing::warn!("e-mail worker did not stop in time; its claims expire on their own");
        }
    }
}

async fn run(worker: Arc<Worker>, mut stopping: watch::Receiver<bool>) {
    tracing::info!(instance = %worker.instance, "e-mail delivery started");
    loop {
        if *stopping.borrow() {
            break;
        }
        let busy = match worker.round(&stopping).await {
            Ok(claimed) => claimed as i64 >= worker.tuning.batch,
            Err(e) => {
                tracing::warn!(error = %e, "e-mail delivery round failed");
                false
            }
        };
        // A full batch may mean more are due: go on at once.
        if !busy {
            let _ = tokio::time::timeout(worker.tuning.poll, stopping.changed()).await;
        }
    }
    tracing::info!(instance = %worker.instance, "e-mail delivery stopped");
}

impl Worker {
    /// Claims a batch and sends it; returns how many rows were claimed.
    async fn round(&self, stopping: &watch::Receiver<bool>) -> Result<usize, AppError> {
        let (instance, batch) = (self.instance, self.tuning.batch);
        let hold_ms = i64::try_from(self.tuning.claim_hold.as_millis()).unwrap_or(i64::MAX);
        let claimed_at = Instant::now();
        let claimed = db::run(&self.pool, move |conn| {
            notification_outbox::claim(conn, instance, hold_ms, batch)
        })
        .await?;
        let count = claimed.len();
        let mut pending: VecDeque<Claimed> = claimed.into();
        while let Some(row) = pending.pop_front() {
            // Stopping, or too little of the claim left for a whole send:
            // the rest goes back for this or another instance to send.
            let left = self.tuning.claim_hold.saturating_sub(claimed_at.elapsed());
            if *stopping.borrow() || left < self.tuning.send_timeout * 2 {
                pending.push_front(row);
                let ids: Vec<Uuid> = pending.iter().map(|r| r.id).collect();
                db::run(&self.pool, move |conn| {
                    notification_outbox::release(conn, &ids, instance)
                })
                .await?;
                break;
            }
            let outcome = match self.composer.compose(&row) {
                Ok(message) => self.mailer.send(message).await,
                Err(why) => Err(SendFailure::permanent(why)),
            };
            self.record(&row, outcome).await?;
        }
        Ok(count)
    }

    /// Writes what became of one attempt.
    async fn record(
        &self,
        row: &Claimed,
        outcome: Result<(), SendFailure>,
    ) -> Result<(), AppError> {
        let (id, instance) = (row.id, self.instance);
        match outcome {
            Ok(()) => {
                tracing::info!(%id, event = %row.event, "e-mail sent");
                db::run(&self.pool, move |conn| {
                    notification_outbox::mark_sent(conn, id, instance)
                })
                .await?;
            }
            Err(failure) => {
                let retry_at = retry_delay(&self.tuning, row.attempts, failure.permanent)
                    .and_then(|d| chrono::Duration::from_std(d).ok())
                    .map(|d| Utc::now() + d);
                tracing::warn!(
                    %id,
                    event = %row.event,
                    attempts = row.attempts,
                    permanent = failure.permanent,
                    retry = retry_at.is_some(),
                    reason = %failure.reason,
                    "e-mail not sent"
                );
                db::run(&self.pool, move |conn| {
                    notification_outbox::mark_failed_attempt(
                        conn,
                        id,
                        instance,
                        &failure.reason,
                        retry_at,
                    )
                })
                .await?;
            }
        }
        Ok(())
    }
}

/// How long after failed attempt number `attempts` (1 for the first) the
/// next one is due: the base, doubled for each attempt before, at most
/// the maximum; `None` when the failure is permanent or the attempts are
/// used up (the message is failed for good).
pub fn retry_delay(tuning: &MailTuning, attempts: i32, permanent: bool) -> Option<Duration> {
    if permanent || attempts >= tuning.max_attempts {
        return None;
    }
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let delay = tuning.retry_base.saturating_mul(1u32 << doublings);
    Some(delay.min(tuning.retry_max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_limit_then_stop() {
        let t = MailTuning::default();
        assert_eq!(retry_delay(&t, 1, false), Some(Duration::from_secs(30)));
        assert_eq!(retry_delay(&t, 2, false), Some(Duration::from_secs(60)));
        assert_eq!(retry_delay(&t, 3, false), Some(Duration::from_secs(120)));
        assert_eq!(retry_delay(&t, 7, false), Some(Duration::from_secs(1920)));
        let long = MailTuning {
            max_attempts: 40,
            ..MailTuning::default()
        };
        assert_eq!(retry_delay(&long, 39, false), Some(long.retry_max));
        assert_eq!(retry_delay(&t, t.max_attempts, false), None);
        assert_eq!(retry_delay(&t, 1, true), None);
    }
}
