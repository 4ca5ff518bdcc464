//! A ticket's activity log entries: the action stored in
//! `issue_activities.action`, and the one place that words each entry
//! ("Alex changed the priority from Low to High"). Whatever writes the log
//! (the app, the demo seed, the load generator's SQL) takes its sentences
//! from here, so the wording cannot drift.

use crate::db::models::enums::{IssueCategory, IssuePriority, IssueStatus};

use super::lifecycle;

/// The kind of an activity row, as stored in the `action` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Created,
    Assigned,
    Unassigned,
    StatusChanged,
    PriorityChanged,
    CategoryChanged,
    Commented,
    InternalNote,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Created,
        Action::Assigned,
        Action::Unassigned,
        Action::StatusChanged,
        Action::PriorityChanged,
        Action::CategoryChanged,
        Action::Commented,
        Action::InternalNote,
    ];

    /// The stored value; existing rows hold these exact strings.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Assigned => "assigned",
            Action::Unassigned => "unassigned",
            Action::StatusChanged => "status_changed",
            Action::PriorityChanged => "priority_changed",
            Action::CategoryChanged => "category_changed",
            Action::Commented => "commented",
            Action::InternalNote => "internal_note",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == value)
    }

    /// Whether a customer sees entries of this kind: an allow-list, so that
    /// agent-only fields (priority, assignee) and internal notes never show.
    pub fn visible_to_customers(self) -> bool {
        matches!(
            self,
            Action::Created | Action::StatusChanged | Action::CategoryChanged | Action::Commented
        )
    }
}

/// One entry of a ticket's log, with what its sentence needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    Filed,
    Replied,
    InternalNote,
    /// `reason` is a reopen reason, trimmed and not empty.
    Status {
        from: IssueStatus,
        to: IssueStatus,
        reason: Option<String>,
    },
    Priority {
        from: IssuePriority,
        to: IssuePriority,
    },
    Category {
        from: IssueCategory,
        to: IssueCategory,
    },
    /// `by_self`: the actor took the ticket. `from` is the previous
    /// assignee's name, when there was one still known.
    Assigned {
        from: Option<String>,
        to: String,
        by_self: bool,
    },
    Unassigned {
        from: Option<String>,
    },
}

impl Activity {
    pub fn action(&self) -> Action {
        match self {
            Activity::Filed => Action::Created,
            Activity::Replied => Action::Commented,
            Activity::InternalNote => Action::InternalNote,
            Activity::Status { .. } => Action::StatusChanged,
            Activity::Priority { .. } => Action::PriorityChanged,
            Activity::Category { .. } => Action::CategoryChanged,
            Activity::Assigned { .. } => Action::Assigned,
            Activity::Unassigned { .. } => Action::Unassigned,
        }
    }

