//! The fan-out: one tokio task per app instance that turns the events
//! changes wrote (`notification_events`) into one outbox row per recipient
//! (`db::queries::notifications::fan_out`), so a request's cost does not
//! grow with the people who hear of it. It runs whether or not e-mail is
//! on. Several instances share the events safely: each batch is one
//! transaction that skips the events another holds.

use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::queries::notifications;
use crate::db::{self, PgPool};

/// Events turned into messages per transaction: small enough that a
/// backlog (after a burst of filings that many agents hear of) goes out
/// in short transactions beside the requests, not one long one.
const BATCH: i64 = 50;

/// How long a stop waits for the batch in progress.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// A running fan-out; [`stop`](Self::stop) ends it.
pub struct FanOutHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Starts this instance's fan-out, looking for events every `poll` (sooner
/// after a full batch).
pub fn spawn(pool: PgPool, poll: Duration) -> FanOutHandle {
    let (stop, stopping) = watch::channel(false);
    let task = tokio::spawn(run(pool, poll, stopping));
    FanOutHandle { stop, task }
}

impl FanOutHandle {
    /// Asks the fan-out to stop and waits for the batch in progress, whose
    /// transaction either commits whole or leaves its events for later (a
    /// batch that takes longer is left to the database to finish or roll
    /// back).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(STOP_GRACE, self.task).await.is_err() {
            tracing::warn!("notification fan-out did not stop in time; its batch ends on its own");
        }
    }
}

async fn run(pool: PgPool, poll: Duration, mut stopping: watch::Receiver<bool>) {
    while !*stopping.borrow() {
        let started = Instant::now();
        let full = match db::run(&pool, |conn| notifications::fan_out(conn, BATCH)).await {
            Ok(done) => {
                if done.events > 0 {
                    tracing::debug!(
                        events = done.events,
                        messages = done.messages,
                        "events fanned out"
                    );
                }
                done.events as i64 >= BATCH
            }
            Err(e) => {
                tracing::warn!(error = %e, "notification fan-out failed");
                false
            }
        };
        // After a full batch more events may wait: the next batch follows
        // after a pause as long as this one took. Working off a backlog (a
        // burst of filings that many agents hear of) then takes at most
        // half of one connection's time, and requests come first.
        let pause = if full { started.elapsed() } else { poll };
        let _ = tokio::time::timeout(pause, stopping.changed()).await;
    }
}
