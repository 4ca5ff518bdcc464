//! What pages would otherwise recompute on every load, kept per process:
//! the [`Directory`] of names and filter lists, each agent's view counts,
//! and the analytics pages' figures. An entry is used while what it was
//! computed from reads as it did when the entry was made: the database's
//! change counters for its tables (migrations 000005 and 000021) and, for
//! analytics, the rollups' refresh time. So a write by any instance is seen
//! on the next request. A writer bumps a counter with each statement,
//! before it commits; a reader caught in between keeps the old entry, so
//! entries are also dropped after [`MAX_AGE`].

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamptz};
use uuid::Uuid;

use crate::db::fixed_sql::FixedSql;
use crate::db::queries::analytics_docs::{self, Figures};
use crate::db::queries::analytics_tickets::{Freshness, TicketFigures, TicketScope};
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

/// SQL for a change counter's value, 0 before its first use: a sequence
/// not yet used reads last_value 1, as after its first nextval, and
/// is_called tells the two apart.
macro_rules! counter {
    ($sequence:literal) => {
        concat!(
            "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ",
            $sequence,
            ")"
        )
    };
}

impl Markers {
    pub fn read(conn: &mut PgConnection) -> QueryResult<Self> {
        FixedSql::new(concat!(
            "SELECT ",
            counter!("issue_changes"),
            " AS issues, ",
            counter!("directory_changes"),
            " AS directory"
        ))
        .get_result(conn)
    }
}

/// What the analytics pages' figures are computed from besides the
/// filters, read in one statement: the change counters of the names they
/// show, and when each page's rollups were last refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Stamps {
    #[diesel(embed)]
    pub markers: Markers,
    #[diesel(sql_type = BigInt)]
    pub catalog: i64,
    /// The doc rollups' refresh (None: never refreshed).
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub docs_at: Option<DateTime<Utc>>,
    #[diesel(embed)]
    pub tickets: Freshness,
}

impl Stamps {
    pub fn read(conn: &mut PgConnection) -> QueryResult<Self> {
        FixedSql::new(concat!(
            "SELECT ",
            counter!("issue_changes"),
            " AS issues, ",
            counter!("directory_changes"),
            " AS directory, ",
            counter!("catalog_changes"),
            " AS catalog, \
             (SELECT refreshed_at FROM doc_rollup_state) AS docs_at, \
             t.refreshed_at, t.backlog_at \
             FROM (SELECT 1) AS one LEFT JOIN ticket_stats_state t ON true"
        ))
        .get_result(conn)
    }
}

/// The doc analytics' figures: for a scope, from the rollups as refreshed
/// at `refreshed_at`, with the names of `directory` and `catalog`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocFiguresKey {
    pub refreshed_at: Option<DateTime<Utc>>,
    pub directory: i64,
    pub catalog: i64,
    pub scope: analytics_docs::Scope,
}

/// The tickets analytics' figures: for a scope, from the rollups as of
/// `freshness`, with the names of `directory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketFiguresKey {
    pub freshness: Freshness,
    pub directory: i64,
    pub scope: TicketScope,
}

/// How many computed figures each analytics page keeps at most: a handful
/// of admins looking at a few ranges and filters each.
const FIGURES_KEPT: usize = 64;
/// And how many rows they may hold together (a doc row is a few hundred
/// bytes): a catalog of ten thousand docs must not keep 64 copies of it.
const ROWS_KEPT: usize = 100_000;

/// Computed values by key, the oldest dropped first beyond
/// [`FIGURES_KEPT`] entries or [`ROWS_KEPT`] rows. The key holds
/// everything the value was computed from, so a stale entry is never
/// found, only pushed out.
pub struct Memo<K, V> {
    entries: Mutex<VecDeque<Kept<K, V>>>,
}

struct Kept<K, V> {
    key: K,
    at: Instant,
    rows: usize,
    value: Arc<V>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            entries: Mutex::new(VecDeque::new()),
        }
    }
}

impl<K: PartialEq, V> Memo<K, V> {
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        lock(&self.entries)
            .iter()
            .find(|e| e.key == *key && e.at.elapsed() < MAX_AGE)
            .map(|e| e.value.clone())
    }

    /// Keeps `value` (of `rows` rows) under `key`, unless it alone is
    /// larger than all may be.
    pub fn put(&self, key: K, value: Arc<V>, rows: usize) {
        if rows > ROWS_KEPT {
            return;
        }
        let mut entries = lock(&self.entries);
        entries.retain(|e| e.key != key && e.at.elapsed() < MAX_AGE);
        let mut total: usize = entries.iter().map(|e| e.rows).sum::<usize>() + rows;
        while entries.len() >= FIGURES_KEPT || total > ROWS_KEPT {
            let Some(oldest) = entries.pop_front() else {
                break;
            };
            total -= oldest.rows;
        }
        entries.push_back(Kept {
            key,
            at: Instant::now(),
            rows,
            value,
        });
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
    pub doc_figures: Memo<DocFiguresKey, Figures>,
    pub ticket_figures: Memo<TicketFiguresKey, TicketFigures>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_finds_only_its_key_and_keeps_the_latest_entries() {
        let memo: Memo<u32, String> = Memo::default();
        assert!(memo.get(&1).is_none());
        memo.put(1, Arc::new("one".into()), 1);
        memo.put(1, Arc::new("one again".into()), 1);
        assert_eq!(
            memo.get(&1).as_deref().map(String::as_str),
            Some("one again")
        );
        assert!(memo.get(&2).is_none());
        for key in 2..=FIGURES_KEPT as u32 + 1 {
            memo.put(key, Arc::new(key.to_string()), 1);
        }
        // The oldest went to make room; the rest are all there.
        assert!(memo.get(&1).is_none());
        assert_eq!(lock(&memo.entries).len(), FIGURES_KEPT);
        assert!(memo.get(&2).is_some());
    }

    #[test]
    fn a_memo_keeps_a_bounded_number_of_rows() {
        let memo: Memo<u32, ()> = Memo::default();
        memo.put(1, Arc::new(()), ROWS_KEPT / 2);
        memo.put(2, Arc::new(()), ROWS_KEPT / 2);
        assert!(memo.get(&1).is_some() && memo.get(&2).is_some());
        // One more row pushes the oldest out.
        memo.put(3, Arc::new(()), 1);
        assert!(memo.get(&1).is_none() && memo.get(&2).is_some() && memo.get(&3).is_some());
        // A value larger than all may be is not kept, and drops nothing.
        memo.put(4, Arc::new(()), ROWS_KEPT + 1);
        assert!(memo.get(&4).is_none() && memo.get(&2).is_some());
    }
}
