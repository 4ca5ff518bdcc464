//! The rules of an admin's change to a plane: its label (the `name`
//! column) and description, checked before anything reaches the database,
//! pure and unit-tested so the db layer only loads, compares and writes.
//! Also the context-key format; the rules of the plane's context fields
//! and their options are in [`fields`].

pub mod fields;

use crate::domain::form_errors::FormErrors;
use crate::domain::text::{self, TextRule};

/// A plane's label (the `name` column holds 100).
pub const PLANE_NAME: TextRule<'static> = TextRule {
    label: "the plane's label",
    required: true,
    max_chars: 100,
    multiline: false,
};

/// A plane's description: the column is unbounded text, but a description
/// is a paragraph or two shown beside the plane, so the form bounds it.
pub const PLANE_DESCRIPTION: TextRule<'static> = TextRule {
    label: "the description",
    required: false,
    max_chars: 2000,
    multiline: true,
};

/// The longest context key (`plane_contexts.context_key` holds 100).
pub const CONTEXT_KEY_MAX: usize = 100;

/// A valid plane form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaneDraft {
    pub name: String,
    /// `None` when left empty (stored as NULL, as the seed's planes without one).
    pub description: Option<String>,
}

/// Checks a plane form's `name` and `description`.
pub fn plane(name: &str, description: &str) -> Result<PlaneDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let name = text::check(name, &PLANE_NAME).map_err(|m| errors.add("name", m));
    let description =
        text::check(description, &PLANE_DESCRIPTION).map_err(|m| errors.add("description", m));
    match (name, description) {
        (Ok(name), Ok(description)) => Ok(PlaneDraft {
            name,
            // Line breaks as the browser sends them (CRLF) are kept as LF.
            description: (!description.is_empty()).then(|| description.replace("\r\n", "\n")),
        }),
        _ => Err(errors),
    }
}

/// A context key as the form field names use it (`ctx.<slug>.<key>`):
/// lower-case letters, digits and underscores, starting with a letter, at
/// most [`CONTEXT_KEY_MAX`] characters. The sentence to show otherwise.
pub fn context_key(key: &str) -> Result<String, String> {
    let key = key.trim();
    if key.is_empty() {
        return Err("Enter a key.".into());
    }
    let chars = key.chars().count();
    if chars > CONTEXT_KEY_MAX {
        return Err(format!(
            "Use at most {CONTEXT_KEY_MAX} characters for the key (this has {chars})."
        ));
    }
    let starts_with_letter = key.starts_with(|c: char| c.is_ascii_lowercase());
    let charset = key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !(starts_with_letter && charset) {
        return Err(
            "Use lower-case letters, digits and underscores, starting with a letter (like node_version)."
                .into(),
        );
    }
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plane_needs_a_label_and_may_have_a_description() {
        let draft = plane("  EKS  ", "").unwrap();
        assert_eq!(draft.name, "EKS");
        assert_eq!(draft.description, None);
        let draft = plane("EKS", "Line one\r\nline two").unwrap();
        assert_eq!(draft.description.as_deref(), Some("Line one\nline two"));

        let errors = plane(" ", "").unwrap_err();
        assert!(errors.get("name").is_some());
        assert!(errors.get("description").is_none());
    }

    #[test]
    fn over_long_or_control_characters_are_refused_beside_their_field() {
        let errors = plane(&"x".repeat(101), &"d".repeat(2001)).unwrap_err();
        assert!(errors.get("name").unwrap().contains("100"));
        assert!(errors.get("description").unwrap().contains("2000"));
        let errors = plane("E\0KS", "a\0b").unwrap_err();
        assert!(errors.get("name").unwrap().contains("control"));
        assert!(errors.get("description").unwrap().contains("control"));
        assert!(plane(&"x".repeat(100), &"d".repeat(2000)).is_ok());
    }

    #[test]
    fn context_keys_are_lower_case_words_starting_with_a_letter() {
        assert_eq!(context_key(" node_version ").unwrap(), "node_version");
        assert_eq!(context_key("k8s_1").unwrap(), "k8s_1");
        assert!(context_key(&"k".repeat(100)).is_ok());
        for bad in [
            "",
            "1st",
            "_x",
            "Node",
            "node-version",
            "nöde",
            "a b",
            "a\0b",
        ] {
            assert!(context_key(bad).is_err(), "{bad:?}");
        }
        assert!(context_key(&"k".repeat(101)).unwrap_err().contains("100"));
    }
}
