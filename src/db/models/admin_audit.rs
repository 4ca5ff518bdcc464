//! `admin_audit`: the append-only log of admin changes, one row per change
//! with the object's fields before and after, written in the transaction
//! of the change it records (see [`record`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::db::models::enums::AuditKind;
use crate::db::models::users::User;
use crate::db::schema::admin_audit;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = admin_audit, check_for_backend(diesel::pg::Pg))]
pub struct AuditEntry {
    pub id: Uuid,
    /// `None` once the admin is deleted; `actor_name` keeps who it was.
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub kind: AuditKind,
    /// A verb: created, updated, disabled, enabled, retired, restored,
    /// moved, imported.
    pub action: String,
    pub object_id: Option<Uuid>,
    pub object_label: String,
    /// The object's fields before the change (`None` for a creation).
    pub before: Option<Value>,
    /// The object's fields after the change.
    pub after: Option<Value>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = admin_audit)]
struct NewAuditEntry<'a> {
    actor_id: Option<Uuid>,
    actor_name: &'a str,
    kind: AuditKind,
    action: &'a str,
    object_id: Option<Uuid>,
    object_label: &'a str,
    before: Option<&'a Value>,
    after: Option<&'a Value>,
}

/// One admin change, as the page that made it describes it.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub kind: AuditKind,
    pub action: &'a str,
    pub object_id: Option<Uuid>,
    pub object_label: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Writes the audit row of `change` by `admin`. Call it inside the
/// transaction that makes the change, so both commit or neither does.
pub fn record(conn: &mut PgConnection, admin: &User, change: &Change) -> QueryResult<()> {
    diesel::insert_into(admin_audit::table)
        .values(NewAuditEntry {
            actor_id: Some(admin.id),
            actor_name: &admin.display_name(),
            kind: change.kind,
            action: change.action,
            object_id: change.object_id,
            object_label: change.object_label,
            before: change.before.as_ref(),
            after: change.after.as_ref(),
        })
        .execute(conn)?;
    Ok(())
}

/// One object of a change made to many objects at once (an import). The
/// fields before and after come as JSON text, not [`Value`]s: a parsed
/// value costs about a kilobyte per doc, 20 MB for an import of 10,000.
#[derive(Debug, Clone)]
pub struct ObjectChange {
    pub object_id: Uuid,
    pub object_label: String,
    /// A JSON object, as [`AuditEntry::before`] holds it.
    pub before: Option<String>,
    /// A JSON object, as [`AuditEntry::after`] holds it.
    pub after: Option<String>,
}

/// Writes one audit row per object of `changes`, all of the same kind and
/// action by `admin`, in one statement whatever their number (a row per
/// statement would be 10,000 round trips for a large import). Call it
/// inside the transaction that makes the changes.
pub fn record_each(
    conn: &mut PgConnection,
    admin: &User,
    kind: AuditKind,
    action: &str,
    changes: &[ObjectChange],
) -> QueryResult<()> {
    use diesel::sql_types::{Array, Nullable, Text, Uuid as SqlUuid};
    if changes.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = changes.iter().map(|c| c.object_id).collect();
    let labels: Vec<&str> = changes.iter().map(|c| c.object_label.as_str()).collect();
    let befores: Vec<Option<&str>> = changes.iter().map(|c| c.before.as_deref()).collect();
    let afters: Vec<Option<&str>> = changes.iter().map(|c| c.after.as_deref()).collect();
    diesel::sql_query(
        "INSERT INTO admin_audit \
             (actor_id, actor_name, kind, action, object_id, object_label, before, after) \
         SELECT $1, $2, $3::audit_kind, $4, c.id, c.label, c.before::jsonb, c.after::jsonb \
         FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS c(id, label, before, after)",
    )
    .bind::<SqlUuid, _>(admin.id)
    .bind::<Text, _>(admin.display_name())
    .bind::<Text, _>(kind.as_str())
    .bind::<Text, _>(action)
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Array<Text>, _>(labels)
    .bind::<Array<Nullable<Text>>, _>(befores)
    .bind::<Array<Nullable<Text>>, _>(afters)
    .execute(conn)?;
    Ok(())
}
