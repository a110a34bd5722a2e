//! Segregation of duties: the rules about *who else* took part.
//!
//! Roles say what a person may do in general. These rules say what they may
//! not do given their earlier part in the same piece of work: the maker of a
//! request, payment run or matrix change never checks it, and nobody gives two
//! approvals in one chain.

use crate::principal::Actor;

/// A segregation-of-duties rule was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DutyViolation {
    #[error("you cannot {action} something you {earlier_part} yourself; another person must do it")]
    SamePerson { action: &'static str, earlier_part: &'static str },
    #[error("you have already given an approval in this chain; another person must give the next one")]
    RepeatApproval,
    #[error("only a named person can {action}; use a personal account or token, not a service token")]
    NotAPerson { action: &'static str },
}

/// Refuses when the checker is the same actor as the maker.
///
/// Only a named person satisfies a check: neither `System` nor a service
/// token (which acts for a role, not a person) can be the checker, or the
/// record would not say who checked.
pub fn ensure_different_people(
    maker: Actor,
    checker: Actor,
    action: &'static str,
    earlier_part: &'static str,
) -> Result<(), DutyViolation> {
    if checker.user_id().is_none() {
        Err(DutyViolation::NotAPerson { action })
    } else if maker == checker {
        Err(DutyViolation::SamePerson { action, earlier_part })
    } else {
        Ok(())
    }
}

/// Refuses when `approver` already appears among `earlier_approvers`.
pub fn ensure_new_approver(earlier_approvers: &[Actor], approver: Actor) -> Result<(), DutyViolation> {
    if earlier_approvers.contains(&approver) {
        Err(DutyViolation::RepeatApproval)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::UserId;
    use proptest::prelude::*;

    fn user(n: i64) -> Actor {
        Actor::User(UserId::new(n))
    }

    #[test]
    fn the_same_person_cannot_check_their_own_work() {
        let err = ensure_different_people(user(1), user(1), "approve", "prepared").unwrap_err();
        assert_eq!(
            err.to_string(),
            "you cannot approve something you prepared yourself; another person must do it"
        );
        assert!(ensure_different_people(user(1), user(2), "approve", "prepared").is_ok());
    }

    #[test]
    fn only_a_named_person_is_a_checker() {
        assert!(ensure_different_people(user(1), Actor::System, "approve", "prepared").is_err());
        let token = Actor::ApiToken(kernel::ApiTokenId::new(7));
        assert_eq!(
            ensure_different_people(user(1), token, "approve", "prepared").unwrap_err(),
            DutyViolation::NotAPerson { action: "approve" }
        );
    }

    proptest! {
        #[test]
        fn a_chain_built_through_the_check_never_repeats_an_approver(
            attempts in proptest::collection::vec(1i64..6, 0..30)
        ) {
            let mut chain: Vec<Actor> = Vec::new();
            for n in attempts {
                if ensure_new_approver(&chain, user(n)).is_ok() {
                    chain.push(user(n));
                }
            }
            let mut unique = chain.clone();
            unique.sort_by_key(|a| a.user_id().map(|u| u.get()));
            unique.dedup();
            prop_assert_eq!(unique.len(), chain.len());
        }
    }
}
