//! Hard constraints: the rules a setting must pass before it is ranked at
//! all, each with a message saying why it failed.
//!
//! A search checks tens of thousands of candidates, most of which fail, so
//! the hot path (`check`) only sets a bit per failed rule. The full
//! explanation ([`exclusions`]) is built from those bits on demand, so the
//! two can never disagree.
//!
//! The legal rules mirror `gateway::hard_stops` (under-16s never in
//! unregulated settings in England from 9 September 2021; 16- and
//! 17-year-olds in supported accommodation only if it is registered, from
//! 28 October 2023) and the matrix's Wales rule (for-profit providers from
//! 1 April 2030), taking their dates from the gateway so the two never
//! drift apart.

use kernel::Nation;
use placements::PlacementCategory;
use providers::accreditation::Status;
use providers::register::{Need, RegistrationStatus, SettingType};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::candidates::Candidate;
use crate::criteria::{Criteria, Query};

pub use gateway::hard_stops::{SUPPORTED_ACCOMMODATION_REGISTRATION_FROM, UNDER_SIXTEEN_BAN_FROM, WALES_NOT_FOR_PROFIT_FROM};

kernel::coded!(
    /// The hard constraints, in the order they are checked and explained.
    ExclusionKind {
        NotRegistered = "not-registered", "Registration does not allow placements";
        NotAccredited = "not-accredited", "Provider not accredited";
        WrongType = "wrong-type", "Not a suitable placement type";
        OutsideAgeRange = "outside-age-range", "Outside the age range";
        NeedNotMet = "need-not-met", "A need is not in the statement of purpose";
        RiskNotAccepted = "risk-not-accepted", "A risk is not accepted";
        NoVacancy = "no-vacancy", "No vacancy";
        NotEnoughPlacesForSiblings = "not-enough-places-for-siblings", "Not enough places for the siblings";
        UnderSixteenUnregulated = "under-sixteen-unregulated", "Under 16 in an unregulated setting";
        UnregisteredSupportedAccommodation = "unregistered-supported-accommodation", "Unregistered supported accommodation";
        WalesForProfit = "wales-for-profit", "For-profit provider in Wales";
        ApprovalLapsed = "approval-lapsed", "Household approval lapsed";
    }
);

impl ExclusionKind {
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of failed constraints, one bit each: what the search keeps for
/// every excluded candidate instead of the full explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExclusionKinds(u16);

impl ExclusionKinds {
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, kind: ExclusionKind) -> bool {
        self.0 & kind.bit() != 0
    }

    fn set(&mut self, kind: ExclusionKind, failed: bool) {
        if failed {
            self.0 |= kind.bit();
        }
    }

    /// The failed constraints, in checking order.
    pub fn iter(self) -> impl Iterator<Item = ExclusionKind> {
        ExclusionKind::ALL.iter().copied().filter(move |k| self.contains(*k))
    }
}

/// Why a candidate cannot be offered to the child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case")]
pub enum Exclusion {
    #[error("its registration does not allow placements: {}", .0.label())]
    NotRegistered(RegistrationStatus),
    #[error("the provider's accreditation does not allow new placements: {}", .0.label())]
    NotAccredited(Status),
    #[error("a {} is not one of the placement types the request asks for", .0.label())]
    WrongType(PlacementCategory),
    #[error("the child will be {age}, and it takes children aged {min} to {max}")]
    OutsideAgeRange { age: i32, min: u8, max: u8 },
    #[error("its statement of purpose does not cover the child's need: {}", .0.label())]
    NeedNotMet(Need),
    #[error("it does not accept children with this risk: {}", .0.label())]
    RiskNotAccepted(Need),
    #[error("it has no vacancy")]
    NoVacancy,
    #[error("the child and siblings need {needed} places together and it has {free}")]
    NotEnoughPlacesForSiblings { needed: u32, free: u32 },
    #[error("a child under 16 cannot be placed in an unregulated setting (the law in England since 9 September 2021)")]
    UnderSixteenUnregulated,
    #[error("a 16 or 17 year old can only be placed in supported accommodation registered with Ofsted (since 28 October 2023)")]
    UnregisteredSupportedAccommodation,
    #[error("in Wales, children cannot be placed with a for-profit provider from 1 April 2030")]
    WalesForProfit,
    #[error("the household's temporary approval has lapsed")]
    ApprovalLapsed,
}

impl Exclusion {
    pub fn kind(&self) -> ExclusionKind {
        match self {
            Exclusion::NotRegistered(_) => ExclusionKind::NotRegistered,
            Exclusion::NotAccredited(_) => ExclusionKind::NotAccredited,
            Exclusion::WrongType(_) => ExclusionKind::WrongType,
            Exclusion::OutsideAgeRange { .. } => ExclusionKind::OutsideAgeRange,
            Exclusion::NeedNotMet(_) => ExclusionKind::NeedNotMet,
            Exclusion::RiskNotAccepted(_) => ExclusionKind::RiskNotAccepted,
            Exclusion::NoVacancy => ExclusionKind::NoVacancy,
            Exclusion::NotEnoughPlacesForSiblings { .. } => ExclusionKind::NotEnoughPlacesForSiblings,
            Exclusion::UnderSixteenUnregulated => ExclusionKind::UnderSixteenUnregulated,
            Exclusion::UnregisteredSupportedAccommodation => ExclusionKind::UnregisteredSupportedAccommodation,
            Exclusion::WalesForProfit => ExclusionKind::WalesForProfit,
            Exclusion::ApprovalLapsed => ExclusionKind::ApprovalLapsed,
        }
    }
}

