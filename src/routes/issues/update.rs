//! The changes posted from an issue's page: a reply (or an agent's
//! internal note), closing and reopening, and the agent's ticket form
//! (assignee, status with resolution notes, priority and category in one
//! save). A change made stale by someone else's answers 409 with the
//! ticket as it is now; a refused one 422 beside its form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::parse_number;
use super::show::{FormState, issue_page};
use crate::auth::extractors::{CurrentUser, RequireAgent};
use crate::auth::flash::FlashKind;
use crate::auth::write_limits::{self, WriteAction};
use crate::config::AppConfig;
use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};
use crate::db::models::users::User;
use crate::db::queries::tickets::{self, ChangeOutcome};
use crate::db::{self, PgPool};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::domain::ticket::{self, Change, Refused};
use crate::error::AppError;
use crate::routes::form::Form;
use crate::routes::page::Page;

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
    config: web::Data<AppConfig>,
    number: web::Path<String>,
    form: Form<CommentForm>,
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
    let limits = config.write_limits;
    db::run(&pool, move |conn| {
        write_limits::within(conn, &limits, author.id, WriteAction::Reply, |conn| {
            tickets::add_comment(conn, &author, number, &body, internal, Utc::now())
        })
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
enum NotSaved {
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
async fn save_change(
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
        status_button: true,
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
    form: Form<StatusForm>,
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
    form: Form<StatusForm>,
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

#[derive(Deserialize)]
pub struct TicketForm {
    #[serde(default)]
    version: String,
    /// When the page was loaded (microseconds), to list what changed since.
    #[serde(default)]
    loaded_at: String,
    assignee_id: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    category: Option<String>,
    #[serde(default)]
    resolution_notes: String,
}

/// The change the form asks for, or what is wrong with it.
fn read_change(form: &TicketForm, me: Uuid) -> Result<Change, String> {
    let assignee = (form.assignee_id.as_deref())
        .map(|word| ticket::parse_assignee(word, me))
        .transpose()
        .map_err(|unknown| unknown.to_string())?;
    fn pick<T>(
        raw: Option<&str>,
        parse: fn(&str) -> Option<T>,
        what: &str,
    ) -> Result<Option<T>, String> {
        match raw {
            None | Some("") => Ok(None),
            Some(v) => parse(v)
                .map(Some)
                .ok_or_else(|| format!("Choose a {what} from the list.")),
        }
    }
    let notes = text::check(&form.resolution_notes, &text::RESOLUTION_NOTES)?;
    Ok(Change {
        status: pick(form.status.as_deref(), IssueStatus::parse, "status")?,
        priority: pick(form.priority.as_deref(), IssuePriority::parse, "priority")?,
        category: pick(form.category.as_deref(), IssueCategory::parse, "category")?,
        assignee,
        resolution_notes: Some(notes).filter(|n| !n.is_empty()),
        reopen_reason: None,
        // The form shows the current status: keeping it is no change.
        status_button: false,
    })
}

/// POST /issues/{number}/update — agents and admins.
pub async fn update_ticket(
    RequireAgent(agent): RequireAgent,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
    form: Form<TicketForm>,
) -> Result<HttpResponse, AppError> {
    let number = parse_number(&number)?;
    let form = form.into_inner();
    let refused = |message: String, status| FormState {
        status,
        ticket_errors: FormErrors::form_message(message),
        resolution_notes: form.resolution_notes.clone(),
        ..FormState::default()
    };
    let change = match read_change(&form, agent.id) {
        Ok(change) => change,
        Err(message) => {
            let state = refused(message, StatusCode::UNPROCESSABLE_ENTITY);
            return issue_page(&page, &pool, &agent, number, state).await;
        }
    };
    match save_change(&agent, &pool, number, &form.version, change).await? {
        Ok(()) => Ok(page.redirect_with(
            &format!("/issues/{number}"),
            FlashKind::Success,
            "Ticket updated.",
        )),
        Err(NotSaved::Refused(why)) => {
            let state = refused(why, StatusCode::UNPROCESSABLE_ENTITY);
            issue_page(&page, &pool, &agent, number, state).await
        }
        Err(NotSaved::Stale(why)) => {
            // Show the ticket as it is now, and what changed since the form
            // was loaded (everything, when that time is missing).
            let since = form
                .loaded_at
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .unwrap_or(DateTime::<Utc>::MIN_UTC);
            let state = FormState {
                status: StatusCode::CONFLICT,
                ticket_errors: FormErrors::form_message(format!(
                    "{why} Nothing you sent was saved; check the changes below and try again."
                )),
                stale_since: Some(since),
                resolution_notes: form.resolution_notes.clone(),
                ..FormState::default()
            };
            issue_page(&page, &pool, &agent, number, state).await
        }
    }
}
