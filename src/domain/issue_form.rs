//! The issue submission form. A request's body (or a link's query) is
//! [`read`] once into a [`Submission`]: a [`Draft`] with every value as
//! typed (so an invalid form comes back intact) and what reading found
//! wrong. [`Submission::check`] then holds it against the customer's
//! [`Definitions`] (environments, planes, their context fields and
//! options, as plain types the database layer fills) and returns
//! everything a handler needs in one [`Checked`]: the draft, its errors,
//! the [`ValidIssue`] to file, the chosen context values that rank
//! suggestions, and the snapshot kept with doc feedback.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::db::models::enums::{EnvType, FieldType, IssueCategory};
use crate::domain::form_errors::FormErrors;
use crate::domain::form_pairs;
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

    /// Gives the draft a form session id and a submit token where it has
    /// none that parses: a form shown again keeps its own.
    pub fn renew_ids(&mut self) {
        if Uuid::parse_str(&self.form_session_id).is_err() {
            self.form_session_id = Uuid::new_v4().to_string();
        }
        if Uuid::parse_str(&self.submit_token).is_err() {
            self.submit_token = Uuid::new_v4().to_string();
        }
    }
}

/// Who fills the form in.
#[derive(Debug, Clone, Default)]
pub struct Filer {
    /// Staff file on a customer's behalf and name that customer
    /// (`customer_id`); a customer's form cannot.
    pub staff: bool,
    /// Pre-fills a customer's fresh form.
    pub chat_handle: String,
}

/// What a request does with the form, which decides what is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// A fresh form, maybe pre-filled by a link's query: values that do
    /// not fit are simply not applied, nothing is flagged, and the form
    /// gets ids of its own whatever the link says.
    Start,
    /// The form shown again as typed ("Update fields", doc feedback): only
    /// what reading found wrong is flagged.
    Refresh,
    /// Filing the issue: every rule is checked.
    File,
}

/// A form as read from one request, before the definitions are known.
#[derive(Debug, Clone)]
pub struct Submission {
    pub draft: Draft,
    /// What reading found wrong: bytes that are not text, unknown or
    /// repeated fields, fields this filer may not set.
    pub errors: FormErrors,
    /// The endpoint's own fields (named in `extra` when read), in order.
    extra: Vec<(String, String)>,
    intent: Intent,
}

/// A submission held against the definitions: all a handler needs.
#[derive(Debug, Clone)]
pub struct Checked {
    pub draft: Draft,
    pub errors: FormErrors,
    /// When filing and nothing is wrong: the issue to store.
    pub valid: Option<ValidIssue>,
    /// The chosen context values, to rank suggestions by.
    pub chosen: Vec<(Uuid, String)>,
    /// What the form says, kept with doc feedback.
    pub snapshot: serde_json::Value,
}

/// Reads a urlencoded form body (or a link's query string) for `filer`.
/// `extra` names endpoint-specific fields (e.g. `feedback`), kept apart;
/// any other unknown field is an error.
pub fn read(body: &[u8], extra: &[&str], filer: &Filer, intent: Intent) -> Submission {
    let mut errors = FormErrors::default();
    // Counted before any per-field work, and only the first PAIRS_MAX are
    // read (to show again): a hostile body of a hundred thousand fields
    // costs one scan of its bytes and the work of an honest form.
    if form_pairs::count(body) > PAIRS_MAX {
        errors.add_form(format!("The form sent more than {PAIRS_MAX} values."));
    }
    let (pairs, invalid) = form_pairs::decode_at_most(body, PAIRS_MAX);
    for name in invalid {
        errors.add(
            name,
            "This field contains bytes that are not valid text (UTF-8).",
        );
    }
    let mut draft = parse(&pairs, extra, &mut errors);
    if !filer.staff && !draft.customer_id.is_empty() {
        errors.add_form("The form cannot set these fields: customer_id.");
        draft.customer_id.clear();
    }
    match intent {
        Intent::Start => {
            errors = FormErrors::default();
            draft.form_session_id.clear();
            draft.submit_token.clear();
            draft.renew_ids();
            if draft.submitter_handle.is_empty() && !filer.staff {
                draft.submitter_handle = filer.chat_handle.clone();
            }
        }
        Intent::Refresh => draft.renew_ids(),
        // Filing checks the ids as sent; they are renewed only if the form
        // comes back.
        Intent::File => {}
    }
    let extra = pairs
        .into_iter()
        .filter(|(name, _)| extra.contains(&name.as_str()))
        .collect();
    Submission {
        draft,
        errors,
        extra,
        intent,
    }
}

