//! The issue submission form: submitted pairs become a [`Draft`] (every
//! value as typed, so an invalid form comes back intact), and a draft is
//! validated against the database's definitions of environments, planes,
//! contexts and options into a [`ValidIssue`].

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::db::models::enums::{FieldType, IssueCategory};
use crate::db::models::environments::Environment;
use crate::db::models::planes::{Plane, PlaneContext, PlaneContextOption};
use crate::domain::form_errors::FormErrors;
use crate::domain::text::{self, TextRule, has_control};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const URL_MAX: usize = 2_000;
pub const HANDLE_MAX: usize = 100;
pub const CONTEXT_TEXT_MAX: usize = 500;
/// More pairs than any honest form sends.
pub const PAIRS_MAX: usize = 400;

/// Fields that take one value.
const SINGLE: &[&str] = &[
    "customer_id",
    "environment_id",
    "primary_plane",
    "title",
    "description",
    "pipeline_url",
    "submitter_handle",
    "category",
    "form_session_id",
    "submit_token",
];

/// Fields every form post may carry besides the issue's own.
const ALWAYS_ALLOWED: &[&str] = &["csrf_token", "action"];

/// The values as typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub customer_id: String,
    pub environment_id: String,
    pub primary_plane: String,
    /// Secondary planes, by slug.
    pub planes: Vec<String>,
    pub title: String,
    pub description: String,
    pub pipeline_url: String,
    pub submitter_handle: String,
    pub category: String,
    /// `"<plane slug>.<context key>"` → chosen values.
    pub contexts: BTreeMap<String, Vec<String>>,
    pub form_session_id: String,
    pub submit_token: String,
}

impl Draft {
    /// Every chosen plane slug, primary first, without repeats.
    pub fn chosen_planes(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        std::iter::once(&self.primary_plane)
            .chain(self.planes.iter())
            .filter(|s| !s.is_empty() && seen.insert(s.as_str()))
            .cloned()
            .collect()
    }

    pub fn values(&self, plane: &str, key: &str) -> &[String] {
        self.contexts
            .get(&format!("{plane}.{key}"))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// Reads submitted pairs into a draft. `extra` names endpoint-specific
/// fields (e.g. `feedback`); any other unknown field is an error, so a
/// customer cannot slip in `status`, `priority` or `assignee_id`.
pub fn parse(pairs: &[(String, String)], extra: &[&str], errors: &mut FormErrors) -> Draft {
    let mut draft = Draft::default();
    if pairs.len() > PAIRS_MAX {
        errors.add_form(format!("The form sent more than {PAIRS_MAX} values."));
    }
    let mut seen_single = BTreeSet::new();
    let mut unknown = Vec::new();
    for (name, value) in pairs {
        if has_control(value, name == "description") {
            errors.add(
                name.clone(),
                "Remove the control characters (such as NUL) from this field.",
            );
            continue;
        }
        if SINGLE.contains(&name.as_str()) && !seen_single.insert(name.clone()) {
            errors.add(
                name.clone(),
                "This field was sent more than once; send one value.",
            );
            continue;
        }
        let slot = match name.as_str() {
            "customer_id" => &mut draft.customer_id,
            "environment_id" => &mut draft.environment_id,
            "primary_plane" => &mut draft.primary_plane,
            "title" => &mut draft.title,
            "description" => &mut draft.description,
            "pipeline_url" => &mut draft.pipeline_url,
            "submitter_handle" => &mut draft.submitter_handle,
            "category" => &mut draft.category,
            "form_session_id" => &mut draft.form_session_id,
            "submit_token" => &mut draft.submit_token,
            "planes" => {
                draft.planes.push(value.clone());
                continue;
            }
            other if other.starts_with("ctx.") && other.len() < 160 => {
                draft
                    .contexts
                    .entry(other["ctx.".len()..].to_owned())
                    .or_default()
                    .push(value.clone());
                continue;
            }
            other if ALWAYS_ALLOWED.contains(&other) || extra.contains(&other) => continue,
            other => {
                unknown.push(other.chars().take(40).collect::<String>());
                continue;
            }
        };
        *slot = value.clone();
    }
    if !unknown.is_empty() {
        unknown.truncate(5);
        errors.add_form(format!(
            "The form cannot set these fields: {}.",
            unknown.join(", ")
        ));
    }
    draft
}

/// What the database says the form may contain, for one customer.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    pub environments: Vec<Environment>,
    pub planes: Vec<Plane>,
    /// Contexts of the chosen planes, ordered.
    pub contexts: Vec<PlaneContext>,
    pub options: Vec<PlaneContextOption>,
}

impl Definitions {
    pub fn plane(&self, slug: &str) -> Option<&Plane> {
        self.planes.iter().find(|p| p.slug == slug)
    }

