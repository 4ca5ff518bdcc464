//! The ticket rules without a database.

use chrono::TimeZone;

use super::*;
use IssueStatus::*;

fn at() -> DateTime<Utc> {
    // A past time: plans use the time given, never the clock.
    Utc.with_ymd_and_hms(2024, 3, 1, 9, 30, 0).unwrap()
}

fn ticket(status: IssueStatus) -> Ticket {
    Ticket {
        status,
        priority: IssuePriority::Medium,
        category: IssueCategory::TechnicalIssue,
        assignee: None,
    }
}

fn staff() -> Actor {
    Actor {
        id: Uuid::from_u128(1),
        name: "Alex Agent".into(),
        staff: true,
    }
}

fn customer() -> Actor {
    Actor {
        id: Uuid::from_u128(2),
        name: "Casey Customer".into(),
        staff: false,
    }
}

const KIM: Uuid = Uuid::from_u128(3);
const SAM: Uuid = Uuid::from_u128(4);
const GONE: Uuid = Uuid::from_u128(5);
const CASEY: Uuid = Uuid::from_u128(2);

/// Alex and Kim are active agents, Sam a disabled one, Casey a customer;
/// GONE was looked up and not found.
fn people() -> People {
    let mut people = People::default();
    for (id, name, active_agent) in [
        (staff().id, "Alex Agent", true),
        (KIM, "Kim", true),
        (SAM, "Sam", false),
        (CASEY, "Casey Customer", false),
    ] {
        let name = name.to_owned();
        people.learn(
            id,
            Some(Candidate {
                id,
                name,
                active_agent,
            }),
        );
    }
    people.learn(GONE, None);
    people
}

fn run(ticket: &Ticket, actor: &Actor, change: Change) -> Result<Plan, Refused> {
    plan(ticket, actor, &change, &people(), at())
}

fn sentences(plan: &Plan, who: &str) -> Vec<String> {
    plan.activities.iter().map(|a| a.describe(who)).collect()
}

#[test]
fn customers_may_not_touch_staff_fields_even_unchanged() {
    let open = ticket(Open);
    for change in [
        Change {
            priority: Some(IssuePriority::High),
            ..Change::default()
        },
        Change {
            priority: Some(open.priority),
            ..Change::default()
        },
        Change {
            category: Some(IssueCategory::Billing),
            ..Change::default()
        },
        Change {
            assignee: Some(None),
            ..Change::default()
        },
        Change {
            status: Some(Closed),
            assignee: Some(Some(KIM)),
            ..Change::default()
        },
    ] {
        assert_eq!(
            run(&open, &customer(), change.clone()),
            Err(Refused::StaffOnly),
            "{change:?}"
        );
    }
    let plan = run(
        &open,
        &staff(),
        Change {
            priority: Some(IssuePriority::High),
            category: Some(IssueCategory::Billing),
            assignee: Some(Some(KIM)),
            ..Change::default()
        },
    )
    .unwrap();
    assert_eq!(plan.priority, Some(IssuePriority::High));
    assert_eq!(plan.category, Some(IssueCategory::Billing));
    assert_eq!(plan.assignee, Some(Some(KIM)));
}

#[test]
fn the_lifecycle_decides_status_changes() {
    let status = |to| Change {
        status: Some(to),
        ..Change::default()
    };
    assert_eq!(
        run(&ticket(Open), &customer(), status(InProgress)),
        Err(Refused::CustomerTransition)
    );
    assert_eq!(
        run(&ticket(Closed), &staff(), status(Resolved)),
        Err(Refused::ResolveClosed)
    );
    let plan = run(&ticket(Open), &staff(), status(InProgress)).unwrap();
    assert_eq!(plan.status, Some(InProgress));
    assert_eq!((plan.resolved_at, plan.closed_at), (None, None));
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        ["Alex Agent changed the status from Open to In progress"]
    );

    let plan = run(&ticket(Open), &customer(), status(Closed)).unwrap();
    assert_eq!(plan.closed_at, Some(Some(at())));
    assert_eq!(plan.resolved_at, None);
    assert_eq!(plan.reply, None);
}

