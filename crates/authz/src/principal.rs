//! Who is acting: a signed-in person or a service account.

use std::fmt;

use kernel::{ApiTokenId, TeamId, UserId};
use serde::Serialize;

use crate::permissions::Permission;
use crate::roles::Role;

/// The identity behind a request, as established by authentication.
///
/// It carries no secrets, so it may be logged by id (never by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub actor: Actor,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub teams: Vec<TeamId>,
}

impl Principal {
    /// Whether any of this principal's roles holds `permission`.
    pub fn holds(&self, permission: Permission) -> bool {
        self.roles.iter().any(|role| permission.is_granted_to(*role))
    }

    /// The roles joined for display, e.g. "Team manager, Panel member".
    pub fn roles_label(&self) -> String {
        self.roles.iter().map(|role| role.label()).collect::<Vec<_>>().join(", ")
    }
}

/// The party recorded against a change in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Actor {
    /// A person signed in to the web pages.
    User(UserId),
    /// A service account calling the API with a bearer token.
    ApiToken(ApiTokenId),
    /// Hearth itself: migrations, the command line, scheduled jobs.
    System,
}

impl Actor {
    /// The user behind this actor, if a person.
    pub fn user_id(self) -> Option<UserId> {
        match self {
            Actor::User(id) => Some(id),
            Actor::ApiToken(_) | Actor::System => None,
        }
    }
}

impl fmt::Display for Actor {
    /// The stable form stored in the audit trail: `user:7`, `token:3`, `system`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::ApiToken(id) => write!(f, "token:{id}"),
            Actor::System => f.write_str("system"),
        }
    }
}
