//! The rules of the admin's doc form: an http(s) address (the issue
//! form's URL check), a title, a Diátaxis type, the planes it is about (by
//! slug, each one the catalog knows) and a summary. Pure: whether the
//! address is another doc's is the database's to say.

use crate::db::models::enums::DocType;
use crate::domain::form_errors::FormErrors;
use crate::domain::issue_form::check_url;
use crate::domain::text::{self, TextRule};

/// A doc's title (the column holds 300).
pub const DOC_TITLE: TextRule<'static> = TextRule {
    label: "the title",
    required: true,
    max_chars: 300,
    multiline: false,
};

/// A doc's summary, shown under its title in suggestions: a paragraph.
pub const DOC_SUMMARY: TextRule<'static> = TextRule {
    label: "the summary",
    required: false,
    max_chars: 2_000,
    multiline: true,
};

/// The most characters the address field takes (as the issue form).
pub const DOC_URL_MAX: usize = crate::domain::issue_form::URL_MAX;

/// The doc form as typed; `planes` are the ticked slugs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFields {
    pub url: String,
    pub title: String,
    pub doc_type: String,
    pub planes: Vec<String>,
    pub summary: String,
}

/// A valid doc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocDraft {
    pub url: String,
    pub title: String,
    pub doc_type: DocType,
    /// Distinct slugs, sorted: the set as stored and audited.
    pub planes: Vec<String>,
    pub summary: String,
}

/// Checks the doc form against the slugs of the planes that exist; every
/// message is beside its field.
pub fn doc(fields: &DocFields, known_planes: &[&str]) -> Result<DocDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let url = match check_url(&fields.url) {
        Ok(Some(url)) => Some(url),
        Ok(None) => {
            errors.add("url", "Enter the doc's web address.");
            None
        }
        Err(message) => {
            errors.add("url", message);
            None
        }
    };
    let title = text::check(&fields.title, &DOC_TITLE).map_err(|m| errors.add("title", m));
    let doc_type = DocType::parse(fields.doc_type.trim())
        .ok_or_else(|| errors.add("doc_type", "Choose a type."));
    let summary = text::check(&fields.summary, &DOC_SUMMARY).map_err(|m| errors.add("summary", m));
    let mut planes: Vec<String> = Vec::new();
    for slug in &fields.planes {
        let slug = slug.trim();
        if !known_planes.contains(&slug) {
            errors.add(
                "planes",
                "Choose planes from the list; one of them does not exist.",
            );
            break;
        }
        planes.push(slug.to_owned());
    }
    planes.sort();
    planes.dedup();
    match (url, title, doc_type, summary) {
        (Some(url), Ok(title), Ok(doc_type), Ok(summary)) if errors.is_empty() => Ok(DocDraft {
            url,
            title,
            doc_type,
            planes,
            summary,
        }),
        _ => Err(errors),
    }
}

/// The list's `active` filter: retired docs are kept (feedback points at
/// them) and shown on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActiveFilter {
    #[default]
    All,
    Yes,
    No,
}

impl ActiveFilter {
    /// `yes`, `no`, `all`; empty is all. `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "" | "all" => Some(Self::All),
            "yes" => Some(Self::Yes),
            "no" => Some(Self::No),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Yes => "yes",
            Self::No => "no",
        }
    }

    /// The `is_active` value rows must have, if any.
    pub fn is_active(&self) -> Option<bool> {
        match self {
            Self::All => None,
            Self::Yes => Some(true),
            Self::No => Some(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> DocFields {
        DocFields {
            url: " https://docs.example.com/a ".into(),
            title: " Rotate keys ".into(),
            doc_type: "how-to".into(),
            planes: vec!["data".into(), "control".into(), "data".into()],
            summary: "".into(),
        }
    }

    #[test]
    fn a_valid_form_is_trimmed_and_its_planes_a_sorted_set() {
        let draft = doc(&fields(), &["control", "data"]).unwrap();
        assert_eq!(draft.url, "https://docs.example.com/a");
        assert_eq!(draft.title, "Rotate keys");
        assert_eq!(draft.doc_type, DocType::HowTo);
        assert_eq!(draft.planes, vec!["control".to_owned(), "data".to_owned()]);
        assert_eq!(draft.summary, "");
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let bad = DocFields {
            url: "ftp://x.example/".into(),
            title: "t".repeat(301),
            doc_type: "novel".into(),
            planes: vec!["nowhere".into()],
            summary: "a\0b".into(),
        };
        let errors = doc(&bad, &["data"]).unwrap_err();
        for field in ["url", "title", "doc_type", "planes", "summary"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let empty = doc(&DocFields::default(), &[]).unwrap_err();
        assert!(empty.get("url").is_some());
        assert!(empty.get("title").is_some());
        assert!(empty.get("summary").is_none());
    }

    #[test]
    fn the_active_filter_reads_three_words() {
        assert_eq!(ActiveFilter::parse(""), Some(ActiveFilter::All));
        assert_eq!(
            ActiveFilter::parse("no").and_then(|f| f.is_active()),
            Some(false)
        );
        assert_eq!(ActiveFilter::parse("maybe"), None);
    }
}
