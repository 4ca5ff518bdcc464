//! The ticket lifecycle in one place: which status changes are allowed to
//! whom, and what each change does to the ticket's timestamps.

use crate::db::models::enums::IssueStatus;

use super::Refused;

/// Whose rules apply: customers only close and reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Staff,
}

impl Role {
    pub fn of_staff(staff: bool) -> Self {
        if staff { Role::Staff } else { Role::Customer }
    }
}

/// What a change of status implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Effects {
    /// Resolving: notes are required and `resolved_at` is set.
    pub resolves: bool,
    /// Closing: `closed_at` is set.
    pub closes: bool,
    /// Reopening: `resolved_at` and `closed_at` are cleared; a customer
    /// says why.
    pub reopens: bool,
}

/// What moving from `from` to `to` implies, whoever asks. The activity's
/// wording reads it too, so the sentence and the change cannot disagree.
pub fn effects(from: IssueStatus, to: IssueStatus) -> Effects {
    use IssueStatus::*;
    let done = matches!(from, Resolved | Closed);
    Effects {
        resolves: to == Resolved,
        closes: to == Closed,
        reopens: done && matches!(to, Open | InProgress),
    }
}

/// Checks a change for `role`.
pub fn transition(from: IssueStatus, to: IssueStatus, role: Role) -> Result<Effects, Refused> {
    use IssueStatus::*;
    if from == to {
        return Err(Refused::SameStatus);
    }
    let effects = effects(from, to);
    let done = matches!(from, Resolved | Closed);
    match role {
        Role::Staff if from == Closed && to == Resolved => Err(Refused::ResolveClosed),
        Role::Staff => Ok(effects),
        // Customers close their issue or reopen a finished one.
        Role::Customer if to == Closed || (done && to == Open) => Ok(effects),
        Role::Customer => Err(Refused::CustomerTransition),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IssueStatus::*;

    #[test]
    fn staff_may_move_freely_but_not_resolve_a_closed_issue() {
        assert!(transition(Open, InProgress, Role::Staff).is_ok());
        assert!(
            transition(InProgress, Resolved, Role::Staff)
                .unwrap()
                .resolves
        );
        assert!(transition(Resolved, Closed, Role::Staff).unwrap().closes);
        assert!(transition(Closed, Open, Role::Staff).unwrap().reopens);
        assert!(
            transition(Resolved, InProgress, Role::Staff)
                .unwrap()
                .reopens
        );
        assert_eq!(
            transition(Closed, Resolved, Role::Staff),
            Err(Refused::ResolveClosed)
        );
        assert_eq!(
            transition(Open, Open, Role::Staff),
            Err(Refused::SameStatus)
        );
    }

    #[test]
    fn customers_only_close_and_reopen() {
        assert!(transition(Open, Closed, Role::Customer).unwrap().closes);
        assert!(transition(Resolved, Open, Role::Customer).unwrap().reopens);
        assert!(transition(Closed, Open, Role::Customer).is_ok());
        for (from, to) in [
            (Open, InProgress),
            (Open, Resolved),
            (InProgress, Open),
            (Closed, InProgress),
        ] {
            assert_eq!(
                transition(from, to, Role::Customer),
                Err(Refused::CustomerTransition),
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn moving_between_unfinished_states_has_no_effects() {
        assert_eq!(effects(Open, InProgress), Effects::default());
        assert_eq!(effects(InProgress, Open), Effects::default());
        assert!(!effects(Resolved, Closed).reopens);
    }
}
