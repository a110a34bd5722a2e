//! Approval chains: the approvals the matrix requires, given in order, one
//! person per step, never by the requester.

use authz::{Actor, Role};
use serde::Serialize;

/// The state of one request's approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub requester: Actor,
    pub required: Vec<Role>,
    /// (who, as what), in the order given.
    pub given: Vec<(Actor, Role)>,
}

/// Why an approval was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalRefused {
    #[error("you made this request, so you cannot approve it")]
    Requester,
    #[error("you have already approved this request; the next approval must come from someone else")]
    AlreadyApproved,
    #[error("the next approval must come from a {0}")]
    WrongRole(&'static str),
    #[error("every approval this request needs has been given")]
    Complete,
}

impl Chain {
    pub fn new(requester: Actor, required: Vec<Role>) -> Chain {
        Chain {
            requester,
            required,
            given: Vec::new(),
        }
    }

    /// The role whose approval is awaited, if any.
    pub fn next_role(&self) -> Option<Role> {
        self.required.get(self.given.len()).copied()
    }

    pub fn is_complete(&self) -> bool {
        self.next_role().is_none()
    }

    /// Records `approver`'s approval if the rules allow it.
    pub fn approve(&self, approver: Actor, roles: &[Role]) -> Result<Chain, ApprovalRefused> {
        let role = self.next_role().ok_or(ApprovalRefused::Complete)?;
        if approver == self.requester {
            return Err(ApprovalRefused::Requester);
        }
        if self.given.iter().any(|(who, _)| *who == approver) {
            return Err(ApprovalRefused::AlreadyApproved);
        }
        if !roles.contains(&role) {
            return Err(ApprovalRefused::WrongRole(role.label()));
        }
        let mut next = self.clone();
        next.given.push((approver, role));
        Ok(next)
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
    fn a_head_of_service_then_a_director() {
        let chain = Chain::new(user(1), vec![Role::HeadOfService, Role::Director]);
        assert_eq!(chain.approve(user(1), &[Role::HeadOfService]), Err(ApprovalRefused::Requester));
        assert_eq!(
            chain.approve(user(2), &[Role::Director]),
            Err(ApprovalRefused::WrongRole("Head of service"))
        );
        let chain = chain.approve(user(2), &[Role::HeadOfService, Role::Director]).unwrap();
        assert_eq!(
            chain.approve(user(2), &[Role::HeadOfService, Role::Director]),
            Err(ApprovalRefused::AlreadyApproved)
        );
        let chain = chain.approve(user(3), &[Role::Director]).unwrap();
        assert!(chain.is_complete());
        assert_eq!(chain.approve(user(4), &[Role::Director]), Err(ApprovalRefused::Complete));
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// Whatever anyone tries, in any order and with any roles, no chain
        /// ever contains the requester or the same person twice.
        #[test]
        fn no_sequence_lets_one_person_request_and_approve(
            required in proptest::collection::vec(any_role(), 0..4),
            attempts in proptest::collection::vec((1i64..5, proptest::collection::vec(any_role(), 0..4)), 0..20),
        ) {
            let requester = user(1);
            let mut chain = Chain::new(requester, required.clone());
            for (who, roles) in attempts {
                if let Ok(next) = chain.approve(user(who), &roles) {
                    chain = next;
                }
            }
            let approvers: Vec<Actor> = chain.given.iter().map(|(who, _)| *who).collect();
            prop_assert!(!approvers.contains(&requester));
            let mut unique = approvers.clone();
            unique.sort_by_key(|a| a.user_id().map(|u| u.get()));
            unique.dedup();
            prop_assert_eq!(unique.len(), approvers.len());
            for (i, (_, role)) in chain.given.iter().enumerate() {
                prop_assert_eq!(*role, required[i]);
            }
        }
    }
}
