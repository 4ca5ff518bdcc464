//! The agent workspace: `/queue` (views, filters, search, sort, keyset
//! pages, counts) and its bulk actions. One ticket's page and its forms
//! are `/issues/{number}`, in `routes::issues`.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use crate::auth::extractors::RequireAgent;
use crate::auth::flash::FlashKind;
use crate::db::cache::{Caches, Markers};
use crate::db::models::enums::{EnvType, IssueCategory, IssuePriority, IssueStatus};
use crate::db::queries::cursor::Cursor;
use crate::db::queries::directory::Directory;
use crate::db::queries::queue::{self, Assignee, QueueFilter, QueueRow, Sort, View};
use crate::db::queries::tickets::{self, BulkOutcome};
use crate::db::{self, PgPool};
use crate::domain::ticket::{Change, parse_assignee};
use crate::domain::{form_pairs, text};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;

pub const PER_PAGE: i64 = 50;
/// Most tickets one bulk action changes.
pub const BULK_MAX: usize = 200;

#[derive(Template)]
#[template(path = "queue/index.html")]
struct QueuePage {
    layout: Layout,
    tabs: Vec<Tab>,
    filter: QueueFilter,
    /// The raw query, to keep in links.
    params: Params,
    rows: Vec<QueueRow>,
    next_page: Option<String>,
    notices: Vec<String>,
    /// Names and the customer, plane and agent lists.
    directory: Arc<Directory>,
    statuses: &'static [IssueStatus],
    priorities: &'static [IssuePriority],
    categories: &'static [IssueCategory],
    env_types: &'static [EnvType],
    sorts: &'static [Sort],
    return_to: String,
}

impl QueuePage {
    /// "3d", "5h", "12m": how long ago a ticket was filed.
    fn age(&self, row: &QueueRow) -> String {
        let minutes = (Utc::now() - row.issue.created_at).num_minutes().max(0);
        match minutes {
            m if m < 60 => format!("{m}m"),
            m if m < 60 * 24 => format!("{}h", m / 60),
            m => format!("{}d", m / (60 * 24)),
        }
    }
}

struct Tab {
    href: String,
    label: &'static str,
    count: String,
    current: bool,
}

/// The query parameters as given (strings), so the page can echo them.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub view: String,
    pub status: String,
    pub priority: String,
    pub category: String,
    pub plane: String,
    pub any_plane: String,
    pub customer: String,
    pub env_type: String,
    pub assignee: String,
    pub from: String,
    pub to: String,
    pub q: String,
    pub sort: String,
}

impl Params {
    fn from_pairs(pairs: &[(String, String)]) -> (Self, Option<String>) {
        let mut p = Params::default();
        let mut after = None;
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "view" => &mut p.view,
                "status" => &mut p.status,
                "priority" => &mut p.priority,
                "category" => &mut p.category,
                "plane" => &mut p.plane,
                "any_plane" => &mut p.any_plane,
                "customer" => &mut p.customer,
                "env_type" => &mut p.env_type,
                "assignee" => &mut p.assignee,
                "from" => &mut p.from,
                "to" => &mut p.to,
                "q" => &mut p.q,
                "sort" => &mut p.sort,
                "after" => {
                    after = Some(v.clone());
                    continue;
                }
                _ => continue,
            };
            *slot = v.chars().take(200).collect();
        }
        (p, after)
    }

    /// The query string for these filters, with `view` replaced.
    fn query_with_view(&self, view: &str) -> String {
        let pairs = [
            ("view", view),
            ("status", self.status.as_str()),
            ("priority", &self.priority),
            ("category", &self.category),
            ("plane", &self.plane),
            ("any_plane", &self.any_plane),
            ("customer", &self.customer),
            ("env_type", &self.env_type),
            ("assignee", &self.assignee),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(k, v);
        }
        query.finish()
    }
}

