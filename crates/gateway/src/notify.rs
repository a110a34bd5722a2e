//! Who is told when a request moves, and what the message says.
//!
//! Subjects and bodies name the request by its number only: no child's
//! name or details, because email leaves the system and subjects show in
//! lists and logs. The reader follows the link to see the rest.

use authz::Role;
use serde::Serialize;

use crate::panel::Ratification;
use crate::request::RequestState;

/// Who receives a notice; the store resolves this to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "to", content = "role", rename_all = "kebab-case")]
pub enum Recipient {
    Requester,
    /// The team managers of the requester's teams.
    RequestersManagers,
    /// Everyone active who holds the role.
    Role(Role),
}

/// A message about one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub to: Recipient,
    pub subject: String,
}

fn notice(to: Recipient, subject: String) -> Notice {
    Notice { to, subject }
}

/// The notices a request's arrival in `state` sends. `next_approval` is the
/// role whose approval is awaited, if any.
pub fn after_step(request: i64, state: RequestState, next_approval: Option<Role>) -> Vec<Notice> {
    use Recipient::{Requester, RequestersManagers};
    use RequestState as S;
    let gateway = Recipient::Role(Role::GatewayOfficer);
    match state {
        S::Submitted => vec![notice(
            RequestersManagers,
            format!("Placement request {request} awaits your endorsement"),
        )],
        S::Draft => vec![notice(Requester, format!("Placement request {request} was returned to you"))],
        S::Endorsed => vec![notice(gateway, format!("Placement request {request} is ready for triage"))],
        S::InTriage => vec![notice(gateway, format!("Placement request {request} is in triage"))],
        S::AtPanel => vec![notice(
            Recipient::Role(Role::PanelMember),
            format!("Placement request {request} is on a panel agenda"),
        )],
        S::InformationRequested => vec![notice(
            Requester,
            format!("The panel asked for more information on placement request {request}"),
        )],
        S::Deferred => vec![notice(
            gateway,
            format!("Placement request {request} was deferred: list it for a later panel"),
        )],
        S::AwaitingApproval => {
            let mut notices = vec![notice(
                Requester,
                format!("Placement request {request} was agreed by panel and awaits approval"),
            )];
            if let Some(role) = next_approval {
                notices.push(notice(
                    Recipient::Role(role),
                    format!("Placement request {request} awaits your approval"),
                ));
            }
            notices
        }
        S::Approved => vec![
            notice(Requester, format!("Placement request {request} is approved")),
            notice(gateway, format!("Placement request {request} is approved")),
        ],
        S::Declined => vec![notice(Requester, format!("Placement request {request} was declined"))],
        S::Withdrawn => vec![notice(gateway, format!("Placement request {request} was withdrawn"))],
    }
}

/// The chase for an emergency placement still awaiting ratification.
pub fn chase(request: i64, status: Ratification) -> Option<Notice> {
    status.needs_chasing().then(|| {
        notice(
            Recipient::Role(Role::GatewayOfficer),
            format!("Emergency placement request {request} awaits ratification at panel"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_state_tells_someone_and_subjects_carry_only_the_number() {
        for state in RequestState::ALL {
            let notices = after_step(4711, state, Some(Role::Director));
            assert!(!notices.is_empty(), "{state:?}");
            for n in notices {
                assert!(n.subject.contains("4711"));
                let digits: String = n.subject.chars().filter(char::is_ascii_digit).collect();
                assert_eq!(digits, "4711", "only the request number: {}", n.subject);
            }
        }
    }

    #[test]
    fn the_next_approver_is_told() {
        let notices = after_step(7, RequestState::AwaitingApproval, Some(Role::HeadOfService));
        assert!(notices.iter().any(|n| n.to == Recipient::Role(Role::HeadOfService)));
    }

    #[test]
    fn only_late_emergencies_are_chased() {
        assert!(chase(
            1,
            Ratification::Due {
                panel_on: date!(2026 - 11 - 26)
            }
        )
        .is_none());
        assert!(chase(1, Ratification::Ratified).is_none());
        let overdue = Ratification::Overdue {
            panel_on: date!(2026 - 11 - 19),
            days: 3,
        };
        assert_eq!(chase(1, overdue).map(|n| n.to), Some(Recipient::Role(Role::GatewayOfficer)));
    }
}
