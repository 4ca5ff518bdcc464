//! The keyset cursor of paged lists (the agent queue and the issue list):
//! where the previous page ended, and its one encoding in page links.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::models::enums::IssuePriority;

/// Where the previous page ended: the last row's priority, its time in the
/// list's order (created or updated) and its id. Lists ordered by time
/// alone read `at` and `id`; the priority sort reads all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub priority: IssuePriority,
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    /// `<priority>.<microseconds>.<uuid>`, the value of a page link's
    /// `after` (queue) or `before` (issue list) parameter.
    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            self.priority.as_str(),
            self.at.timestamp_micros(),
            self.id
        )
    }

    /// The cursor a link carries; `None` for anything damaged or for a
    /// time PostgreSQL would refuse, which the page shows as a notice.
    pub fn decode(value: &str) -> Option<Self> {
        let mut parts = value.splitn(3, '.');
        let priority = IssuePriority::parse(parts.next()?)?;
        let at = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?;
        let id = Uuid::parse_str(parts.next()?).ok()?;
        in_range(at).then_some(Self { priority, at, id })
    }
}

/// Times PostgreSQL and people both accept (chrono allows years PostgreSQL
/// refuses, which would otherwise be a database error).
fn in_range(at: DateTime<Utc>) -> bool {
    (1970..=9999).contains(&chrono::Datelike::year(&at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            priority: IssuePriority::High,
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for bad in [
            "",
            "x",
            "high.notanumber.x",
            "urgent.1.00000000-0000-0000-0000-000000000000",
            "high.-99999999999999999999.x",
            // Out of PostgreSQL's range: a notice, never a database error.
            "high.-300000000000000000.00000000-0000-0000-0000-000000000000",
            // The issue list's former `<microseconds>_<uuid>`.
            "1700000000123456_00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
