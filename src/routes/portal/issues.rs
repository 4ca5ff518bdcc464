//! `/issues`: the viewer's issues (a customer sees their customer's only),
//! an issue's page with its public conversation, replies, and closing or
//! reopening.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::auth::extractors::CurrentUser;
use crate::auth::flash::FlashKind;
use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};
use crate::db::models::users::User;
use crate::db::queries::cursor::Cursor;
use crate::db::queries::issue_detail::{IssueDetail, issue_detail};
use crate::db::queries::portal::{self, ListFilter, ListRow, Viewer};
use crate::db::queries::tickets::{self, ChangeOutcome};
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::domain::ticket::lifecycle::{self, Role};
use crate::domain::ticket::{Change, Refused};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::views::Layout;

const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "portal/issues.html")]
struct IssuesPage {
    layout: Layout,
    rows: Vec<ListRow>,
    statuses: &'static [IssueStatus],
    status: String,
    q: String,
    next_page: Option<String>,
    notice: Option<&'static str>,
    is_staff: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    before: Option<String>,
}

/// GET /issues — signed-in users: customers their customer's issues, staff all.
pub async fn list_issues(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut notice = None;
    let status_text = query.status.clone().unwrap_or_default();
    let status = match status_text.as_str() {
        "" => None,
        s => IssueStatus::parse(s).or_else(|| {
            notice = Some("That status filter is unknown, so all statuses are shown.");
            None
        }),
    };
    let before = match query.before.as_deref() {
        None | Some("") => None,
        Some(c) => Cursor::decode(c).or_else(|| {
            notice = Some("That page link is damaged, so the first page is shown.");
            None
        }),
    };
    let q = text::search_words(query.q.as_deref().unwrap_or_default());
    let filter = ListFilter {
        status,
        search: Some(q.clone()).filter(|s| !s.trim().is_empty()),
        before,
    };
    let viewer = Viewer::of(&user);
    let (rows, more) = db::run(&pool, move |conn| {
        portal::list_issues(conn, viewer, &filter, PER_PAGE)
    })
    .await?;
    let next_page = match rows.last() {
        Some(last) if more => Some(format!(
            "/issues?status={}&q={}&before={}",
            status.map(|s| s.as_str()).unwrap_or(""),
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>(),
            Cursor {
                priority: last.issue.priority,
                at: last.issue.created_at,
                id: last.issue.id,
            }
            .encode()
        )),
        _ => None,
    };
    page.render(&IssuesPage {
        layout: page.layout("Issues"),
        rows,
        statuses: IssueStatus::ALL,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        q,
        next_page,
        notice,
        is_staff: user.is_staff(),
    })
}

#[derive(Template)]
#[template(path = "portal/issue.html")]
struct IssuePage {
    layout: Layout,
    detail: IssueDetail,
    is_staff: bool,
    can_close: bool,
    can_reopen: bool,
    /// What was typed and what was wrong with it.
    form: FormState,
    statuses: &'static [IssueStatus],
    priorities: &'static [IssuePriority],
    categories: &'static [IssueCategory],
    loaded_at: i64,
    me_id: uuid::Uuid,
}

impl IssuePage {
    fn is_assignee(&self, id: &uuid::Uuid) -> bool {
        self.detail.issue.assignee_id == Some(*id)
    }

    /// What changed since a stale form was loaded (staff see all activity).
    fn stale_changes(&self) -> Option<Vec<&str>> {
        let since = self.form.stale_since?;
        let changes = self.detail.activity.iter().filter(|a| a.created_at > since);
        Some(changes.map(|a| a.description.as_str()).collect())
    }
}

pub fn parse_number(raw: &str) -> Result<i64, AppError> {
    raw.trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)
}

/// What the page shows besides the ticket: each form's values as typed
/// and what is wrong with them, or the changes that made an agent's form
/// stale. The default is a plain page answering 200.
#[derive(Default)]
pub struct FormState {
    pub status: StatusCode,
    pub comment_body: String,
    /// The reply form: field `body`.
    pub reply_errors: FormErrors,
    pub reopen_reason: String,
    /// Closing and reopening: field `reason`, and as the form's message
    /// why the change did not happen (refused, or stale page).
    pub status_errors: FormErrors,
    pub resolution_notes: String,
    /// The agent's ticket form: why it was refused, as the form's message.
    pub ticket_errors: FormErrors,
    /// A stale agent form: the activity after this instant is listed.
    pub stale_since: Option<DateTime<Utc>>,
}

pub async fn issue_page(
    page: &Page,
    pool: &PgPool,
    user: &User,
    number: i64,
    state: FormState,
) -> Result<HttpResponse, AppError> {
    let viewer = Viewer::of(user);
    let detail = db::run(pool, move |conn| issue_detail(conn, viewer, number)).await?;
    let actor = Role::of_staff(user.is_staff());
    let status = detail.issue.status;
    let title = format!("#{} {}", detail.issue.number, detail.issue.title);
    page.render_status(
        state.status,
        &IssuePage {
            layout: page.layout(title),
            can_close: lifecycle::transition(status, IssueStatus::Closed, actor).is_ok(),
            can_reopen: lifecycle::transition(status, IssueStatus::Open, actor)
                .is_ok_and(|e| e.reopens),
            is_staff: user.is_staff(),
            detail,
            form: state,
            statuses: IssueStatus::ALL,
            priorities: IssuePriority::ALL,
            categories: IssueCategory::ALL,
            loaded_at: Utc::now().timestamp_micros(),
            me_id: user.id,
        },
    )
}

/// GET /issues/{number} — the issue's customer and staff; 404 for anyone else.
pub async fn show_issue(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let number = parse_number(&number)?;
    issue_page(&page, &pool, &user, number, FormState::default()).await
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    /// Staff only: "true" makes an internal note.
    #[serde(default)]
    internal: String,
}

