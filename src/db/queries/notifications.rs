//! An issue's notifications, in two steps. The change writes one
//! `notification_events` row per event in its own transaction
//! ([`enqueue_issue_events`]): one statement however many people hear of
//! it, and no e-mail sent by the request. Then an instance's fan-out
//! ([`fan_out`], run by `notify::fan_out`) reads, per event, the people
//! who may hear of it in one statement (the issue's customer followers,
//! its submitter and assignee, the staff who chose the unassigned stream,
//! with their choices), lets `domain::notifications` pick the recipients,
//! and writes their outbox rows. Invitations and reset links have one
//! recipient and go to the outbox directly ([`enqueue_link`]).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::fixed_sql::FixedSql;
use crate::db::models::enums::{NotificationEvent, NotificationTopic, UserRole};
use crate::db::models::issues::Issue;
use crate::db::models::notification_events::{self, NewEvent};
use crate::db::models::notification_outbox::{self, NewOutboxRow};
use crate::db::schema::sql_types::UserRole as SqlRole;
use crate::domain::notifications::{self, Candidate, IssueFacts};
use crate::domain::ticket::Actor;

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = SqlRole)]
    role: UserRole,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    customer_id: Option<Uuid>,
    #[diesel(sql_type = Bool)]
    disabled: bool,
    #[diesel(sql_type = Bool)]
    submitted: bool,
    #[diesel(sql_type = Bool)]
    replied: bool,
    /// `topic=true|false` per explicit choice.
    #[diesel(sql_type = Array<Text>)]
    choices: Vec<String>,
}

impl CandidateRow {
    fn into_candidate(self) -> Candidate {
        let choices = self
            .choices
            .iter()
            .filter_map(|c| {
                let (topic, on) = c.split_once('=')?;
                Some((NotificationTopic::parse(topic)?, on == "true"))
            })
            .collect();
        Candidate {
            id: self.id,
            email: self.email,
            role: self.role,
            customer_id: self.customer_id,
            disabled: self.disabled,
            submitted: self.submitted,
            replied: self.replied,
            choices,
        }
    }
}

/// Everyone who may hear about event `event_id`'s issue, in one
/// statement. The repliers are found by skipping through the (issue,
/// author) index of public replies, one probe per author however long the
/// conversation. The submitter and assignee are the event's, as they were
/// then: the issue's own row, which a busy conversation keeps updating, is
/// not read.
fn candidates(conn: &mut PgConnection, event_id: Uuid) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<CandidateRow> = FixedSql::with_id(CANDIDATES_SQL, event_id).load(conn)?;
    Ok(rows.into_iter().map(CandidateRow::into_candidate).collect())
}

/// The [`candidates`] statement, with the event's id bound at each
/// `\u{1}` ([`FixedSql`]'s slot). Kept prepared: planning it takes twice
/// its run time.
const CANDIDATES_SQL: &str = "WITH RECURSIVE
     i AS (SELECT issue_id AS id, submitter_id AS created_by_id, assignee_id
             FROM notification_events WHERE id = \u{1}),
     authors AS (
       (SELECT author_id AS id FROM comments
         WHERE issue_id = (SELECT id FROM i) AND NOT is_internal ORDER BY author_id LIMIT 1)
       UNION ALL
       SELECT (SELECT c.author_id FROM comments c
                WHERE c.issue_id = (SELECT id FROM i) AND NOT c.is_internal
                  AND c.author_id > a.id
                ORDER BY c.author_id LIMIT 1)
         FROM authors a WHERE a.id IS NOT NULL
     ),
     people AS (
       SELECT id FROM authors WHERE id IS NOT NULL
       UNION SELECT created_by_id FROM i
       UNION SELECT assignee_id FROM i WHERE assignee_id IS NOT NULL
       UNION SELECT p.user_id FROM notification_preferences p
              WHERE p.topic = 'unassigned' AND p.enabled
     )
     SELECT u.id, u.email::text AS email, u.role, u.customer_id,
            u.disabled_at IS NOT NULL AS disabled,
            u.id = i.created_by_id AS submitted,
            u.id IN (SELECT id FROM authors WHERE id IS NOT NULL) AS replied,
            ARRAY(SELECT p.topic::text || '=' || p.enabled::text
                    FROM notification_preferences p WHERE p.user_id = u.id) AS choices
       FROM people JOIN users u ON u.id = people.id CROSS JOIN i
      ORDER BY u.id";