/// Turns the parameters into a filter; values that mean nothing are
/// ignored with a notice, never passed to the database.
fn parse_filter(params: &Params, after: Option<&str>, notices: &mut Vec<String>) -> QueueFilter {
    fn pick<T>(
        raw: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        notices: &mut Vec<String>,
    ) -> Option<T> {
        if raw.is_empty() {
            return None;
        }
        let parsed = parse(raw);
        if parsed.is_none() {
            notices.push(format!("The {what} “{raw}” is unknown and was ignored."));
        }
        parsed
    }
    let uuid = |s: &str| Uuid::parse_str(s).ok();
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (1970..=9999).contains(&chrono::Datelike::year(d)))
    };
    let mut filter = QueueFilter {
        view: pick(&params.view, "view", View::parse, notices).unwrap_or(View::Open),
        status: pick(&params.status, "status", IssueStatus::parse, notices),
        priority: pick(&params.priority, "priority", IssuePriority::parse, notices),
        category: pick(&params.category, "category", IssueCategory::parse, notices),
        plane: pick(&params.plane, "plane", uuid, notices),
        any_plane: pick(&params.any_plane, "plane", uuid, notices),
        customer: pick(&params.customer, "customer", uuid, notices),
        env_type: pick(
            &params.env_type,
            "environment type",
            EnvType::parse,
            notices,
        ),
        assignee: pick(
            &params.assignee,
            "assignee",
            |s| {
                if s == "none" {
                    Some(Assignee::Nobody)
                } else {
                    uuid(s).map(Assignee::User)
                }
            },
            notices,
        ),
        from: pick(&params.from, "start date", date, notices),
        to: pick(&params.to, "end date", date, notices),
        q: Some(text::search_words(&params.q)).filter(|q| !q.is_empty()),
        sort: pick(&params.sort, "sort", Sort::parse, notices).unwrap_or(Sort::Created),
        after: None,
    };
    if let Some(raw) = after.filter(|a| !a.is_empty()) {
        filter.after = Cursor::decode(raw);
        if filter.after.is_none() {
            notices.push("That page link is damaged, so the first page is shown.".into());
        }
    }
    filter
}

/// GET /queue — agents and admins.
pub async fn list_queue(
    RequireAgent(agent): RequireAgent,
    page: Page,
    pool: web::Data<PgPool>,
    caches: web::Data<Caches>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (pairs, _) = form_pairs::decode(req.query_string().as_bytes());
    let (params, after) = Params::from_pairs(&pairs);
    let mut notices = Vec::new();
    let filter = parse_filter(&params, after.as_deref(), &mut notices);
    let me = agent.id;
    let query_filter = filter.clone();
    let (rows, more, counts, directory) = db::run(&pool, move |conn| {
        // Read before the page, so a cache entry is never newer than it.
        let markers = Markers::read(conn)?;
        let (issues, more) = queue::list(conn, me, &query_filter, PER_PAGE)?;
        let other_planes = queue::other_planes(conn, &issues)?;
        let named = issues
            .iter()
            .flat_map(|i| i.named_ids())
            .chain(other_planes.iter().map(|(_, plane)| *plane));
        let directory = caches.directory(conn, markers, named)?;
        let counts = caches.view_counts(conn, markers, me)?;
        let rows = QueueRow::name_all(issues, &other_planes, &directory);
        Ok::<_, AppError>((rows, more, counts, directory))
    })
    .await?;
    let tabs = counts
        .into_iter()
        .map(|(view, count)| Tab {
            href: format!("/queue?{}", params.query_with_view(view.as_str())),
            label: view.label(),
            count: queue::format_count(count),
            current: view == filter.view,
        })
        .collect();
    let base = params.query_with_view(filter.view.as_str());
    let next_page = match rows.last() {
        Some(last) if more => Some(format!(
            "/queue?{base}&after={}",
            queue::cursor_after(last, filter.sort).encode()
        )),
        _ => None,
    };
    let return_to = match req.query_string() {
        "" => "/queue".to_owned(),
        q => format!("/queue?{q}"),
    };
    page.render(&QueuePage {
        layout: page.layout("Queue"),
        tabs,
        filter,
        params,
        rows,
        next_page,
        notices,
        directory,
        statuses: IssueStatus::ALL,
        priorities: IssuePriority::ALL,
        categories: IssueCategory::ALL,
        env_types: EnvType::ALL,
        sorts: Sort::ALL,
        return_to,
    })
}

