//! Checks on free text that every form shares: [`check`] with a
//! [`TextRule`] for every free-text field, e-mail addresses and search
//! words. PostgreSQL cannot store a NUL in text, and no person types other
//! control characters, so they are refused (or, in search words, read as
//! spaces) before any query.

/// How one free-text field is checked. The limits are Rust constants so
/// that templates can take `maxlength` from the same rule.
#[derive(Debug, Clone, Copy)]
pub struct TextRule<'a> {
    /// The field as a sentence names it: "the title", "your reply".
    pub label: &'a str,
    /// Empty text is refused.
    pub required: bool,
    /// The most characters (not bytes) kept.
    pub max_chars: usize,
    /// Line breaks and tabs are allowed.
    pub multiline: bool,
}

/// A reply or internal note on an issue.
pub const REPLY: TextRule<'static> = TextRule {
    label: "your reply",
    required: true,
    max_chars: 20_000,
    multiline: true,
};

/// Why a customer reopens an issue.
pub const REOPEN_REASON: TextRule<'static> = TextRule {
    label: "the reason it is not solved",
    required: true,
    max_chars: 2_000,
    multiline: true,
};

/// How an agent solved an issue; required only when resolving, which the
/// ticket rules decide.
pub const RESOLUTION_NOTES: TextRule<'static> = TextRule {
    label: "the resolution notes",
    required: false,
    max_chars: 20_000,
    multiline: true,
};

/// A person's name, as an invited person gives it (the column holds 255).
pub const PERSON_NAME: TextRule<'static> = TextRule {
    label: "your name",
    required: true,
    max_chars: 255,
    multiline: false,
};

/// The text trimmed, or the sentence telling the person what to change.
/// An optional field left empty gives `Ok("")`.
pub fn check(value: &str, rule: &TextRule) -> Result<String, String> {
    let TextRule {
        label,
        required,
        max_chars,
        multiline,
    } = *rule;
    let value = value.trim();
    if value.is_empty() {
        return match required {
            true if multiline => Err(format!("Write {label}.")),
            true => Err(format!("Enter {label}.")),
            false => Ok(String::new()),
        };
    }
    // One linear count; the body limit of the form bounds its cost.
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(format!(
            "Use at most {max_chars} characters for {label} (this has {chars})."
        ));
    }
    if has_control(value, multiline) {
        return Err(format!(
            "Remove the control characters (such as NUL) from {label}."
        ));
    }
    Ok(value.to_owned())
}

/// A control character (NUL included) anywhere but the line breaks and
/// tabs of multi-line text.
pub fn has_control(value: &str, multiline: bool) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// The longest e-mail address kept (the columns hold 320).
pub const EMAIL_MAX: usize = 320;

/// An e-mail address as accounts keep it (trimmed, lower case), or `None`
/// when the text cannot be one.
pub fn email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let plausible = email.len() <= EMAIL_MAX
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

    const TITLE: TextRule<'static> = TextRule {
        label: "the title",
        required: true,
        max_chars: 10,
        multiline: false,
    };

    #[test]
    fn text_is_trimmed_and_kept() {
        assert_eq!(check("  Pods crash  ", &TITLE).unwrap(), "Pods crash");
        assert_eq!(
            check("line one\nline two", &REPLY).unwrap(),
            "line one\nline two"
        );
        assert_eq!(check(" \n ", &RESOLUTION_NOTES).unwrap(), "");
    }

    #[test]
    fn required_text_must_be_there() {
        assert_eq!(check("  ", &TITLE).unwrap_err(), "Enter the title.");
        assert_eq!(check("", &REPLY).unwrap_err(), "Write your reply.");
    }

    #[test]
    fn long_text_is_refused_counting_characters_not_bytes() {
        assert!(check(&"ü".repeat(10), &TITLE).is_ok());
        let err = check(&"ü".repeat(11), &TITLE).unwrap_err();
        assert_eq!(
            err,
            "Use at most 10 characters for the title (this has 11)."
        );
        assert!(
            check(&"x".repeat(20_001), &RESOLUTION_NOTES)
                .unwrap_err()
                .contains("at most 20000 characters for the resolution notes")
        );
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_only_in_multiline_text() {
        assert!(
            check("a\0b", &TITLE)
                .unwrap_err()
                .contains("control characters")
        );
        assert!(
            check("a\nb", &TITLE)
                .unwrap_err()
                .contains("from the title")
        );
        assert!(
            check("Fixed\0 by a restart", &RESOLUTION_NOTES)
                .unwrap_err()
                .contains("control characters (such as NUL) from the resolution notes")
        );
        assert!(check("a\r\n\tb", &REPLY).is_ok());
        assert!(check("Ada\u{7}", &PERSON_NAME).is_err());
    }

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
