//! The new-issue form's view model: what the form and its fragment show,
//! built from a checked submission, the customer's definitions and the
//! suggestions found for it.

use askama::Template;
use uuid::Uuid;

use crate::db::models::customers::Customer;
use crate::db::models::enums::{EnvType, FieldType, IssueCategory};
use crate::db::queries::issues::{DocSuggestion, ResolvedSuggestion, Suggestions};
use crate::domain::form_errors::{FormErrors, field_id};
use crate::domain::issue_form::{self, Checked, Definitions, Draft};
use crate::views::Layout;

/// One option of a select or checkbox list.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct EnvGroup {
    pub label: &'static str,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone)]
pub struct ContextField {
    pub name: String,
    pub id: String,
    pub label: String,
    pub kind: FieldType,
    pub required: bool,
    /// The context's help text; empty when it has none.
    pub hint: String,
    pub choices: Vec<Choice>,
    pub text: String,
}

impl ContextField {
    /// What the label says after the field's name.
    pub fn mark(&self) -> &'static str {
        if self.required { "required" } else { "" }
    }
}

#[derive(Debug, Clone)]
pub struct PlaneFields {
    pub name: String,
    pub fields: Vec<ContextField>,
}

#[derive(Debug, Clone)]
pub struct SuggestionView {
    pub doc: DocSuggestion,
    /// Some(true): "solved it"; Some(false): "not relevant".
    pub verdict: Option<bool>,
}

/// Everything the form and its fragments show.
pub struct FormView {
    pub csrf_token: String,
    /// Staff filing on a customer's behalf: (id, name).
    pub on_behalf: Option<(Uuid, String)>,
    pub env_groups: Vec<EnvGroup>,
    pub primary_choices: Vec<Choice>,
    pub secondary_choices: Vec<Choice>,
    pub plane_fields: Vec<PlaneFields>,
    pub categories: Vec<Choice>,
    pub draft: Draft,
    pub errors: FormErrors,
    pub suggestions: Vec<SuggestionView>,
    pub resolved: Vec<ResolvedSuggestion>,
    /// A doc was marked as solving the problem: offer to leave.
    pub solved: bool,
}

impl FormView {
    /// The form for `form` as checked against `defs`; `on_behalf` names the
    /// customer staff file for.
    pub fn new(
        csrf_token: String,
        on_behalf: Option<(Uuid, String)>,
        defs: &Definitions,
        form: Checked,
        found: Suggestions,
    ) -> Self {
        let Checked { draft, errors, .. } = form;
        // The latest answer counts.
        let verdict = |doc_id: Uuid| {
            found
                .answered
                .iter()
                .rev()
                .find(|(id, _)| *id == doc_id)
                .map(|(_, helpful)| *helpful)
        };
        let suggestions: Vec<SuggestionView> = found
            .docs
            .into_iter()
            .map(|doc| SuggestionView {
                verdict: verdict(doc.id),
                doc,
            })
            .collect();
        let solved = suggestions.iter().any(|s| s.verdict == Some(true));
        let plane_choice = |p: &issue_form::Plane, selected: bool| Choice {
            value: p.slug.clone(),
            label: p.name.clone(),
            selected,
        };
        let categories = IssueCategory::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str().into(),
                label: c.label().into(),
                selected: c.as_str() == draft.category
                    || (draft.category.is_empty() && *c == IssueCategory::TechnicalIssue),
            })
            .collect();
        Self {
            csrf_token,
            on_behalf,
            env_groups: env_groups(defs, &draft.environment_id),
            primary_choices: (defs.planes.iter())
                .map(|p| plane_choice(p, p.slug == draft.primary_plane))
                .collect(),
            secondary_choices: (defs.planes.iter())
                .map(|p| plane_choice(p, draft.planes.contains(&p.slug)))
                .collect(),
            plane_fields: plane_fields(defs, &draft),
            categories,
            draft,
            errors,
            suggestions,
            resolved: found.resolved,
            solved,
        }
    }

    pub fn title_hint(&self) -> String {
        format!("One line, at most {} characters.", issue_form::TITLE_MAX)
    }
}

#[derive(Template)]
#[template(path = "issues/new.html")]
pub(super) struct NewIssuePage {
    pub layout: Layout,
    pub form: FormView,
}

#[derive(Template)]
#[template(path = "issues/new_fragment.html")]
pub(super) struct NewIssueFragment {
    pub form: FormView,
}

#[derive(Template)]
#[template(path = "issues/choose_customer.html")]
pub(super) struct ChooseCustomerPage {
    pub layout: Layout,
    pub customers: Vec<Customer>,
}

fn env_groups(defs: &Definitions, chosen: &str) -> Vec<EnvGroup> {
    EnvType::ALL
        .iter()
        .filter_map(|env_type| {
            let choices: Vec<Choice> = defs
                .environments
                .iter()
                .filter(|e| e.env_type == *env_type)
                .map(|e| Choice {
                    value: e.id.to_string(),
                    label: e.name.clone(),
                    selected: e.id.to_string() == chosen,
                })
                .collect();
            (!choices.is_empty()).then_some(EnvGroup {
                label: env_type.label(),
                choices,
            })
        })
        .collect()
}

fn plane_fields(defs: &Definitions, draft: &Draft) -> Vec<PlaneFields> {
    draft
        .chosen_planes()
        .iter()
        .filter_map(|slug| {
            let plane = defs.plane(slug)?;
            let fields = defs
                .contexts_of(plane.id)
                .map(|c| {
                    let name = format!("ctx.{slug}.{}", c.key);
                    let values = draft.values(slug, &c.key);
                    ContextField {
                        id: field_id(&name),
                        label: c.label.clone(),
                        kind: c.field_type,
                        required: c.required,
                        hint: c.hint.clone().unwrap_or_default(),
                        choices: defs
                            .options_of(c.id)
                            .map(|o| Choice {
                                value: o.value.clone(),
                                label: o.label.clone(),
                                selected: values.contains(&o.value),
                            })
                            .collect(),
                        text: values.first().cloned().unwrap_or_default(),
                        name,
                    }
                })
                .collect();
            Some(PlaneFields {
                name: plane.name.clone(),
                fields,
            })
        })
        .collect()
}
