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
