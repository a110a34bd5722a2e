//! The roles a Hearth user can hold.
//!
//! Roles are a closed set because the permission matrix is reviewed as a whole
//! by the council's information governance lead; adding a role is a code change
//! with a test, not configuration.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A job a person does in children's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    SocialWorker,
    TeamManager,
    GatewayOfficer,
    PanelMember,
    CommissioningOfficer,
    FinanceOfficer,
    FinanceApprover,
    HeadOfService,
    Director,
    InternalAuditor,
    CommitteeMember,
    Administrator,
}

impl Role {
    /// Every role, in the order they are listed to people.
    pub const ALL: [Role; 12] = [
        Role::SocialWorker,
        Role::TeamManager,
        Role::GatewayOfficer,
        Role::PanelMember,
        Role::CommissioningOfficer,
        Role::FinanceOfficer,
        Role::FinanceApprover,
        Role::HeadOfService,
        Role::Director,
        Role::InternalAuditor,
        Role::CommitteeMember,
        Role::Administrator,
    ];

    /// The stable machine name, used in the database, the CLI and the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::SocialWorker => "social-worker",
            Role::TeamManager => "team-manager",
            Role::GatewayOfficer => "gateway-officer",
            Role::PanelMember => "panel-member",
            Role::CommissioningOfficer => "commissioning-officer",
            Role::FinanceOfficer => "finance-officer",
            Role::FinanceApprover => "finance-approver",
            Role::HeadOfService => "head-of-service",
            Role::Director => "director",
            Role::InternalAuditor => "internal-auditor",
            Role::CommitteeMember => "committee-member",
            Role::Administrator => "administrator",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::SocialWorker => "Social worker",
            Role::TeamManager => "Team manager",
            Role::GatewayOfficer => "Gateway officer",
            Role::PanelMember => "Panel member",
            Role::CommissioningOfficer => "Commissioning officer",
            Role::FinanceOfficer => "Finance officer",
            Role::FinanceApprover => "Finance approver",
            Role::HeadOfService => "Head of service",
            Role::Director => "Director",
            Role::InternalAuditor => "Internal auditor",
            Role::CommitteeMember => "Committee member",
            Role::Administrator => "Administrator",
        }
    }

    /// All role codes joined for error messages and `--help`.
    pub fn codes_list() -> String {
        Role::ALL.map(Role::code).join(", ")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{given}'; expected one of: {expected}")]
pub struct UnknownRole {
    pub given: String,
    pub expected: String,
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Role::ALL.into_iter().find(|role| role.code() == wanted).ok_or_else(|| UnknownRole {
            given: s.to_owned(),
            expected: Role::codes_list(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn unknown_role_names_the_choices() {
        let err = "wizard".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("unknown role 'wizard'"));
        assert!(err.to_string().contains("social-worker"));
    }

    #[test]
    fn underscores_and_case_are_tolerated() {
        assert_eq!("Team_Manager".parse::<Role>(), Ok(Role::TeamManager));
    }
}