impl Submission {
    /// The first value of the endpoint's own field `name`, or "".
    pub fn extra(&self, name: &str) -> &str {
        self.extra
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Holds the submission against `defs`: when filing, every rule is
    /// checked and a form with anything wrong gets its ids renewed to be
    /// shown again.
    pub fn check(self, defs: &Definitions) -> Checked {
        let Submission {
            mut draft,
            mut errors,
            intent,
            ..
        } = self;
        let valid = match intent {
            Intent::File => {
                let valid = validate(&draft, defs, &mut errors).filter(|_| errors.is_empty());
                if valid.is_none() {
                    draft.renew_ids();
                }
                valid
            }
            Intent::Start | Intent::Refresh => None,
        };
        Checked {
            chosen: chosen_values(defs, &draft),
            snapshot: snapshot(defs, &draft),
            draft,
            errors,
            valid,
        }
    }
}

/// The draft's values of the chosen planes' context fields, as (context
/// id, value): what suggestions are ranked by. Fields of planes not chosen
/// are left out.
pub fn chosen_values(defs: &Definitions, draft: &Draft) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for slug in draft.chosen_planes() {
        let Some(plane) = defs.plane(&slug) else {
            continue;
        };
        for context in defs.contexts_of(plane.id) {
            for value in draft.values(&slug, &context.key) {
                out.push((context.id, value.clone()));
            }
        }
    }
    out
}

/// The snapshot kept with doc feedback: what the form said at the time,
/// only what the definitions know (the environment's type, not which one;
/// the chosen planes that exist; values of their context fields that pass
/// the field's rule, trimmed, one value as a string, several as a list; a
/// title cut to 200 characters). Bounded by the definitions, so a made-up
/// field or a megabyte of text is never stored.
pub fn snapshot(defs: &Definitions, draft: &Draft) -> serde_json::Value {
    let environment_type = Uuid::parse_str(&draft.environment_id)
        .ok()
        .and_then(|id| defs.environments.iter().find(|e| e.id == id))
        .map(|e| e.env_type.as_str());
    let planes: Vec<&Plane> = draft
        .chosen_planes()
        .iter()
        .filter_map(|slug| defs.plane(slug))
        .collect();
    let mut contexts = serde_json::Map::new();
    for plane in &planes {
        for context in defs.contexts_of(plane.id) {
            let mut values: Vec<&str> = Vec::new();
            for value in draft.values(&plane.slug, &context.key) {
                let value = value.trim();
                if !values.contains(&value) && fits(defs, context, value) {
                    values.push(value);
                }
            }
            let value = match values.as_slice() {
                [] => continue,
                [one] => serde_json::json!(one),
                many => serde_json::json!(many),
            };
            contexts.insert(format!("{}.{}", plane.slug, context.key), value);
        }
    }
    let form_session_id = Uuid::parse_str(&draft.form_session_id)
        .ok()
        .map(|id| id.to_string());
    serde_json::json!({
        "environment_type": environment_type,
        "planes": planes.iter().map(|p| &p.slug).collect::<Vec<_>>(),
        "contexts": contexts,
        "title": draft.title.chars().take(200).collect::<String>(),
        "form_session_id": form_session_id,
    })
}

/// A value `context` accepts: one of its options, or for a text field a
/// non-blank text within its rule.
fn fits(defs: &Definitions, context: &Context, value: &str) -> bool {
    match context.field_type {
        FieldType::Text => {
            !value.is_empty()
                && text::check(value, &context_text_rule(&context.label, false)).is_ok()
        }
        FieldType::SingleSelect | FieldType::MultiSelect => {
            defs.options_of(context.id).any(|o| o.value == value)
        }
    }
}

/// The rule of a text context field.
fn context_text_rule(label: &str, required: bool) -> TextRule<'_> {
    TextRule {
        label,
        required,
        max_chars: CONTEXT_TEXT_MAX,
        multiline: false,
    }
}

