//! The request lifecycle as a state machine.

use authz::{Actor, Role};
use serde::{Deserialize, Serialize};

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestState {
    Draft,
    Submitted,
    Endorsed,
    InTriage,
    AtPanel,
    InformationRequested,
    Deferred,
    AwaitingApproval,
    Approved,
    Declined,
    Withdrawn,
}

impl RequestState {
    /// Every state, in the order a request usually passes through them.
    pub const ALL: [RequestState; 11] = [
        RequestState::Draft,
        RequestState::Submitted,
        RequestState::Endorsed,
        RequestState::InTriage,
        RequestState::AtPanel,
        RequestState::InformationRequested,
        RequestState::Deferred,
        RequestState::AwaitingApproval,
        RequestState::Approved,
        RequestState::Declined,
        RequestState::Withdrawn,
    ];

    /// The state as people read it.
    pub fn label(self) -> &'static str {
        match self {
            RequestState::Draft => "Draft",
            RequestState::Submitted => "Awaiting endorsement",
            RequestState::Endorsed => "Endorsed, awaiting triage",
            RequestState::InTriage => "In triage",
            RequestState::AtPanel => "At panel",
            RequestState::InformationRequested => "Information requested",
            RequestState::Deferred => "Deferred",
            RequestState::AwaitingApproval => "Awaiting approval",
            RequestState::Approved => "Approved",
            RequestState::Declined => "Declined",
            RequestState::Withdrawn => "Withdrawn",
        }
    }
}