/// Writes `events` (each with the public text its message quotes) that
/// `actor` caused on `issue` (as it is after the change): one row each,
/// however many people will hear of them; the fan-out finds who. Call it
/// inside the change's transaction.
pub fn enqueue_issue_events(
    conn: &mut PgConnection,
    issue: &Issue,
    actor: &Actor,
    events: &[(NotificationEvent, Option<String>)],
) -> QueryResult<()> {
    for (event, detail) in events {
        notification_events::insert(
            conn,
            &NewEvent {
                event: *event,
                issue_id: issue.id,
                customer_id: issue.customer_id,
                submitter_id: issue.created_by_id,
                assignee_id: issue.assignee_id,
                actor_id: actor.id,
                actor_name: &actor.name,
                detail: detail.as_deref(),
            },
        )?;
    }
    Ok(())
}

/// What one [`fan_out`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FannedOut {
    pub events: usize,
    pub messages: usize,
}

/// Turns up to `limit` of the oldest waiting events into outbox rows, one
/// per recipient, and deletes them, in one transaction: each event becomes
/// its messages once, even with several instances at it (each skips the
/// events another holds), and an interrupted fan-out leaves them whole.
///
/// The commit does not wait for the disk. A crash can lose only the whole
/// transaction, which leaves its events to be fanned out again; and none
/// of its messages is sent before it is on disk, since a worker's claim
/// of one commits later in the log and waits for the disk, which makes
/// everything before it durable.
pub fn fan_out(conn: &mut PgConnection, limit: i64) -> QueryResult<FannedOut> {
    conn.transaction(|conn| {
        let events = notification_events::lock_oldest(conn, limit)?;
        if events.is_empty() {
            return Ok(FannedOut::default());
        }
        diesel::sql_query("SET LOCAL synchronous_commit = off").execute(conn)?;
        let mut recipients = Vec::new();
        // Events of one issue and assignee in a batch (a busy conversation)
        // have the same people; they are read once.
        let mut people_of: HashMap<(Uuid, Option<Uuid>), Vec<Candidate>> = HashMap::new();
        for event in &events {
            let people = match people_of.entry((event.issue_id, event.assignee_id)) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(candidates(conn, event.id)?),
            };
            let facts = IssueFacts {
                customer_id: event.customer_id,
                assignee: event.assignee_id,
            };
            for r in notifications::recipients(&[event.event], event.actor_id, &facts, people) {
                recipients.push((event, r));
            }
        }
        let rows: Vec<NewOutboxRow> = recipients
            .iter()
            .map(|(event, r)| NewOutboxRow {
                event: r.event,
                topic: Some(r.topic),
                recipient_id: Some(r.user_id),
                email: &r.email,
                issue_id: Some(event.issue_id),
                actor_name: &event.actor_name,
                detail: event.detail.as_deref(),
                link: None,
                created_at: Some(event.created_at),
            })
            .collect();
        let messages = notification_outbox::insert_many(conn, &rows)?;
        let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        notification_events::delete(conn, &ids)?;
        Ok(FannedOut {
            events: events.len(),
            messages,
        })
    })
}

/// Queues an invitation or reset link for `email`, sent by `actor_name`.
/// Call it inside the transaction that creates the link.
pub fn enqueue_link(
    conn: &mut PgConnection,
    event: NotificationEvent,
    recipient_id: Option<Uuid>,
    email: &str,
    actor_name: &str,
    link: &str,
) -> QueryResult<usize> {
    notification_outbox::insert_many(
        conn,
        &[NewOutboxRow {
            event,
            topic: None,
            recipient_id,
            email,
            issue_id: None,
            actor_name,
            detail: None,
            link: Some(link),
            created_at: None,
        }],
    )
}