#[test]
fn resolving_needs_notes_and_records_them() {
    let resolve = |notes: Option<&str>| Change {
        status: Some(Resolved),
        resolution_notes: notes.map(str::to_owned),
        ..Change::default()
    };
    for notes in [None, Some(""), Some("  \n ")] {
        assert_eq!(
            run(&ticket(InProgress), &staff(), resolve(notes)),
            Err(Refused::NeedsResolutionNotes)
        );
    }
    let plan = run(
        &ticket(InProgress),
        &staff(),
        resolve(Some("  Raised the limit. ")),
    )
    .unwrap();
    assert_eq!(plan.resolution.as_deref(), Some("Raised the limit."));
    assert_eq!(plan.resolved_at, Some(Some(at())));
    assert_eq!(plan.closed_at, None);
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        ["Alex Agent resolved the ticket"]
    );
    // Notes without resolving are not recorded.
    let plan = run(
        &ticket(InProgress),
        &staff(),
        Change {
            resolution_notes: Some("Ignored".into()),
            ..Change::default()
        },
    )
    .unwrap();
    assert!(plan.is_empty());
    assert_eq!(plan.resolution, None);
}

#[test]
fn customers_reopen_with_a_reason_posted_as_a_reply() {
    let reopen = |reason: Option<&str>| Change {
        status: Some(Open),
        reopen_reason: reason.map(str::to_owned),
        ..Change::default()
    };
    for reason in [None, Some(" ")] {
        assert_eq!(
            run(&ticket(Resolved), &customer(), reopen(reason)),
            Err(Refused::NeedsReopenReason)
        );
    }
    let plan = run(&ticket(Closed), &customer(), reopen(Some(" Still broken "))).unwrap();
    assert_eq!(plan.status, Some(Open));
    assert_eq!((plan.resolved_at, plan.closed_at), (Some(None), Some(None)));
    assert_eq!(plan.reply.as_deref(), Some("Reopened: Still broken"));
    assert_eq!(
        sentences(&plan, "Casey Customer"),
        ["Casey Customer reopened the ticket: Still broken"]
    );

    // Staff may reopen without a reason: no reply then.
    let plan = run(&ticket(Resolved), &staff(), reopen(None)).unwrap();
    assert_eq!(plan.reply, None);
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        ["Alex Agent reopened the ticket"]
    );
    // A reason without reopening is no reply.
    let plan = run(&ticket(InProgress), &staff(), reopen(Some("why"))).unwrap();
    assert_eq!(plan.reply, None);
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        ["Alex Agent changed the status from In progress to Open"]
    );
}

#[test]
fn unchanged_fields_write_nothing() {
    let mut current = ticket(InProgress);
    current.assignee = Some(KIM);
    let plan = run(
        &current,
        &staff(),
        Change {
            status: Some(current.status),
            priority: Some(current.priority),
            category: Some(current.category),
            assignee: Some(current.assignee),
            resolution_notes: None,
            reopen_reason: None,
            status_button: false,
        },
    )
    .unwrap();
    assert!(plan.is_empty());
    assert_eq!(plan, Plan::new(at()));
}

#[test]
fn each_changed_field_is_one_activity_in_order() {
    let mut current = ticket(Open);
    current.assignee = Some(KIM);
    let plan = run(
        &current,
        &staff(),
        Change {
            status: Some(InProgress),
            priority: Some(IssuePriority::Low),
            category: Some(current.category),
            assignee: Some(Some(staff().id)),
            ..Change::default()
        },
    )
    .unwrap();
    let actions: Vec<&str> = plan
        .activities
        .iter()
        .map(|a| a.action().as_str())
        .collect();
    assert_eq!(actions, ["status_changed", "priority_changed", "assigned"]);
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        [
            "Alex Agent changed the status from Open to In progress",
            "Alex Agent changed the priority from Medium to Low",
            "Alex Agent took the ticket (Alex Agent)",
        ]
    );
    assert_eq!(plan.category, None);
}

