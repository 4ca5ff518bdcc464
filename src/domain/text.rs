//! Checks on free text that every form shares. PostgreSQL cannot store a
//! NUL in text, and no person types other control characters, so they are
//! refused (or, in search words, read as spaces) before any query.

/// A control character (NUL included) anywhere but the line breaks and
/// tabs of multi-line text.
pub fn has_control(value: &str, multiline: bool) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// An e-mail address as accounts keep it (trimmed, lower case), or `None`
/// when the text cannot be one.
pub fn email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let plausible = email.len() <= 320
        && email.contains('@')
        && !email.starts_with('@')
        && !email.contains(char::is_whitespace)
        && !has_control(&email, false);
    plausible.then_some(email)
}

/// The most characters of search words read.
pub const SEARCH_MAX: usize = 200;

/// Search words as typed, at most [`SEARCH_MAX`] characters, with control
/// characters read as spaces.
pub fn search_words(raw: &str) -> String {
    raw.chars()
        .take(SEARCH_MAX)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_except_line_breaks_in_multiline_text() {
        assert!(has_control("a\0b", true));
        assert!(has_control("a\u{7}b", true));
        assert!(has_control("a\nb", false));
        assert!(!has_control("a\r\n\tb", true));
        assert!(!has_control("Grüße", false));
    }

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(email("  Ada@Example.COM "), Some("ada@example.com".into()));
        for bad in [
            "",
            "ada",
            "@example.com",
            "a da@example.com",
            "ada\0@example.com",
        ] {
            assert_eq!(email(bad), None, "{bad:?}");
        }
        assert_eq!(email(&format!("{}@example.com", "a".repeat(320))), None);
    }

    #[test]
    fn search_words_lose_control_characters_and_excess() {
        assert_eq!(search_words(" pods\0crash "), "pods crash");
        assert_eq!(search_words(&"x".repeat(300)).len(), SEARCH_MAX);
    }
}