/// POST /queue/bulk — agents and admins: assign, change status or priority
/// of the selected tickets; every ticket gets its activity row, and all of
/// them change or none does.
pub async fn bulk_update(
    RequireAgent(agent): RequireAgent,
    page: Page,
    pool: web::Data<PgPool>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (pairs, _) = form_pairs::decode(&body);
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let return_to = match value("return_to") {
        r if (r == "/queue" || r.starts_with("/queue?")) && !r.chars().any(char::is_control) => r,
        _ => "/queue".to_owned(),
    };
    let back = |kind, message: &str| Ok(page.redirect_with(&return_to, kind, message));
    // Each selected ticket as `<id>.<version>`: the version it was listed
    // at, so a ticket someone changed since is a conflict, not overwritten.
    let selected: BTreeMap<Uuid, i32> = pairs
        .iter()
        .filter(|(k, _)| k == "issue")
        .filter_map(|(_, v)| {
            let (id, version) = v.split_once('.')?;
            Some((Uuid::parse_str(id).ok()?, version.parse().ok()?))
        })
        .collect();
    if selected.is_empty() {
        return back(FlashKind::Warning, "Select at least one ticket first.");
    }
    if selected.len() > BULK_MAX {
        return back(
            FlashKind::Error,
            &format!("Select at most {BULK_MAX} tickets at once."),
        );
    }
    let change = match value("action").as_str() {
        "assign" => match parse_assignee(&value("assignee_id"), agent.id) {
            Ok(to) => Change {
                assignee: Some(to),
                ..Default::default()
            },
            Err(unknown) => return back(FlashKind::Error, &unknown.to_string()),
        },
        "status" => match IssueStatus::parse(&value("status")) {
            Some(IssueStatus::Resolved) => {
                return back(
                    FlashKind::Error,
                    "Resolve tickets one at a time: each needs its resolution notes.",
                );
            }
            Some(status) => Change {
                status: Some(status),
                ..Default::default()
            },
            None => return back(FlashKind::Error, "Choose a status from the list."),
        },
        "priority" => match IssuePriority::parse(&value("priority")) {
            Some(priority) => Change {
                priority: Some(priority),
                ..Default::default()
            },
            None => return back(FlashKind::Error, "Choose a priority from the list."),
        },
        _ => {
            return back(
                FlashKind::Error,
                "Choose what to do with the selected tickets.",
            );
        }
    };
    let actor = agent.clone();
    let outcome = db::run(&pool, move |conn| {
        tickets::change_many(conn, &actor, &selected, &change, Utc::now())
    })
    .await?;
    match outcome {
        BulkOutcome::Changed(changed) => {
            tracing::info!(agent_id = %agent.id, changed, "bulk update");
            back(FlashKind::Success, &format!("{changed} ticket(s) updated."))
        }
        BulkOutcome::Refused { number, why } => back(
            FlashKind::Error,
            &format!("Nothing was changed. #{number}: {why}"),
        ),
        BulkOutcome::Stale(stale) => back(
            FlashKind::Error,
            &format!("Nothing was changed. {}", stale.sentence()),
        ),
        BulkOutcome::Missing => back(
            FlashKind::Error,
            "Nothing was changed: a selected ticket no longer exists.",
        ),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/queue", list_queue);
    add(cfg, Method::POST, "/queue/bulk", bulk_update);
}
