//! Writing a ticket's changes and replies. A change loads the ticket (scoped
//! to the viewer), checks the version the form was loaded at, asks
//! [`ticket::plan`] and writes the plan — fields, resolution, activity
//! rows, reopen reply — in one transaction. The rules live in
//! `domain::ticket`; what comes back is a typed outcome (changed, refused
//! or stale), not an HTTP error. One path serves the customer's
//! close/reopen, the agent's ticket form and bulk actions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::comments::{self, NewComment};
use crate::db::models::issue_activities::{self, NewIssueActivity};
use crate::db::models::issues::{self, Issue, IssueChangeset};
use crate::db::models::resolutions::{self, NewResolution};
use crate::db::models::users::{self, User};
use crate::db::queries::issues::{Viewer, find_visible};
use crate::db::queries::notifications::enqueue_issue_events;
use crate::db::schema::issues as issues_t;
use crate::domain::notifications::{events_of_comment, events_of_plan};
use crate::domain::ticket::{self, Activity, Actor, Candidate, Change, People, Plan, Refused};

/// What became of one ticket's change.
#[derive(Debug)]
pub enum ChangeOutcome {
    /// Saved, or nothing differed: the ticket as it is now (boxed: it
    /// is much larger than the other outcomes).
    Changed(Box<Issue>),
    /// The rules refused it; nothing was written.
    Refused(Refused),
    /// Someone changed the ticket since the form was loaded; nothing was
    /// written.
    Stale(Stale),
    /// The form carried no version to check: it is damaged.
    NoVersion,
}

/// A ticket that moved on since the form was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub number: i64,
    /// Changed between loading it for this change and saving.
    pub while_saving: bool,
}

impl Stale {
    /// What happened, for the person whose change was not saved.
    pub fn sentence(&self) -> String {
        if self.while_saving {
            format!("Ticket #{} changed while it was being saved.", self.number)
        } else {
            format!("Ticket #{} changed after you opened it.", self.number)
        }
    }
}

/// What became of a bulk change: every ticket changes, or none does.
#[derive(Debug)]
pub enum BulkOutcome {
    /// How many tickets differed and were saved.
    Changed(usize),
    /// A selected ticket does not exist (any more).
    Missing,
    Refused {
        number: i64,
        why: Refused,
    },
    Stale(Stale),
}

/// Why a transaction is rolled back: a database error, or an outcome that
/// must leave no write behind.
enum Abort {
    Db(diesel::result::Error),
    Refused { number: i64, why: Refused },
    Stale(Stale),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Db(e)
    }
}

/// The actor as the ticket rules see a user.
pub fn actor(user: &User) -> Actor {
    Actor {
        id: user.id,
        name: user.display_name(),
        staff: user.is_staff(),
    }
}

fn rules_view(issue: &Issue) -> ticket::Ticket {
    ticket::Ticket {
        status: issue.status,
        priority: issue.priority,
        category: issue.category,
        assignee: issue.assignee_id,
    }
}

/// Loads the ticket `number` as `user` may see it (else NotFound) and
/// applies `change` at `now`, in one transaction.
pub fn change_visible(
    conn: &mut PgConnection,
    user: &User,
    number: i64,
    version: Option<i32>,
    change: &Change,
    now: DateTime<Utc>,
) -> QueryResult<ChangeOutcome> {
    let actor = actor(user);
    let done = conn.transaction(|conn| {
        let issue = find_visible(conn, Viewer::of(user), number)?;
        // Checked after the load, so an issue the user cannot see is a 404
        // whatever the form holds.
        let Some(version) = version else {
            return Ok(None);
        };
        let people = &mut People::default();
        let saved = apply(conn, &actor, &issue, version, change, people, now)?;
        Ok(Some(saved.unwrap_or(issue)))
    });
    match done {
        Ok(Some(issue)) => Ok(ChangeOutcome::Changed(Box::new(issue))),
        Ok(None) => Ok(ChangeOutcome::NoVersion),
        Err(Abort::Db(e)) => Err(e),
        Err(Abort::Refused { why, .. }) => Ok(ChangeOutcome::Refused(why)),
        Err(Abort::Stale(stale)) => Ok(ChangeOutcome::Stale(stale)),
    }
}

/// Applies `change` to each selected ticket (id → the version it was
/// listed at) at `now`, in one transaction: one refusal or stale ticket
/// undoes the batch.
pub fn change_many(
    conn: &mut PgConnection,
    user: &User,
    selected: &BTreeMap<Uuid, i32>,
    change: &Change,
    now: DateTime<Utc>,
) -> QueryResult<BulkOutcome> {
    let actor = actor(user);
    let ids: Vec<Uuid> = selected.keys().copied().collect();
    let done = conn.transaction(|conn| {
        let found = issues::find_many(conn, &ids)?;
        if found.len() != ids.len() {
            return Ok(None);
        }
        // The people named are looked up once for the whole batch.
        let people = &mut People::default();
        let mut changed = 0;
        for issue in &found {
            // Every ticket found was selected; a version missing would be
            // stale, never overwritten.
            let version = selected.get(&issue.id).copied().unwrap_or(-1);
            if apply(conn, &actor, issue, version, change, people, now)?.is_some() {
                changed += 1;
            }
        }
        Ok(Some(changed))
    });
    match done {
        Ok(Some(changed)) => Ok(BulkOutcome::Changed(changed)),
        Ok(None) => Ok(BulkOutcome::Missing),
        Err(Abort::Db(e)) => Err(e),
        Err(Abort::Refused { number, why }) => Ok(BulkOutcome::Refused { number, why }),
        Err(Abort::Stale(stale)) => Ok(BulkOutcome::Stale(stale)),
    }
}

