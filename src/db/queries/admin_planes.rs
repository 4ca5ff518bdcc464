//! The admin's plane pages: every plane in display order with its number
//! of active context fields (one statement), one plane with its fields,
//! and the plane edit, run in one transaction with its `admin_audit` row
//! and checked against the version the form was loaded at. A field's own
//! page and its edits are in [`fields`], its options in [`options`].
//!
//! Every write to a field or an option locks the plane row first, then the
//! field row `FOR UPDATE`: two admins' changes in one plane never
//! interleave, and an issue being filed with that field (whose foreign key
//! check takes a share lock on the field row) commits before a "does any
//! issue use it" check runs, or waits until the change has committed.

pub mod fields;
pub mod options;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::models::admin_audit::{self, Change};
use crate::db::models::enums::{AuditKind, FieldType};
use crate::db::models::planes::{Plane, PlaneContext};
use crate::db::models::users::User;
use crate::db::schema::{plane_context_options, plane_contexts, planes};
use crate::db::version::Version;
use crate::domain::admin_planes::PlaneDraft;
use crate::domain::admin_planes::fields::{self as rules, Direction, FieldFacts};
use crate::domain::form_errors::FormErrors;

/// One row of the plane list.
#[derive(Debug, Clone, QueryableByName)]
pub struct ListRow {
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = Bool)]
    pub is_active: bool,
    #[diesel(sql_type = BigInt)]
    pub active_fields: i64,
}

/// Every plane in display order, with its active fields counted in the
/// same statement. Not paginated: planes are the platform's few areas
/// (four seeded, created only by migrations), not data that grows.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<ListRow>> {
    diesel::sql_query(
        "SELECT p.slug, p.name, p.description, p.is_active, \
                (SELECT count(*) FROM plane_contexts c \
                 WHERE c.plane_id = p.id AND c.is_active) AS active_fields \
         FROM planes p ORDER BY p.display_order, p.name, p.id",
    )
    .load(conn)
}

/// A field as the plane's page lists it, with its number of options.
#[derive(Debug, Clone, QueryableByName)]
pub struct FieldListRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub context_key: String,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = crate::db::schema::sql_types::FieldType)]
    pub field_type: FieldType,
    #[diesel(sql_type = Bool)]
    pub is_required: bool,
    #[diesel(sql_type = Int4)]
    pub display_order: i32,
    #[diesel(sql_type = Bool)]
    pub is_active: bool,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    /// Its options that are not retired.
    #[diesel(sql_type = BigInt)]
    pub active_options: i64,
}

/// A plane by slug with all its context fields (retired ones included) in
/// display order, each with its active options counted: two statements
/// whatever the number of fields. `None` for an unknown slug.
pub fn load(
    conn: &mut PgConnection,
    slug: &str,
) -> QueryResult<Option<(Plane, Vec<FieldListRow>)>> {
    let Some(plane) = find_plane(conn, slug)? else {
        return Ok(None);
    };
    let fields = diesel::sql_query(
        "SELECT c.id, c.context_key, c.label, c.field_type, c.is_required, c.display_order, \
                c.is_active, c.updated_at, \
                (SELECT count(*) FROM plane_context_options o \
                 WHERE o.plane_context_id = c.id AND o.is_active) AS active_options \
         FROM plane_contexts c WHERE c.plane_id = $1 \
         ORDER BY c.display_order, c.context_key",
    )
    .bind::<SqlUuid, _>(plane.id)
    .load(conn)?;
    Ok(Some((plane, fields)))
}

fn find_plane(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Plane>> {
    planes::table
        .filter(planes::slug.eq(slug))
        .select(Plane::as_select())
        .first(conn)
        .optional()
}

/// The plane row, locked so changes to it and its fields take turns.
fn lock_plane(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Plane>> {
    planes::table
        .filter(planes::slug.eq(slug))
        .select(Plane::as_select())
        .for_update()
        .first(conn)
        .optional()
}

/// Every field of a plane in display order, locked.
fn lock_fields(conn: &mut PgConnection, plane_id: Uuid) -> QueryResult<Vec<PlaneContext>> {
    plane_contexts::table
        .filter(plane_contexts::plane_id.eq(plane_id))
        .order((
            plane_contexts::display_order.asc(),
            plane_contexts::context_key.asc(),
        ))
        .select(PlaneContext::as_select())
        .for_update()
        .load(conn)
}

/// Whether any issue answered the field.
fn field_used(conn: &mut PgConnection, field_id: Uuid) -> QueryResult<bool> {
    use crate::db::schema::issue_plane_contexts as ipc;
    diesel::select(diesel::dsl::exists(
        ipc::table.filter(ipc::plane_context_id.eq(field_id)),
    ))
    .get_result(conn)
}

/// How many of the field's options are not retired.
fn active_options(conn: &mut PgConnection, field_id: Uuid) -> QueryResult<usize> {
    let n: i64 = plane_context_options::table
        .filter(plane_context_options::plane_context_id.eq(field_id))
        .filter(plane_context_options::is_active.eq(true))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The facts the field rules need, read inside the change's transaction.
fn facts<'a>(conn: &mut PgConnection, field: &'a PlaneContext) -> QueryResult<FieldFacts<'a>> {
    Ok(FieldFacts {
        context_key: &field.context_key,
        field_type: field.field_type,
        is_active: field.is_active,
        used: field_used(conn, field.id)?,
        active_options: active_options(conn, field.id)?,
    })
}

/// How a field is named in the audit log.
fn field_label(plane: &Plane, field: &PlaneContext) -> String {
    format!("{} / {}", plane.name, field.label)
}

/// The outcome of an edit of a plane, a field or an option.
#[derive(Debug, Clone)]
pub enum Saved {
    Changed,
    /// The form holds the values the row has: nothing written, no audit row.
    Unchanged,
    /// Another change came after the form was loaded: nothing written.
    Stale,
    NotFound,
    /// A rule refused it (a used field's key, a taken value, …), each
    /// message beside the field it is about: nothing written.
    Refused(FormErrors),
}

/// A plane's editable fields, as the audit log shows them.
fn snapshot(name: &str, description: Option<&str>) -> Value {
    json!({ "name": name, "description": description })
}

/// Sets a plane's label and description if it is still at `version`, with
/// its audit row, in one transaction. The `planes` trigger bumps the
/// directory's change counter, so cached plane names are reloaded on the
/// next request of every instance.
pub fn update_plane(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    version: Version,
    draft: &PlaneDraft,
) -> QueryResult<Saved> {
    conn.transaction(|conn| {
        // Locked, so a concurrent save waits and then sees this one's version.
        let Some(plane) = lock_plane(conn, slug)? else {
            return Ok(Saved::NotFound);
        };
        if Version(plane.updated_at) != version {
            return Ok(Saved::Stale);
        }
        if plane.name == draft.name && plane.description == draft.description {
            return Ok(Saved::Unchanged);
        }
        let Some(updated) = diesel::update(
            planes::table
                .find(plane.id)
                .filter(planes::updated_at.eq(version.0)),
        )
        .set((
            planes::name.eq(&draft.name),
            planes::description.eq(draft.description.as_deref()),
        ))
        .returning(Plane::as_returning())
        .get_result(conn)
        .optional()?
        else {
            return Ok(Saved::Stale);
        };
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Plane,
                action: "updated",
                object_id: Some(plane.id),
                object_label: &updated.name,
                before: Some(snapshot(&plane.name, plane.description.as_deref())),
                after: Some(snapshot(&updated.name, updated.description.as_deref())),
            },
        )?;
        Ok(Saved::Changed)
    })
}

