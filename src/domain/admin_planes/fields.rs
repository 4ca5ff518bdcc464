//! The rules of an admin's change to a plane's context fields and their
//! options, pure so the db layer only loads the facts, asks, and writes.
//!
//! What issues already answered is fixed: a field's key (it names the
//! form field and the stored answers' meaning) and type cannot change once
//! an issue answered it, and an option's value (stored as text on the
//! issues that chose it) cannot change once an issue chose it; its label
//! can. Beyond that, the issue form never asks a choice field that offers
//! nothing to choose: a new choice field starts retired until it has
//! options, a choice field is restored only with an active option, and
//! the last active option of an asked field is not retired.

use crate::db::models::enums::FieldType;
use crate::domain::admin_planes::context_key;
use crate::domain::form_errors::FormErrors;
use crate::domain::text::{self, TextRule};

/// A field's label (the column holds 255).
pub const FIELD_LABEL: TextRule<'static> = TextRule {
    label: "the field's label",
    required: true,
    max_chars: 255,
    multiline: false,
};

/// The hint shown under the field on the issue form: a sentence, so the
/// form bounds it although the column is unbounded.
pub const FIELD_HELP: TextRule<'static> = TextRule {
    label: "the help text",
    required: false,
    max_chars: 500,
    multiline: false,
};

/// An option's value, stored on the issues that choose it (the column
/// holds 255).
pub const OPTION_VALUE: TextRule<'static> = TextRule {
    label: "the value",
    required: true,
    max_chars: 255,
    multiline: false,
};

/// An option's label; left empty, the value is its label.
pub const OPTION_LABEL: TextRule<'static> = TextRule {
    label: "the option's label",
    required: false,
    max_chars: 255,
    multiline: false,
};

/// A valid field form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDraft {
    pub label: String,
    pub context_key: String,
    pub field_type: FieldType,
    pub required: bool,
    /// `None` when left empty.
    pub help_text: Option<String>,
}

/// Checks a field form: `label`, `context_key`, `field_type`, `help_text`
/// (the `required` checkbox cannot be wrong).
pub fn field(
    label: &str,
    key: &str,
    field_type: &str,
    required: bool,
    help: &str,
) -> Result<FieldDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let label = text::check(label, &FIELD_LABEL).map_err(|m| errors.add("label", m));
    let key = context_key(key).map_err(|m| errors.add("context_key", m));
    let field_type =
        FieldType::parse(field_type).ok_or_else(|| errors.add("field_type", "Choose a type."));
    let help = text::check(help, &FIELD_HELP).map_err(|m| errors.add("help_text", m));
    match (label, key, field_type, help) {
        (Ok(label), Ok(context_key), Ok(field_type), Ok(help)) => Ok(FieldDraft {
            label,
            context_key,
            field_type,
            required,
            help_text: (!help.is_empty()).then_some(help),
        }),
        _ => Err(errors),
    }
}

/// Whether a field of this type has options to choose from.
pub fn takes_options(field_type: FieldType) -> bool {
    field_type != FieldType::Text
}

/// Whether a new field of this type is asked at once: a text field is; a
/// choice field has no options yet, so it starts retired and is restored
/// once they are added.
pub fn starts_active(field_type: FieldType) -> bool {
    !takes_options(field_type)
}

/// What the rules need to know of a stored field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldFacts<'a> {
    pub context_key: &'a str,
    pub field_type: FieldType,
    pub is_active: bool,
    /// Some issue answered it.
    pub used: bool,
    /// Its options that are not retired.
    pub active_options: usize,
}

const KEY_TAKEN: &str = "Another field of this plane has this key.";

/// A new field's key, unique among the plane's `keys` (retired fields
/// included: the database keeps one key per plane).
pub fn new_field<'k>(
    draft: &FieldDraft,
    mut keys: impl Iterator<Item = &'k str>,
) -> Result<(), FormErrors> {
    if keys.any(|k| k == draft.context_key) {
        return Err(FormErrors::field("context_key", KEY_TAKEN));
    }
    Ok(())
}