/// Which dated legal rules apply to this child on the start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Law {
    under_sixteen_ban: bool,
    supported_accommodation_registered: bool,
    wales_not_for_profit: bool,
}

impl Law {
    pub fn on(nation: Nation, start: Date, age: i32) -> Law {
        let england = nation == Nation::England;
        Law {
            under_sixteen_ban: england && start >= UNDER_SIXTEEN_BAN_FROM && age < 16,
            supported_accommodation_registered: england && start >= SUPPORTED_ACCOMMODATION_REGISTRATION_FROM && (16..18).contains(&age),
            wales_not_for_profit: nation == Nation::Wales && start >= WALES_NOT_FOR_PROFIT_FROM,
        }
    }
}

/// Unregulated: "other arrangements" (bespoke or other placements, or
/// unregistered provision) without a registration that allows placements.
fn unregulated(c: &Candidate) -> bool {
    let other_arrangement =
        matches!(c.category, PlacementCategory::Bespoke | PlacementCategory::Other) || c.setting_type == Some(SettingType::Unregistered);
    other_arrangement && !c.is_registered()
}

fn registration_refused(c: &Candidate) -> bool {
    // Unregistered provision is not "registered but refused": the legal
    // rules and the Gateway's exception route decide it.
    c.setting_type
        .is_some_and(|t| t != SettingType::Unregistered && !c.registration.permits_placement(t))
}

/// The failed constraints, as bits: the search's hot path.
pub(crate) fn check(q: &Query, c: &Candidate) -> ExclusionKinds {
    let age = q.age;
    let mut kinds = ExclusionKinds::default();
    kinds.set(ExclusionKind::NotRegistered, registration_refused(c));
    kinds.set(
        ExclusionKind::NotAccredited,
        c.accreditation.is_some_and(|s| !s.allows_new_placements()),
    );
    kinds.set(ExclusionKind::WrongType, !q.suits(c.category));
    kinds.set(
        ExclusionKind::OutsideAgeRange,
        age < i32::from(c.age_min) || age > i32::from(c.age_max),
    );
    kinds.set(ExclusionKind::NeedNotMet, !q.needs.difference(c.accepts).is_empty());
    kinds.set(ExclusionKind::RiskNotAccepted, !q.risks.difference(c.accepts).is_empty());
    kinds.set(ExclusionKind::NoVacancy, c.places_free == 0);
    kinds.set(
        ExclusionKind::NotEnoughPlacesForSiblings,
        c.places_free > 0 && c.places_free < q.places_needed,
    );
    kinds.set(ExclusionKind::UnderSixteenUnregulated, q.law.under_sixteen_ban && unregulated(c));
    kinds.set(
        ExclusionKind::UnregisteredSupportedAccommodation,
        q.law.supported_accommodation_registered && c.category == PlacementCategory::SupportedAccommodation && !c.is_registered(),
    );
    kinds.set(ExclusionKind::WalesForProfit, q.law.wales_not_for_profit && c.for_profit);
    kinds.set(ExclusionKind::ApprovalLapsed, c.approval_lapsed);
    kinds
}

/// The details behind each failed constraint, in checking order.
pub(crate) fn explain(q: &Query, c: &Candidate, kinds: ExclusionKinds) -> Vec<Exclusion> {
    let mut out = Vec::new();
    for kind in kinds.iter() {
        match kind {
            ExclusionKind::NotRegistered => out.push(Exclusion::NotRegistered(c.registration)),
            ExclusionKind::NotAccredited => {
                out.extend(c.accreditation.map(Exclusion::NotAccredited));
            }
            ExclusionKind::WrongType => out.push(Exclusion::WrongType(c.category)),
            ExclusionKind::OutsideAgeRange => out.push(Exclusion::OutsideAgeRange {
                age: q.age,
                min: c.age_min,
                max: c.age_max,
            }),
            ExclusionKind::NeedNotMet => out.extend(q.needs.difference(c.accepts).iter().map(Exclusion::NeedNotMet)),
            ExclusionKind::RiskNotAccepted => {
                out.extend(q.risks.difference(c.accepts).iter().map(Exclusion::RiskNotAccepted));
            }
            ExclusionKind::NoVacancy => out.push(Exclusion::NoVacancy),
            ExclusionKind::NotEnoughPlacesForSiblings => out.push(Exclusion::NotEnoughPlacesForSiblings {
                needed: q.places_needed,
                free: c.places_free,
            }),
            ExclusionKind::UnderSixteenUnregulated => out.push(Exclusion::UnderSixteenUnregulated),
            ExclusionKind::UnregisteredSupportedAccommodation => {
                out.push(Exclusion::UnregisteredSupportedAccommodation);
            }
            ExclusionKind::WalesForProfit => out.push(Exclusion::WalesForProfit),
            ExclusionKind::ApprovalLapsed => out.push(Exclusion::ApprovalLapsed),
        }
    }
    out
}

/// Every hard constraint the candidate fails for these criteria; empty
/// when it may be ranked and offered.
pub fn exclusions(criteria: &Criteria, candidate: &Candidate) -> Vec<Exclusion> {
    let q = Query::new(criteria);
    explain(&q, candidate, check(&q, candidate))
}

#[cfg(test)]
#[path = "constraints_tests.rs"]
mod tests;