/// POST /issues/{number}/comments — the issue's customer and staff.
pub async fn create_comment(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let number = parse_number(&number)?;
    let form = form.into_inner();
    if !user.is_staff() && !form.internal.is_empty() {
        return Err(AppError::BadRequest(
            "Customers cannot write internal notes.".into(),
        ));
    }
    let body = match text::check(&form.body, &text::REPLY) {
        Ok(body) => body,
        Err(message) => {
            let state = FormState {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                comment_body: form.body,
                reply_errors: FormErrors::field("body", message),
                ..FormState::default()
            };
            return issue_page(&page, &pool, &user, number, state).await;
        }
    };
    let internal = user.is_staff() && form.internal == "true";
    let author = user.clone();
    db::run(&pool, move |conn| {
        tickets::add_comment(conn, &author, number, &body, internal, Utc::now())
    })
    .await?;
    let message = if internal {
        "Internal note added."
    } else {
        "Reply sent."
    };
    Ok(page.redirect_with(&format!("/issues/{number}"), FlashKind::Success, message))
}

#[derive(Deserialize)]
pub struct StatusForm {
    /// The `lock_version` the page was loaded at.
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

/// Why a ticket change was not saved, for the page to show beside its form.
pub enum NotSaved {
    /// The rules refused it (422).
    Refused(String),
    /// The ticket changed since the page was loaded (409).
    Stale(String),
}

/// Saves `change` of ticket `number` for `user`, the form having been
/// loaded at `version`: the one mapping of a change's outcome shared by
/// the agent's ticket form and closing or reopening. A change no page
/// offers the user is forbidden (403), a form without its version damaged
/// (400), an issue the user cannot see not found (404).
pub async fn save_change(
    user: &User,
    pool: &PgPool,
    number: i64,
    version: &str,
    change: Change,
) -> Result<Result<(), NotSaved>, AppError> {
    let version: Option<i32> = version.parse().ok();
    let who = user.clone();
    let outcome = db::run(pool, move |conn| {
        tickets::change_visible(conn, &who, number, version, &change, Utc::now())
    })
    .await?;
    match outcome {
        ChangeOutcome::Changed(_) => Ok(Ok(())),
        ChangeOutcome::Refused(Refused::StaffOnly) => Err(AppError::Forbidden),
        ChangeOutcome::Refused(why) => Ok(Err(NotSaved::Refused(why.to_string()))),
        ChangeOutcome::Stale(stale) => Ok(Err(NotSaved::Stale(stale.sentence()))),
        ChangeOutcome::NoVersion => Err(AppError::BadRequest(
            "The form is damaged; reload the page.".into(),
        )),
    }
}

/// Moves an issue to `to` for the viewer through the shared ticket-change
/// rules. `Ok(Some(..))` is why it did not happen: 409 for a page loaded
/// before someone else changed the issue, 422 for a refused change.
async fn change_status(
    user: &User,
    pool: &PgPool,
    number: i64,
    to: IssueStatus,
    version: &str,
    reason: Option<String>,
) -> Result<Option<(StatusCode, String)>, AppError> {
    let change = Change {
        status: Some(to),
        reopen_reason: reason,
        ..Change::default()
    };
    let saved = save_change(user, pool, number, version, change).await?;
    Ok(match saved {
        Ok(()) => None,
        Err(NotSaved::Refused(why)) => Some((StatusCode::UNPROCESSABLE_ENTITY, why)),
        Err(NotSaved::Stale(why)) => Some((
            StatusCode::CONFLICT,
            format!("{why} Nothing was changed; here is the issue as it is now."),
        )),
    })
}

/// POST /issues/{number}/close — the issue's customer and staff.
pub async fn close_issue(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let number = parse_number(&number)?;
    if let Some((status, why)) = change_status(
        &user,
        &pool,
        number,
        IssueStatus::Closed,
        &form.version,
        None,
    )
    .await?
    {
        let state = FormState {
            status,
            status_errors: FormErrors::form_message(why),
            ..FormState::default()
        };
        return issue_page(&page, &pool, &user, number, state).await;
    }
    Ok(page.redirect_with(
        &format!("/issues/{number}"),
        FlashKind::Success,
        "Issue closed.",
    ))
}

/// POST /issues/{number}/reopen — the issue's customer and staff; a reason is required.
pub async fn reopen_issue(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let number = parse_number(&number)?;
    let form = form.into_inner();
    let reason = match text::check(&form.reason, &text::REOPEN_REASON) {
        Ok(reason) => reason,
        Err(message) => {
            let state = FormState {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                reopen_reason: form.reason,
                status_errors: FormErrors::field("reason", message),
                ..FormState::default()
            };
            return issue_page(&page, &pool, &user, number, state).await;
        }
    };
    if let Some((status, why)) = change_status(
        &user,
        &pool,
        number,
        IssueStatus::Open,
        &form.version,
        Some(reason),
    )
    .await?
    {
        // The reason typed is kept for another try.
        let state = FormState {
            status,
            status_errors: FormErrors::form_message(why),
            reopen_reason: form.reason,
            ..FormState::default()
        };
        return issue_page(&page, &pool, &user, number, state).await;
    }
    Ok(page.redirect_with(
        &format!("/issues/{number}"),
        FlashKind::Success,
        "Issue reopened.",
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::GET, "/issues", list_issues);
    add(cfg, Method::GET, "/issues/{number}", show_issue);
    add(
        cfg,
        Method::POST,
        "/issues/{number}/comments",
        create_comment,
    );
    add(cfg, Method::POST, "/issues/{number}/close", close_issue);
    add(cfg, Method::POST, "/issues/{number}/reopen", reopen_issue);
}