    pub fn contexts_of(&self, plane_id: Uuid) -> impl Iterator<Item = &PlaneContext> {
        self.contexts.iter().filter(move |c| c.plane_id == plane_id)
    }

    pub fn options_of(&self, context_id: Uuid) -> impl Iterator<Item = &PlaneContextOption> {
        self.options
            .iter()
            .filter(move |o| o.plane_context_id == context_id)
    }
}

/// A form that passed every check, ready to store.
#[derive(Debug, Clone)]
pub struct ValidIssue {
    pub environment_id: Uuid,
    pub primary_plane_id: Uuid,
    pub secondary_plane_ids: Vec<Uuid>,
    pub title: String,
    pub description: String,
    pub pipeline_url: Option<String>,
    pub submitter_handle: String,
    pub category: IssueCategory,
    /// (context id, value) pairs; multi-selects give one pair per value.
    pub contexts: Vec<(Uuid, String)>,
    pub form_session_id: Option<Uuid>,
    pub submit_token: Option<Uuid>,
}

/// The issue's title.
pub const TITLE: TextRule<'static> = TextRule {
    label: "the title",
    required: true,
    max_chars: TITLE_MAX,
    multiline: false,
};

/// What happened, in the customer's words.
pub const DESCRIPTION: TextRule<'static> = TextRule {
    label: "the description",
    required: true,
    max_chars: DESCRIPTION_MAX,
    multiline: true,
};

/// Where support can reach the customer.
pub const HANDLE: TextRule<'static> = TextRule {
    label: "your chat handle",
    required: true,
    max_chars: HANDLE_MAX,
    multiline: false,
};

/// The text of `field` checked by `rule`; a refusal goes into `errors`
/// and the trimmed text is kept either way.
fn checked_text(errors: &mut FormErrors, field: &str, value: &str, rule: &TextRule) -> String {
    text::check(value, rule).unwrap_or_else(|message| {
        errors.add(field, message);
        value.trim().to_owned()
    })
}

