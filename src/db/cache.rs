//! What the queue would otherwise recompute on every load, kept per process:
//! the [`Directory`] of names and filter lists, and each agent's view
//! counts. An entry is used while the database's change counter for its
//! tables (migration 000005) reads as it did when the entry was made, so a
//! write by any instance is seen on the next request. A writer bumps the
//! counter with each statement, before it commits; a reader caught in
//! between keeps the old entry, so entries are also dropped after
//! [`MAX_AGE`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use uuid::Uuid;

use crate::db::queries::directory::Directory;
use crate::db::queries::queue::{self, View};

/// The longest an entry is trusted without its counter moving.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// Counts are kept for at most this many agents (a guard, not a tuning knob).
const MAX_AGENTS: usize = 10_000;

/// The change counters, read in one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Markers {
    #[diesel(sql_type = BigInt)]
    pub issues: i64,
    #[diesel(sql_type = BigInt)]
    pub directory: i64,
}

impl Markers {
    pub fn read(conn: &mut PgConnection) -> QueryResult<Self> {
        // A sequence not yet used reads last_value 1, as after its first
        // nextval: is_called tells the two apart.
        diesel::sql_query(
            "SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END \
                     FROM issue_changes) AS issues, \
                    (SELECT CASE WHEN is_called THEN last_value ELSE 0 END \
                     FROM directory_changes) AS directory",
        )
        .get_result(conn)
    }
}

/// Each view with its (capped) count.
pub type ViewCounts = Vec<(View, i64)>;

struct Entry<T> {
    marker: i64,
    at: Instant,
    value: T,
}

impl<T: Clone> Entry<T> {
    fn current(&self, marker: i64) -> Option<T> {
        (self.marker == marker && self.at.elapsed() < MAX_AGE).then(|| self.value.clone())
    }
}

#[derive(Default)]
pub struct Caches {
    directory: Mutex<Option<Entry<Arc<Directory>>>>,
    counts: Mutex<HashMap<Uuid, Entry<ViewCounts>>>,
}

impl Caches {
    /// The directory as of `markers`; `must_know` are ids the caller is
    /// about to name, read after the markers: when one is missing, the
    /// directory is reloaded rather than show a blank.
    pub fn directory(
        &self,
        conn: &mut PgConnection,
        markers: Markers,
        must_know: impl IntoIterator<Item = Uuid> + Clone,
    ) -> QueryResult<Arc<Directory>> {
        let cached = lock(&self.directory)
            .as_ref()
            .and_then(|e| e.current(markers.directory));
        if let Some(directory) = cached.filter(|d| d.knows(must_know.clone())) {
            return Ok(directory);
        }
        let directory = Arc::new(Directory::load(conn)?);
        *lock(&self.directory) = Some(Entry {
            marker: markers.directory,
            at: Instant::now(),
            value: directory.clone(),
        });
        Ok(directory)
    }

    /// Agent `me`'s view counts as of `markers`.
    pub fn view_counts(
        &self,
        conn: &mut PgConnection,
        markers: Markers,
        me: Uuid,
    ) -> QueryResult<ViewCounts> {
        if let Some(counts) = lock(&self.counts)
            .get(&me)
            .and_then(|e| e.current(markers.issues))
        {
            return Ok(counts);
        }
        let counts = queue::view_counts(conn, me)?;
        let mut all = lock(&self.counts);
        if all.len() >= MAX_AGENTS {
            all.clear();
        }
        all.insert(
            me,
            Entry {
                marker: markers.issues,
                at: Instant::now(),
                value: counts.clone(),
            },
        );
        Ok(counts)
    }
}

/// A poisoned lock only means another request panicked mid-update of a
/// cache; the value is still a whole value, so carry on with it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
