//! Placements: where a child lives while looked after, and what it costs.
//!
//! This crate grows into placement requests, referrals, offers and moves. For
//! now it holds the placement categories that councils report and budget by,
//! and their mapping to SSDA903 `PLACE` codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The categories placements are counted and budgeted by (DfE placement mix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlacementCategory {
    InHouseFoster,
    IndependentFoster,
    Kinship,
    ChildrensHome,
    SupportedAccommodation,
    WithParents,
    Bespoke,
    Secure,
    Other,
}

impl PlacementCategory {
    /// The category a placement recorded only by its SSDA903 PLACE code (and
    /// PLACE_PROVIDER) is counted under, for records imported from other
    /// systems: foster care with the council's own carers (PR1) is in-house.
    pub fn for_place_code(place: &str, provider_type: &str) -> PlacementCategory {
        match place {
            "U1" | "U2" | "U3" => PlacementCategory::Kinship,
            "U4" | "U5" | "U6" if provider_type == "PR1" => PlacementCategory::InHouseFoster,
            "U4" | "U5" | "U6" => PlacementCategory::IndependentFoster,
            "K1" => PlacementCategory::Secure,
            "K2" => PlacementCategory::ChildrensHome,
            "K3" | "H5" => PlacementCategory::SupportedAccommodation,
            "P1" => PlacementCategory::WithParents,
            _ => PlacementCategory::Other,
        }
    }

    pub const ALL: [PlacementCategory; 9] = [
        PlacementCategory::InHouseFoster,
        PlacementCategory::IndependentFoster,
        PlacementCategory::Kinship,
        PlacementCategory::ChildrensHome,
        PlacementCategory::SupportedAccommodation,
        PlacementCategory::WithParents,
        PlacementCategory::Bespoke,
        PlacementCategory::Secure,
        PlacementCategory::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PlacementCategory::InHouseFoster => "in-house-foster",
            PlacementCategory::IndependentFoster => "independent-foster",
            PlacementCategory::Kinship => "kinship",
            PlacementCategory::ChildrensHome => "childrens-home",
            PlacementCategory::SupportedAccommodation => "supported-accommodation",
            PlacementCategory::WithParents => "with-parents",
            PlacementCategory::Bespoke => "bespoke",
            PlacementCategory::Secure => "secure",
            PlacementCategory::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlacementCategory::InHouseFoster => "In-house foster care",
            PlacementCategory::IndependentFoster => "Independent fostering agency",
            PlacementCategory::Kinship => "Kinship (family and friends) care",
            PlacementCategory::ChildrensHome => "Children's home",
            PlacementCategory::SupportedAccommodation => "Supported accommodation (16 to 17)",
            PlacementCategory::WithParents => "Placed with parents",
            PlacementCategory::Bespoke => "Bespoke or unregistered arrangement",
            PlacementCategory::Secure => "Secure children's home",
            PlacementCategory::Other => "Other placement",
        }
    }

    /// The SSDA903 `PLACE` code a placement in this category usually carries.
    pub fn usual_place_code(self) -> &'static str {
        match self {
            PlacementCategory::InHouseFoster | PlacementCategory::IndependentFoster => "U6",
            PlacementCategory::Kinship => "U3",
            PlacementCategory::ChildrensHome => "K2",
            PlacementCategory::SupportedAccommodation => "K3",
            PlacementCategory::WithParents => "P1",
            PlacementCategory::Bespoke => "Z13",
            PlacementCategory::Secure => "K1",
            PlacementCategory::Other => "Z14",
        }
    }
}

impl fmt::Display for PlacementCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A category code that Hearth does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown placement category '{0}'")]
pub struct UnknownCategory(pub String);

impl FromStr for PlacementCategory {
    type Err = UnknownCategory;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlacementCategory::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or_else(|| UnknownCategory(s.to_owned()))
    }
}

kernel::coded!(
    /// One part of a care package.
    ElementKind {
        CoreFee = "core-fee", "Core placement fee";
        OneToOne = "one-to-one", "Extra staffing 1:1";
        TwoToOne = "two-to-one", "Extra staffing 2:1";
        Education = "education", "Education";
        Therapy = "therapy", "Therapy";
        Transport = "transport", "Transport";
        Other = "other", "Other";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in PlacementCategory::ALL {
            assert_eq!(c.code().parse::<PlacementCategory>(), Ok(c));
        }
        assert!("castle".parse::<PlacementCategory>().is_err());
    }

    #[test]
    fn place_codes_are_current_ones() {
        // H5 and Z1 are retired 903 codes; nothing should map to them.
        for c in PlacementCategory::ALL {
            assert!(!["H5", "Z1", "P2"].contains(&c.usual_place_code()));
        }
    }
}
