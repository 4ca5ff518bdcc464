//! The admin's plane pages: every plane in display order with its number
//! of active context fields (one statement), one plane with its fields,
//! and the plane edit, run in one transaction with its `admin_audit` row
//! and checked against the version the form was loaded at.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use serde_json::{Value, json};

use crate::db::models::admin_audit::{self, Change};
use crate::db::models::enums::AuditKind;
use crate::db::models::planes::{Plane, PlaneContext};
use crate::db::models::users::User;
use crate::db::schema::{plane_contexts, planes};
use crate::db::version::Version;
use crate::domain::admin_planes::PlaneDraft;

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

/// A plane by slug with all its context fields (retired ones included) in
/// display order: two statements whatever the number of fields. `None`
/// for an unknown slug.
pub fn load(
    conn: &mut PgConnection,
    slug: &str,
) -> QueryResult<Option<(Plane, Vec<PlaneContext>)>> {
    let Some(plane) = planes::table
        .filter(planes::slug.eq(slug))
        .select(Plane::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let fields = plane_contexts::table
        .filter(plane_contexts::plane_id.eq(plane.id))
        .order((
            plane_contexts::display_order.asc(),
            plane_contexts::context_key.asc(),
        ))
        .select(PlaneContext::as_select())
        .load(conn)?;
    Ok(Some((plane, fields)))
}

/// The outcome of a plane edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    Changed,
    /// The form holds the values the row has: nothing written, no audit row.
    Unchanged,
    /// Another change came after the form was loaded: nothing written.
    Stale,
    NotFound,
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
        let Some(plane) = planes::table
            .filter(planes::slug.eq(slug))
            .select(Plane::as_select())
            .for_update()
            .first(conn)
            .optional()?
        else {
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

/// What a field's buttons do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldChange {
    /// Gone from the issue form's next load; issues that answered it keep
    /// showing the answer. Never a delete: issues may refer to it.
    Retire,
    Restore,
    /// Swap places with the field before it.
    Up,
    /// Swap places with the field after it.
    Down,
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
/// `Unchanged`. The plane row is locked first, so two moves in one plane
/// never interleave.
pub fn change_field(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    field_id: uuid::Uuid,
    version: Version,
    change: FieldChange,
) -> QueryResult<Saved> {
    conn.transaction(|conn| {
        let Some(plane) = planes::table
            .filter(planes::slug.eq(slug))
            .select(Plane::as_select())
            .for_update()
            .first(conn)
            .optional()?
        else {
            return Ok(Saved::NotFound);
        };
        let fields: Vec<PlaneContext> = plane_contexts::table
            .filter(plane_contexts::plane_id.eq(plane.id))
            .order((
                plane_contexts::display_order.asc(),
                plane_contexts::context_key.asc(),
            ))
            .select(PlaneContext::as_select())
            .for_update()
            .load(conn)?;
        let Some(at) = fields.iter().position(|f| f.id == field_id) else {
            return Ok(Saved::NotFound);
        };
        let field = &fields[at];
        if Version(field.updated_at) != version {
            return Ok(Saved::Stale);
        }
        let (action, new_order, neighbour) = match change {
            FieldChange::Retire | FieldChange::Restore => {
                let active = change == FieldChange::Restore;
                if field.is_active == active {
                    return Ok(Saved::Unchanged);
                }
                let action = if active { "restored" } else { "retired" };
                (action, field.display_order, None)
            }
            FieldChange::Up | FieldChange::Down => {
                let other = match change {
                    FieldChange::Up => at.checked_sub(1).and_then(|i| fields.get(i)),
                    _ => fields.get(at + 1),
                };
                let Some(other) = other else {
                    return Ok(Saved::Unchanged);
                };
                // Equal orders (ties broken by key) still change places.
                let new_order = match (other.display_order == field.display_order, change) {
                    (false, _) => other.display_order,
                    (true, FieldChange::Up) => other.display_order - 1,
                    (true, _) => other.display_order + 1,
                };
                ("moved", new_order, Some((other.id, field.display_order)))
            }
        };
        let is_active = match change {
            FieldChange::Retire => false,
            FieldChange::Restore => true,
            _ => field.is_active,
        };
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
            && fields[at].display_order != new_order
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
                action,
                object_id: Some(field.id),
                object_label: &format!("{} / {}", plane.name, updated.label),
                before: Some(field_snapshot(field)),
                after: Some(field_snapshot(&updated)),
            },
        )?;
        Ok(Saved::Changed)
    })
}
