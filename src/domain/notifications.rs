//! Who hears about what by e-mail, without a database: which events a
//! ticket change causes ([`events_of_plan`]), who receives each one
//! ([`recipients`]), the topics people choose on their account page with
//! their defaults, and the subject line of each message.
//!
//! The rules (issue 14): an agent's public reply and a status change to
//! resolved or closed go to the issue's customer followers (the submitter
//! and the customer users who replied publicly); a new issue goes to the
//! agents who opted in; an assignment to the assignee; a customer's reply
//! to the assignee, or, unassigned, to the agents who opted in. Nobody
//! hears about their own action, disabled people hear nothing, a customer
//! user of another customer never hears about this customer's issue, and
//! each person gets one message per event.

use std::collections::HashSet;

use uuid::Uuid;

use crate::db::models::enums::{IssueStatus, NotificationEvent, NotificationTopic, UserRole};
use crate::domain::ticket::Plan;

/// The topics a person of `role` chooses from on the account page.
pub fn topics_for(role: UserRole) -> &'static [NotificationTopic] {
    use NotificationTopic::*;
    match role {
        UserRole::Customer => &[Replies, Status],
        UserRole::Agent | UserRole::Admin => &[Assigned, CustomerReplies, Unassigned],
    }
}

/// Whether a topic is on for someone who never chose: what concerns a
/// person directly is on; hearing about every new issue is asked for.
pub fn on_by_default(topic: NotificationTopic) -> bool {
    !matches!(topic, NotificationTopic::Unassigned)
}

/// Whether `topic` is on, given a person's explicit choices.
pub fn wants(choices: &[(NotificationTopic, bool)], topic: NotificationTopic) -> bool {
    choices
        .iter()
        .find(|(t, _)| *t == topic)
        .map_or_else(|| on_by_default(topic), |(_, on)| *on)
}

/// The events a permitted ticket change causes, each with the public text
/// its message quotes (the resolution notes, the reopen reason). Other
/// changes (priority, category, unassigning, moving between open states)
/// are nobody's e-mail.
pub fn events_of_plan(plan: &Plan, actor_staff: bool) -> Vec<(NotificationEvent, Option<String>)> {
    let mut events = Vec::new();
    match plan.status {
        Some(IssueStatus::Resolved) => {
            events.push((NotificationEvent::Resolved, plan.resolution.clone()))
        }
        Some(IssueStatus::Closed) => events.push((NotificationEvent::Closed, None)),
        _ => {}
    }
    if let Some(Some(_)) = plan.assignee {
        events.push((NotificationEvent::Assigned, None));
    }
    if let Some(reply) = &plan.reply {
        events.push((reply_event(actor_staff), Some(reply.clone())));
    }
    events
}

/// The event a new comment causes: none for an internal note, whose text
/// never leaves the desk.
pub fn events_of_comment(
    internal: bool,
    author_staff: bool,
    body: &str,
) -> Vec<(NotificationEvent, Option<String>)> {
    if internal {
        Vec::new()
    } else {
        vec![(reply_event(author_staff), Some(body.to_owned()))]
    }
}

/// The event of a public reply by staff or by a customer.
pub fn reply_event(author_staff: bool) -> NotificationEvent {
    if author_staff {
        NotificationEvent::AgentReply
    } else {
        NotificationEvent::CustomerReply
    }
}

/// The issue as the rules see it, after the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueFacts {
    pub customer_id: Uuid,
    pub assignee: Option<Uuid>,
}

/// Someone who may hear about an issue's event, as the caller found them:
/// the customer's users, the issue's submitter and assignee, and the staff
/// who chose [`NotificationTopic::Unassigned`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub email: String,
    pub role: UserRole,
    pub customer_id: Option<Uuid>,
    pub disabled: bool,
    /// Filed the issue.
    pub submitted: bool,
    /// Posted a public reply on it.
    pub replied: bool,
    /// Explicit choices; a topic missing has its default.
    pub choices: Vec<(NotificationTopic, bool)>,
}

impl Candidate {
    fn staff(&self) -> bool {
        matches!(self.role, UserRole::Agent | UserRole::Admin)
    }

    /// A customer user of the issue's customer who filed it or replied.
    fn follows(&self, issue: &IssueFacts) -> bool {
        self.role == UserRole::Customer
            && self.customer_id == Some(issue.customer_id)
            && (self.submitted || self.replied)
    }
}

