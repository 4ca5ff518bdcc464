//! Periods the analytics count in: ISO weeks (Monday to Sunday, UTC),
//! labelled `YYYY-Www` as in the tickets CSV, and the age buckets of the
//! open backlog. The SQL that groups by them takes its bounds from here.

use chrono::{Datelike, Days, NaiveDate, TimeDelta};

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

/// The Mondays of the weeks from `first`'s to `last`'s, in order.
pub fn weeks(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    let end = week_start(last);
    std::iter::successors(Some(week_start(first)), |w| {
        w.checked_add_days(Days::new(7))
    })
    .take_while(move |w| *w <= end)
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

    /// The bucket of an age; a negative age (a clock that went back) is
    /// under a day.
    pub fn of_age(age: TimeDelta) -> AgeBucket {
        let at_least = |days: i64| age >= TimeDelta::days(days);
        let passed = Self::BOUNDS_DAYS.iter().filter(|d| at_least(**d)).count();
        Self::ALL[passed]
    }

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
    fn the_weeks_of_a_range() {
        let mondays: Vec<_> = weeks(day(2026, 11, 1), day(2026, 11, 30)).collect();
        assert_eq!(
            mondays,
            vec![
                day(2026, 10, 26),
                day(2026, 11, 2),
                day(2026, 11, 9),
                day(2026, 11, 16),
                day(2026, 11, 23),
                day(2026, 11, 30)
            ]
        );
        assert_eq!(weeks(day(2026, 12, 6), day(2026, 12, 6)).count(), 1);
    }

    #[test]
    fn ages_fall_in_buckets_by_their_lower_bounds() {
        let h = TimeDelta::hours;
        assert_eq!(AgeBucket::of_age(h(-2)), AgeBucket::UnderOneDay);
        assert_eq!(AgeBucket::of_age(h(23)), AgeBucket::UnderOneDay);
        assert_eq!(AgeBucket::of_age(h(24)), AgeBucket::OneToThreeDays);
        assert_eq!(AgeBucket::of_age(h(71)), AgeBucket::OneToThreeDays);
        assert_eq!(AgeBucket::of_age(h(72)), AgeBucket::ThreeToSevenDays);
        assert_eq!(AgeBucket::of_age(h(7 * 24)), AgeBucket::SevenToThirtyDays);
        assert_eq!(
            AgeBucket::of_age(h(30 * 24 - 1)),
            AgeBucket::SevenToThirtyDays
        );
        assert_eq!(AgeBucket::of_age(h(30 * 24)), AgeBucket::OverThirtyDays);
        assert_eq!(AgeBucket::from_index(4), Some(AgeBucket::OverThirtyDays));
        assert_eq!(AgeBucket::from_index(5), None);
        assert_eq!(AgeBucket::from_index(-1), None);
    }
}
