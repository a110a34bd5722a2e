//! Action plans: what management agreed to do about a finding, by when,
//! and how it is going.
//!
//! Committees see the original target date beside the revised one, so a
//! target is never overwritten: each revision is kept with its date and
//! reason, and the latest is the one that counts. Status is derived on
//! the day asked ([`rag`], [`escalation`]), never stored.

use authz::Role;
use kernel::UserId;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::ActionId;

/// An action due in this many days or fewer is Amber.
pub const DUE_SOON_DAYS: i64 = 14;
/// An action overdue by more than this many days goes to the head of service.
pub const HEAD_OF_SERVICE_AFTER_DAYS: i64 = 30;
/// An action overdue by more than this many days goes to the director.
pub const DIRECTOR_AFTER_DAYS: i64 = 90;

/// A change of target date, with why and when it was agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub to: Date,
    pub on: Date,
    pub reason: String,
}

/// A progress note from the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub on: Date,
    pub by: UserId,
    pub text: String,
}

/// One agreed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub description: String,
    pub owner: UserId,
    pub original_target: Date,
    /// Every revision of the target, oldest first.
    pub revisions: Vec<Revision>,
    pub completed_on: Option<Date>,
    pub updates: Vec<Update>,
}

/// A change to an action that cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("the action is complete; reopen it as a new action instead")]
    AlreadyComplete,
    #[error("give a reason for revising the target date")]
    NoReason,
    #[error("the new target date is the current one")]
    SameTarget,
    #[error("write what has happened")]
    EmptyUpdate,
}

impl Action {
    pub fn new(id: ActionId, description: &str, owner: UserId, target: Date) -> Action {
        Action {
            id,
            description: description.trim().to_owned(),
            owner,
            original_target: target,
            revisions: Vec::new(),
            completed_on: None,
            updates: Vec::new(),
        }
    }

    /// The target that counts: the latest revision's, else the original.
    pub fn target(&self) -> Date {
        self.revisions.last().map_or(self.original_target, |r| r.to)
    }

    pub fn is_complete(&self) -> bool {
        self.completed_on.is_some()
    }

    /// Days past the current target on `today`; 0 when complete or not yet due.
    pub fn days_overdue(&self, today: Date) -> i64 {
        if self.is_complete() {
            return 0;
        }
        (today - self.target()).whole_days().max(0)
    }

    /// Moves the target to `to`, agreed on `on` for `reason`.
    pub fn revise(&mut self, to: Date, on: Date, reason: &str) -> Result<(), ActionError> {
        self.refuse_if_complete()?;
        if reason.trim().is_empty() {
            return Err(ActionError::NoReason);
        }
        if to == self.target() {
            return Err(ActionError::SameTarget);
        }
        self.revisions.push(Revision {
            to,
            on,
            reason: reason.trim().to_owned(),
        });
        Ok(())
    }

    pub fn complete(&mut self, on: Date) -> Result<(), ActionError> {
        self.refuse_if_complete()?;
        self.completed_on = Some(on);
        Ok(())
    }

    pub fn add_update(&mut self, on: Date, by: UserId, text: &str) -> Result<(), ActionError> {
        if text.trim().is_empty() {
            return Err(ActionError::EmptyUpdate);
        }
        self.updates.push(Update {
            on,
            by,
            text: text.trim().to_owned(),
        });
        Ok(())
    }

    fn refuse_if_complete(&self) -> Result<(), ActionError> {
        if self.is_complete() {
            Err(ActionError::AlreadyComplete)
        } else {
            Ok(())
        }
    }
}

kernel::coded!(
    /// Red, amber or green: how an action stands for the committee.
    Rag {
        Red = "red", "Red";
        Amber = "amber", "Amber";
        Green = "green", "Green";
    }
);

/// The action's status on `today`, the first that applies:
///
/// 1. Green when complete;
/// 2. Red when `today` is after its (latest) target;
/// 3. Amber when the target is within [`DUE_SOON_DAYS`] days (today counts),
///    or the target has been revised more than once (slipping);
/// 4. Green otherwise (due in more than 14 days).
pub fn rag(action: &Action, today: Date) -> Rag {
    if action.is_complete() {
        return Rag::Green;
    }
    let days_left = (action.target() - today).whole_days();
    if days_left < 0 {
        Rag::Red
    } else if days_left <= DUE_SOON_DAYS || action.revisions.len() > 1 {
        Rag::Amber
    } else {
        Rag::Green
    }
}

kernel::coded!(
    /// Who an overdue action is taken to.
    Escalation {
        NotEscalated = "not-escalated", "Not escalated";
        HeadOfService = "head-of-service", "Head of service";
        Director = "director", "Director";
    }
);