#[test]
fn tickets_go_to_active_agents_only() {
    let assign = |to| Change {
        assignee: Some(to),
        ..Change::default()
    };
    for nobody in [SAM, CASEY, GONE, Uuid::from_u128(99)] {
        assert_eq!(
            run(&ticket(Open), &staff(), assign(Some(nobody))),
            Err(Refused::NotAnActiveAgent),
            "{nobody}"
        );
    }
    let plan = run(&ticket(Open), &staff(), assign(Some(KIM))).unwrap();
    assert_eq!(
        plan.activities,
        [Activity::Assigned {
            from: None,
            to: "Kim".into(),
            by_self: false
        }]
    );
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        ["Alex Agent assigned the ticket to Kim"]
    );
}

#[test]
fn reassigning_and_unassigning_name_the_previous_assignee() {
    let mut current = ticket(Open);
    current.assignee = Some(SAM);
    // A disabled agent may lose a ticket, and is named.
    let plan = run(
        &current,
        &staff(),
        Change {
            assignee: Some(Some(staff().id)),
            ..Change::default()
        },
    )
    .unwrap();
    assert_eq!(
        plan.activities,
        [Activity::Assigned {
            from: Some("Sam".into()),
            to: "Alex Agent".into(),
            by_self: true
        }]
    );
    assert_eq!(
        sentences(&plan, "Alex Agent"),
        ["Alex Agent took the ticket (Alex Agent)"]
    );
    let plan = run(
        &current,
        &staff(),
        Change {
            assignee: Some(None),
            ..Change::default()
        },
    )
    .unwrap();
    assert_eq!(plan.assignee, Some(None));
    assert_eq!(
        plan.activities,
        [Activity::Unassigned {
            from: Some("Sam".into())
        }]
    );
    // A former assignee no longer found is unnamed.
    current.assignee = Some(GONE);
    let plan = run(
        &current,
        &staff(),
        Change {
            assignee: Some(None),
            ..Change::default()
        },
    )
    .unwrap();
    assert_eq!(plan.activities, [Activity::Unassigned { from: None }]);
}

#[test]
fn only_a_changed_assignee_needs_people_looked_up() {
    let mut current = ticket(Open);
    current.assignee = Some(SAM);
    let needed = |assignee| {
        Change {
            assignee,
            ..Change::default()
        }
        .people_needed(&current)
    };
    assert_eq!(needed(None), Vec::<Uuid>::new());
    assert_eq!(needed(Some(Some(SAM))), Vec::<Uuid>::new());
    assert_eq!(needed(Some(Some(KIM))), [KIM, SAM]);
    assert_eq!(needed(Some(None)), [SAM]);
}

#[test]
fn assignee_words() {
    let me = staff().id;
    assert_eq!(parse_assignee("", me), Ok(None));
    assert_eq!(parse_assignee("none", me), Ok(None));
    assert_eq!(parse_assignee("me", me), Ok(Some(me)));
    assert_eq!(parse_assignee(&KIM.to_string(), me), Ok(Some(KIM)));
    assert_eq!(parse_assignee("not-a-uuid", me), Err(UnknownAssignee));
    assert_eq!(
        UnknownAssignee.to_string(),
        "Choose an agent from the list."
    );
}

#[test]
fn refusals_read_as_sentences() {
    assert_eq!(
        Refused::NeedsResolutionNotes.to_string(),
        "Resolving needs resolution notes: say how it was solved."
    );
    assert_eq!(
        Refused::NotAnActiveAgent.to_string(),
        "Assign tickets to an active agent from the list."
    );
    assert_eq!(
        Refused::NeedsReopenReason.to_string(),
        "Say why the issue is not solved."
    );
}

#[test]
fn close_and_reopen_buttons_refuse_what_would_change_nothing() {
    let button = |to| Change {
        status: Some(to),
        reopen_reason: Some("Still broken".into()),
        status_button: true,
        ..Change::default()
    };
    for actor in [customer(), staff()] {
        for status in [Open, InProgress] {
            assert_eq!(
                run(&ticket(status), &actor, button(Open)),
                Err(Refused::NotFinished),
                "{status:?}"
            );
        }
        assert_eq!(
            run(&ticket(Closed), &actor, button(Closed)),
            Err(Refused::SameStatus)
        );
        assert!(run(&ticket(Resolved), &actor, button(Open)).is_ok());
    }
    // The agent's form sends the current status with every change: fine.
    let form = Change {
        status: Some(Open),
        ..Change::default()
    };
    assert!(run(&ticket(Open), &staff(), form).unwrap().is_empty());
}
