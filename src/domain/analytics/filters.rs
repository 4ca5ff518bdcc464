//! The analytics query parameters (DESIGN.md "Admin"): `from`, `to` (dates,
//! both inclusive, UTC; by default the last 30 days), `plane` (slug),
//! `customer` (id), `doc_type`. A parameter that cannot be read is dropped
//! with a [`Notice`] and its default is used, so a hand-edited or stale link
//! always answers the page, never an error. Whether a well-formed plane
//! slug or customer id exists is the database's to say: the caller checks
//! and adds [`Notice::UnknownPlane`] / [`Notice::UnknownCustomer`].

use chrono::{Datelike, Days, NaiveDate};
use uuid::Uuid;

use crate::db::models::enums::DocType;

/// Days in the default range, today included.
pub const DEFAULT_DAYS: u64 = 30;

/// The longest plane slug (the column holds 50).
const SLUG_MAX: usize = 50;

/// What the analytics are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    /// First day, inclusive (UTC).
    pub from: NaiveDate,
    /// Last day, inclusive (UTC).
    pub to: NaiveDate,
    /// A plane's slug.
    pub plane: Option<String>,
    pub customer: Option<Uuid>,
    pub doc_type: Option<DocType>,
}

/// Why a parameter was not used; each is a sentence for the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// `from` is not a date written YYYY-MM-DD.
    BadFrom,
    /// `to` is not a date written YYYY-MM-DD.
    BadTo,
    /// A date outside years 0001–9999 (e.g. a year 10000).
    DateOutOfRange,
    /// `from` is after `to`.
    FromAfterTo,
    /// `plane` is not a slug the catalog could hold.
    BadPlane,
    /// `plane` is well-formed but no plane has it (said by the caller).
    UnknownPlane,
    /// `customer` is not an id.
    BadCustomer,
    /// `customer` is an id no customer has (said by the caller).
    UnknownCustomer,
    /// `doc_type` is none of the Diátaxis types.
    BadDocType,
}

impl Notice {
    pub fn sentence(self) -> &'static str {
        match self {
            Notice::BadFrom => {
                "The start date is not a date written YYYY-MM-DD, so the range starts 30 days before its end."
            }
            Notice::BadTo => {
                "The end date is not a date written YYYY-MM-DD, so the range ends today."
            }
            Notice::DateOutOfRange => {
                "Dates run from year 0001 to 9999, so the default range (the last 30 days) is shown."
            }
            Notice::FromAfterTo => {
                "The start date is after the end date, so the last 30 days are shown."
            }
            Notice::BadPlane | Notice::UnknownPlane => {
                "That plane is unknown, so every plane is shown."
            }
            Notice::BadCustomer | Notice::UnknownCustomer => {
                "That customer is unknown, so every customer is shown."
            }
            Notice::BadDocType => "That doc type is unknown, so every type is shown.",
        }
    }
}

/// A date parameter as read.
enum DateParam {
    Absent,
    Valid(NaiveDate),
    Malformed,
    OutOfRange,
}

/// `YYYY-MM-DD` exactly, years 0001–9999: PostgreSQL and every spreadsheet
/// read them alike, and a six-digit year is a typo, not a request.
fn read_date(raw: Option<&str>) -> DateParam {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return DateParam::Absent;
    };
    let b = raw.as_bytes();
    let digits = |r: &[u8]| !r.is_empty() && r.iter().all(u8::is_ascii_digit);
    // A year of more than four digits, otherwise well-formed: out of range.
    if let Some(dash) = raw.find('-') {
        let rest = &b[dash..];
        if dash > 4
            && digits(&b[..dash])
            && rest.len() == 6
            && rest[3] == b'-'
            && digits(&rest[1..3])
            && digits(&rest[4..])
        {
            return DateParam::OutOfRange;
        }
    }
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return DateParam::Malformed;
    }
    if !(digits(&b[..4]) && digits(&b[5..7]) && digits(&b[8..])) {
        return DateParam::Malformed;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) if d.year() >= 1 => DateParam::Valid(d),
        Ok(_) => DateParam::OutOfRange,
        Err(_) => DateParam::Malformed,
    }
}

/// A slug as planes are given one: lower-case letters, digits and dashes.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= SLUG_MAX
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The default range ending `today`: the last [`DEFAULT_DAYS`] days.
pub fn default_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        today
            .checked_sub_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(today),
        today,
    )
}