/// Reads submitted pairs into a draft. `extra` names endpoint-specific
/// fields (e.g. `feedback`); any other unknown field is an error, so a
/// customer cannot slip in `status`, `priority` or `assignee_id`.
fn parse(pairs: &[(String, String)], extra: &[&str], errors: &mut FormErrors) -> Draft {
    let mut draft = Draft::default();
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

/// One of the customer's environments.
#[derive(Debug, Clone)]
pub struct Environment {
    pub id: Uuid,
    pub name: String,
    pub env_type: EnvType,
}

/// A platform area customers can choose.
#[derive(Debug, Clone)]
pub struct Plane {
    pub id: Uuid,
    /// The form's value for the plane (`primary_plane`, `planes`, `ctx.<slug>.…`).
    pub slug: String,
    pub name: String,
}

/// A context field a plane adds to the form (`ctx.<plane slug>.<key>`).
#[derive(Debug, Clone)]
pub struct Context {
    pub id: Uuid,
    pub plane_id: Uuid,
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    /// Help shown under the field.
    pub hint: Option<String>,
}

/// One choice of a select context field.
#[derive(Debug, Clone)]
pub struct ContextOption {
    pub context_id: Uuid,
    pub value: String,
    pub label: String,
}

/// What the form may contain for one customer: the database layer loads
/// it (active planes, and the fields and options of the chosen ones).
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    pub environments: Vec<Environment>,
    pub planes: Vec<Plane>,
    /// Contexts of the chosen planes, grouped by plane, in display order.
    pub contexts: Vec<Context>,
    /// Options of those contexts, in display order.
    pub options: Vec<ContextOption>,
}

impl Definitions {
    pub fn plane(&self, slug: &str) -> Option<&Plane> {
        self.planes.iter().find(|p| p.slug == slug)
    }

    pub fn contexts_of(&self, plane_id: Uuid) -> impl Iterator<Item = &Context> {
        self.contexts.iter().filter(move |c| c.plane_id == plane_id)
    }

