//! Changing a ticket: status (through the lifecycle rules), priority,
//! category and assignee, each with its activity row, the resolution when
//! resolving, all in the caller's transaction. One function serves the
//! customer's close/reopen, the agent's ticket form and bulk actions.

use std::collections::HashMap;
use std::collections::hash_map;

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::comments::{self, NewComment};
use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};
use crate::db::models::issue_activities::{self, NewIssueActivity, actions};
use crate::db::models::issues::{self, Issue, IssueChangeset};
use crate::db::models::resolutions::{self, NewResolution};
use crate::db::models::users::{self, User};
use crate::db::queries::portal::{Viewer, find_visible};
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

/// The people changes name, each read once: a bulk assignment of 200
/// tickets reads its assignee once, not once per ticket.
#[derive(Default)]
pub struct People(HashMap<Uuid, Option<User>>);

impl People {
    fn find(&mut self, conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<&User>> {
        let user = match self.0.entry(id) {
            hash_map::Entry::Occupied(known) => known.into_mut(),
            hash_map::Entry::Vacant(slot) => slot.insert(users::find(conn, id).optional()?),
        };
        Ok(user.as_ref())
    }
}

/// A refusal a person can act on (shown beside the form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Loads the ticket `number` as `actor` may see it and applies `change`,
/// in one transaction. A form without its version is damaged (400).
pub fn change_visible(
    conn: &mut PgConnection,
    actor: &User,
    number: i64,
    version: Option<i32>,
    change: &TicketChange,
) -> Result<Result<Issue, Refused>, AppError> {
    conn.transaction(|conn| {
        let issue = find_visible(conn, Viewer::of(actor), number)?;
        let version = version
            .ok_or_else(|| AppError::BadRequest("The form is damaged; reload the page.".into()))?;
        apply_change(conn, actor, &issue, version, change, &mut People::default())
    })
}

/// Adds a public reply or an internal note to the ticket `number` as
/// `author` may see it, with its activity row, and marks the ticket updated.
pub fn add_comment(
    conn: &mut PgConnection,
    author: &User,
    number: i64,
    body: &str,
    internal: bool,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let issue = find_visible(conn, Viewer::of(author), number)?;
        comments::insert(
            conn,
            &NewComment {
                issue_id: issue.id,
                author_id: author.id,
                body,
                is_internal: internal,
                created_at: None,
            },
        )?;
        let (action, what) = if internal {
            (actions::INTERNAL_NOTE, "added an internal note")
        } else {
            (actions::COMMENTED, "replied")
        };
        issue_activities::insert(
            conn,
            &NewIssueActivity {
                issue_id: issue.id,
                actor_id: Some(author.id),
                action,
                field: None,
                from_value: None,
                to_value: None,
                description: &format!("{} {what}", author.display_name()),
                created_at: None,
            },
        )?;
        // "Recently updated" sorts see the reply.
        diesel::update(crate::db::schema::issues::table.find(issue.id))
            .set(crate::db::schema::issues::updated_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(())
    })
}

/// Applies `change` to `issue` (loaded by the caller, scoped to the actor,
/// inside the caller's transaction). A ticket changed since `version` is a
/// conflict; a change the rules do not allow is refused; nothing is
/// written unless everything is allowed. `people` remembers the assignees
/// read, across the tickets of one transaction.
pub fn apply_change(
    conn: &mut PgConnection,
    actor: &User,
    issue: &Issue,
    version: i32,
    change: &TicketChange,
    people: &mut People,
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
    let who = actor.display_name();
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
        let to_name = match to {
            None => None,
            Some(id) => match people.find(conn, id)? {
                Some(a) if a.is_staff() && !a.is_disabled() => Some(a.display_name()),
                _ => return refuse("Assign tickets to an active agent from the list."),
            },
        };
        let from_name = match issue.assignee_id {
            Some(id) => people.find(conn, id)?.map(User::display_name),
            None => None,
        };
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