/// Checks `version`, plans `change` of `issue` and writes the plan.
/// `Ok(None)`: nothing differed, nothing was written.
fn apply(
    conn: &mut PgConnection,
    actor: &Actor,
    issue: &Issue,
    version: i32,
    change: &Change,
    people: &mut People,
    now: DateTime<Utc>,
) -> Result<Option<Issue>, Abort> {
    let number = issue.number;
    if issue.lock_version != version {
        return Err(Abort::Stale(Stale {
            number,
            while_saving: false,
        }));
    }
    let current = rules_view(issue);
    for id in change.people_needed(&current) {
        if !people.knows(id) {
            let found = users::find(conn, id).optional()?;
            people.learn(id, found.map(|u| candidate(&u)));
        }
    }
    let plan = ticket::plan(&current, actor, change, people, now)
        .map_err(|why| Abort::Refused { number, why })?;
    if plan.is_empty() {
        return Ok(None);
    }
    write(conn, actor, issue, &plan)?
        .map(Some)
        .ok_or(Abort::Stale(Stale {
            number,
            while_saving: true,
        }))
}

fn candidate(user: &User) -> Candidate {
    Candidate {
        id: user.id,
        name: user.display_name(),
        active_agent: user.is_staff() && !user.is_disabled(),
    }
}

/// Writes a permitted plan; `Ok(None)` when the ticket changed since it
/// was loaded (then nothing was written).
fn write(
    conn: &mut PgConnection,
    actor: &Actor,
    issue: &Issue,
    plan: &Plan,
) -> QueryResult<Option<Issue>> {
    let set = IssueChangeset {
        status: plan.status,
        priority: plan.priority,
        category: plan.category,
        assignee_id: plan.assignee,
        resolved_at: plan.resolved_at,
        closed_at: plan.closed_at,
        updated_at: Some(plan.at),
        ..IssueChangeset::default()
    };
    let Some(updated) = issues::update(conn, issue.id, issue.lock_version, &set)? else {
        return Ok(None);
    };
    if let Some(notes) = &plan.resolution {
        resolutions::insert(
            conn,
            &NewResolution {
                issue_id: issue.id,
                resolved_by_id: Some(actor.id),
                resolved_by: &actor.name,
                resolution_notes: notes,
                resolved_at: Some(plan.at),
            },
        )?;
    }
    for activity in &plan.activities {
        record(conn, issue.id, actor, activity, Some(plan.at))?;
    }
    if let Some(reply) = &plan.reply {
        comments::insert(
            conn,
            &NewComment {
                issue_id: issue.id,
                author_id: actor.id,
                body: reply,
                is_internal: false,
                created_at: Some(plan.at),
            },
        )?;
    }
    enqueue_issue_events(conn, &updated, actor, &events_of_plan(plan, actor.staff))?;
    Ok(Some(updated))
}

/// Writes one activity row of `issue_id`, worded by the domain. `at: None`
/// is the database's now.
pub fn record(
    conn: &mut PgConnection,
    issue_id: Uuid,
    actor: &Actor,
    activity: &Activity,
    at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let (from_value, to_value) = activity.values();
    issue_activities::insert(
        conn,
        &NewIssueActivity {
            issue_id,
            actor_id: Some(actor.id),
            action: activity.action().as_str(),
            field: activity.field(),
            from_value,
            to_value,
            description: &activity.describe(&actor.name),
            created_at: at,
        },
    )?;
    Ok(())
}

/// Adds a public reply or an internal note at `now` to the ticket `number`
/// as `author` may see it (else NotFound), with its activity row, and marks
/// the ticket updated.
pub fn add_comment(
    conn: &mut PgConnection,
    author: &User,
    number: i64,
    body: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        let issue = find_visible(conn, Viewer::of(author), number)?;
        comments::insert(
            conn,
            &NewComment {
                issue_id: issue.id,
                author_id: author.id,
                body,
                is_internal: internal,
                created_at: Some(now),
            },
        )?;
        let activity = if internal {
            Activity::InternalNote
        } else {
            Activity::Replied
        };
        record(conn, issue.id, &actor(author), &activity, Some(now))?;
        let events = events_of_comment(internal, author.is_staff(), body);
        enqueue_issue_events(conn, &issue, &actor(author), &events)?;
        // "Recently updated" sorts see the reply.
        diesel::update(issues_t::table.find(issue.id))
            .set(issues_t::updated_at.eq(now))
            .execute(conn)?;
        Ok(())
    })
}
