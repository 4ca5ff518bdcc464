//! The rules for changing a ticket, without a database: who may change
//! what, the lifecycle ([`lifecycle`]), what a change writes (the fields,
//! the resolved/closed times, the resolution, the reopen reply) and the
//! activity entries it logs ([`activity`]). [`plan`] turns a requested
//! [`Change`] into a [`Plan`] the storage layer writes as it is, or says
//! why not ([`Refused`]). It works on its own plain types; the time is
//! passed in, so history can be written with past times too.

pub mod activity;
pub mod lifecycle;

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};

pub use activity::{Action, Activity};
use lifecycle::Role;

/// A ticket as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub status: IssueStatus,
    pub priority: IssuePriority,
    pub category: IssueCategory,
    pub assignee: Option<Uuid>,
}

/// Who asks for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Uuid,
    /// As activity sentences name them.
    pub name: String,
    /// Agents and admins.
    pub staff: bool,
}

/// A person a change names (the ticket's assignee, or the one it is to
/// be assigned to), as looked up by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub name: String,
    /// Staff and not disabled: only they take tickets.
    pub active_agent: bool,
}

/// The people looked up for changes, by id; an id looked up and not
/// found is known to be nobody. One value can serve many tickets (a bulk
/// assignment looks its assignee up once).
#[derive(Debug, Clone, Default)]
pub struct People(HashMap<Uuid, Option<Candidate>>);

impl People {
    /// Whether `id` was looked up already (found or not).
    pub fn knows(&self, id: Uuid) -> bool {
        self.0.contains_key(&id)
    }

    /// Records what looking `id` up found.
    pub fn learn(&mut self, id: Uuid, found: Option<Candidate>) {
        self.0.insert(id, found);
    }

    fn get(&self, id: Uuid) -> Option<&Candidate> {
        self.0.get(&id).and_then(Option::as_ref)
    }
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub status: Option<IssueStatus>,
    pub priority: Option<IssuePriority>,
    pub category: Option<IssueCategory>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<Uuid>>,
    /// Required when resolving.
    pub resolution_notes: Option<String>,
    /// Required when a customer reopens; posted as a public reply.
    pub reopen_reason: Option<String>,
    /// The status comes from a Close or Reopen button, not from the
    /// agent's form (which always sends the current one): asking for the
    /// status the issue has, or reopening an unfinished issue, is refused
    /// with the reason instead of "done" with nothing done.
    pub status_button: bool,
}

impl Change {
    /// The people [`plan`] needs to know to judge this change of `ticket`:
    /// the assignee asked for and the one replaced. Empty unless the
    /// assignee changes.
    pub fn people_needed(&self, ticket: &Ticket) -> Vec<Uuid> {
        match self.assignee {
            Some(to) if to != ticket.assignee => to.into_iter().chain(ticket.assignee).collect(),
            _ => Vec::new(),
        }
    }
}

/// Everything a permitted change writes; `None` fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The time of the change, for the rows it writes.
    pub at: DateTime<Utc>,
    pub status: Option<IssueStatus>,
    pub priority: Option<IssuePriority>,
    pub category: Option<IssueCategory>,
    pub assignee: Option<Option<Uuid>>,
    pub resolved_at: Option<Option<DateTime<Utc>>>,
    pub closed_at: Option<Option<DateTime<Utc>>>,
    /// Resolution notes to record (trimmed), when resolving.
    pub resolution: Option<String>,
    /// In the order they happen.
    pub activities: Vec<Activity>,
    /// A public reply posted with the change: the reopen reason.
    pub reply: Option<String>,
}

impl Plan {
    fn new(at: DateTime<Utc>) -> Self {
        Plan {
            at,
            status: None,
            priority: None,
            category: None,
            assignee: None,
            resolved_at: None,
            closed_at: None,
            resolution: None,
            activities: Vec::new(),
            reply: None,
        }
    }

    /// Nothing differs from the ticket as it is: nothing is written.
    pub fn is_empty(&self) -> bool {
        self.activities.is_empty()
    }
}

/// Why a change is not made. Each but [`Refused::StaffOnly`] is a sentence
/// for the person who asked; `StaffOnly` is no choice the pages offer a
/// customer, so it is answered as forbidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A customer asked to change the priority, category or assignee.
    StaffOnly,
    SameStatus,
    /// Reopen was asked of an issue that is not resolved or closed.
    NotFinished,
    /// Customers close an issue, or reopen a finished one; nothing else.
    CustomerTransition,
    /// A closed ticket is reopened before it is resolved again.
    ResolveClosed,
    NeedsResolutionNotes,
    /// A customer reopening says why.
    NeedsReopenReason,
    /// Tickets go to active agents only.
    NotAnActiveAgent,
}

