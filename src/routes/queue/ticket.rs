//! The agent's ticket form on `/issues/{number}`: assignee, status (resolve
//! with notes), priority and category in one save, refused with 409 and the
//! changes made meanwhile when the ticket moved on since the page loaded.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::extractors::RequireAgent;
use crate::auth::flash::FlashKind;
use crate::db::PgPool;
use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};
use crate::domain::form_errors::FormErrors;
use crate::domain::text;
use crate::domain::ticket::{self, Change};
use crate::error::AppError;
use crate::routes::add;
use crate::routes::page::Page;
use crate::routes::portal::issues::{FormState, NotSaved, issue_page, parse_number, save_change};

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
    })
}

/// POST /issues/{number}/update — agents and admins.
pub async fn update_ticket(
    RequireAgent(agent): RequireAgent,
    page: Page,
    pool: web::Data<PgPool>,
    number: web::Path<String>,
    form: web::Form<TicketForm>,
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

pub fn configure(cfg: &mut web::ServiceConfig) {
    add(cfg, Method::POST, "/issues/{number}/update", update_ticket);
}
