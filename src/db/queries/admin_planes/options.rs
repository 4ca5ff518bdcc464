//! A choice field's options: add, edit (value, label), move, retire and
//! restore, each in one transaction with its `admin_audit` row.
//!
//! Options have no version of their own: every change to one moves the
//! field's `updated_at`, and each option form carries the field's version,
//! so an option form loaded before any change to the field or its options
//! answers 409. An option that issues chose keeps its value, and nothing
//! here deletes an option (the database refuses it for a used one too).

use diesel::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{FieldChange, Saved, lock_plane};
use crate::db::models::admin_audit::{self, Change};
use crate::db::models::enums::AuditKind;
use crate::db::models::planes::{self, NewPlaneContextOption, Plane, PlaneContext};
use crate::db::models::users::User;
use crate::db::schema::{plane_context_options as pco, plane_contexts};
use crate::db::unique_violation;
use crate::db::version::Version;
use crate::domain::admin_planes::fields::{self as rules, FieldFacts, OptionDraft};
use crate::domain::form_errors::FormErrors;

/// One option as it is stored and audited.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pco, check_for_backend(diesel::pg::Pg))]
struct OptionState {
    id: Uuid,
    value: String,
    label: String,
    display_order: i32,
    is_active: bool,
}

fn snapshot(o: &OptionState) -> Value {
    json!({
        "value": o.value,
        "label": o.label,
        "display_order": o.display_order,
        "is_active": o.is_active,
    })
}

/// The field's plane and the field, both locked, if the field is still at
/// `version`: `Err` is the outcome to answer (unknown or stale).
fn lock_field(
    conn: &mut PgConnection,
    slug: &str,
    field_id: Uuid,
    version: Version,
) -> QueryResult<Result<(Plane, PlaneContext), Saved>> {
    let Some(plane) = lock_plane(conn, slug)? else {
        return Ok(Err(Saved::NotFound));
    };
    let Some(field) = plane_contexts::table
        .filter(plane_contexts::id.eq(field_id))
        .filter(plane_contexts::plane_id.eq(plane.id))
        .select(PlaneContext::as_select())
        .for_update()
        .first(conn)
        .optional()?
    else {
        return Ok(Err(Saved::NotFound));
    };
    if Version(field.updated_at) != version {
        return Ok(Err(Saved::Stale));
    }
    Ok(Ok((plane, field)))
}

/// The field's options in the issue form's order, locked.
fn lock_options(conn: &mut PgConnection, field_id: Uuid) -> QueryResult<Vec<OptionState>> {
    pco::table
        .filter(pco::plane_context_id.eq(field_id))
        .order((pco::display_order.asc(), pco::label.asc(), pco::id.asc()))
        .select(OptionState::as_select())
        .for_update()
        .load(conn)
}

/// Moves the field's version, so every option form loaded before this
/// change is stale.
fn bump_field(conn: &mut PgConnection, field_id: Uuid) -> QueryResult<()> {
    diesel::update(plane_contexts::table.find(field_id))
        .set(plane_contexts::updated_at.eq(diesel::dsl::now))
        .execute(conn)?;
    Ok(())
}

fn record(
    conn: &mut PgConnection,
    admin: &User,
    (plane, field): (&Plane, &PlaneContext),
    action: &str,
    before: Option<&OptionState>,
    after: &OptionState,
) -> QueryResult<()> {
    admin_audit::record(
        conn,
        admin,
        &Change {
            kind: AuditKind::Option,
            action,
            object_id: Some(after.id),
            object_label: &format!("{} / {} / {}", plane.name, field.label, after.label),
            before: before.map(snapshot),
            after: Some(snapshot(after)),
        },
    )
}

/// An option write refused by the unique (plane_context_id, value).
fn value_refusal(e: diesel::result::Error) -> QueryResult<Saved> {
    match unique_violation(&e) {
        Some("plane_context_options_plane_context_id_value_key") => Ok(Saved::Refused(
            FormErrors::field("value", "Another option of this field has this value."),
        )),
        _ => Err(e),
    }
}

fn facts<'a>(field: &'a PlaneContext, options: &[OptionState], used: bool) -> FieldFacts<'a> {
    FieldFacts {
        context_key: &field.context_key,
        field_type: field.field_type,
        is_active: field.is_active,
        used,
        active_options: options.iter().filter(|o| o.is_active).count(),
    }
}