/// Something a person does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestAction {
    Submit,
    Endorse,
    ReturnToWorker,
    Triage,
    ListForPanel,
    PanelApprove,
    PanelDecline,
    PanelDefer,
    PanelRequestInformation,
    ProvideInformation,
    CompleteApprovals,
    Withdraw,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestRefused {
    #[error("a request cannot be {action} while it is {}", state.label().to_lowercase())]
    WrongState { action: &'static str, state: RequestState },
    #[error("only a {needed} can do this")]
    WrongRole { needed: &'static str },
    #[error("only the social worker who made the request can do this")]
    NotTheRequester,
    #[error("you made this request, so another person must endorse or decide it")]
    OwnRequest,
}

/// Who is acting, with the roles they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub actor: Actor,
    pub roles: Vec<Role>,
}

impl Participant {
    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

fn needs(participant: &Participant, role: Role, label: &'static str) -> Result<(), RequestRefused> {
    if participant.has(role) {
        Ok(())
    } else {
        Err(RequestRefused::WrongRole { needed: label })
    }
}

fn not_requester(participant: &Participant, requester: Actor) -> Result<(), RequestRefused> {
    if participant.actor == requester {
        Err(RequestRefused::OwnRequest)
    } else {
        Ok(())
    }
}

/// The state after `action` by `participant`, or why not.
pub fn next(
    state: RequestState,
    action: RequestAction,
    requester: Actor,
    participant: &Participant,
) -> Result<RequestState, RequestRefused> {
    use RequestAction as A;
    use RequestState as S;
    let wrong = |action: &'static str| Err(RequestRefused::WrongState { action, state });
    match action {
        A::Submit => match state {
            S::Draft if participant.actor == requester => Ok(S::Submitted),
            S::Draft => Err(RequestRefused::NotTheRequester),
            _ => wrong("submitted"),
        },
        A::Endorse | A::ReturnToWorker => {
            if state != S::Submitted {
                return wrong(if action == A::Endorse { "endorsed" } else { "returned" });
            }
            needs(participant, Role::TeamManager, "team manager")?;
            not_requester(participant, requester)?;
            Ok(if action == A::Endorse { S::Endorsed } else { S::Draft })
        }
        A::Triage => match state {
            S::Endorsed => needs(participant, Role::GatewayOfficer, "Gateway officer").map(|()| S::InTriage),
            _ => wrong("triaged"),
        },
        A::ListForPanel => match state {
            S::InTriage | S::Deferred => needs(participant, Role::GatewayOfficer, "Gateway officer").map(|()| S::AtPanel),
            _ => wrong("listed for panel"),
        },
        A::PanelApprove | A::PanelDecline | A::PanelDefer | A::PanelRequestInformation => {
            if state != S::AtPanel {
                return wrong("decided");
            }
            needs(participant, Role::PanelMember, "panel member")?;
            not_requester(participant, requester)?;
            Ok(match action {
                A::PanelApprove => S::AwaitingApproval,
                A::PanelDecline => S::Declined,
                A::PanelDefer => S::Deferred,
                _ => S::InformationRequested,
            })
        }
        A::ProvideInformation => match state {
            S::InformationRequested if participant.actor == requester => Ok(S::InTriage),
            S::InformationRequested => Err(RequestRefused::NotTheRequester),
            _ => wrong("given more information"),
        },
        A::CompleteApprovals => match state {
            S::AwaitingApproval => Ok(S::Approved),
            _ => wrong("approved"),
        },
        A::Withdraw => match state {
            S::Approved | S::Declined | S::Withdrawn => wrong("withdrawn"),
            _ if participant.actor == requester || participant.has(Role::TeamManager) => Ok(S::Withdrawn),
            _ => Err(RequestRefused::NotTheRequester),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::UserId;

    fn person(n: i64, roles: &[Role]) -> Participant {
        Participant {
            actor: Actor::User(UserId::new(n)),
            roles: roles.to_vec(),
        }
    }

    const REQUESTER: Actor = Actor::User(UserId::new(1));

    #[test]
    fn the_happy_path() {
        use RequestAction as A;
        use RequestState as S;
        let worker = person(1, &[Role::SocialWorker]);
        let manager = person(2, &[Role::TeamManager]);
        let officer = person(3, &[Role::GatewayOfficer]);
        let panel = person(4, &[Role::PanelMember]);
        let mut state = S::Draft;
        for (action, who, expected) in [
            (A::Submit, &worker, S::Submitted),
            (A::Endorse, &manager, S::Endorsed),
            (A::Triage, &officer, S::InTriage),
            (A::ListForPanel, &officer, S::AtPanel),
            (A::PanelApprove, &panel, S::AwaitingApproval),
            (A::CompleteApprovals, &officer, S::Approved),
        ] {
            state = next(state, action, REQUESTER, who).unwrap();
            assert_eq!(state, expected);
        }
    }

    #[test]
    fn every_refusal_says_why() {
        use RequestAction as A;
        use RequestState as S;
        let worker = person(1, &[Role::SocialWorker, Role::TeamManager, Role::PanelMember]);
        let other_worker = person(5, &[Role::SocialWorker]);
        assert_eq!(
            next(S::Draft, A::Submit, REQUESTER, &other_worker),
            Err(RequestRefused::NotTheRequester)
        );
        assert_eq!(next(S::Submitted, A::Endorse, REQUESTER, &worker), Err(RequestRefused::OwnRequest));
        assert_eq!(
            next(S::Submitted, A::Endorse, REQUESTER, &other_worker),
            Err(RequestRefused::WrongRole { needed: "team manager" })
        );
        assert_eq!(
            next(S::AtPanel, A::PanelApprove, REQUESTER, &worker),
            Err(RequestRefused::OwnRequest)
        );
        assert!(matches!(
            next(S::Approved, A::Withdraw, REQUESTER, &worker),
            Err(RequestRefused::WrongState { .. })
        ));
        assert!(matches!(
            next(S::Draft, A::PanelApprove, REQUESTER, &person(4, &[Role::PanelMember])),
            Err(RequestRefused::WrongState { .. })
        ));
    }

    #[test]
    fn panel_outcomes_and_returns() {
        use RequestAction as A;
        use RequestState as S;
        let panel = person(4, &[Role::PanelMember]);
        let officer = person(3, &[Role::GatewayOfficer]);
        assert_eq!(next(S::AtPanel, A::PanelDecline, REQUESTER, &panel), Ok(S::Declined));
        assert_eq!(next(S::AtPanel, A::PanelDefer, REQUESTER, &panel), Ok(S::Deferred));
        assert_eq!(next(S::Deferred, A::ListForPanel, REQUESTER, &officer), Ok(S::AtPanel));
        assert_eq!(
            next(S::AtPanel, A::PanelRequestInformation, REQUESTER, &panel),
            Ok(S::InformationRequested)
        );
        assert_eq!(
            next(
                S::InformationRequested,
                A::ProvideInformation,
                REQUESTER,
                &person(1, &[Role::SocialWorker])
            ),
            Ok(S::InTriage)
        );
        assert_eq!(
            next(S::Submitted, A::ReturnToWorker, REQUESTER, &person(2, &[Role::TeamManager])),
            Ok(S::Draft)
        );
    }

    const ACTIONS: [RequestAction; 12] = [
        RequestAction::Submit,
        RequestAction::Endorse,
        RequestAction::ReturnToWorker,
        RequestAction::Triage,
        RequestAction::ListForPanel,
        RequestAction::PanelApprove,
        RequestAction::PanelDecline,
        RequestAction::PanelDefer,
        RequestAction::PanelRequestInformation,
        RequestAction::ProvideInformation,
        RequestAction::CompleteApprovals,
        RequestAction::Withdraw,
    ];

    /// Every (state, action) pair, for the requester and for someone else,
    /// each holding every role: exactly the listed transitions succeed.
    #[test]
    fn every_transition_of_the_state_machine() {
        use RequestAction as A;
        use RequestState as S;
        let open = [
            S::Draft,
            S::Submitted,
            S::Endorsed,
            S::InTriage,
            S::AtPanel,
            S::InformationRequested,
            S::Deferred,
            S::AwaitingApproval,
        ];
        let mut by_someone_else = vec![
            (S::Submitted, A::Endorse, S::Endorsed),
            (S::Submitted, A::ReturnToWorker, S::Draft),
            (S::Endorsed, A::Triage, S::InTriage),
            (S::InTriage, A::ListForPanel, S::AtPanel),
            (S::Deferred, A::ListForPanel, S::AtPanel),
            (S::AtPanel, A::PanelApprove, S::AwaitingApproval),
            (S::AtPanel, A::PanelDecline, S::Declined),
            (S::AtPanel, A::PanelDefer, S::Deferred),
            (S::AtPanel, A::PanelRequestInformation, S::InformationRequested),
            (S::AwaitingApproval, A::CompleteApprovals, S::Approved),
        ];
        let mut by_requester = vec![
            (S::Draft, A::Submit, S::Submitted),
            (S::Endorsed, A::Triage, S::InTriage),
            (S::InTriage, A::ListForPanel, S::AtPanel),
            (S::Deferred, A::ListForPanel, S::AtPanel),
            (S::InformationRequested, A::ProvideInformation, S::InTriage),
            (S::AwaitingApproval, A::CompleteApprovals, S::Approved),
        ];
        for state in open {
            by_someone_else.push((state, A::Withdraw, S::Withdrawn));
            by_requester.push((state, A::Withdraw, S::Withdrawn));
        }
        for (who, allowed) in [(person(1, &Role::ALL), by_requester), (person(2, &Role::ALL), by_someone_else)] {
            for state in RequestState::ALL {
                for action in ACTIONS {
                    let expected = allowed.iter().find(|(s, a, _)| *s == state && *a == action).map(|(_, _, to)| *to);
                    let got = next(state, action, REQUESTER, &who).ok();
                    assert_eq!(got, expected, "{state:?} {action:?} by {:?}", who.actor);
                }
            }
        }
    }

    fn any_roles() -> impl proptest::strategy::Strategy<Value = Vec<Role>> {
        proptest::collection::vec(proptest::sample::select(Role::ALL.to_vec()), 0..4)
    }

    proptest::proptest! {
        /// Whatever anyone does, in any order and with any roles, the
        /// requester never endorses or decides their own request.
        #[test]
        fn no_sequence_lets_the_requester_endorse_or_decide(
            steps in proptest::collection::vec((1i64..4, any_roles(), 0usize..12), 0..40),
        ) {
            let mut state = RequestState::Draft;
            for (who, roles, action) in steps {
                let action = ACTIONS[action];
                let participant = person(who, &roles);
                if let Ok(to) = next(state, action, REQUESTER, &participant) {
                    let judging = matches!(
                        action,
                        RequestAction::Endorse
                            | RequestAction::ReturnToWorker
                            | RequestAction::PanelApprove
                            | RequestAction::PanelDecline
                            | RequestAction::PanelDefer
                            | RequestAction::PanelRequestInformation
                    );
                    proptest::prop_assert!(!(judging && participant.actor == REQUESTER));
                    state = to;
                }
            }
        }
    }
}
