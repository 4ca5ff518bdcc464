//! An issue's notifications, in two steps. The change writes one
//! `notification_events` row per event in its own transaction
//! ([`enqueue_issue_events`]): one statement however many people hear of
//! it, and no e-mail sent by the request. Then an instance's fan-out
//! ([`fan_out`], run by `notify::fan_out`) takes a batch of events and
//! reads the people who may hear of each in one statement (the issue's
//! customer followers, its submitter and assignee, the staff who chose the
//! unassigned stream, with their choices), lets `domain::notifications`
//! pick the recipients, and writes all their outbox rows in one more.
//! Invitations and reset links have one recipient and go to the outbox
//! directly ([`enqueue_link`]).

use std::collections::HashMap;

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
    /// The event they may hear of.
    #[diesel(sql_type = SqlUuid)]
    event_id: Uuid,
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

/// Everyone who may hear of each of `events`, by event, in one statement
/// for the whole batch. The repliers are found once per issue by skipping
/// through the (issue, author) index of public replies, one probe per
/// author however long the conversation. The submitter and assignee are
/// the event's, as they were then: the issue's own row, which a busy
/// conversation keeps updating, is not read.
fn candidates(
    conn: &mut PgConnection,
    events: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Candidate>>> {
    let rows: Vec<CandidateRow> = FixedSql::with_ids(CANDIDATES_SQL, events).load(conn)?;
    let mut by_event: HashMap<Uuid, Vec<Candidate>> = HashMap::new();
    for row in rows {
        by_event
            .entry(row.event_id)
            .or_default()
            .push(row.into_candidate());
    }
    Ok(by_event)
}

/// The [`candidates`] statement, with the events' ids bound at each
/// `\u{1}` ([`FixedSql`]'s slot). Kept prepared: planning it takes longer
/// than running it for a few events.
const CANDIDATES_SQL: &str = "WITH RECURSIVE
     ev AS (SELECT id, issue_id, submitter_id, assignee_id
              FROM notification_events WHERE id = ANY(\u{1})),
     authors AS (
       SELECT i.issue_id,
              (SELECT c.author_id FROM comments c
                WHERE c.issue_id = i.issue_id AND NOT c.is_internal
                ORDER BY c.author_id LIMIT 1) AS id
         FROM (SELECT DISTINCT issue_id FROM ev) i
       UNION ALL
       SELECT a.issue_id,
              (SELECT c.author_id FROM comments c
                WHERE c.issue_id = a.issue_id AND NOT c.is_internal AND c.author_id > a.id
                ORDER BY c.author_id LIMIT 1)
         FROM authors a WHERE a.id IS NOT NULL
     ),
     replied AS (SELECT issue_id, id FROM authors WHERE id IS NOT NULL),
     people AS (
       SELECT ev.id AS event_id, r.id AS user_id FROM ev JOIN replied r USING (issue_id)
       UNION SELECT id, submitter_id FROM ev
       UNION SELECT id, assignee_id FROM ev WHERE assignee_id IS NOT NULL
       UNION SELECT ev.id, p.user_id FROM ev CROSS JOIN notification_preferences p
              WHERE p.topic = 'unassigned' AND p.enabled
     )
     SELECT people.event_id, u.id, u.email::text AS email, u.role, u.customer_id,
            u.disabled_at IS NOT NULL AS disabled,
            u.id = ev.submitter_id AS submitted,
            EXISTS (SELECT 1 FROM replied r
                     WHERE r.issue_id = ev.issue_id AND r.id = u.id) AS replied,
            ARRAY(SELECT p.topic::text || '=' || p.enabled::text
                    FROM notification_preferences p WHERE p.user_id = u.id) AS choices
       FROM people JOIN ev ON ev.id = people.event_id JOIN users u ON u.id = people.user_id
      ORDER BY people.event_id, u.id";

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
/// of one commits later in the log and waits for the disk (the server's
/// default `synchronous_commit`, which the app leaves on), which makes
/// everything before it durable.
pub fn fan_out(conn: &mut PgConnection, limit: i64) -> QueryResult<FannedOut> {
    conn.transaction(|conn| {
        let events = notification_events::lock_oldest(conn, limit)?;
        if events.is_empty() {
            return Ok(FannedOut::default());
        }
        diesel::sql_query("SET LOCAL synchronous_commit = off").execute(conn)?;
        let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        let people_of = candidates(conn, &ids)?;
        let mut recipients = Vec::new();
        for event in &events {
            let Some(people) = people_of.get(&event.id) else {
                continue;
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