/// An edit of a stored field, given the keys of the plane's other fields:
/// each refusal is beside the field it is about.
pub fn field_edit<'k>(
    before: &FieldFacts,
    draft: &FieldDraft,
    mut other_keys: impl Iterator<Item = &'k str>,
) -> Result<(), FormErrors> {
    let mut errors = FormErrors::default();
    if draft.context_key != before.context_key {
        if before.used {
            errors.add(
                "context_key",
                format!(
                    "Issues answered this field under the key {}, so it stays. \
                     To ask something else, add a new field and retire this one.",
                    before.context_key
                ),
            );
        } else if other_keys.any(|k| k == draft.context_key) {
            errors.add("context_key", KEY_TAKEN);
        }
    }
    if draft.field_type != before.field_type {
        if before.used {
            errors.add(
                "field_type",
                format!(
                    "Issues answered this field as {}, so its type stays. \
                     To ask it another way, add a new field and retire this one.",
                    before.field_type.label().to_lowercase()
                ),
            );
        } else if before.is_active && takes_options(draft.field_type) && before.active_options == 0
        {
            errors.add(
                "field_type",
                "The issue form asks this field, and a choice needs options first: \
                 retire the field, change its type, add its options, then restore it.",
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Restoring a field: a choice field comes back only with something to
/// choose.
pub fn field_restore(field: &FieldFacts) -> Result<(), String> {
    if takes_options(field.field_type) && field.active_options == 0 {
        return Err(
            "This field has no options to choose from: add one (or restore one) before \
             restoring the field."
                .into(),
        );
    }
    Ok(())
}

/// A valid option form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDraft {
    pub value: String,
    pub label: String,
}

/// Checks an option form's `value` and `label` (empty: the value).
pub fn option(value: &str, label: &str) -> Result<OptionDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let value = text::check(value, &OPTION_VALUE).map_err(|m| errors.add("value", m));
    let label = text::check(label, &OPTION_LABEL).map_err(|m| errors.add("label", m));
    match (value, label) {
        (Ok(value), Ok(label)) => Ok(OptionDraft {
            label: if label.is_empty() {
                value.clone()
            } else {
                label
            },
            value,
        }),
        _ => Err(errors),
    }
}

const VALUE_TAKEN: &str = "Another option of this field has this value.";

/// Options belong to choice fields; a new option's value is unique among
/// the field's `values` (retired options included).
pub fn new_option<'v>(
    field: &FieldFacts,
    draft: &OptionDraft,
    mut values: impl Iterator<Item = &'v str>,
) -> Result<(), FormErrors> {
    if !takes_options(field.field_type) {
        return Err(FormErrors::form_message(NO_OPTIONS));
    }
    if values.any(|v| v == draft.value) {
        return Err(FormErrors::field("value", VALUE_TAKEN));
    }
    Ok(())
}

const NO_OPTIONS: &str = "A text field has no options; change its type to a choice first.";

/// An edit of a stored option (`value` as stored, `used` when an issue
/// chose it), given the values of the field's other options.
pub fn option_edit<'v>(
    value: &str,
    used: bool,
    draft: &OptionDraft,
    mut other_values: impl Iterator<Item = &'v str>,
) -> Result<(), FormErrors> {
    if draft.value == value {
        return Ok(());
    }
    if used {
        return Err(FormErrors::field(
            "value",
            format!(
                "Issues chose this option as {value}, so its value stays; \
                 its label can change."
            ),
        ));
    }
    if other_values.any(|v| v == draft.value) {
        return Err(FormErrors::field("value", VALUE_TAKEN));
    }
    Ok(())
}

/// Retiring an option of `field` (the option itself active): the issue
/// form keeps something to choose while it asks the field.
pub fn option_retire(field: &FieldFacts) -> Result<(), String> {
    if field.is_active && field.active_options <= 1 {
        return Err(
            "This is the field's last option on the issue form: add another first, \
             or retire the field."
                .into(),
        );
    }
    Ok(())
}

/// Which way a Move button moves a field or an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// A move of the item at `at` in a list shown in `orders` (display orders
/// as listed): `None` at the list's edge, else the item's new order and
/// the neighbour's (index, new order). They swap orders; when the orders
/// are equal (ties are listed by name), the item steps one past the
/// neighbour instead, so the move still shows.
pub fn moved(orders: &[i32], at: usize, direction: Direction) -> Option<(i32, usize, i32)> {
    let mine = *orders.get(at)?;
    let other_at = match direction {
        Direction::Up => at.checked_sub(1)?,
        Direction::Down => at + 1,
    };
    let theirs = *orders.get(other_at)?;
    let new_order = match (theirs == mine, direction) {
        (false, _) => theirs,
        (true, Direction::Up) => theirs.saturating_sub(1),
        (true, Direction::Down) => theirs.saturating_add(1),
    };
    Some((new_order, other_at, mine))
}

