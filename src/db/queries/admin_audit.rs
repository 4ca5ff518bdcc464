//! Reads of the admin audit log for `/admin/audit`: its rows newest first,
//! by kind and by admin, in keyset pages ([`AuditCursor`]), and the admins
//! who have rows, for the page's filter. Rows are written by
//! `db::models::admin_audit::record`, in the transaction of each change.

use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::models::admin_audit::AuditEntry;
use crate::db::models::enums::AuditKind;
use crate::db::models::users::shown_name;
use crate::db::schema::admin_audit;

/// Where the previous page ended: its last row's time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl AuditCursor {
    /// The cursor after `entry`.
    pub fn after(entry: &AuditEntry) -> Self {
        Self {
            at: entry.created_at,
            id: entry.id,
        }
    }

    /// `<microseconds>.<uuid>`, the value of a page link's `before`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at.timestamp_micros(), self.id)
    }

    /// The cursor a link carries; `None` for anything damaged or for a
    /// time PostgreSQL would refuse (the page shows a notice instead).
    pub fn decode(value: &str) -> Option<Self> {
        let (micros, id) = value.split_once('.')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        let id = Uuid::parse_str(id).ok()?;
        (1970..=9999)
            .contains(&at.year())
            .then_some(Self { at, id })
    }
}

/// Which rows a page shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditFilter {
    pub kind: Option<AuditKind>,
    pub actor: Option<Uuid>,
    pub before: Option<AuditCursor>,
}

/// One page of rows, newest first, and whether older ones follow. One
/// statement, served by the (kind | actor_id, created_at, id) indexes.
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    per_page: i64,
) -> QueryResult<(Vec<AuditEntry>, bool)> {
    let mut query = admin_audit::table
        .select(AuditEntry::as_select())
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(admin_audit::kind.eq(kind));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(admin_audit::actor_id.eq(actor));
    }
    if let Some(AuditCursor { at, id }) = filter.before {
        // A row comparison is one index range; an OR of conditions is not.
        query = query.filter(
            diesel::dsl::sql::<Bool>("(admin_audit.created_at, admin_audit.id) < (")
                .bind::<Timestamptz, _>(at)
                .sql(", ")
                .bind::<SqlUuid, _>(id)
                .sql(")"),
        );
    }
    let mut rows: Vec<AuditEntry> = query
        .order((admin_audit::created_at.desc(), admin_audit::id.desc()))
        .limit(per_page + 1)
        .load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(0));
    Ok((rows, more))
}

/// Someone who made audited changes (an admin, or a former one).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Actor {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub email: String,
}

impl Actor {
    pub fn display_name(&self) -> String {
        shown_name(&self.name, &self.email)
    }
}

/// The people who have audit rows, by name: demoted admins included (their
/// changes stay theirs), deleted ones not (their rows keep only a name).
/// The distinct actors are found by skipping through the actor index, one
/// probe per person, so a long log costs no more than a short one.
pub fn actors(conn: &mut PgConnection) -> QueryResult<Vec<Actor>> {
    diesel::sql_query(
        "WITH RECURSIVE actor AS (
           (SELECT actor_id AS id FROM admin_audit WHERE actor_id IS NOT NULL
            ORDER BY actor_id LIMIT 1)
           UNION ALL
           SELECT (SELECT a.actor_id FROM admin_audit a WHERE a.actor_id > actor.id
                   ORDER BY a.actor_id LIMIT 1)
           FROM actor WHERE actor.id IS NOT NULL
         )
         SELECT u.id, u.name::text AS name, u.email::text AS email
         FROM actor JOIN users u ON u.id = actor.id
         ORDER BY lower(coalesce(nullif(u.name, ''), u.email)), u.id",
    )
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = AuditCursor {
            at: DateTime::from_timestamp_micros(1_764_500_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(AuditCursor::decode(&c.encode()), Some(c));
        for bad in [
            "",
            ".",
            "x.y",
            "1764500000123456",
            "1764500000123456.not-a-uuid",
            "-300000000000000000.00000000-0000-0000-0000-000000000000",
            "99999999999999999999.00000000-0000-0000-0000-000000000000",
            // The queue's cursor is not this list's.
            "high.1.00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(AuditCursor::decode(bad), None, "{bad}");
        }
    }
}
