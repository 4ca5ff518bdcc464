//! Writing an issue's notifications into the outbox, inside the
//! transaction of the change that causes them: the people who may hear
//! about the issue are read in one statement (its customer followers, its
//! submitter and assignee, the staff who chose the unassigned stream, with
//! their choices), `domain::notifications` picks the recipients, and their
//! rows are written in a second statement. However many followers an
//! issue has, a change costs these two statements (none when no event is
//! anybody's news), and no e-mail is sent by the request.

use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::fixed_sql::FixedSql;
use crate::db::models::enums::{NotificationEvent, NotificationTopic, UserRole};
use crate::db::models::issues::Issue;
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

/// Everyone who may hear about `issue_id`, in one statement. The repliers
/// are found by skipping through the (issue, author) index of public
/// replies, one probe per author however long the conversation.
fn candidates(conn: &mut PgConnection, issue_id: Uuid) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<CandidateRow> = FixedSql::with_id(CANDIDATES_SQL, issue_id).load(conn)?;
    Ok(rows.into_iter().map(CandidateRow::into_candidate).collect())
}

/// The [`candidates`] statement, with the issue's id bound at each `\u{1}`
/// ([`FixedSql`]'s slot). Kept prepared: planning it took 3 ms, twice its
/// run time, on every reply and filing.
const CANDIDATES_SQL: &str = "WITH RECURSIVE
     i AS (SELECT id, created_by_id, assignee_id FROM issues WHERE id = \u{1}),
     authors AS (
       (SELECT author_id AS id FROM comments
         WHERE issue_id = \u{1} AND NOT is_internal ORDER BY author_id LIMIT 1)
       UNION ALL
       SELECT (SELECT c.author_id FROM comments c
                WHERE c.issue_id = \u{1} AND NOT c.is_internal AND c.author_id > a.id
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

/// Writes the outbox rows of `events` (each with the public text its
/// message quotes) that `actor` caused on `issue` (as it is after the
/// change). Call it inside the change's transaction. Returns how many
/// messages were queued.
pub fn enqueue_issue_events(
    conn: &mut PgConnection,
    issue: &Issue,
    actor: &Actor,
    events: &[(NotificationEvent, Option<String>)],
) -> QueryResult<usize> {
    if events.is_empty() {
        return Ok(0);
    }
    let people = candidates(conn, issue.id)?;
    let facts = IssueFacts {
        customer_id: issue.customer_id,
        assignee: issue.assignee_id,
    };
    let kinds: Vec<NotificationEvent> = events.iter().map(|(e, _)| *e).collect();
    let recipients = notifications::recipients(&kinds, actor.id, &facts, &people);
    let rows: Vec<NewOutboxRow> = recipients
        .iter()
        .map(|r| NewOutboxRow {
            event: r.event,
            topic: Some(r.topic),
            recipient_id: Some(r.user_id),
            email: &r.email,
            issue_id: Some(issue.id),
            actor_name: &actor.name,
            detail: events
                .iter()
                .find(|(e, _)| *e == r.event)
                .and_then(|(_, d)| d.as_deref()),
            link: None,
        })
        .collect();
    notification_outbox::insert_many(conn, &rows)
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
        }],
    )
}
