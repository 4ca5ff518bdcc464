//! The rules of the admin's doc form: an http(s) address (the issue
//! form's URL check), a title, a Diátaxis type, the planes it is about (by
//! slug, each one the catalog knows) and a summary; and the same rules for
//! one row of a doc import file, whose header must be exact. Pure: whether
//! the address is another doc's is the database's to say.

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

/// A doc's address: the issue form's URL check, and no control characters,
/// which the URL parser would accept (and percent-encode) but PostgreSQL
/// cannot store (a NUL) and no real address has.
pub fn doc_url(value: &str) -> Result<Option<String>, String> {
    let url = check_url(value)?;
    if url
        .as_deref()
        .is_some_and(|u| u.chars().any(char::is_control))
    {
        return Err("Remove the control characters (such as NUL) from the address.".into());
    }
    Ok(url)
}

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
    let url = match doc_url(&fields.url) {
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

/// The header a doc import file must have, exactly, in this order.
pub const IMPORT_HEADER: [&str; 5] = ["url", "title", "doc_type", "planes", "summary"];

/// Whether a file's first record is [`IMPORT_HEADER`] (a byte-order mark
/// before it is tolerated: spreadsheets write one).
pub fn import_header_ok(record: &[&str]) -> bool {
    let first = record.first().map(|f| f.trim_start_matches('\u{feff}'));
    record.len() == IMPORT_HEADER.len()
        && first == Some(IMPORT_HEADER[0])
        && record[1..] == IMPORT_HEADER[1..]
}

/// Why one row of an import file is refused, as its report says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowRefusal {
    /// Not the five columns of the header.
    Columns(usize),
    BadUrl(String),
    MissingTitle,
    /// Any other problem with the title (too long, control characters).
    BadTitle(String),
    UnknownType(String),
    UnknownPlane(String),
    BadSummary(String),
    /// The address is on an earlier line (this one) of the same file.
    Duplicate(u64),
}

impl RowRefusal {
    pub fn reason(&self) -> String {
        match self {
            Self::Columns(n) => format!("It has {n} columns; the header has 5."),
            Self::BadUrl(m) | Self::BadTitle(m) | Self::BadSummary(m) => m.clone(),
            Self::MissingTitle => "The title is missing.".into(),
            Self::UnknownType(t) => {
                format!("“{t}” is not a type; use one of how-to, explanation, reference, tutorial.")
            }
            Self::UnknownPlane(p) => format!("No plane has the slug “{p}”."),
            Self::Duplicate(line) => {
                format!("The same address is on line {line}; each doc comes once.")
            }
        }
    }
}

/// The most characters of a refused value a reason repeats.
const QUOTED_CHARS: usize = 60;

/// A value as a refusal repeats it: without control characters (a NUL
/// has no place in a page) and shortened.
pub fn quoted(value: &str) -> String {
    let mut chars = value.chars().filter(|c| !c.is_control());
    let mut out: String = chars.by_ref().take(QUOTED_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// One data row of an import file (`url,title,doc_type,planes,summary`,
/// planes as slugs separated by `;`) read into a doc, or the first reason
/// it is refused. Whether its address repeats another row's is the
/// caller's to say: it sees the whole file.
pub fn import_row(record: &[&str], known_planes: &[&str]) -> Result<DocDraft, RowRefusal> {
    let [url, title, doc_type, planes, summary] = record else {
        return Err(RowRefusal::Columns(record.len()));
    };
    let url = match doc_url(url) {
        Ok(Some(url)) => url,
        Ok(None) => return Err(RowRefusal::BadUrl("The address is missing.".into())),
        Err(message) => return Err(RowRefusal::BadUrl(message)),
    };
    if title.trim().is_empty() {
        return Err(RowRefusal::MissingTitle);
    }
    let title = text::check(title, &DOC_TITLE).map_err(RowRefusal::BadTitle)?;
    let doc_type = DocType::parse(doc_type.trim())
        .ok_or_else(|| RowRefusal::UnknownType(quoted(doc_type.trim())))?;
    let mut slugs = Vec::new();
    for slug in planes.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        if !known_planes.contains(&slug) {
            return Err(RowRefusal::UnknownPlane(quoted(slug)));
        }
        slugs.push(slug.to_owned());
    }
    slugs.sort();
    slugs.dedup();
    let summary = text::check(summary, &DOC_SUMMARY).map_err(RowRefusal::BadSummary)?;
    Ok(DocDraft {
        url,
        title,
        doc_type,
        planes: slugs,
        summary,
    })
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

    #[test]
    fn an_import_header_is_exact_and_may_follow_a_byte_order_mark() {
        assert!(import_header_ok(&[
            "url", "title", "doc_type", "planes", "summary"
        ]));
        assert!(import_header_ok(&[
            "\u{feff}url",
            "title",
            "doc_type",
            "planes",
            "summary"
        ]));
        assert!(!import_header_ok(&[
            "url", "title", "type", "planes", "summary"
        ]));
        assert!(!import_header_ok(&["url", "title", "doc_type", "planes"]));
        assert!(!import_header_ok(&[
            "URL", "title", "doc_type", "planes", "summary"
        ]));
    }

    #[test]
    fn an_import_row_becomes_a_doc_or_names_its_first_problem() {
        let known = ["eks", "observability"];
        let draft = import_row(
            &[
                "https://d.example/a",
                " A ",
                "tutorial",
                "observability; eks;;eks",
                "",
            ],
            &known,
        )
        .unwrap();
        assert_eq!(draft.title, "A");
        assert_eq!(
            draft.planes,
            vec!["eks".to_owned(), "observability".to_owned()]
        );
        let refusal = |r: &[&str]| import_row(r, &known).unwrap_err();
        assert!(matches!(
            refusal(&["ftp://d.example/", "A", "tutorial", "", ""]),
            RowRefusal::BadUrl(_)
        ));
        assert!(matches!(
            refusal(&["", "A", "tutorial", "", ""]),
            RowRefusal::BadUrl(_)
        ));
        assert_eq!(
            refusal(&["https://d.example/", " ", "tutorial", "", ""]),
            RowRefusal::MissingTitle
        );
        assert_eq!(
            refusal(&["https://d.example/", "A", "novel", "", ""]),
            RowRefusal::UnknownType("novel".into())
        );
        assert_eq!(
            refusal(&["https://d.example/", "A", "how-to", "eks;mars", ""]),
            RowRefusal::UnknownPlane("mars".into())
        );
        assert_eq!(
            refusal(&["https://d.example/", "A"]),
            RowRefusal::Columns(2)
        );
        assert!(
            refusal(&["https://d.example/", "A", "how-to", "", "a\0b"])
                .reason()
                .contains("summary")
        );
        let long = format!("x\0{}", "y".repeat(100));
        assert_eq!(
            refusal(&["https://d.example/", "A", "how-to", &long, ""]),
            RowRefusal::UnknownPlane(format!("x{}…", "y".repeat(59)))
        );
    }
}
