//! [`FormErrors`]: the one way a form's validation errors are held, from
//! the rule that finds them to the template that shows them beside their
//! fields (through the macros in `templates/partials/_form.html`).

use std::collections::BTreeMap;

/// The most field messages kept. One hostile body can carry thousands of
/// bad fields; past this bound the form is refused all the same, and a
/// person could not read more messages anyway.
pub const MAX_ERRORS: usize = 100;

/// What is wrong with a submitted form: one message per field (the first
/// found is kept), in the order found so a summary lists them as the form
/// reads, and an optional message about the form as a whole.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    /// (field name, message), in the order found.
    entries: Vec<(String, String)>,
    /// Field name → its place in `entries`, so a lookup never scans.
    index: BTreeMap<String, usize>,
    /// A message about the whole form, not one field (e.g. a failed
    /// sign-in, or a ticket changed by someone else meanwhile).
    form: Option<String>,
}

impl FormErrors {
    /// Errors holding one message about the whole form.
    pub fn form_message(message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add_form(message);
        errors
    }

    /// Errors holding one message for `field`.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// Records `message` for `field`, unless the field already has one or
    /// [`MAX_ERRORS`] are held.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        if self.entries.len() >= MAX_ERRORS {
            return;
        }
        let field = field.into();
        if self.index.contains_key(&field) {
            return;
        }
        self.index.insert(field.clone(), self.entries.len());
        self.entries.push((field, message.into()));
    }

    /// Records a message about the whole form, unless it has one already.
    pub fn add_form(&mut self, message: impl Into<String>) {
        self.form.get_or_insert_with(|| message.into());
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.index
            .get(field)
            .and_then(|&i| self.entries.get(i))
            .map(|(_, message)| message.as_str())
    }

    /// The message about the whole form, if any.
    pub fn form(&self) -> Option<&str> {
        self.form.as_deref()
    }

    /// Nothing is wrong: neither a field nor the form has a message.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.form.is_none()
    }

    /// How many messages are held, the form's included.
    pub fn len(&self) -> usize {
        self.entries.len() + usize::from(self.form.is_some())
    }

    /// Some field has a message.
    pub fn has_fields(&self) -> bool {
        !self.entries.is_empty()
    }

    /// (field, message) pairs in the order found.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// The id a template gives the input of field `name`: the name with
    /// its dots as dashes (context fields are named `ctx.<plane>.<key>`,
    /// and an id with dots would need escaping in every CSS selector).
    /// A method so that templates, which hold a `FormErrors`, can call it.
    pub fn id_of(&self, name: &str) -> String {
        field_id(name)
    }
}

/// See [`FormErrors::id_of`].
pub fn field_id(name: &str) -> String {
    name.replace('.', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_message_per_field_is_kept_in_the_order_found() {
        let mut errors = FormErrors::default();
        assert!(errors.is_empty());
        errors.add("title", "Enter the title.");
        errors.add("description", "Write the description.");
        errors.add("title", "A second message.");
        assert_eq!(errors.get("title"), Some("Enter the title."));
        assert_eq!(errors.get("pipeline_url"), None);
        assert_eq!(
            errors.iter().collect::<Vec<_>>(),
            vec![
                ("title", "Enter the title."),
                ("description", "Write the description.")
            ]
        );
        assert_eq!(errors.len(), 2);
        assert!(!errors.is_empty());
    }

    #[test]
    fn the_form_message_counts_and_keeps_the_first() {
        let mut errors = FormErrors::form_message("Sign-in failed.");
        errors.add_form("Another.");
        assert_eq!(errors.form(), Some("Sign-in failed."));
        assert!(!errors.is_empty());
        assert!(!errors.has_fields());
        assert_eq!(errors.len(), 1);
        errors.add("email", "Enter an e-mail address.");
        assert_eq!(errors.len(), 2);
        assert!(errors.has_fields());
    }

    #[test]
    fn a_flood_of_bad_fields_is_capped() {
        let mut errors = FormErrors::default();
        for i in 0..10_000 {
            errors.add(format!("ctx.eks.f{i}"), "bad");
        }
        assert_eq!(errors.len(), MAX_ERRORS);
        assert_eq!(errors.get("ctx.eks.f0"), Some("bad"));
        assert_eq!(errors.get("ctx.eks.f9999"), None);
        errors.add_form("The form sent too many values.");
        assert_eq!(errors.form(), Some("The form sent too many values."));
    }

    /// Keeps the one way: a template that wrote its own error paragraph,
    /// summary or aria-invalid would drift from the macros' wiring.
    #[test]
    fn templates_show_errors_only_through_the_form_macros() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if !path.ends_with("partials/_form.html") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in ["field-error", "error-summary", "aria-invalid"] {
                        if text.contains(marker) {
                            found.push(format!("{}: {marker}", path.display()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
            &mut found,
        );
        assert!(found.is_empty(), "hand-written error markup: {found:?}");
    }

    #[test]
    fn field_ids_have_no_dots() {
        assert_eq!(
            field_id("ctx.eks.cluster_version"),
            "ctx-eks-cluster_version"
        );
        assert_eq!(FormErrors::default().id_of("title"), "title");
    }
}