/// The display order after the last of `orders`, leaving room between.
pub fn next_order(orders: impl Iterator<Item = i32>) -> i32 {
    orders.max().map_or(10, |last| last.saturating_add(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(field_type: FieldType, used: bool, active_options: usize) -> FieldFacts<'static> {
        FieldFacts {
            context_key: "node_group",
            field_type,
            is_active: true,
            used,
            active_options,
        }
    }

    fn draft(key: &str, field_type: FieldType) -> FieldDraft {
        field("Node group", key, field_type.as_str(), false, "").unwrap()
    }

    #[test]
    fn a_field_form_is_checked_beside_each_field() {
        let d = field(
            " Node group ",
            " node_group ",
            "single_select",
            true,
            " Hint ",
        )
        .unwrap();
        assert_eq!(d.label, "Node group");
        assert_eq!(d.context_key, "node_group");
        assert_eq!(d.field_type, FieldType::SingleSelect);
        assert!(d.required);
        assert_eq!(d.help_text.as_deref(), Some("Hint"));
        assert_eq!(field("L", "k", "text", false, " ").unwrap().help_text, None);

        let long_help = "h".repeat(501);
        let errors = field("", "Bad-Key", "select", false, &long_help).unwrap_err();
        assert!(errors.get("label").is_some());
        assert!(errors.get("context_key").unwrap().contains("lower-case"));
        assert_eq!(errors.get("field_type"), Some("Choose a type."));
        assert!(errors.get("help_text").unwrap().contains("500"));
        let errors = field(&"x".repeat(256), "k", "text", false, "a\0b").unwrap_err();
        assert!(errors.get("label").unwrap().contains("255"));
        assert!(errors.get("help_text").unwrap().contains("control"));
    }

    #[test]
    fn a_key_is_unique_in_its_plane() {
        let d = draft("node_group", FieldType::Text);
        assert!(new_field(&d, ["addons", "namespace"].into_iter()).is_ok());
        let errors = new_field(&d, ["addons", "node_group"].into_iter()).unwrap_err();
        assert_eq!(errors.get("context_key"), Some(KEY_TAKEN));

        let before = facts(FieldType::Text, false, 0);
        let renamed = draft("addons", FieldType::Text);
        let errors = field_edit(&before, &renamed, ["addons"].into_iter()).unwrap_err();
        assert_eq!(errors.get("context_key"), Some(KEY_TAKEN));
        assert!(field_edit(&before, &renamed, ["namespace"].into_iter()).is_ok());
        // Keeping its own key is no clash.
        let same = draft("node_group", FieldType::Text);
        assert!(field_edit(&before, &same, std::iter::empty()).is_ok());
    }

    #[test]
    fn a_used_field_keeps_its_key_and_type() {
        let used = facts(FieldType::SingleSelect, true, 2);
        let errors = field_edit(
            &used,
            &draft("pool", FieldType::MultiSelect),
            std::iter::empty(),
        )
        .unwrap_err();
        assert!(errors.get("context_key").unwrap().contains("node_group"));
        assert!(errors.get("field_type").unwrap().contains("single choice"));
        // Its label, help text and required flag still change.
        let mut relabelled = draft("node_group", FieldType::SingleSelect);
        relabelled.label = "Pool".into();
        relabelled.required = true;
        assert!(field_edit(&used, &relabelled, std::iter::empty()).is_ok());
        // Unused, both change.
        let unused = facts(FieldType::SingleSelect, false, 2);
        assert!(
            field_edit(
                &unused,
                &draft("pool", FieldType::MultiSelect),
                std::iter::empty()
            )
            .is_ok()
        );
    }

    #[test]
    fn the_form_never_asks_a_choice_without_options() {
        assert!(starts_active(FieldType::Text));
        assert!(!starts_active(FieldType::SingleSelect));
        assert!(!starts_active(FieldType::MultiSelect));

        // An asked text field becomes a choice only with options.
        let text = facts(FieldType::Text, false, 0);
        let errors = field_edit(
            &text,
            &draft("node_group", FieldType::SingleSelect),
            std::iter::empty(),
        )
        .unwrap_err();
        assert!(errors.get("field_type").unwrap().contains("retire"));
        let retired = FieldFacts {
            is_active: false,
            ..text
        };
        assert!(
            field_edit(
                &retired,
                &draft("node_group", FieldType::SingleSelect),
                std::iter::empty()
            )
            .is_ok()
        );

        // Restore needs an option; the last option of an asked field stays.
        let empty = FieldFacts {
            is_active: false,
            ..facts(FieldType::SingleSelect, false, 0)
        };
        assert!(field_restore(&empty).is_err());
        assert!(field_restore(&facts(FieldType::SingleSelect, false, 1)).is_ok());
        assert!(field_restore(&facts(FieldType::Text, false, 0)).is_ok());
        assert!(option_retire(&facts(FieldType::SingleSelect, false, 1)).is_err());
        assert!(option_retire(&facts(FieldType::SingleSelect, false, 2)).is_ok());
        assert!(option_retire(&empty).is_ok());
    }

    #[test]
    fn an_option_needs_a_value_and_labels_itself() {
        let d = option(" spot ", "").unwrap();
        assert_eq!((d.value.as_str(), d.label.as_str()), ("spot", "spot"));
        let d = option("spot", " Spot ").unwrap();
        assert_eq!(d.label, "Spot");
        let errors = option(" ", &"l".repeat(256)).unwrap_err();
        assert!(errors.get("value").is_some());
        assert!(errors.get("label").unwrap().contains("255"));
        assert!(option("a\0", "").unwrap_err().get("value").is_some());
    }

    #[test]
    fn options_belong_to_choice_fields_with_unique_values() {
        let choice = facts(FieldType::MultiSelect, false, 1);
        let spot = option("spot", "Spot").unwrap();
        assert!(new_option(&choice, &spot, ["gpu"].into_iter()).is_ok());
        let errors = new_option(&choice, &spot, ["gpu", "spot"].into_iter()).unwrap_err();
        assert_eq!(errors.get("value"), Some(VALUE_TAKEN));
        let errors =
            new_option(&facts(FieldType::Text, false, 0), &spot, std::iter::empty()).unwrap_err();
        assert_eq!(errors.form(), Some(NO_OPTIONS));
    }

    #[test]
    fn a_chosen_option_keeps_its_value_and_may_be_relabelled() {
        let relabel = option("spot", "Spot instances").unwrap();
        assert!(option_edit("spot", true, &relabel, std::iter::empty()).is_ok());
        let revalue = option("spot-v2", "Spot").unwrap();
        let errors = option_edit("spot", true, &revalue, std::iter::empty()).unwrap_err();
        assert!(errors.get("value").unwrap().contains("spot"));
        assert!(option_edit("spot", false, &revalue, ["gpu"].into_iter()).is_ok());
        let errors = option_edit("spot", false, &revalue, ["spot-v2"].into_iter()).unwrap_err();
        assert_eq!(errors.get("value"), Some(VALUE_TAKEN));
    }

    #[test]
    fn moves_swap_with_the_neighbour_and_stop_at_the_edges() {
        let orders = [10, 20, 30];
        assert_eq!(moved(&orders, 1, Direction::Up), Some((10, 0, 20)));
        assert_eq!(moved(&orders, 1, Direction::Down), Some((30, 2, 20)));
        assert_eq!(moved(&orders, 0, Direction::Up), None);
        assert_eq!(moved(&orders, 2, Direction::Down), None);
        assert_eq!(moved(&orders, 3, Direction::Up), None);
        // Equal orders: the item steps past its neighbour.
        assert_eq!(moved(&[5, 5], 1, Direction::Up), Some((4, 0, 5)));
        assert_eq!(moved(&[5, 5], 0, Direction::Down), Some((6, 1, 5)));
        assert_eq!(
            moved(&[i32::MIN, i32::MIN], 1, Direction::Up).unwrap().0,
            i32::MIN
        );

        assert_eq!(next_order(std::iter::empty()), 10);
        assert_eq!(next_order([30, 10].into_iter()), 40);
        assert_eq!(next_order([i32::MAX].into_iter()), i32::MAX);
    }
}
