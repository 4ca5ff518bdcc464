//! The ticket lifecycle in one place: which status changes are allowed to
//! whom, and what each change does to the ticket's timestamps.

use crate::db::models::enums::IssueStatus;

/// Who asks for the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Customer,
    Staff,
}

/// What a permitted change implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Effects {
    /// Resolving: notes are required and `resolved_at` is set.
    pub resolves: bool,
    /// Closing: `closed_at` is set.
    pub closes: bool,
    /// Reopening: `resolved_at` and `closed_at` are cleared; a reason is required.
    pub reopens: bool,
}

/// Checks a change; the error is a sentence for the person who asked.
pub fn transition(
    from: IssueStatus,
    to: IssueStatus,
    actor: Actor,
) -> Result<Effects, &'static str> {
    use IssueStatus::*;
    if from == to {
        return Err("The issue already has this status.");
    }
    let done = matches!(from, Resolved | Closed);
    let effects = Effects {
        resolves: to == Resolved,
        closes: to == Closed,
        reopens: done && matches!(to, Open | InProgress),
    };
    let allowed = match actor {
        Actor::Staff => !(from == Closed && to == Resolved),
        // Customers close their issue or reopen a finished one.
        Actor::Customer => to == Closed || (done && to == Open),
    };
    if allowed {
        Ok(effects)
    } else if actor == Actor::Customer {
        Err("You can close this issue or reopen it once it is resolved or closed.")
    } else {
        Err("A closed issue is reopened before it is resolved again.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IssueStatus::*;

    #[test]
    fn staff_may_move_freely_but_not_resolve_a_closed_issue() {
        assert!(transition(Open, InProgress, Actor::Staff).is_ok());
        assert!(
            transition(InProgress, Resolved, Actor::Staff)
                .unwrap()
                .resolves
        );
        assert!(transition(Resolved, Closed, Actor::Staff).unwrap().closes);
        assert!(transition(Closed, Open, Actor::Staff).unwrap().reopens);
        assert!(
            transition(Resolved, InProgress, Actor::Staff)
                .unwrap()
                .reopens
        );
        assert!(transition(Closed, Resolved, Actor::Staff).is_err());
        assert!(transition(Open, Open, Actor::Staff).is_err());
    }

    #[test]
    fn customers_only_close_and_reopen() {
        assert!(transition(Open, Closed, Actor::Customer).unwrap().closes);
        assert!(transition(Resolved, Open, Actor::Customer).unwrap().reopens);
        assert!(transition(Closed, Open, Actor::Customer).is_ok());
        assert!(transition(Open, InProgress, Actor::Customer).is_err());
        assert!(transition(Open, Resolved, Actor::Customer).is_err());
        assert!(transition(InProgress, Open, Actor::Customer).is_err());
        assert!(transition(Closed, InProgress, Actor::Customer).is_err());
    }
}
