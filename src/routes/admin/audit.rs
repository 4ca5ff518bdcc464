//! `GET /admin/audit`: the admin audit log, newest first, filtered by kind
//! and by admin, in keyset pages; each row shows who changed what, when,
//! and the fields that changed, before → after.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::extractors::RequireAdmin;
use crate::db::models::admin_audit::AuditEntry;
use crate::db::models::enums::AuditKind;
use crate::db::queries::admin_audit::{self, Actor, AuditCursor, AuditFilter};
use crate::db::{self, PgPool};
use crate::domain::audit::{FieldChange, changed_fields};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;

const PER_PAGE: i64 = 50;

const UNKNOWN_KIND: &str = "That kind of change is unknown, so changes of every kind are shown.";
const UNKNOWN_ACTOR: &str = "That admin has no changes in the log, so everyone's are shown.";
const DAMAGED_PAGE: &str = "That page link is damaged, so the newest changes are shown.";

/// One audit row as the page shows it.
struct EntryView {
    /// For `<time datetime>`: RFC 3339 with milliseconds (the HTML
    /// checker refuses more than three fraction digits).
    at_iso: String,
    at_text: String,
    who: String,
    kind: AuditKind,
    action: String,
    object_label: String,
    changes: Vec<FieldChange>,
}

impl EntryView {
    fn of(entry: AuditEntry) -> Self {
        Self {
            at_iso: entry
                .created_at
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
            at_text: entry.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            changes: changed_fields(entry.before.as_ref(), entry.after.as_ref()),
            who: entry.actor_name,
            kind: entry.kind,
            action: entry.action,
            object_label: entry.object_label,
        }
    }
}

/// An admin in the filter's select.
struct ActorOption {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<EntryView>,
    kinds: &'static [AuditKind],
    actors: Vec<ActorOption>,
    /// The filters in force, as the form and the page links carry them.
    kind: String,
    actor: String,
    notices: Vec<&'static str>,
    /// The first page again, when this is an older one.
    newest_page: Option<String>,
    older_page: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    kind: Option<String>,
    actor: Option<String>,
    before: Option<String>,
}

/// A query value, empty when absent.
fn given(value: &Option<String>) -> &str {
    value.as_deref().map(str::trim).unwrap_or_default()
}

/// GET /admin/audit — admin.
pub async fn list_audit(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notices = Vec::new();
    let kind = match given(&query.kind) {
        "" => None,
        k => AuditKind::parse(k).or_else(|| {
            notices.push(UNKNOWN_KIND);
            None
        }),
    };
    // A malformed id is as unknown as an id nobody has: both get a notice.
    let actor = Uuid::parse_str(given(&query.actor)).ok();
    let before = match given(&query.before) {
        "" => None,
        b => AuditCursor::decode(b).or_else(|| {
            notices.push(DAMAGED_PAGE);
            None
        }),
    };
    let (actors, actor, rows, more) = db::run(&pool, move |conn| {
        let actors = admin_audit::actors(conn)?;
        // Filtering by someone without rows would show an empty page that
        // looks like a broken log; say so instead and show everyone's.
        let actor = actor.filter(|id| actors.iter().any(|a| a.id == *id));
        let filter = AuditFilter {
            kind,
            actor,
            before,
        };
        let (rows, more) = admin_audit::list(conn, &filter, PER_PAGE)?;
        Ok::<_, diesel::result::Error>((actors, actor, rows, more))
    })
    .await?;
    if actor.is_none() && !given(&query.actor).is_empty() {
        notices.push(UNKNOWN_ACTOR);
    }

    let kind_param = kind.map(|k| k.as_str()).unwrap_or_default();
    let actor_param = actor.map(|a| a.to_string()).unwrap_or_default();
    let link = |before: Option<AuditCursor>| {
        let mut href = format!("/admin/audit?kind={kind_param}&actor={actor_param}");
        if let Some(cursor) = before {
            href.push_str("&before=");
            href.push_str(&cursor.encode());
        }
        href
    };
    let older_page = match rows.last() {
        Some(last) if more => Some(link(Some(AuditCursor::after(last)))),
        _ => None,
    };
    let newest_page = before.map(|_| link(None));
    page.render(&AuditPage {
        layout: page.layout("Audit log"),
        entries: rows.into_iter().map(EntryView::of).collect(),
        kinds: AuditKind::ALL,
        actors: actors.iter().map(actor_option).collect(),
        kind: kind_param.to_owned(),
        actor: actor_param,
        notices,
        newest_page,
        older_page,
    })
}

fn actor_option(actor: &Actor) -> ActorOption {
    ActorOption {
        id: actor.id.to_string(),
        name: if actor.name.is_empty() {
            actor.email.clone()
        } else {
            format!("{} ({})", actor.display_name(), actor.email)
        },
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/admin/audit", list_audit);
}