impl Escalation {
    /// The role the action is escalated to, if any.
    pub fn role(self) -> Option<Role> {
        match self {
            Escalation::NotEscalated => None,
            Escalation::HeadOfService => Some(Role::HeadOfService),
            Escalation::Director => Some(Role::Director),
        }
    }
}

/// Where an open action goes on `today`: the director when more than
/// [`DIRECTOR_AFTER_DAYS`] days overdue, the head of service when more than
/// [`HEAD_OF_SERVICE_AFTER_DAYS`], otherwise nowhere. Complete actions are
/// never escalated.
pub fn escalation(action: &Action, today: Date) -> Escalation {
    match action.days_overdue(today) {
        days if days > DIRECTOR_AFTER_DAYS => Escalation::Director,
        days if days > HEAD_OF_SERVICE_AFTER_DAYS => Escalation::HeadOfService,
        _ => Escalation::NotEscalated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TARGET: Date = date!(2026 - 06 - 30);

    fn action() -> Action {
        Action::new(ActionId::new(1), "Reconcile the agreement register monthly", UserId::new(5), TARGET)
    }

    #[test]
    fn rag_on_fixed_dates() {
        let open = action();
        assert_eq!(rag(&open, date!(2026 - 06 - 15)), Rag::Green, "15 days to go");
        assert_eq!(rag(&open, date!(2026 - 06 - 16)), Rag::Amber, "14 days to go");
        assert_eq!(rag(&open, TARGET), Rag::Amber, "due today");
        assert_eq!(rag(&open, date!(2026 - 07 - 01)), Rag::Red);
        let mut done = action();
        done.complete(date!(2026 - 08 - 01)).unwrap();
        assert_eq!(rag(&done, date!(2026 - 09 - 01)), Rag::Green, "complete, however late");
    }

    #[test]
    fn rag_turns_amber_when_revised_more_than_once() {
        let mut slipping = action();
        slipping
            .revise(date!(2026 - 09 - 30), date!(2026 - 06 - 01), "Waiting for the new finance system")
            .unwrap();
        assert_eq!(rag(&slipping, date!(2026 - 06 - 02)), Rag::Green, "one revision, far off");
        slipping
            .revise(date!(2026 - 12 - 31), date!(2026 - 06 - 10), "Supplier delay")
            .unwrap();
        assert_eq!(rag(&slipping, date!(2026 - 06 - 11)), Rag::Amber);
        assert_eq!(rag(&slipping, date!(2027 - 01 - 01)), Rag::Red, "judged against the latest target");
        assert_eq!(slipping.original_target, TARGET, "the original date is kept");
        assert_eq!(slipping.target(), date!(2026 - 12 - 31));
    }

    #[test]
    fn escalation_on_fixed_dates() {
        let open = action();
        assert_eq!(
            escalation(&open, date!(2026 - 07 - 30)),
            Escalation::NotEscalated,
            "30 days overdue"
        );
        assert_eq!(
            escalation(&open, date!(2026 - 07 - 31)),
            Escalation::HeadOfService,
            "31 days overdue"
        );
        assert_eq!(
            escalation(&open, date!(2026 - 09 - 28)),
            Escalation::HeadOfService,
            "90 days overdue"
        );
        assert_eq!(escalation(&open, date!(2026 - 09 - 29)), Escalation::Director, "91 days overdue");
        assert_eq!(escalation(&open, date!(2026 - 01 - 01)), Escalation::NotEscalated, "not yet due");
        assert_eq!(Escalation::Director.role(), Some(Role::Director));
        assert_eq!(Escalation::NotEscalated.role(), None);
        let mut done = action();
        done.complete(date!(2027 - 01 - 01)).unwrap();
        assert_eq!(escalation(&done, date!(2027 - 06 - 01)), Escalation::NotEscalated);
        assert_eq!(done.days_overdue(date!(2027 - 06 - 01)), 0);
    }

    #[test]
    fn changes_are_checked() {
        let mut open = action();
        assert_eq!(open.revise(TARGET, TARGET, "No change"), Err(ActionError::SameTarget));
        assert_eq!(open.revise(date!(2026 - 08 - 01), TARGET, "  "), Err(ActionError::NoReason));
        assert_eq!(open.add_update(TARGET, UserId::new(5), ""), Err(ActionError::EmptyUpdate));
        open.add_update(TARGET, UserId::new(5), "Draft procedure with finance").unwrap();
        open.complete(date!(2026 - 07 - 02)).unwrap();
        assert_eq!(open.complete(date!(2026 - 07 - 03)), Err(ActionError::AlreadyComplete));
        assert_eq!(
            open.revise(date!(2026 - 08 - 01), TARGET, "Late"),
            Err(ActionError::AlreadyComplete)
        );
        assert_eq!(open.updates.len(), 1);
    }
}
