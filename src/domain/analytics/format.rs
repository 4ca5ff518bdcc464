//! How analytics figures are written, on the pages and in the CSV files
//! alike (DESIGN.md: rates as decimals with 4 places, hours with 2), and
//! the spreadsheet-formula guard for text cells.

use std::borrow::Cow;

/// Hours with two decimals; empty when there is no figure.
pub fn hours(value: Option<f64>) -> String {
    fixed(value, 2)
}

/// A rate as a decimal with four places (0.4286); empty when undefined.
pub fn rate(value: Option<f64>) -> String {
    fixed(value, 4)
}

/// A rate as a percentage with one decimal (42.9 %), for reading; the CSV
/// keeps [`rate`].
pub fn percent(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map(|v| format!("{} %", fixed(Some(v * 100.0), 1)))
        .unwrap_or_default()
}

/// `part / whole`, undefined when `whole` is 0.
pub fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| part as f64 / whole as f64)
}

fn fixed(value: Option<f64>, places: usize) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return String::new();
    };
    let written = format!("{v:.places$}");
    // A tiny negative (or -0.0) rounds to zero: write it without the sign.
    match written.strip_prefix('-') {
        Some(digits) if digits.bytes().all(|b| b == b'0' || b == b'.') => digits.to_owned(),
        _ => written,
    }
}

/// How long ago `then` was at `now`, in words: "just now", "1 minute
/// ago", "5 minutes ago", "3 hours ago", "2 days ago".
pub fn ago(now: chrono::DateTime<chrono::Utc>, then: chrono::DateTime<chrono::Utc>) -> String {
    let minutes = (now - then).num_minutes().max(0);
    let (n, unit) = match minutes {
        0 => return "just now".to_owned(),
        m if m < 60 => (m, "minute"),
        m if m < 48 * 60 => (m / 60, "hour"),
        m => (m / (24 * 60), "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// A text cell a spreadsheet will not run: one starting with `=`, `+`,
/// `-`, `@` (or a tab or carriage return, which some read past) gets a `'`
/// in front. Numbers the app writes do not go through here.
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_rates_have_fixed_places() {
        assert_eq!(hours(Some(1.5)), "1.50");
        assert_eq!(hours(Some(26.004)), "26.00");
        assert_eq!(hours(Some(-0.0001)), "0.00");
        assert_eq!(hours(Some(-0.0)), "0.00");
        assert_eq!(hours(Some(-1.5)), "-1.50");
        assert_eq!(hours(None), "");
        assert_eq!(hours(Some(f64::NAN)), "");
        assert_eq!(rate(Some(3.0 / 7.0)), "0.4286");
        assert_eq!(rate(Some(1.0)), "1.0000");
        assert_eq!(rate(ratio(1, 0)), "");
        assert_eq!(percent(Some(3.0 / 7.0)), "42.9 %");
        assert_eq!(percent(None), "");
    }

    #[test]
    fn ages_read_in_words() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let before = |s: i64| now - chrono::TimeDelta::seconds(s);
        assert_eq!(ago(now, before(20)), "just now");
        assert_eq!(ago(now, before(-90)), "just now");
        assert_eq!(ago(now, before(60)), "1 minute ago");
        assert_eq!(ago(now, before(59 * 60 + 59)), "59 minutes ago");
        assert_eq!(ago(now, before(2 * 3600)), "2 hours ago");
        assert_eq!(ago(now, before(3 * 86400)), "3 days ago");
    }

    #[test]
    fn formulas_are_quoted_and_other_text_is_not() {
        for cell in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(formula_safe(cell), format!("'{cell}"));
        }
        for cell in ["", "plain", "1-2", "a=b", "'quoted"] {
            assert_eq!(formula_safe(cell), cell);
        }
    }
}