    /// The field a change is about (`None` for filing and comments).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Activity::Filed | Activity::Replied | Activity::InternalNote => None,
            Activity::Status { .. } => Some("status"),
            Activity::Priority { .. } => Some("priority"),
            Activity::Category { .. } => Some("category"),
            Activity::Assigned { .. } | Activity::Unassigned { .. } => Some("assignee"),
        }
    }

    /// The stored values before and after: enum values as stored, people
    /// by name.
    pub fn values(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Activity::Filed | Activity::Replied | Activity::InternalNote => (None, None),
            Activity::Status { from, to, .. } => (Some(from.as_str()), Some(to.as_str())),
            Activity::Priority { from, to } => (Some(from.as_str()), Some(to.as_str())),
            Activity::Category { from, to } => (Some(from.as_str()), Some(to.as_str())),
            Activity::Assigned { from, to, .. } => (from.as_deref(), Some(to)),
            Activity::Unassigned { from } => (from.as_deref(), None),
        }
    }

    /// The sentence people read, naming `who` did it.
    pub fn describe(&self, who: &str) -> String {
        match self {
            Activity::Filed => format!("{who} filed the issue"),
            Activity::Replied => format!("{who} replied"),
            Activity::InternalNote => format!("{who} added an internal note"),
            Activity::Status { from, to, reason } => {
                let effects = lifecycle::effects(*from, *to);
                match reason {
                    Some(reason) if effects.reopens => {
                        format!("{who} reopened the ticket: {reason}")
                    }
                    _ if effects.reopens => format!("{who} reopened the ticket"),
                    _ if effects.resolves => format!("{who} resolved the ticket"),
                    _ => format!(
                        "{who} changed the status from {} to {}",
                        from.label(),
                        to.label()
                    ),
                }
            }
            Activity::Priority { from, to } => format!(
                "{who} changed the priority from {} to {}",
                from.label(),
                to.label()
            ),
            Activity::Category { from, to } => format!(
                "{who} changed the category from {} to {}",
                from.label(),
                to.label()
            ),
            Activity::Assigned {
                to, by_self: true, ..
            } => format!("{who} took the ticket ({to})"),
            Activity::Assigned { to, .. } => format!("{who} assigned the ticket to {to}"),
            Activity::Unassigned { .. } => format!("{who} unassigned the ticket"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IssueStatus::*;

    #[test]
    fn actions_keep_their_stored_strings() {
        let stored: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            stored,
            [
                "created",
                "assigned",
                "unassigned",
                "status_changed",
                "priority_changed",
                "category_changed",
                "commented",
                "internal_note",
            ]
        );
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(*action));
        }
        assert_eq!(Action::parse("edited"), None);
    }

    #[test]
    fn customers_see_filing_status_category_and_replies_only() {
        let visible: Vec<Action> = Action::ALL
            .iter()
            .copied()
            .filter(|a| a.visible_to_customers())
            .collect();
        assert_eq!(
            visible,
            [
                Action::Created,
                Action::StatusChanged,
                Action::CategoryChanged,
                Action::Commented
            ]
        );
    }

    /// Each entry: its action, field, values and sentence.
    fn row(activity: &Activity) -> (&str, Option<&str>, Option<&str>, Option<&str>, String) {
        let (from, to) = activity.values();
        (
            activity.action().as_str(),
            activity.field(),
            from,
            to,
            activity.describe("Alex"),
        )
    }

    #[test]
    fn filing_and_comments_are_worded_without_a_field() {
        assert_eq!(
            row(&Activity::Filed),
            ("created", None, None, None, "Alex filed the issue".into())
        );
        assert_eq!(
            row(&Activity::Replied),
            ("commented", None, None, None, "Alex replied".into())
        );
        assert_eq!(
            row(&Activity::InternalNote),
            (
                "internal_note",
                None,
                None,
                None,
                "Alex added an internal note".into()
            )
        );
    }

    #[test]
    fn status_changes_say_what_happened() {
        let status = |from, to, reason: Option<&str>| Activity::Status {
            from,
            to,
            reason: reason.map(str::to_owned),
        };
        assert_eq!(
            row(&status(Open, InProgress, None)),
            (
                "status_changed",
                Some("status"),
                Some("open"),
                Some("in_progress"),
                "Alex changed the status from Open to In progress".into()
            )
        );
        assert_eq!(
            status(InProgress, Resolved, None).describe("Alex"),
            "Alex resolved the ticket"
        );
        assert_eq!(
            status(Resolved, Closed, None).describe("Alex"),
            "Alex changed the status from Resolved to Closed"
        );
        assert_eq!(
            status(Closed, Open, Some("Still broken")).describe("Alex"),
            "Alex reopened the ticket: Still broken"
        );
        assert_eq!(
            status(Resolved, InProgress, None).describe("Alex"),
            "Alex reopened the ticket"
        );
    }

    #[test]
    fn priority_and_category_changes_name_both_labels() {
        assert_eq!(
            row(&Activity::Priority {
                from: IssuePriority::Low,
                to: IssuePriority::High
            }),
            (
                "priority_changed",
                Some("priority"),
                Some("low"),
                Some("high"),
                "Alex changed the priority from Low to High".into()
            )
        );
        assert_eq!(
            row(&Activity::Category {
                from: IssueCategory::Billing,
                to: IssueCategory::FeatureRequest
            }),
            (
                "category_changed",
                Some("category"),
                Some("billing"),
                Some("feature_request"),
                "Alex changed the category from Billing to Feature request".into()
            )
        );
    }

    #[test]
    fn assignments_name_people() {
        assert_eq!(
            row(&Activity::Assigned {
                from: Some("Sam".into()),
                to: "Kim".into(),
                by_self: false
            }),
            (
                "assigned",
                Some("assignee"),
                Some("Sam"),
                Some("Kim"),
                "Alex assigned the ticket to Kim".into()
            )
        );
        assert_eq!(
            row(&Activity::Assigned {
                from: None,
                to: "Alex".into(),
                by_self: true
            }),
            (
                "assigned",
                Some("assignee"),
                None,
                Some("Alex"),
                "Alex took the ticket (Alex)".into()
            )
        );
        assert_eq!(
            row(&Activity::Unassigned {
                from: Some("Kim".into())
            }),
            (
                "unassigned",
                Some("assignee"),
                Some("Kim"),
                None,
                "Alex unassigned the ticket".into()
            )
        );
    }
}
