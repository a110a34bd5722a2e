//! Capabilities: proof, carried in a value, that a permission was checked.
//!
//! Store and service functions that perform a protected action take a
//! `&Can<SomeCapability>` argument. The only way to build one is
//! [`authorize`], so an unchecked call does not compile. This is the pattern
//! lldap's access-control crate uses, expressed with marker types.

use std::marker::PhantomData;

use crate::permissions::Permission;
use crate::principal::{Actor, Principal};

/// A marker type naming one permission.
pub trait Capability {
    const PERMISSION: Permission;
}

/// Proof that `actor` holds capability `C`.
#[derive(Debug)]
pub struct Can<C: Capability> {
    actor: Actor,
    _capability: PhantomData<C>,
}

impl<C: Capability> Can<C> {
    /// Who was authorised.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// A capability for Hearth itself, for the command line and jobs run by
    /// an operator who already has shell access to the server.
    pub fn system() -> Self {
        Can {
            actor: Actor::System,
            _capability: PhantomData,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("your role does not allow this ({permission:?})")]
pub struct Denied {
    pub permission: Permission,
}

/// Checks that `principal` holds `C`, and returns the proof.
pub fn authorize<C: Capability>(principal: &Principal) -> Result<Can<C>, Denied> {
    if principal.holds(C::PERMISSION) {
        Ok(Can {
            actor: principal.actor,
            _capability: PhantomData,
        })
    } else {
        Err(Denied { permission: C::PERMISSION })
    }
}

macro_rules! capabilities {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("The capability for [`Permission::", stringify!($name), "`].")]
            #[derive(Debug)]
            pub struct $name;
            impl Capability for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*
    };
}

/// The capability marker types, one per [`Permission`].
pub mod cap {
    use super::{Capability, Permission};

    capabilities!(
        UseHearth,
        SearchChildren,
        ViewChildRecord,
        RecordChildren,
        RestrictRecords,
        WorkOnRequests,
        RunPanels,
        ManageMatrix,
        ViewProviders,
        Commission,
        ApproveVariations,
        SearchPlacements,
        ViewFinance,
        ManageFinance,
        ApprovePayments,
        ViewAssurance,
        WorkOnExceptions,
        ConductAudits,
        RespondToAudits,
        ClerkCommittees,
        ManageTraining,
        ProduceReturns,
        ViewAggregates,
        ManageUsers,
        ManageApiTokens,
        ViewAuditTrail,
    );
}

#[cfg(test)]
mod tests {
    use super::cap::*;
    use super::*;
    use crate::roles::Role;
    use kernel::UserId;

    fn principal(roles: &[Role]) -> Principal {
        Principal {
            actor: Actor::User(UserId::new(1)),
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            teams: vec![],
        }
    }

    #[test]
    fn grants_when_a_role_holds_the_permission() {
        let can = authorize::<ManageUsers>(&principal(&[Role::Administrator])).unwrap();
        assert_eq!(can.actor(), Actor::User(UserId::new(1)));
    }

    #[test]
    fn denies_by_default() {
        assert_eq!(
            authorize::<ManageUsers>(&principal(&[])).unwrap_err(),
            Denied {
                permission: Permission::ManageUsers
            }
        );
        assert!(authorize::<ViewChildRecord>(&principal(&[Role::CommitteeMember])).is_err());
    }

    #[test]
    fn any_role_may_grant() {
        let p = principal(&[Role::CommitteeMember, Role::SocialWorker]);
        assert!(authorize::<ViewChildRecord>(&p).is_ok());
    }
}
