//! Changing a ticket: status (through the lifecycle rules), priority,
//! category and assignee, each with its activity row, the resolution when
//! resolving, all in the caller's transaction. One function serves the
//! customer's close/reopen, the agent's ticket form and bulk actions.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::comments::{self, NewComment};
use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus, UserRole};
use crate::db::models::issue_activities::{self, NewIssueActivity, actions};
use crate::db::models::issues::{self, Issue, IssueChangeset};
use crate::db::models::resolutions::{self, NewResolution};
use crate::db::models::users::{self, User};
use crate::db::queries::portal::display_name;
use crate::domain::lifecycle::{self, Actor};
use crate::error::AppError;

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TicketChange {
    pub status: Option<IssueStatus>,
    pub priority: Option<IssuePriority>,
    pub category: Option<IssueCategory>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<Uuid>>,
    /// Required when resolving.
    pub resolution_notes: Option<String>,
    /// Required when a customer reopens; posted as a public reply.
    pub reopen_reason: Option<String>,
}

/// One activity row to write: action, field, from, to, description.
type Entry = (
    &'static str,
    &'static str,
    Option<String>,
    Option<String>,
    String,
);

/// A refusal a person can act on (shown beside the form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Applies `change` to `issue` (loaded by the caller, scoped to the actor,
/// inside the caller's transaction). A ticket changed since `version` is a
/// conflict; a change the rules do not allow is refused; nothing is
/// written unless everything is allowed.
pub fn apply_change(
    conn: &mut PgConnection,
    actor: &User,
    issue: &Issue,
    version: i32,
    change: &TicketChange,
) -> Result<Result<Issue, Refused>, AppError> {
    if issue.lock_version != version {
        return Err(AppError::Conflict(format!(
            "Ticket #{} changed after you opened it.",
            issue.number
        )));
    }
    let refuse = |why: &str| Ok(Err(Refused(why.to_owned())));
    let staff = actor.is_staff();
    if !staff
        && (change.priority.is_some() || change.category.is_some() || change.assignee.is_some())
    {
        return Err(AppError::Forbidden);
    }
    let who = display_name(actor);
    let now = Utc::now();
    let mut set = IssueChangeset::default();
    let mut log: Vec<Entry> = Vec::new();
    // Everything is checked before anything is written.
    let mut resolution = None;

    if let Some(to) = change.status.filter(|s| *s != issue.status) {
        let role = if staff { Actor::Staff } else { Actor::Customer };
        let effects = match lifecycle::transition(issue.status, to, role) {
            Ok(effects) => effects,
            Err(why) => return refuse(why),
        };
        set.status = Some(to);
        if effects.resolves {
            let Some(notes) = change
                .resolution_notes
                .as_deref()
                .filter(|n| !n.trim().is_empty())
            else {
                return refuse("Resolving needs resolution notes: say how it was solved.");
            };
            set.resolved_at = Some(Some(now));
            resolution = Some(notes.trim());
        }
        if effects.closes {
            set.closed_at = Some(Some(now));
        }
        if effects.reopens {
            set.resolved_at = Some(None);
            set.closed_at = Some(None);
            if !staff
                && change
                    .reopen_reason
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty())
            {
                return refuse("Say why the issue is not solved.");
            }
        }
        let description = match (effects.reopens, change.reopen_reason.as_deref()) {
            (true, Some(reason)) => format!("{who} reopened the ticket: {}", reason.trim()),
            (true, None) => format!("{who} reopened the ticket"),
            _ if effects.resolves => format!("{who} resolved the ticket"),
            _ => format!(
                "{who} changed the status from {} to {}",
                issue.status.label(),
                to.label()
            ),
        };
        log.push((
            actions::STATUS_CHANGED,
            "status",
            Some(issue.status.as_str().into()),
            Some(to.as_str().into()),
            description,
        ));
    }
    if let Some(to) = change.priority.filter(|p| *p != issue.priority) {
        set.priority = Some(to);
        log.push((
            actions::PRIORITY_CHANGED,
            "priority",
            Some(issue.priority.as_str().into()),
            Some(to.as_str().into()),
            format!(
                "{who} changed the priority from {} to {}",
                issue.priority.label(),
                to.label()
            ),
        ));
    }
    if let Some(to) = change.category.filter(|c| *c != issue.category) {
        set.category = Some(to);
        log.push((
            actions::CATEGORY_CHANGED,
            "category",
            Some(issue.category.as_str().into()),
            Some(to.as_str().into()),
            format!(
                "{who} changed the category from {} to {}",
                issue.category.label(),
                to.label()
            ),
        ));
    }
    if let Some(to) = change.assignee.filter(|a| *a != issue.assignee_id) {
        let name_of =
            |conn: &mut PgConnection, id: Option<Uuid>| -> Result<Option<String>, AppError> {
                match id {
                    None => Ok(None),
                    Some(id) => Ok(Some(display_name(&users::find(conn, id)?))),
                }
            };
        if let Some(id) = to {
            let agent = users::find(conn, id).ok();
            if !agent.is_some_and(|a| {
                matches!(a.role, UserRole::Agent | UserRole::Admin) && !a.is_disabled()
            }) {
                return refuse("Assign tickets to an active agent from the list.");
            }
        }
        let from_name = name_of(conn, issue.assignee_id)?;
        let to_name = name_of(conn, to)?;
        set.assignee_id = Some(to);
        let (action, description) = match &to_name {
            Some(name) if to == Some(actor.id) => {
                (actions::ASSIGNED, format!("{who} took the ticket ({name})"))
            }
            Some(name) => (
                actions::ASSIGNED,
                format!("{who} assigned the ticket to {name}"),
            ),
            None => (actions::UNASSIGNED, format!("{who} unassigned the ticket")),
        };
        log.push((action, "assignee", from_name, to_name, description));
    }
    if log.is_empty() {
        return Ok(Ok(issue.clone()));
    }
    let updated = issues::update(conn, issue.id, issue.lock_version, &set)?.ok_or_else(|| {
        AppError::Conflict(format!(
            "Ticket #{} changed while it was being saved.",
            issue.number
        ))
    })?;
    if let Some(notes) = resolution {
        resolutions::insert(
            conn,
            &NewResolution {
                issue_id: issue.id,
                resolved_by_id: Some(actor.id),
                resolved_by: &who,
                resolution_notes: notes,
                resolved_at: Some(now),
            },
        )?;
    }
    for (action, field, from, to, description) in &log {
        issue_activities::insert(
            conn,
            &NewIssueActivity {
                issue_id: issue.id,
                actor_id: Some(actor.id),
                action,
                field: Some(field),
                from_value: from.as_deref(),
                to_value: to.as_deref(),
                description,
                created_at: None,
            },
        )?;
    }
    if let Some(reason) = change
        .reopen_reason
        .as_deref()
        .filter(|_| set.closed_at == Some(None))
    {
        comments::insert(
            conn,
            &NewComment {
                issue_id: issue.id,
                author_id: actor.id,
                body: &format!("Reopened: {}", reason.trim()),
                is_internal: false,
                created_at: None,
            },
        )?;
    }
    Ok(Ok(updated))
}
