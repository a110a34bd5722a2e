//! Providers: the organisations and settings that care for children.
//!
//! The provider-type code set (SSDA903 `PLACE_PROVIDER`), accreditation
//! against a configurable checklist ([`accreditation`]), and the regional
//! consortium's provider feed, read all or nothing ([`exchange`]). Pure
//! functions over values; the store persists the outcomes.

pub mod accreditation;
pub mod consortium;
pub mod exchange;
pub mod foster;
pub mod register;
pub mod vacancies;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Who provides a placement (SSDA903 `PLACE_PROVIDER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProviderType {
    /// PR0: parent(s) or other person with parental responsibility.
    Parent,
    /// PR1: the council's own provision.
    OwnCouncil,
    /// PR2: another council.
    OtherCouncil,
    /// PR3: another public body.
    OtherPublic,
    /// PR4: a private provider.
    Private,
    /// PR5: a voluntary or third-sector provider.
    Voluntary,
}

impl ProviderType {
    pub const ALL: [ProviderType; 6] = [
        ProviderType::Parent,
        ProviderType::OwnCouncil,
        ProviderType::OtherCouncil,
        ProviderType::OtherPublic,
        ProviderType::Private,
        ProviderType::Voluntary,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProviderType::Parent => "PR0",
            ProviderType::OwnCouncil => "PR1",
            ProviderType::OtherCouncil => "PR2",
            ProviderType::OtherPublic => "PR3",
            ProviderType::Private => "PR4",
            ProviderType::Voluntary => "PR5",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderType::Parent => "Parent or person with parental responsibility",
            ProviderType::OwnCouncil => "Council's own provision",
            ProviderType::OtherCouncil => "Another council",
            ProviderType::OtherPublic => "Another public body",
            ProviderType::Private => "Private provider",
            ProviderType::Voluntary => "Voluntary or third-sector provider",
        }
    }

    /// External providers need a placement agreement and contract monitoring.
    pub fn is_external(self) -> bool {
        matches!(
            self,
            ProviderType::Private | ProviderType::Voluntary | ProviderType::OtherCouncil | ProviderType::OtherPublic
        )
    }
}

impl fmt::Display for ProviderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A code that is not PR0–PR5.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider type '{0}'; expected PR0 to PR5")]
pub struct UnknownProviderType(pub String);

impl FromStr for ProviderType {
    type Err = UnknownProviderType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase();
        ProviderType::ALL
            .into_iter()
            .find(|t| t.code() == wanted)
            .ok_or_else(|| UnknownProviderType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for t in ProviderType::ALL {
            assert_eq!(t.code().parse::<ProviderType>(), Ok(t));
        }
        assert!("PR9".parse::<ProviderType>().is_err());
    }

    #[test]
    fn private_and_voluntary_are_external() {
        assert!(ProviderType::Private.is_external());
        assert!(!ProviderType::OwnCouncil.is_external());
        assert!(!ProviderType::Parent.is_external());
    }
}
