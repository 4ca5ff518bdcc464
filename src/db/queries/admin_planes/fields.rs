//! A context field's own page (the field, whether issues answered it, its
//! options with whether issues chose each: three statements whatever the
//! number of options), adding a field to a plane and editing one, each
//! in one transaction with its `admin_audit` row.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Int4, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::{Saved, facts, field_label, field_snapshot, find_plane, lock_fields, lock_plane};
use crate::db::models::admin_audit::{self, Change};
use crate::db::models::enums::AuditKind;
use crate::db::models::planes::{self, NewPlaneContext, Plane, PlaneContext};
use crate::db::models::users::User;
use crate::db::schema::plane_contexts;
use crate::db::unique_violation;
use crate::db::version::Version;
use crate::domain::admin_planes::fields::{self as rules, FieldDraft};
use crate::domain::form_errors::FormErrors;

/// One option of a field's page.
#[derive(Debug, Clone, QueryableByName)]
pub struct OptionRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub value: String,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Int4)]
    pub display_order: i32,
    #[diesel(sql_type = Bool)]
    pub is_active: bool,
    /// Some issue chose it: its value is fixed.
    #[diesel(sql_type = Bool)]
    pub used: bool,
}

/// A field's page: its plane, the field, whether issues answered it, and
/// its options (retired ones included) in the issue form's order.
#[derive(Debug, Clone)]
pub struct FieldPage {
    pub plane: Plane,
    pub field: PlaneContext,
    pub used: bool,
    pub options: Vec<OptionRow>,
}

/// The options of a field in the issue form's order, each with whether
/// an issue chose it (an index probe each).
pub(super) fn options_of(conn: &mut PgConnection, field_id: Uuid) -> QueryResult<Vec<OptionRow>> {
    diesel::sql_query(
        "SELECT o.id, o.value, o.label, o.display_order, o.is_active, \
                EXISTS (SELECT 1 FROM issue_plane_contexts ipc \
                        WHERE ipc.plane_context_id = o.plane_context_id \
                          AND ipc.value = o.value) AS used \
         FROM plane_context_options o WHERE o.plane_context_id = $1 \
         ORDER BY o.display_order, o.label, o.id",
    )
    .bind::<SqlUuid, _>(field_id)
    .load(conn)
}

/// The field `field_id` of the plane `slug`, for its page; `None` when
/// either is unknown or the field is another plane's.
pub fn load_field(
    conn: &mut PgConnection,
    slug: &str,
    field_id: Uuid,
) -> QueryResult<Option<FieldPage>> {
    use crate::db::schema::issue_plane_contexts as ipc;
    let Some(plane) = find_plane(conn, slug)? else {
        return Ok(None);
    };
    let Some((field, used)) = plane_contexts::table
        .filter(plane_contexts::id.eq(field_id))
        .filter(plane_contexts::plane_id.eq(plane.id))
        .select((
            PlaneContext::as_select(),
            diesel::dsl::exists(ipc::table.filter(ipc::plane_context_id.eq(field_id))),
        ))
        .first::<(PlaneContext, bool)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let options = options_of(conn, field.id)?;
    Ok(Some(FieldPage {
        plane,
        field,
        used,
        options,
    }))
}

/// A field write refused by the unique (plane_id, context_key): another
/// admin's field got the key between the check and the write.
fn key_refusal(e: diesel::result::Error) -> QueryResult<Saved> {
    match unique_violation(&e) {
        Some("plane_contexts_plane_id_context_key_key") => Ok(Saved::Refused(FormErrors::field(
            "context_key",
            "Another field of this plane has this key.",
        ))),
        _ => Err(e),
    }
}

/// Adds a field at the end of the plane `slug`, with its audit row. A
/// choice field starts retired (it has no options yet). `NotFound` for an
/// unknown plane; `Refused` for a key the plane has.
pub fn add_field(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    draft: &FieldDraft,
) -> QueryResult<(Saved, Option<PlaneContext>)> {
    let result = conn.transaction(|conn| {
        let Some(plane) = lock_plane(conn, slug)? else {
            return Ok((Saved::NotFound, None));
        };
        let fields = lock_fields(conn, plane.id)?;
        if let Err(errors) = rules::new_field(draft, fields.iter().map(|f| f.context_key.as_str()))
        {
            return Ok((Saved::Refused(errors), None));
        }
        let field = planes::insert_context(
            conn,
            &NewPlaneContext {
                plane_id: plane.id,
                context_key: &draft.context_key,
                label: &draft.label,
                field_type: draft.field_type,
                is_required: draft.required,
                display_order: rules::next_order(fields.iter().map(|f| f.display_order)),
                help_text: draft.help_text.as_deref(),
                is_active: rules::starts_active(draft.field_type),
            },
        )?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Field,
                action: "created",
                object_id: Some(field.id),
                object_label: &field_label(&plane, &field),
                before: None,
                after: Some(field_snapshot(&field)),
            },
        )?;
        Ok((Saved::Changed, Some(field)))
    });
    match result {
        Err(e) => key_refusal(e).map(|saved| (saved, None)),
        ok => ok,
    }
}

/// Sets a field's label, key, type, required flag and help text if it is
/// still at `version` and the rules allow it (a used field keeps its key
/// and type), with its audit row.
pub fn update_field(
    conn: &mut PgConnection,
    admin: &User,
    slug: &str,
    field_id: Uuid,
    version: Version,
    draft: &FieldDraft,
) -> QueryResult<Saved> {
    let result = conn.transaction(|conn| {
        let Some(plane) = lock_plane(conn, slug)? else {
            return Ok(Saved::NotFound);
        };
        let fields = lock_fields(conn, plane.id)?;
        let Some(before) = fields.iter().find(|f| f.id == field_id) else {
            return Ok(Saved::NotFound);
        };
        if Version(before.updated_at) != version {
            return Ok(Saved::Stale);
        }
        let unchanged = before.label == draft.label
            && before.context_key == draft.context_key
            && before.field_type == draft.field_type
            && before.is_required == draft.required
            && before.help_text == draft.help_text;
        if unchanged {
            return Ok(Saved::Unchanged);
        }
        let others = fields
            .iter()
            .filter(|f| f.id != field_id)
            .map(|f| f.context_key.as_str());
        if let Err(errors) = rules::field_edit(&facts(conn, before)?, draft, others) {
            return Ok(Saved::Refused(errors));
        }
        let Some(updated) = diesel::update(
            plane_contexts::table
                .find(field_id)
                .filter(plane_contexts::updated_at.eq(version.0)),
        )
        .set((
            plane_contexts::label.eq(&draft.label),
            plane_contexts::context_key.eq(&draft.context_key),
            plane_contexts::field_type.eq(draft.field_type),
            plane_contexts::is_required.eq(draft.required),
            plane_contexts::help_text.eq(draft.help_text.as_deref()),
        ))
        .returning(PlaneContext::as_returning())
        .get_result(conn)
        .optional()?
        else {
            return Ok(Saved::Stale);
        };
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Field,
                action: "updated",
                object_id: Some(field_id),
                object_label: &field_label(&plane, &updated),
                before: Some(field_snapshot(before)),
                after: Some(field_snapshot(&updated)),
            },
        )?;
        Ok(Saved::Changed)
    });
    match result {
        Err(e) => key_refusal(e),
        ok => ok,
    }
}
