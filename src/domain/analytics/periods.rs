//! Periods the analytics count in: ISO weeks (Monday to Sunday, UTC),
//! labelled `YYYY-Www` as in the tickets CSV, and the age buckets of the
//! open backlog. The SQL that groups by them takes its bounds from here.

use chrono::{Datelike, Days, NaiveDate};

/// The Monday of `day`'s ISO week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
        .unwrap_or(day)
}

/// `day`'s ISO week as `YYYY-Www` (the ISO year, which differs from the
/// calendar year around New Year: 2024-12-30 is in 2025-W01).
pub fn week_label(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{:04}-W{:02}", week.year(), week.week())
}

/// How long an open issue has been open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBucket {
    UnderOneDay,
    OneToThreeDays,
    ThreeToSevenDays,
    SevenToThirtyDays,
    OverThirtyDays,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 5] = [
        AgeBucket::UnderOneDay,
        AgeBucket::OneToThreeDays,
        AgeBucket::ThreeToSevenDays,
        AgeBucket::SevenToThirtyDays,
        AgeBucket::OverThirtyDays,
    ];

    /// The lower bounds in days of every bucket after the first: an age of
    /// exactly 3 days is in "3–7 d".
    pub const BOUNDS_DAYS: [i64; 4] = [1, 3, 7, 30];

    /// The bucket at `index` in [`AgeBucket::ALL`] (as the SQL numbers them).
    pub fn from_index(index: i32) -> Option<AgeBucket> {
        usize::try_from(index)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// As the issue and the page write it.
    pub fn label(self) -> &'static str {
        match self {
            AgeBucket::UnderOneDay => "< 1 d",
            AgeBucket::OneToThreeDays => "1–3 d",
            AgeBucket::ThreeToSevenDays => "3–7 d",
            AgeBucket::SevenToThirtyDays => "7–30 d",
            AgeBucket::OverThirtyDays => "> 30 d",
        }
    }

    /// Spelled out, for the CSV and screen readers.
    pub fn describe(self) -> &'static str {
        match self {
            AgeBucket::UnderOneDay => "under 1 day",
            AgeBucket::OneToThreeDays => "1 to 3 days",
            AgeBucket::ThreeToSevenDays => "3 to 7 days",
            AgeBucket::SevenToThirtyDays => "7 to 30 days",
            AgeBucket::OverThirtyDays => "30 days or more",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_carry_the_iso_year() {
        assert_eq!(week_start(day(2026, 11, 30)), day(2026, 11, 30)); // a Monday
        assert_eq!(week_start(day(2026, 12, 6)), day(2026, 11, 30)); // Sunday
        assert_eq!(week_label(day(2026, 11, 30)), "2026-W49");
        assert_eq!(week_label(day(2024, 12, 30)), "2025-W01");
        assert_eq!(week_label(day(2021, 1, 3)), "2020-W53");
        assert_eq!(week_label(day(2026, 1, 5)), "2026-W02");
        assert_eq!(week_label(day(1, 1, 1)), "0001-W01");
    }

    #[test]
    fn buckets_are_found_by_the_index_the_sql_gives() {
        assert_eq!(AgeBucket::from_index(4), Some(AgeBucket::OverThirtyDays));
        assert_eq!(AgeBucket::from_index(5), None);
        assert_eq!(AgeBucket::from_index(-1), None);
    }
}
