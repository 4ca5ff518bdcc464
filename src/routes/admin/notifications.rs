//! `/admin/notifications`: the e-mail outbox, newest first, filtered by
//! status (queued, sent, failed) and event, in keyset pages; each message
//! with its recipient, issue, attempts and, when it failed, the server's
//! reason. A failed message can be queued again (an audited change). It
//! also says how many changes still wait for their messages to be
//! written (the fan-out's backlog).

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extractors::RequireAdmin;
use crate::auth::flash::FlashKind;
use crate::config::AppConfig;
use crate::db::models::enums::{NotificationEvent, OutboxStatus};
use crate::db::models::notification_events;
use crate::db::models::notification_outbox::OutboxRow;
use crate::db::queries::admin_audit::AuditCursor;
use crate::db::queries::admin_notifications::{self, OutboxFilter, Retry};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::admin::path_id;
use crate::routes::page::Page;
use crate::views::Layout;

const PER_PAGE: i64 = 50;

const UNKNOWN_STATUS: &str = "That status is unknown, so messages of every status are shown.";
const UNKNOWN_EVENT: &str = "That event is unknown, so messages of every event are shown.";
const DAMAGED_PAGE: &str = "That page link is damaged, so the newest messages are shown.";

/// One message as the page shows it.
struct MessageView {
    id: String,
    /// For `<time datetime>`: milliseconds at most (the HTML checker's limit).
    at_iso: String,
    at_text: String,
    event: NotificationEvent,
    email: String,
    number: Option<i64>,
    status: OutboxStatus,
    attempts: i32,
    /// Why the last attempt failed (also while queued for a retry).
    reason: Option<String>,
    /// When it is due, for a queued message that failed before.
    next_text: Option<String>,
}

impl MessageView {
    fn of((row, number): (OutboxRow, Option<i64>)) -> Self {
        let next_text = (row.status == OutboxStatus::Queued && row.attempts > 0).then(|| {
            row.next_attempt_at
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        });
        Self {
            id: row.id.to_string(),
            at_iso: row.created_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            at_text: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            event: row.event,
            email: row.email,
            number,
            status: row.status,
            attempts: row.attempts,
            reason: row.last_error,
            next_text,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/notifications.html")]
struct NotificationsPage {
    layout: Layout,
    mail_enabled: bool,
    /// Changes whose messages are not written yet, and since when.
    waiting: i64,
    waiting_since: String,
    messages: Vec<MessageView>,
    statuses: &'static [OutboxStatus],
    events: &'static [NotificationEvent],
    /// The filters in force, as the form and the page links carry them.
    status: String,
    event: String,
    notices: Vec<&'static str>,
    newest_page: Option<String>,
    older_page: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    status: Option<String>,
    event: Option<String>,
    before: Option<String>,
}

/// A query value, empty when absent.
fn given(value: &Option<String>) -> &str {
    value.as_deref().map(str::trim).unwrap_or_default()
}

/// GET /admin/notifications — admin.
pub async fn list_notifications(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    config: web::Data<AppConfig>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notices = Vec::new();
    let status = match given(&query.status) {
        "" => None,
        s => OutboxStatus::parse(s).or_else(|| {
            notices.push(UNKNOWN_STATUS);
            None
        }),
    };
    let event = match given(&query.event) {
        "" => None,
        e => NotificationEvent::parse(e).or_else(|| {
            notices.push(UNKNOWN_EVENT);
            None
        }),
    };
    let before = match given(&query.before) {
        "" => None,
        b => AuditCursor::decode(b).or_else(|| {
            notices.push(DAMAGED_PAGE);
            None
        }),
    };
    let filter = OutboxFilter {
        status,
        event,
        before,
    };
    let ((rows, more), (waiting, waiting_since)) = db::run(&pool, move |conn| {
        let listed = admin_notifications::list(conn, &filter, PER_PAGE)?;
        Ok::<_, diesel::result::Error>((listed, notification_events::waiting(conn)?))
    })
    .await?;
    let status_param = status.map(|s| s.as_str()).unwrap_or_default();
    let event_param = event.map(|e| e.as_str()).unwrap_or_default();
    let link = |before: Option<AuditCursor>| {
        let mut href = format!("/admin/notifications?status={status_param}&event={event_param}");
        if let Some(cursor) = before {
            href.push_str("&before=");
            href.push_str(&cursor.encode());
        }
        href
    };
    let older_page = match rows.last() {
        Some((last, _)) if more => Some(link(Some(AuditCursor {
            at: last.created_at,
            id: last.id,
        }))),
        _ => None,
    };
    page.render(&NotificationsPage {
        layout: page.layout("Notifications"),
        mail_enabled: config.mail_enabled,
        waiting,
        waiting_since: waiting_since
            .map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default(),
        messages: rows.into_iter().map(MessageView::of).collect(),
        statuses: OutboxStatus::ALL,
        events: NotificationEvent::ALL,
        status: status_param.to_owned(),
        event: event_param.to_owned(),
        notices,
        newest_page: before.map(|_| link(None)),
        older_page,
    })
}

/// POST /admin/notifications/{id}/retry — admin: queues a failed message
/// again with a fresh count of attempts.
pub async fn retry_notification(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path_id(&id)?;
    let admin_id = admin.id;
    let outcome = db::run(&pool, move |conn| {
        admin_notifications::retry(conn, &admin, id)
    })
    .await?;
    Ok(match outcome {
        Retry::Queued(row) => {
            tracing::info!(%admin_id, message = %row.id, "notification queued again");
            page.redirect_with(
                "/admin/notifications?status=queued",
                FlashKind::Success,
                &format!("The message to {} is queued again.", row.email),
            )
        }
        Retry::NotFailed(row) => page.redirect_with(
            "/admin/notifications",
            FlashKind::Info,
            &format!(
                "The message to {} is {}, not failed: nothing to retry.",
                row.email,
                row.status.label().to_lowercase()
            ),
        ),
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/notifications", list_notifications);
    add(
        cfg,
        Method::POST,
        "/admin/notifications/{id}/retry",
        retry_notification,
    );
}