/// One message to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: Uuid,
    pub email: String,
    pub event: NotificationEvent,
    /// The preference it is sent under (its unsubscribe link turns it off).
    pub topic: NotificationTopic,
}

/// Who receives each of `events` of an issue caused by `actor`: one
/// message per person and event, in the order of `events`, then of
/// `people`.
pub fn recipients(
    events: &[NotificationEvent],
    actor: Uuid,
    issue: &IssueFacts,
    people: &[Candidate],
) -> Vec<Recipient> {
    let mut out = Vec::new();
    let mut seen: HashSet<(Uuid, NotificationEvent)> = HashSet::new();
    for &event in events {
        for person in people {
            if person.disabled || person.id == actor {
                continue;
            }
            let Some(topic) = topic_for(event, person, issue) else {
                continue;
            };
            if wants(&person.choices, topic) && seen.insert((person.id, event)) {
                out.push(Recipient {
                    user_id: person.id,
                    email: person.email.clone(),
                    event,
                    topic,
                });
            }
        }
    }
    out
}

/// The topic under which `person` would hear about `event`, if they are
/// among its audience at all.
fn topic_for(
    event: NotificationEvent,
    person: &Candidate,
    issue: &IssueFacts,
) -> Option<NotificationTopic> {
    use NotificationEvent as E;
    use NotificationTopic as T;
    let assignee = issue.assignee == Some(person.id) && person.staff();
    match event {
        E::AgentReply if person.follows(issue) => Some(T::Replies),
        E::Resolved | E::Closed if person.follows(issue) => Some(T::Status),
        E::Assigned if assignee => Some(T::Assigned),
        E::CustomerReply if assignee => Some(T::CustomerReplies),
        E::CustomerReply if issue.assignee.is_none() && person.staff() => Some(T::Unassigned),
        E::NewIssue if person.staff() => Some(T::Unassigned),
        _ => None,
    }
}