/// Checks an optional http(s) URL: a host, no credentials, not too long.
pub fn check_url(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let chars = value.chars().count();
    if chars > URL_MAX {
        return Err(format!(
            "Use a URL of at most {URL_MAX} characters (this has {chars})."
        ));
    }
    let parsed = url::Url::parse(value)
        .map_err(|_| "Enter a full web address starting with https:// or http://.".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("Only http:// and https:// addresses are accepted.".into());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("The address needs a host name.".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("Remove the user name or password from the address.".into());
    }
    Ok(Some(value.to_owned()))
}

/// Validates a draft against the definitions; `None` when `errors` gained
/// anything (the draft is then shown again as typed).
pub fn validate(draft: &Draft, defs: &Definitions, errors: &mut FormErrors) -> Option<ValidIssue> {
    let environment_id = match Uuid::parse_str(draft.environment_id.trim()) {
        Ok(id) if defs.environments.iter().any(|e| e.id == id) => Some(id),
        _ if draft.environment_id.trim().is_empty() => {
            errors.add("environment_id", "Choose the environment the issue is in.");
            None
        }
        _ => {
            errors.add(
                "environment_id",
                "Choose one of your environments from the list.",
            );
            None
        }
    };

    let primary = defs.plane(draft.primary_plane.trim());
    if primary.is_none() {
        errors.add(
            "primary_plane",
            "Choose the platform area the issue is about.",
        );
    }
    let mut secondary_ids = Vec::new();
    let mut seen = BTreeSet::new();
    for slug in &draft.planes {
        match defs.plane(slug) {
            None => errors.add("planes", "Choose other areas from the list only."),
            Some(p) if Some(p.id) == primary.map(|p| p.id) => {}
            Some(p) if !seen.insert(p.id) => {
                errors.add("planes", "An area was chosen more than once.");
            }
            Some(p) => secondary_ids.push(p.id),
        }
    }

    let title = checked_text(errors, "title", &draft.title, &TITLE);
    let description = checked_text(errors, "description", &draft.description, &DESCRIPTION);
    let submitter_handle =
        checked_text(errors, "submitter_handle", &draft.submitter_handle, &HANDLE);
    let pipeline_url = check_url(&draft.pipeline_url).unwrap_or_else(|message| {
        errors.add("pipeline_url", message);
        None
    });
    let category = if draft.category.is_empty() {
        Some(IssueCategory::TechnicalIssue)
    } else {
        IssueCategory::parse(&draft.category).or_else(|| {
            errors.add("category", "Choose a category from the list.");
            None
        })
    };

    let contexts = validate_contexts(draft, defs, errors);
    let optional_uuid = |field: &str, value: &str, errors: &mut FormErrors| match value.trim() {
        "" => None,
        v => Uuid::parse_str(v).map(Some).unwrap_or_else(|_| {
            errors.add(field, "The form is damaged; reload the page and try again.");
            None
        }),
    };
    let form_session_id = optional_uuid("form_session_id", &draft.form_session_id, errors);
    let submit_token = optional_uuid("submit_token", &draft.submit_token, errors);

    if !errors.is_empty() {
        return None;
    }
    Some(ValidIssue {
        environment_id: environment_id?,
        primary_plane_id: primary?.id,
        secondary_plane_ids: secondary_ids,
        title,
        description,
        pipeline_url,
        submitter_handle,
        category: category?,
        contexts,
        form_session_id,
        submit_token,
    })
}

/// The context fields of every chosen plane: options must belong to their
/// context, required ones be present, single values single.
fn validate_contexts(
    draft: &Draft,
    defs: &Definitions,
    errors: &mut FormErrors,
) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for slug in draft.chosen_planes() {
        let Some(plane) = defs.plane(&slug) else {
            continue;
        };
        let known: BTreeSet<&str> = defs
            .contexts_of(plane.id)
            .map(|c| c.context_key.as_str())
            .collect();
        for key in draft.contexts.keys() {
            if let Some(rest) = key.strip_prefix(&format!("{slug}."))
                && !known.contains(rest)
            {
                errors.add_form(format!("{} has no field called {rest}.", plane.name));
            }
        }
        for context in defs.contexts_of(plane.id) {
            let field = format!("ctx.{slug}.{}", context.context_key);
            let values: Vec<&str> = draft
                .values(&slug, &context.context_key)
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                if context.is_required {
                    let verb = match context.field_type {
                        FieldType::Text => "Enter",
                        _ => "Choose",
                    };
                    errors.add(field, format!("{verb} {} — it is required.", context.label));
                }
                continue;
            }
            match context.field_type {
                FieldType::Text => {
                    let rule = TextRule {
                        label: &context.label,
                        required: context.is_required,
                        max_chars: CONTEXT_TEXT_MAX,
                        multiline: false,
                    };
                    if values.len() > 1 {
                        errors.add(field, "Send one value for this field.");
                    } else {
                        match text::check(values[0], &rule) {
                            Ok(value) => out.push((context.id, value)),
                            Err(message) => errors.add(field, message),
                        }
                    }
                }
                FieldType::SingleSelect | FieldType::MultiSelect => {
                    if context.field_type == FieldType::SingleSelect && values.len() > 1 {
                        errors.add(field, "Choose one option only.");
                        continue;
                    }
                    let mut seen = BTreeSet::new();
                    for value in values {
                        if !defs.options_of(context.id).any(|o| o.value == value) {
                            errors.add(
                                field.clone(),
                                format!("Choose {} from its list.", context.label),
                            );
                        } else if !seen.insert(value) {
                            errors.add(field.clone(), "An option was chosen more than once.");
                        } else {
                            out.push((context.id, value.to_owned()));
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn unknown_and_repeated_fields_are_refused() {
        let mut errors = FormErrors::default();
        let draft = parse(
            &pairs(&[
                ("title", "a"),
                ("title", "b"),
                ("status", "closed"),
                ("priority", "high"),
            ]),
            &[],
            &mut errors,
        );
        assert_eq!(draft.title, "a");
        assert!(errors.get("title").unwrap().contains("more than once"));
        let form = errors.form().unwrap();
        assert!(
            form.contains("status") && form.contains("priority"),
            "{form}"
        );
    }

    #[test]
    fn control_characters_are_refused_but_newlines_in_descriptions_are_fine() {
        let mut errors = FormErrors::default();
        parse(
            &pairs(&[
                ("title", "bad\0title"),
                ("description", "line one\nline two\ttab"),
            ]),
            &[],
            &mut errors,
        );
        assert!(errors.get("title").is_some());
        assert!(errors.get("description").is_none());
    }

    #[test]
    fn urls_must_be_plain_http_or_https() {
        assert_eq!(check_url("").unwrap(), None);
        assert!(check_url("https://ci.example.com/p/1").unwrap().is_some());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://user:pw@ci.example.com/",
            "ftp://ci.example.com/",
            "not a url",
            "http://",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(
            check_url(&format!("https://e.example/{}", "a".repeat(4000)))
                .unwrap_err()
                .contains("2000")
        );
    }

    #[test]
    fn too_many_values_are_refused_at_once() {
        let many: Vec<(String, String)> = (0..1000)
            .map(|_| ("ctx.eks.addons".to_owned(), "x".to_owned()))
            .collect();
        let mut errors = FormErrors::default();
        parse(&many, &[], &mut errors);
        assert!(errors.form().unwrap().contains("more than"));
    }
}