    pub fn options_of(&self, context_id: Uuid) -> impl Iterator<Item = &ContextOption> {
        self.options
            .iter()
            .filter(move |o| o.context_id == context_id)
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
        let known: BTreeSet<&str> = defs.contexts_of(plane.id).map(|c| c.key.as_str()).collect();
        for key in draft.contexts.keys() {
            if let Some(rest) = key.strip_prefix(&format!("{slug}."))
                && !known.contains(rest)
            {
                errors.add_form(format!("{} has no field called {rest}.", plane.name));
            }
        }
        for context in defs.contexts_of(plane.id) {
            let field = format!("ctx.{slug}.{}", context.key);
            let values: Vec<&str> = draft
                .values(&slug, &context.key)
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                if context.required {
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
                    let rule = context_text_rule(&context.label, context.required);
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
    fn too_many_values_are_refused_and_only_the_first_are_read() {
        let body = format!("title=kept&{}", "ctx.eks.addons=x&".repeat(100_000));
        let form = read(body.as_bytes(), &[], &Filer::default(), Intent::File);
        assert!(form.errors.form().unwrap().contains("more than 400"));
        // What an honest form holds is read, to show again; no more.
        assert_eq!(form.draft.title, "kept");
        assert_eq!(form.draft.values("eks", "addons").len(), PAIRS_MAX - 1);
        let ok = "ctx.eks.addons=x&".repeat(PAIRS_MAX);
        let form = read(ok.as_bytes(), &[], &Filer::default(), Intent::File);
        assert!(form.errors.form().is_none());
    }

    // --- A submission read, then checked against plain definitions. -----

    const ENV: Uuid = Uuid::from_u128(1);
    const EKS: Uuid = Uuid::from_u128(10);
    const GITLAB: Uuid = Uuid::from_u128(20);
    const VERSION: Uuid = Uuid::from_u128(11);
    const ADDONS: Uuid = Uuid::from_u128(12);
    const RUNNER: Uuid = Uuid::from_u128(21);

    /// Two planes; the contexts and options of both, as if both were chosen.
    fn defs() -> Definitions {
        let context = |id, plane_id, key: &str, field_type, required| Context {
            id,
            plane_id,
            key: key.into(),
            label: key.into(),
            field_type,
            required,
            hint: None,
        };
        let option = |context_id, value: &str| ContextOption {
            context_id,
            value: value.into(),
            label: value.to_uppercase(),
        };
        Definitions {
            environments: vec![Environment {
                id: ENV,
                name: "acme-prod".into(),
                env_type: EnvType::Production,
            }],
            planes: vec![
                Plane {
                    id: EKS,
                    slug: "eks".into(),
                    name: "EKS".into(),
                },
                Plane {
                    id: GITLAB,
                    slug: "gitlab".into(),
                    name: "GitLab".into(),
                },
            ],
            contexts: vec![
                context(VERSION, EKS, "version", FieldType::Text, true),
                context(ADDONS, EKS, "addons", FieldType::MultiSelect, false),
                context(RUNNER, GITLAB, "runner", FieldType::SingleSelect, true),
            ],
            options: vec![
                option(ADDONS, "karpenter"),
                option(ADDONS, "autoscaler"),
                option(RUNNER, "shared"),
            ],
        }
    }

    fn body(list: &[(&str, &str)]) -> Vec<u8> {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in list {
            out.append_pair(k, v);
        }
        out.finish().into_bytes()
    }

    fn customer() -> Filer {
        Filer {
            staff: false,
            chat_handle: "@casey".into(),
        }
    }

    const SESSION: &str = "00000000-0000-0000-0000-0000000000aa";
    const TOKEN: &str = "00000000-0000-0000-0000-0000000000bb";

    fn complete() -> Vec<(&'static str, &'static str)> {
        vec![
            ("environment_id", "00000000-0000-0000-0000-000000000001"),
            ("primary_plane", "eks"),
            ("title", "Pods stuck in Pending"),
            ("description", "Since this morning."),
            ("submitter_handle", "@casey"),
            ("ctx.eks.version", "1.31"),
            ("ctx.eks.addons", "karpenter"),
            ("ctx.eks.addons", "autoscaler"),
            ("form_session_id", SESSION),
            ("submit_token", TOKEN),
        ]
    }

    #[test]
    fn chosen_values_are_the_chosen_planes_fields_only() {
        let mut draft = Draft {
            primary_plane: "eks".into(),
            ..Draft::default()
        };
        for (key, value) in [
            ("eks.addons", "karpenter"),
            ("eks.addons", "autoscaler"),
            ("eks.nosuchfield", "x"),
            // A plane that is not chosen adds nothing.
            ("gitlab.runner", "shared"),
        ] {
            draft
                .contexts
                .entry(key.into())
                .or_default()
                .push(value.into());
        }
        assert_eq!(
            chosen_values(&defs(), &draft),
            vec![
                (ADDONS, "karpenter".to_owned()),
                (ADDONS, "autoscaler".to_owned())
            ]
        );
        draft.planes.push("gitlab".into());
        assert_eq!(
            chosen_values(&defs(), &draft).last(),
            Some(&(RUNNER, "shared".to_owned()))
        );
        assert!(chosen_values(&defs(), &Draft::default()).is_empty());
    }

    #[test]
    fn the_snapshot_keeps_what_the_form_said_without_blanks() {
        let mut draft = Draft {
            environment_id: ENV.to_string(),
            primary_plane: "eks".into(),
            planes: vec!["gitlab".into(), "eks".into()],
            title: "t".repeat(250),
            form_session_id: SESSION.into(),
            ..Draft::default()
        };
        for (key, values) in [
            ("eks.version", vec!["1.31"]),
            ("eks.addons", vec!["karpenter", " ", "autoscaler"]),
            ("gitlab.runner", vec![""]),
        ] {
            draft
                .contexts
                .insert(key.into(), values.into_iter().map(str::to_owned).collect());
        }
        assert_eq!(
            snapshot(&defs(), &draft),
            serde_json::json!({
                "environment_type": "production",
                "planes": ["eks", "gitlab"],
                "contexts": {
                    "eks.version": "1.31",
                    "eks.addons": ["karpenter", "autoscaler"],
                },
                "title": "t".repeat(200),
                "form_session_id": SESSION,
            })
        );
        let unknown_environment = Draft {
            environment_id: Uuid::from_u128(99).to_string(),
            ..Draft::default()
        };
        assert_eq!(
            snapshot(&defs(), &unknown_environment)["environment_type"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn the_snapshot_holds_only_values_the_definitions_accept() {
        let mut draft = Draft {
            primary_plane: "eks".into(),
            planes: vec!["nosuchplane".into()],
            form_session_id: "not-a-uuid".into(),
            ..Draft::default()
        };
        for (key, values) in [
            // Too long for a text field, and a made-up option.
            ("eks.version", vec!["v".repeat(CONTEXT_TEXT_MAX + 1)]),
            (
                "eks.addons",
                vec!["karpenter".into(), "made-up".into(), "karpenter".into()],
            ),
            // Fields and planes the definitions do not have.
            ("eks.nosuchfield", vec!["x".repeat(900_000)]),
            ("nosuchplane.key", vec!["y".into()]),
        ] {
            draft.contexts.insert(key.into(), values);
        }
        assert_eq!(
            snapshot(&defs(), &draft),
            serde_json::json!({
                "environment_type": null,
                "planes": ["eks"],
                "contexts": {"eks.addons": "karpenter"},
                "title": "",
                "form_session_id": null,
            })
        );
    }

    #[test]
    fn a_complete_form_comes_back_valid_once_checked() {
        let form = read(&body(&complete()), &[], &customer(), Intent::File);
        assert!(form.errors.is_empty(), "{:?}", form.errors);
        let checked = form.check(&defs());
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        let valid = checked.valid.expect("a valid issue");
        assert_eq!(valid.primary_plane_id, EKS);
        assert_eq!(valid.contexts.len(), 3);
        assert_eq!(valid.submit_token, Some(Uuid::parse_str(TOKEN).unwrap()));
        assert_eq!(checked.chosen.len(), 3);
        assert_eq!(checked.snapshot["environment_type"], "production");
    }

    #[test]
    fn an_incomplete_form_is_not_filed_and_comes_back_with_its_errors_and_ids() {
        let mut fields = complete();
        fields.retain(|(k, _)| *k != "title" && *k != "ctx.eks.version");
        let checked = read(&body(&fields), &[], &customer(), Intent::File).check(&defs());
        assert!(checked.valid.is_none());
        assert!(checked.errors.get("title").is_some());
        assert!(checked.errors.get("ctx.eks.version").is_some());
        assert_eq!(checked.draft.form_session_id, SESSION, "kept as sent");

        // Damaged ids are refused when filing, and renewed to show again.
        fields = complete();
        fields.retain(|(k, _)| *k != "submit_token");
        fields.push(("submit_token", "garbage"));
        let checked = read(&body(&fields), &[], &customer(), Intent::File).check(&defs());
        assert!(checked.valid.is_none());
        assert!(checked.errors.get("submit_token").is_some());
        assert!(Uuid::parse_str(&checked.draft.submit_token).is_ok());
    }

    #[test]
    fn only_filing_checks_the_rules() {
        let fields = [("primary_plane", "eks"), ("title", "")];
        for intent in [Intent::Start, Intent::Refresh] {
            let checked = read(&body(&fields), &[], &customer(), intent).check(&defs());
            assert!(checked.errors.is_empty(), "{intent:?}");
            assert!(checked.valid.is_none(), "{intent:?}");
            assert!(Uuid::parse_str(&checked.draft.form_session_id).is_ok());
        }
    }

    #[test]
    fn a_fresh_form_flags_nothing_and_gets_its_own_ids_and_handle() {
        let form = read(
            &body(&[
                ("status", "closed"),
                ("form_session_id", SESSION),
                ("primary_plane", "eks"),
            ]),
            &[],
            &customer(),
            Intent::Start,
        );
        assert!(form.errors.is_empty());
        assert_eq!(form.draft.primary_plane, "eks", "a link pre-fills");
        assert_ne!(form.draft.form_session_id, SESSION);
        assert!(Uuid::parse_str(&form.draft.form_session_id).is_ok());
        assert_eq!(form.draft.submitter_handle, "@casey");
        let staff = Filer {
            staff: true,
            chat_handle: "@agent".into(),
        };
        let form = read(b"", &[], &staff, Intent::Start);
        assert_eq!(form.draft.submitter_handle, "", "staff type the customer's");
    }

    #[test]
    fn only_staff_name_the_customer() {
        let fields = [("customer_id", "00000000-0000-0000-0000-000000000005")];
        let form = read(&body(&fields), &[], &customer(), Intent::Refresh);
        assert_eq!(form.draft.customer_id, "");
        assert!(form.errors.form().unwrap().contains("customer_id"));
        let staff = Filer {
            staff: true,
            ..Filer::default()
        };
        let form = read(&body(&fields), &[], &staff, Intent::Refresh);
        assert_eq!(form.draft.customer_id, fields[0].1);
        assert!(form.errors.is_empty());
    }

    #[test]
    fn endpoint_fields_are_kept_apart_and_bad_bytes_flagged() {
        let form = read(
            b"feedback=helpful%3Aabc&title=%FF",
            &["feedback"],
            &customer(),
            Intent::Refresh,
        );
        assert_eq!(form.extra("feedback"), "helpful:abc");
        assert_eq!(form.extra("other"), "");
        assert!(form.errors.get("title").unwrap().contains("UTF-8"));
    }
}
