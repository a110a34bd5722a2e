//! The places a search considers: the council's own foster households and
//! providers' settings, flattened into one shape so every rule and score
//! reads the same fields.
//!
//! The store builds candidates from the register (settings, vacancies,
//! accreditation), the frameworks (tier and rate), the foster households
//! (capacity, approval standing, supervision) and the council's placement
//! history (placements and breakdowns with each provider or household).

use kernel::{Money, ProviderId};
use placements::PlacementCategory;
use providers::accreditation::Status;
use providers::register::{Grade, Need, RegistrationStatus, Regulator, SettingType};
use serde::{Deserialize, Serialize};

use crate::criteria::Location;
use crate::needs::NeedSet;

/// Where a candidate comes from, which decides its search pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum Source {
    /// One of the council's own foster households.
    InHouse { household_id: i64 },
    /// A provider on a current framework for this kind of placement.
    Framework { tier: u8, rate: Money },
    /// A provider outside the frameworks.
    Spot,
}

/// A household or setting that might take the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub source: Source,
    /// The setting's id, or the household's for in-house carers.
    pub id: i64,
    /// None for in-house households.
    pub provider_id: Option<ProviderId>,
    pub name: String,
    pub category: PlacementCategory,
    /// None for in-house households, which the council's fostering
    /// service approves rather than a regulator registering.
    pub setting_type: Option<SettingType>,
    pub regulator: Regulator,
    pub registration: RegistrationStatus,
    /// The provider's accreditation today; None for in-house.
    pub accreditation: Option<Status>,
    /// The setting's latest inspection judgement.
    pub grade: Grade,
    /// For in-house households: the latest supervision or annual review
    /// judgement on the same scale, if one is recorded.
    pub supervision: Option<Grade>,
    pub age_min: u8,
    pub age_max: u8,
    /// Needs and behaviours the statement of purpose (or the household's
    /// approval terms) says it accepts.
    pub accepts: NeedSet,
    /// Vacancies, or a household's approved capacity less children placed.
    pub places_free: u32,
    /// The postcode centroid, when the postcode is known and found.
    pub location: Option<Location>,
    pub for_profit: bool,
    /// The weekly price offered, or the usual price (carers' fees and
    /// allowances for a household).
    pub weekly_price: Option<Money>,
    /// The council's earlier placements with this provider or household.
    pub previous_placements: u32,
    /// How many of those ended unplanned (disrupted).
    pub previous_breakdowns: u32,
    /// A connected-person household's temporary approval has lapsed.
    pub approval_lapsed: bool,
}

impl Candidate {
    pub fn is_in_house(&self) -> bool {
        matches!(self.source, Source::InHouse { .. })
    }

    /// The framework tier, for framework providers.
    pub fn tier(&self) -> Option<u8> {
        match self.source {
            Source::Framework { tier, .. } => Some(tier),
            _ => None,
        }
    }

    /// The price the search compares: the offer, or else the framework rate.
    pub fn effective_price(&self) -> Option<Money> {
        match (self.weekly_price, self.source) {
            (Some(price), _) => Some(price),
            (None, Source::Framework { rate, .. }) => Some(rate),
            (None, _) => None,
        }
    }

    /// Whether the setting's registration lets a child be placed there.
    /// Unregistered provision never is; households are approved, not
    /// registered, so the question does not arise for them.
    pub fn is_registered(&self) -> bool {
        match self.setting_type {
            Some(SettingType::Unregistered) => false,
            Some(t) => self.registration.permits_placement(t),
            None => self.is_in_house(),
        }
    }

    /// Whether the statement of purpose accepts a need.
    pub fn accepts(&self, need: Need) -> bool {
        self.accepts.contains(need)
    }
}