/// The subject line of an issue's message: the issue number first, so
/// people and filters find it, then what happened and the title.
pub fn subject(event: NotificationEvent, number: i64, title: &str, actor: &str) -> String {
    use NotificationEvent as E;
    let what = match event {
        E::AgentReply | E::CustomerReply => format!("New reply from {actor}"),
        E::Resolved => "Resolved".to_owned(),
        E::Closed => "Closed".to_owned(),
        E::NewIssue => "New issue".to_owned(),
        E::Assigned => "Assigned to you".to_owned(),
        E::Invitation => "Invitation".to_owned(),
        E::PasswordReset => "Password reset".to_owned(),
    };
    // A title is one line; a header must not be broken by one.
    let title: String = title.chars().filter(|c| !c.is_control()).collect();
    format!("[#{number}] {what}: {title}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use NotificationEvent as E;
    use NotificationTopic as T;

    struct World {
        customer: Uuid,
        other_customer: Uuid,
    }

    fn world() -> World {
        World {
            customer: Uuid::new_v4(),
            other_customer: Uuid::new_v4(),
        }
    }

    fn person(role: UserRole, customer: Option<Uuid>) -> Candidate {
        Candidate {
            id: Uuid::new_v4(),
            email: format!("{}@example.com", Uuid::new_v4().simple()),
            role,
            customer_id: customer,
            disabled: false,
            submitted: false,
            replied: false,
            choices: Vec::new(),
        }
    }

    fn ids(recipients: &[Recipient]) -> Vec<Uuid> {
        recipients.iter().map(|r| r.user_id).collect()
    }

    #[test]
    fn agent_replies_and_status_changes_reach_the_customer_followers_only() {
        let w = world();
        let mut submitter = person(UserRole::Customer, Some(w.customer));
        submitter.submitted = true;
        let mut replier = person(UserRole::Customer, Some(w.customer));
        replier.replied = true;
        let bystander = person(UserRole::Customer, Some(w.customer));
        // Replied once, then moved to another customer: not a follower.
        let mut moved = person(UserRole::Customer, Some(w.other_customer));
        moved.replied = true;
        let mut opted_in_agent = person(UserRole::Agent, None);
        opted_in_agent.choices = vec![(T::Unassigned, true)];
        let agent = person(UserRole::Agent, None);
        let issue = IssueFacts {
            customer_id: w.customer,
            assignee: Some(agent.id),
        };
        let people = vec![
            submitter.clone(),
            replier.clone(),
            bystander,
            moved,
            opted_in_agent,
            agent.clone(),
        ];
        for (event, topic) in [
            (E::AgentReply, T::Replies),
            (E::Resolved, T::Status),
            (E::Closed, T::Status),
        ] {
            let got = recipients(&[event], agent.id, &issue, &people);
            assert_eq!(ids(&got), vec![submitter.id, replier.id], "{event}");
            assert!(got.iter().all(|r| r.topic == topic && r.event == event));
        }
    }

    #[test]
    fn nobody_hears_of_their_own_action_and_disabled_people_hear_nothing() {
        let w = world();
        let mut submitter = person(UserRole::Customer, Some(w.customer));
        submitter.submitted = true;
        let mut replier = person(UserRole::Customer, Some(w.customer));
        replier.replied = true;
        replier.disabled = true;
        let issue = IssueFacts {
            customer_id: w.customer,
            assignee: None,
        };
        // The submitter closes their own issue: nobody else follows.
        let got = recipients(
            &[E::Closed],
            submitter.id,
            &issue,
            &[submitter.clone(), replier],
        );
        assert!(got.is_empty(), "{got:?}");

        // An agent assigns the ticket to themself: no message.
        let agent = person(UserRole::Agent, None);
        let issue = IssueFacts {
            customer_id: w.customer,
            assignee: Some(agent.id),
        };
        assert!(
            recipients(
                &[E::Assigned],
                agent.id,
                &issue,
                std::slice::from_ref(&agent)
            )
            .is_empty()
        );
        let admin = person(UserRole::Admin, None);
        let got = recipients(&[E::Assigned], admin.id, &issue, &[agent.clone(), admin]);
        assert_eq!(ids(&got), vec![agent.id]);
        assert_eq!(got[0].topic, T::Assigned);
    }

    #[test]
    fn new_issues_reach_the_agents_who_opted_in() {
        let w = world();
        let mut submitter = person(UserRole::Customer, Some(w.customer));
        submitter.submitted = true;
        let mut keen = person(UserRole::Agent, None);
        keen.choices = vec![(T::Unassigned, true)];
        let mut keen_admin = person(UserRole::Admin, None);
        keen_admin.choices = vec![(T::Assigned, false), (T::Unassigned, true)];
        let quiet = person(UserRole::Agent, None);
        let mut declined = person(UserRole::Agent, None);
        declined.choices = vec![(T::Unassigned, false)];
        // A customer cannot opt into other people's issues.
        let mut nosy = person(UserRole::Customer, Some(w.customer));
        nosy.choices = vec![(T::Unassigned, true)];
        let issue = IssueFacts {
            customer_id: w.customer,
            assignee: None,
        };
        let got = recipients(
            &[E::NewIssue],
            submitter.id,
            &issue,
            &[
                submitter.clone(),
                keen.clone(),
                keen_admin.clone(),
                quiet,
                declined,
                nosy,
            ],
        );
        assert_eq!(ids(&got), vec![keen.id, keen_admin.id]);
        assert!(got.iter().all(|r| r.topic == T::Unassigned));
    }

    #[test]
    fn customer_replies_reach_the_assignee_or_else_the_agents_who_opted_in() {
        let w = world();
        let mut customer = person(UserRole::Customer, Some(w.customer));
        customer.submitted = true;
        let mut other_follower = person(UserRole::Customer, Some(w.customer));
        other_follower.replied = true;
        let assignee = person(UserRole::Agent, None);
        let mut keen = person(UserRole::Agent, None);
        keen.choices = vec![(T::Unassigned, true)];
        let people = vec![
            customer.clone(),
            other_follower,
            assignee.clone(),
            keen.clone(),
        ];
        let assigned = IssueFacts {
            customer_id: w.customer,
            assignee: Some(assignee.id),
        };
        let got = recipients(&[E::CustomerReply], customer.id, &assigned, &people);
        assert_eq!(ids(&got), vec![assignee.id]);
        assert_eq!(got[0].topic, T::CustomerReplies);

        let unassigned = IssueFacts {
            customer_id: w.customer,
            assignee: None,
        };
        let got = recipients(&[E::CustomerReply], customer.id, &unassigned, &people);
        assert_eq!(ids(&got), vec![keen.id]);
        assert_eq!(got[0].topic, T::Unassigned);

        // The assignee turned customer replies off.
        let mut muted = assignee.clone();
        muted.choices = vec![(T::CustomerReplies, false)];
        let got = recipients(
            &[E::CustomerReply],
            customer.id,
            &assigned,
            &[customer.clone(), muted, keen],
        );
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn choices_turn_topics_off_and_one_person_gets_one_message_per_event() {
        let w = world();
        let mut follower = person(UserRole::Customer, Some(w.customer));
        follower.submitted = true;
        follower.replied = true;
        let mut muted = person(UserRole::Customer, Some(w.customer));
        muted.replied = true;
        muted.choices = vec![(T::Replies, false)];
        let agent = person(UserRole::Agent, None);
        let issue = IssueFacts {
            customer_id: w.customer,
            assignee: None,
        };
        // The caller's list may name a person twice (submitter and replier).
        let people = vec![follower.clone(), muted.clone(), follower.clone()];
        let got = recipients(&[E::AgentReply, E::Resolved], agent.id, &issue, &people);
        assert_eq!(
            got.iter().map(|r| (r.user_id, r.event)).collect::<Vec<_>>(),
            vec![
                (follower.id, E::AgentReply),
                (follower.id, E::Resolved),
                (muted.id, E::Resolved),
            ]
        );
    }

    #[test]
    fn defaults_are_on_except_the_unassigned_stream() {
        for role in UserRole::ALL {
            for &topic in topics_for(*role) {
                assert_eq!(wants(&[], topic), topic != T::Unassigned, "{topic}");
                assert!(!wants(&[(topic, false)], topic));
                assert!(wants(&[(topic, true)], topic));
            }
        }
        assert_eq!(topics_for(UserRole::Customer), &[T::Replies, T::Status]);
    }

    #[test]
    fn a_plan_causes_the_events_people_hear_about() {
        use crate::domain::ticket::{Activity, Plan};
        use chrono::Utc;
        let now = Utc::now();
        let blank = Plan {
            at: now,
            status: None,
            priority: None,
            category: None,
            assignee: None,
            resolved_at: None,
            closed_at: None,
            resolution: None,
            activities: vec![Activity::InternalNote],
            reply: None,
        };
        assert!(events_of_plan(&blank, true).is_empty());
        let resolve = Plan {
            status: Some(IssueStatus::Resolved),
            resolution: Some("Restarted the runner.".into()),
            assignee: Some(Some(Uuid::new_v4())),
            ..blank.clone()
        };
        assert_eq!(
            events_of_plan(&resolve, true),
            vec![
                (E::Resolved, Some("Restarted the runner.".to_owned())),
                (E::Assigned, None)
            ]
        );
        let unassign = Plan {
            status: Some(IssueStatus::InProgress),
            assignee: Some(None),
            ..blank.clone()
        };
        assert!(events_of_plan(&unassign, true).is_empty());
        let reopen = Plan {
            status: Some(IssueStatus::Open),
            reply: Some("Reopened: still broken".into()),
            ..blank.clone()
        };
        assert_eq!(
            events_of_plan(&reopen, false),
            vec![(E::CustomerReply, Some("Reopened: still broken".to_owned()))]
        );
        assert_eq!(
            events_of_plan(&reopen, true),
            vec![(E::AgentReply, Some("Reopened: still broken".to_owned()))]
        );
        let close = Plan {
            status: Some(IssueStatus::Closed),
            ..blank
        };
        assert_eq!(events_of_plan(&close, false), vec![(E::Closed, None)]);
    }

    #[test]
    fn internal_notes_cause_no_event() {
        assert!(events_of_comment(true, true, "secret").is_empty());
        assert_eq!(
            events_of_comment(false, true, "hi"),
            vec![(E::AgentReply, Some("hi".to_owned()))]
        );
        assert_eq!(
            events_of_comment(false, false, "hi"),
            vec![(E::CustomerReply, Some("hi".to_owned()))]
        );
    }

    #[test]
    fn subjects_start_with_the_issue_number() {
        assert_eq!(
            subject(E::AgentReply, 1042, "Deploys stuck", "Ada"),
            "[#1042] New reply from Ada: Deploys stuck"
        );
        assert_eq!(
            subject(E::Resolved, 7, "Line\r\nBcc: x@evil.example", "Ada"),
            "[#7] Resolved: LineBcc: x@evil.example"
        );
    }
}