/// What a field's or an option's buttons do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldChange {
    /// Gone from the issue form's next load; issues that answered it keep
    /// showing the answer. Never a delete: issues may refer to it.
    Retire,
    Restore,
    /// Swap places with the one before it.
    Up,
    /// Swap places with the one after it.
    Down,
}

impl FieldChange {
    /// The audit log's verb.
    fn action(self) -> &'static str {
        match self {
            FieldChange::Retire => "retired",
            FieldChange::Restore => "restored",
            FieldChange::Up | FieldChange::Down => "moved",
        }
    }

    fn direction(self) -> Option<Direction> {
        match self {
            FieldChange::Up => Some(Direction::Up),
            FieldChange::Down => Some(Direction::Down),
            FieldChange::Retire | FieldChange::Restore => None,
        }
    }
}

/// A field's editable values, as the audit log shows them.
fn field_snapshot(f: &PlaneContext) -> Value {
    json!({
        "label": f.label,
        "context_key": f.context_key,
        "field_type": f.field_type.as_str(),
        "is_required": f.is_required,
        "help_text": f.help_text,
        "display_order": f.display_order,
        "is_active": f.is_active,
    })
}

/// Retires, restores or moves one field of the plane `slug` if it is still
/// at `version`, with one audit row, in one transaction. A move swaps
/// `display_order` with the neighbour (both rows written in the same
/// transaction); the first field moved up or the last moved down is
/// `Unchanged`. A choice field without options is not restored.
pub fn change_field(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    field_id: Uuid,
    version: Version,
    change: FieldChange,
) -> QueryResult<Saved> {
    conn.transaction(|conn| {
        let Some(plane) = lock_plane(conn, slug)? else {
            return Ok(Saved::NotFound);
        };
        let fields = lock_fields(conn, plane.id)?;
        let Some(at) = fields.iter().position(|f| f.id == field_id) else {
            return Ok(Saved::NotFound);
        };
        let field = &fields[at];
        if Version(field.updated_at) != version {
            return Ok(Saved::Stale);
        }
        let mut is_active = field.is_active;
        let mut new_order = field.display_order;
        let mut neighbour = None;
        match change.direction() {
            None => {
                is_active = change == FieldChange::Restore;
                if field.is_active == is_active {
                    return Ok(Saved::Unchanged);
                }
                if is_active && let Err(why) = rules::field_restore(&facts(conn, field)?) {
                    return Ok(Saved::Refused(FormErrors::form_message(why)));
                }
            }
            Some(direction) => {
                let orders: Vec<i32> = fields.iter().map(|f| f.display_order).collect();
                let Some((order, other_at, other_order)) = rules::moved(&orders, at, direction)
                else {
                    return Ok(Saved::Unchanged);
                };
                new_order = order;
                neighbour = Some((fields[other_at].id, other_order));
            }
        }
        let Some(updated) = diesel::update(
            plane_contexts::table
                .find(field.id)
                .filter(plane_contexts::updated_at.eq(version.0)),
        )
        .set((
            plane_contexts::is_active.eq(is_active),
            plane_contexts::display_order.eq(new_order),
        ))
        .returning(PlaneContext::as_returning())
        .get_result(conn)
        .optional()?
        else {
            return Ok(Saved::Stale);
        };
        if let Some((other_id, order)) = neighbour
            && fields
                .iter()
                .any(|f| f.id == other_id && f.display_order != order)
        {
            diesel::update(plane_contexts::table.find(other_id))
                .set(plane_contexts::display_order.eq(order))
                .execute(conn)?;
        }
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Field,
                action: change.action(),
                object_id: Some(field.id),
                object_label: &field_label(&plane, &updated),
                before: Some(field_snapshot(field)),
                after: Some(field_snapshot(&updated)),
            },
        )?;
        Ok(Saved::Changed)
    })
}