/// Adds an option at the end of the field's list, if the field is still
/// at `version` and takes options.
pub fn add_option(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    field_id: Uuid,
    version: Version,
    draft: &OptionDraft,
) -> QueryResult<Saved> {
    let result = conn.transaction(|conn| {
        let (plane, field) = match lock_field(conn, slug, field_id, version)? {
            Ok(locked) => locked,
            Err(outcome) => return Ok(outcome),
        };
        let options = lock_options(conn, field.id)?;
        // Whether issues answered the field is no matter for a new option.
        let field_facts = facts(&field, &options, false);
        let values = options.iter().map(|o| o.value.as_str());
        if let Err(errors) = rules::new_option(&field_facts, draft, values) {
            return Ok(Saved::Refused(errors));
        }
        let created = planes::insert_option(
            conn,
            &NewPlaneContextOption {
                plane_context_id: field.id,
                value: &draft.value,
                label: &draft.label,
                display_order: rules::next_order(options.iter().map(|o| o.display_order)),
                is_active: true,
            },
        )?;
        bump_field(conn, field.id)?;
        let after = OptionState {
            id: created.id,
            value: created.value,
            label: created.label,
            display_order: created.display_order,
            is_active: created.is_active,
        };
        record(conn, admin, (&plane, &field), "created", None, &after)?;
        Ok(Saved::Changed)
    });
    match result {
        Err(e) => value_refusal(e),
        ok => ok,
    }
}

/// Sets an option's value and label if the field is still at `version`;
/// an option that issues chose keeps its value.
pub fn update_option(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    field_id: Uuid,
    option_id: Uuid,
    version: Version,
    draft: &OptionDraft,
) -> QueryResult<Saved> {
    use crate::db::schema::issue_plane_contexts as ipc;
    let result = conn.transaction(|conn| {
        let (plane, field) = match lock_field(conn, slug, field_id, version)? {
            Ok(locked) => locked,
            Err(outcome) => return Ok(outcome),
        };
        let options = lock_options(conn, field.id)?;
        let Some(before) = options.iter().find(|o| o.id == option_id) else {
            return Ok(Saved::NotFound);
        };
        if before.value == draft.value && before.label == draft.label {
            return Ok(Saved::Unchanged);
        }
        let used = diesel::select(diesel::dsl::exists(
            ipc::table
                .filter(ipc::plane_context_id.eq(field.id))
                .filter(ipc::value.eq(&before.value)),
        ))
        .get_result(conn)?;
        let others = options
            .iter()
            .filter(|o| o.id != option_id)
            .map(|o| o.value.as_str());
        if let Err(errors) = rules::option_edit(&before.value, used, draft, others) {
            return Ok(Saved::Refused(errors));
        }
        let after = diesel::update(pco::table.find(option_id))
            .set((pco::value.eq(&draft.value), pco::label.eq(&draft.label)))
            .returning(OptionState::as_returning())
            .get_result(conn)?;
        bump_field(conn, field.id)?;
        record(
            conn,
            admin,
            (&plane, &field),
            "updated",
            Some(before),
            &after,
        )?;
        Ok(Saved::Changed)
    });
    match result {
        Err(e) => value_refusal(e),
        ok => ok,
    }
}

/// Retires, restores or moves an option if the field is still at
/// `version`. The last active option of a field the issue form asks is
/// not retired.
pub fn change_option(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    field_id: Uuid,
    option_id: Uuid,
    version: Version,
    change: FieldChange,
) -> QueryResult<Saved> {
    conn.transaction(|conn| {
        let (plane, field) = match lock_field(conn, slug, field_id, version)? {
            Ok(locked) => locked,
            Err(outcome) => return Ok(outcome),
        };
        let options = lock_options(conn, field.id)?;
        let Some(at) = options.iter().position(|o| o.id == option_id) else {
            return Ok(Saved::NotFound);
        };
        let before = &options[at];
        let mut is_active = before.is_active;
        let mut new_order = before.display_order;
        let mut neighbour = None;
        match change.direction() {
            None => {
                is_active = change == FieldChange::Restore;
                if before.is_active == is_active {
                    return Ok(Saved::Unchanged);
                }
                if !is_active
                    && let Err(why) = rules::option_retire(&facts(&field, &options, false))
                {
                    return Ok(Saved::Refused(FormErrors::form_message(why)));
                }
            }
            Some(direction) => {
                let orders: Vec<i32> = options.iter().map(|o| o.display_order).collect();
                let Some((order, other_at, other_order)) = rules::moved(&orders, at, direction)
                else {
                    return Ok(Saved::Unchanged);
                };
                new_order = order;
                if options[other_at].display_order != other_order {
                    neighbour = Some((options[other_at].id, other_order));
                }
            }
        }
        let after = diesel::update(pco::table.find(option_id))
            .set((
                pco::is_active.eq(is_active),
                pco::display_order.eq(new_order),
            ))
            .returning(OptionState::as_returning())
            .get_result(conn)?;
        if let Some((other_id, order)) = neighbour {
            diesel::update(pco::table.find(other_id))
                .set(pco::display_order.eq(order))
                .execute(conn)?;
        }
        bump_field(conn, field.id)?;
        record(
            conn,
            admin,
            (&plane, &field),
            change.action(),
            Some(before),
            &after,
        )?;
        Ok(Saved::Changed)
    })
}
