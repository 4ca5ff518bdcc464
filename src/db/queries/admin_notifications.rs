//! Reads and the one write behind `/admin/notifications`: the outbox
//! newest first, by status and by event, in keyset pages, with the number
//! of the issue each message is about; and an admin's retry of a failed
//! message, audited in the same transaction.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use serde_json::json;
use uuid::Uuid;

use crate::db::models::admin_audit::{self, Change};
use crate::db::models::enums::{AuditKind, NotificationEvent, OutboxStatus};
use crate::db::models::notification_outbox::{self, OutboxRow};
use crate::db::models::users::User;
use crate::db::queries::admin_audit::AuditCursor;
use crate::db::schema::{issues, notification_outbox as outbox};

/// Which rows a page shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    pub event: Option<NotificationEvent>,
    /// Rows older than this one (its `created_at` and id).
    pub before: Option<AuditCursor>,
}

/// A message with the number of the issue it is about.
pub type ListedMessage = (OutboxRow, Option<i64>);

/// One page of rows, newest first, each with its issue's number, and
/// whether older ones follow. One statement, served by the (status,
/// created_at, id) and (created_at, id) indexes.
pub fn list(
    conn: &mut PgConnection,
    filter: &OutboxFilter,
    per_page: i64,
) -> QueryResult<(Vec<ListedMessage>, bool)> {
    let mut query = outbox::table
        .left_join(issues::table.on(outbox::issue_id.eq(issues::id.nullable())))
        .select((OutboxRow::as_select(), issues::number.nullable()))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(outbox::status.eq(status));
    }
    if let Some(event) = filter.event {
        query = query.filter(outbox::event.eq(event));
    }
    if let Some(AuditCursor { at, id }) = filter.before {
        // A row comparison is one index range; an OR of conditions is not.
        query = query.filter(
            diesel::dsl::sql::<Bool>(
                "(notification_outbox.created_at, notification_outbox.id) < (",
            )
            .bind::<Timestamptz, _>(at)
            .sql(", ")
            .bind::<SqlUuid, _>(id)
            .sql(")"),
        );
    }
    let mut rows: Vec<ListedMessage> = query
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(per_page + 1)
        .load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(0));
    Ok((rows, more))
}

/// What became of a retry.
#[derive(Debug)]
pub enum Retry {
    /// Queued again, with a fresh count of attempts.
    Queued(OutboxRow),
    /// The message is not failed (sent, or queued already): nothing done.
    NotFailed(OutboxRow),
}

/// Queues failed message `id` again, audited as `admin`'s change in the
/// same transaction. NotFound when there is no such message.
pub fn retry(conn: &mut PgConnection, admin: &User, id: Uuid) -> QueryResult<Retry> {
    conn.transaction(|conn| {
        let before = notification_outbox::find(conn, id)?;
        let Some(after) = notification_outbox::retry_failed(conn, id)? else {
            return Ok(Retry::NotFailed(before));
        };
        let fields = |row: &OutboxRow| {
            json!({
                "status": row.status.as_str(),
                "attempts": row.attempts,
                "last_error": row.last_error,
            })
        };
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Notification,
                action: "retried",
                object_id: Some(id),
                object_label: &format!("{} to {}", before.event.label(), before.email),
                before: Some(fields(&before)),
                after: Some(fields(&after)),
            },
        )?;
        Ok(Retry::Queued(after))
    })
}
