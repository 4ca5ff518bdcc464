//! `GET /issues/{number}`: an issue's page for its customer and staff,
//! with the state of its forms when a change sent from it comes back.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::parse_number;
use crate::auth::extractors::CurrentUser;
use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};
use crate::db::models::users::User;
use crate::db::queries::issue_detail::{IssueDetail, issue_detail};
use crate::db::queries::issues::Viewer;
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::domain::ticket::lifecycle::{self, Role};
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "issues/show.html")]
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

/// What the page shows besides the ticket: each form's values as typed
/// and what is wrong with them, or the changes that made an agent's form
/// stale. The default is a plain page answering 200.
#[derive(Default)]
pub(super) struct FormState {
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
    /// The page of the conversation before this comment (`?before=`);
    /// none: the latest.
    pub before: Option<uuid::Uuid>,
}

pub(super) async fn issue_page(
    page: &Page,
    pool: &PgPool,
    user: &User,
    number: i64,
    state: FormState,
) -> Result<HttpResponse, AppError> {
    let viewer = Viewer::of(user);
    let before = state.before;
    let detail = db::run(pool, move |conn| issue_detail(conn, viewer, number, before)).await?;
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

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    before: String,
}

/// GET /issues/{number} — the issue's customer and staff; 404 for anyone
/// else. `?before=<comment id>` shows the conversation before that reply.
pub async fn show_issue(
    CurrentUser(user): CurrentUser,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let number = parse_number(&number)?;
    let before = match query.before.as_str() {
        "" => None,
        raw => Some(
            uuid::Uuid::parse_str(raw)
                .map_err(|_| AppError::BadRequest("Unknown page of the conversation.".into()))?,
        ),
    };
    let state = FormState {
        before,
        ..FormState::default()
    };
    issue_page(&page, &pool, &user, number, state).await
}