impl Filters {
    /// Reads the query's pairs (first occurrence of each name wins; empty
    /// means unset). `today` is the UTC date the defaults count from.
    pub fn parse(pairs: &[(String, String)], today: NaiveDate) -> (Filters, Vec<Notice>) {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, v)| n == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        };
        let mut notices = Vec::new();
        let (default_from, default_to) = default_range(today);

        let from = read_date(get("from"));
        let to = read_date(get("to"));
        let (from, to) = match (from, to) {
            (DateParam::OutOfRange, _) | (_, DateParam::OutOfRange) => {
                notices.push(Notice::DateOutOfRange);
                (default_from, default_to)
            }
            (from, to) => {
                let to = match to {
                    DateParam::Valid(d) => d,
                    DateParam::Malformed => {
                        notices.push(Notice::BadTo);
                        default_to
                    }
                    _ => default_to,
                };
                let from = match from {
                    DateParam::Valid(d) => d,
                    other => {
                        if matches!(other, DateParam::Malformed) {
                            notices.push(Notice::BadFrom);
                        }
                        default_range(to).0
                    }
                };
                if from > to {
                    notices.push(Notice::FromAfterTo);
                    (default_from, default_to)
                } else {
                    (from, to)
                }
            }
        };

        let plane = get("plane").and_then(|p| {
            if is_slug(p) {
                Some(p.to_owned())
            } else {
                notices.push(Notice::BadPlane);
                None
            }
        });
        // Only the form the app writes (hyphenated, lower case), as admin paths.
        let customer = get("customer").and_then(|c| {
            let id = Uuid::try_parse(c)
                .ok()
                .filter(|id| id.hyphenated().to_string() == c.to_ascii_lowercase());
            if id.is_none() {
                notices.push(Notice::BadCustomer);
            }
            id
        });
        let doc_type = get("doc_type").and_then(|t| {
            let parsed = DocType::parse(t);
            if parsed.is_none() {
                notices.push(Notice::BadDocType);
            }
            parsed
        });
        (
            Filters {
                from,
                to,
                plane,
                customer,
                doc_type,
            },
            notices,
        )
    }

    /// The defaults: the last 30 days ending `today`, no other filter.
    pub fn defaults(today: NaiveDate) -> Filters {
        let (from, to) = default_range(today);
        Filters {
            from,
            to,
            plane: None,
            customer: None,
            doc_type: None,
        }
    }

    /// The day after `to`: ranges are queried as `[from, to_exclusive)`.
    pub fn to_exclusive(&self) -> NaiveDate {
        self.to.checked_add_days(Days::new(1)).unwrap_or(self.to)
    }

    /// The query pairs that give these filters back (for links and the CSV
    /// downloads), in a fixed order, unset ones left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("from", self.from.format("%Y-%m-%d").to_string()),
            ("to", self.to.format("%Y-%m-%d").to_string()),
        ];
        if let Some(plane) = &self.plane {
            out.push(("plane", plane.clone()));
        }
        if let Some(customer) = self.customer {
            out.push(("customer", customer.hyphenated().to_string()));
        }
        if let Some(t) = self.doc_type {
            out.push(("doc_type", t.as_str().to_owned()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn parse(query: &[(&str, &str)]) -> (Filters, Vec<Notice>) {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Filters::parse(&pairs, day(2026, 11, 30))
    }

    #[test]
    fn nothing_given_is_the_last_thirty_days() {
        let (f, notices) = parse(&[]);
        assert_eq!((f.from, f.to), (day(2026, 11, 1), day(2026, 11, 30)));
        assert_eq!(f, Filters::defaults(day(2026, 11, 30)));
        assert!(notices.is_empty());
    }

    #[test]
    fn every_parameter_is_read() {
        let id = Uuid::new_v4().to_string();
        let (f, notices) = parse(&[
            ("from", "2025-01-06"),
            ("to", "2025-03-02"),
            ("plane", "eks"),
            ("customer", &id),
            ("doc_type", "how-to"),
        ]);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((f.from, f.to), (day(2025, 1, 6), day(2025, 3, 2)));
        assert_eq!(f.plane.as_deref(), Some("eks"));
        assert_eq!(f.customer.map(|c| c.to_string()), Some(id));
        assert_eq!(f.doc_type, Some(DocType::HowTo));
        assert_eq!(f.to_exclusive(), day(2025, 3, 3));
    }

    #[test]
    fn a_single_day_and_a_lone_end_date() {
        let (f, n) = parse(&[("from", "2026-02-03"), ("to", "2026-02-03")]);
        assert!(n.is_empty());
        assert_eq!((f.from, f.to), (day(2026, 2, 3), day(2026, 2, 3)));
        // Only `to`: the 30 days ending there.
        let (f, n) = parse(&[("to", "2026-02-28")]);
        assert!(n.is_empty());
        assert_eq!((f.from, f.to), (day(2026, 1, 30), day(2026, 2, 28)));
        // Only `from`: from there to today.
        let (f, _) = parse(&[("from", "2026-01-01")]);
        assert_eq!((f.from, f.to), (day(2026, 1, 1), day(2026, 11, 30)));
    }

    #[test]
    fn a_start_after_the_end_falls_back_to_the_default() {
        let (f, notices) = parse(&[("from", "2026-05-02"), ("to", "2026-05-01")]);
        assert_eq!(notices, vec![Notice::FromAfterTo]);
        assert_eq!((f.from, f.to), (day(2026, 11, 1), day(2026, 11, 30)));
    }

    #[test]
    fn a_year_10000_or_a_malformed_date_is_a_notice() {
        for (query, notice) in [
            ([("from", "10000-01-01")], Notice::DateOutOfRange),
            ([("to", "10000-12-31")], Notice::DateOutOfRange),
            ([("from", "2026-02-30")], Notice::BadFrom),
            ([("from", "yesterday")], Notice::BadFrom),
            ([("to", "2026-1-5")], Notice::BadTo),
            ([("to", "0000-01-01")], Notice::DateOutOfRange),
            ([("to", "+2026-01-01")], Notice::BadTo),
            ([("from", "2026-01-01T00:00")], Notice::BadFrom),
        ] {
            let (f, notices) = parse(&query);
            assert_eq!(notices, vec![notice], "{query:?}");
            assert!(f.from <= f.to);
        }
        let (f, _) = parse(&[("from", "10000-01-01"), ("to", "2026-01-01")]);
        assert_eq!(f, Filters::defaults(day(2026, 11, 30)));
    }

    #[test]
    fn the_extreme_dates_are_accepted() {
        let (f, notices) = parse(&[("from", "0001-01-01"), ("to", "9999-12-31")]);
        assert!(notices.is_empty());
        assert_eq!(f.to_exclusive(), day(10000, 1, 1));
        assert_eq!(f.from, day(1, 1, 1));
    }

    #[test]
    fn bad_plane_customer_and_type_are_dropped_with_a_notice() {
        let id = Uuid::new_v4();
        let (f, notices) = parse(&[
            ("plane", "EKS; drop table"),
            ("customer", "42"),
            ("doc_type", "novel"),
        ]);
        assert_eq!(
            notices,
            vec![Notice::BadPlane, Notice::BadCustomer, Notice::BadDocType]
        );
        assert_eq!((f.plane, f.customer, f.doc_type), (None, None, None));
        for other_form in [id.simple().to_string(), format!("{{{id}}}")] {
            let (f, notices) = parse(&[("customer", &other_form)]);
            assert_eq!(notices, vec![Notice::BadCustomer]);
            assert_eq!(f.customer, None);
        }
        let long = "a".repeat(51);
        assert_eq!(parse(&[("plane", &long)]).1, vec![Notice::BadPlane]);
    }

    #[test]
    fn empty_values_are_unset_and_the_first_value_wins() {
        let (f, notices) = parse(&[
            ("plane", ""),
            ("customer", " "),
            ("from", "2026-03-01"),
            ("from", "2026-04-01"),
        ]);
        assert!(notices.is_empty());
        assert_eq!(f.plane, None);
        assert_eq!(f.from, day(2026, 3, 1));
    }

    #[test]
    fn pairs_give_the_filters_back() {
        let id = Uuid::new_v4();
        let (f, _) = parse(&[
            ("from", "2025-01-06"),
            ("to", "2025-03-02"),
            ("plane", "eks"),
            ("customer", &id.to_string()),
            ("doc_type", "reference"),
        ]);
        let pairs: Vec<(String, String)> = f
            .pairs()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        assert_eq!(Filters::parse(&pairs, day(2000, 1, 1)).0, f);
    }
}
