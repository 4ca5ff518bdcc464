//! How an admin audit row reads on `/admin/audit`: the fields an admin
//! change touched, each with its value before and after, as text. The
//! rows store an object's editable fields as JSON objects; this compares
//! two of them (either may be absent: a creation has no before, a
//! deletion no after).

use serde_json::{Map, Value};

/// One field an admin change touched. `None` where the object had no such
/// field (before a creation, after a deletion, or a field added later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The name a stored value that is not a JSON object is shown under.
const WHOLE_VALUE: &str = "value";

/// The fields whose values differ between `before` and `after`, by field
/// name. A creation lists every field of `after` (with no before), a
/// deletion every field of `before`; fields with equal values are left out.
pub fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let before = before.map(as_fields).unwrap_or_default();
    let after = after.map(as_fields).unwrap_or_default();
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (old, new) = (before.get(name), after.get(name));
            (old != new).then(|| FieldChange {
                field: name.clone(),
                before: old.map(value_text),
                after: new.map(value_text),
            })
        })
        .collect()
}

/// A stored value as fields: an object is its own fields; anything else
/// (not written by this app, but the column allows it) is one field.
fn as_fields(value: &Value) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields.clone(),
        other => Map::from_iter([(WHOLE_VALUE.to_owned(), other.clone())]),
    }
}

/// A JSON value as a person reads it. The template escapes the text.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_owned(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "(empty)".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        // A list (an e-mail domain per line, a doc's planes) reads as one.
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn change(field: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
        FieldChange {
            field: field.to_owned(),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        }
    }

    #[test]
    fn an_update_lists_only_the_fields_that_differ() {
        let before = json!({"name": "Acme", "role": "agent", "disabled": false});
        let after = json!({"name": "Acme Ltd", "role": "agent", "disabled": true});
        assert_eq!(
            changed_fields(Some(&before), Some(&after)),
            vec![
                change("disabled", Some("no"), Some("yes")),
                change("name", Some("Acme"), Some("Acme Ltd")),
            ]
        );
    }

    #[test]
    fn a_creation_shows_only_after_and_a_deletion_only_before() {
        let fields = json!({"email": "a@example.com", "customer_id": null});
        assert_eq!(
            changed_fields(None, Some(&fields)),
            vec![
                change("customer_id", None, Some("(none)")),
                change("email", None, Some("a@example.com")),
            ]
        );
        assert_eq!(
            changed_fields(Some(&fields), None),
            vec![
                change("customer_id", Some("(none)"), None),
                change("email", Some("a@example.com"), None),
            ]
        );
        assert!(changed_fields(None, None).is_empty());
    }

    #[test]
    fn a_field_present_on_one_side_only_counts_as_changed() {
        let before = json!({"name": "x"});
        let after = json!({"name": "x", "chat_handle": "@x"});
        assert_eq!(
            changed_fields(Some(&before), Some(&after)),
            vec![change("chat_handle", None, Some("@x"))]
        );
    }

    #[test]
    fn no_change_lists_nothing() {
        let same = json!({"name": "x", "domains": ["a.example"]});
        assert!(changed_fields(Some(&same), Some(&same)).is_empty());
    }

    #[test]
    fn values_read_as_text() {
        assert_eq!(
            value_text(&json!(["a.example", "b.example"])),
            "a.example, b.example"
        );
        assert_eq!(value_text(&json!([])), "(none)");
        assert_eq!(value_text(&json!("")), "(empty)");
        assert_eq!(value_text(&json!(3)), "3");
        assert_eq!(value_text(&json!([1, true])), "1, true");
        assert_eq!(value_text(&json!({"added": 2})), r#"{"added":2}"#);
        // Markup stays text: escaping is the template's job, not removed here.
        assert_eq!(value_text(&json!("<b>&")), "<b>&");
    }

    #[test]
    fn a_value_that_is_not_an_object_is_one_field() {
        assert_eq!(
            changed_fields(Some(&json!("old")), Some(&json!("new"))),
            vec![change("value", Some("old"), Some("new"))]
        );
    }
}