impl Refused {
    pub fn sentence(self) -> &'static str {
        match self {
            Refused::StaffOnly => "Only agents change the priority, category or assignee.",
            Refused::SameStatus => "The issue already has this status; nothing was changed.",
            Refused::NotFinished => {
                "This issue is not resolved or closed, so there is nothing to reopen."
            }
            Refused::CustomerTransition => {
                "You can close this issue or reopen it once it is resolved or closed."
            }
            Refused::ResolveClosed => "A closed issue is reopened before it is resolved again.",
            Refused::NeedsResolutionNotes => {
                "Resolving needs resolution notes: say how it was solved."
            }
            Refused::NeedsReopenReason => "Say why the issue is not solved.",
            Refused::NotAnActiveAgent => "Assign tickets to an active agent from the list.",
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sentence())
    }
}

/// Text that says something once trimmed.
fn said(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Judges `change` of `ticket` by `actor` at `now`: everything is checked
/// before anything is planned, so a refused change writes nothing. Fields
/// asked for with the value they already have are left out. `people` must
/// know [`Change::people_needed`]; anyone it does not know is nobody.
pub fn plan(
    ticket: &Ticket,
    actor: &Actor,
    change: &Change,
    people: &People,
    now: DateTime<Utc>,
) -> Result<Plan, Refused> {
    if !actor.staff
        && (change.priority.is_some() || change.category.is_some() || change.assignee.is_some())
    {
        return Err(Refused::StaffOnly);
    }
    if change.status_button {
        let finished = matches!(ticket.status, IssueStatus::Resolved | IssueStatus::Closed);
        match change.status {
            Some(IssueStatus::Open) if !finished => return Err(Refused::NotFinished),
            Some(to) if to == ticket.status => return Err(Refused::SameStatus),
            _ => {}
        }
    }
    let mut plan = Plan::new(now);

    if let Some(to) = change.status.filter(|s| *s != ticket.status) {
        let effects = lifecycle::transition(ticket.status, to, Role::of_staff(actor.staff))?;
        plan.status = Some(to);
        if effects.resolves {
            let notes =
                said(change.resolution_notes.as_deref()).ok_or(Refused::NeedsResolutionNotes)?;
            plan.resolved_at = Some(Some(now));
            plan.resolution = Some(notes);
        }
        if effects.closes {
            plan.closed_at = Some(Some(now));
        }
        let mut reason = None;
        if effects.reopens {
            plan.resolved_at = Some(None);
            plan.closed_at = Some(None);
            reason = said(change.reopen_reason.as_deref());
            if reason.is_none() && !actor.staff {
                return Err(Refused::NeedsReopenReason);
            }
            plan.reply = reason.as_ref().map(|r| format!("Reopened: {r}"));
        }
        plan.activities.push(Activity::Status {
            from: ticket.status,
            to,
            reason,
        });
    }
    if let Some(to) = change.priority.filter(|p| *p != ticket.priority) {
        plan.priority = Some(to);
        plan.activities.push(Activity::Priority {
            from: ticket.priority,
            to,
        });
    }
    if let Some(to) = change.category.filter(|c| *c != ticket.category) {
        plan.category = Some(to);
        plan.activities.push(Activity::Category {
            from: ticket.category,
            to,
        });
    }
    if let Some(to) = change.assignee.filter(|a| *a != ticket.assignee) {
        let from = ticket
            .assignee
            .and_then(|id| people.get(id))
            .map(|p| p.name.clone());
        let activity = match to {
            None => Activity::Unassigned { from },
            Some(id) => match people.get(id) {
                Some(agent) if agent.active_agent => Activity::Assigned {
                    from,
                    to: agent.name.clone(),
                    by_self: id == actor.id,
                },
                _ => return Err(Refused::NotAnActiveAgent),
            },
        };
        plan.assignee = Some(to);
        plan.activities.push(activity);
    }
    Ok(plan)
}

/// An assignee word that is none of those [`parse_assignee`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownAssignee;

impl fmt::Display for UnknownAssignee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Choose an agent from the list.")
    }
}

/// The assignee as the ticket form and bulk actions name it: "" or "none"
/// unassigns, "me" is `me`, anything else an agent's id.
pub fn parse_assignee(word: &str, me: Uuid) -> Result<Option<Uuid>, UnknownAssignee> {
    match word {
        "" | "none" => Ok(None),
        "me" => Ok(Some(me)),
        id => Uuid::parse_str(id).map(Some).map_err(|_| UnknownAssignee),
    }
}

#[cfg(test)]
mod tests;
