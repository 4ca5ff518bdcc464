//! Optimistic locking for admin edits. An edit form carries the row's
//! `updated_at` (which a trigger moves on every change) as it was when
//! the form was loaded; the update matches that value too, so an edit of
//! a row that another admin changed meanwhile changes nothing and the page
//! answers 409 with the current values.

use chrono::{DateTime, Utc};

/// A row's `updated_at` as an edit form carries it (microseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub DateTime<Utc>);

impl Version {
    /// The value for the form's hidden `version` field.
    pub fn token(&self) -> String {
        self.0.timestamp_micros().to_string()
    }

    /// A form's `version` field; `None` for a damaged form.
    pub fn parse(token: &str) -> Option<Self> {
        let micros = token.trim().parse::<i64>().ok()?;
        DateTime::from_timestamp_micros(micros).map(Version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_to_the_same_instant() {
        let at = DateTime::from_timestamp_micros(1_764_500_000_123_456).unwrap();
        let version = Version(at);
        assert_eq!(Version::parse(&version.token()), Some(version));
        assert_eq!(Version::parse("x"), None);
        assert_eq!(Version::parse(""), None);
    }
}
