//! Placements that are never allowed, whatever anyone approves.
//!
//! England: no child under 16 may be placed in unregulated "other
//! arrangements" (from 9 September 2021); a 16- or 17-year-old may be placed
//! in supported accommodation only if the provider is registered with Ofsted
//! (from 28 October 2023). Any other exception goes through the matrix.

use kernel::Nation;
use placements::PlacementCategory;
use time::macros::date;
use time::Date;

/// England: no under-16s in unregulated "other arrangements".
pub const UNDER_SIXTEEN_BAN_FROM: Date = date!(2021 - 09 - 09);
/// England: supported accommodation for 16–17s must be registered.
pub const SUPPORTED_ACCOMMODATION_REGISTRATION_FROM: Date = date!(2023 - 10 - 28);
/// Wales: children's care only from not-for-profit providers (the matrix
/// sends such placements to the director before then).
pub const WALES_NOT_FOR_PROFIT_FROM: Date = date!(2030 - 04 - 01);

/// The placement being proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub nation: Nation,
    pub date_of_birth: Date,
    pub start: Date,
    pub category: PlacementCategory,
    /// The setting is registered with Ofsted (or CIW in Wales).
    pub registered: bool,
}

/// A rule that forbids the placement outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HardStop {
    #[error("a child under 16 cannot be placed in an unregulated setting (the law in England since 9 September 2021)")]
    UnderSixteenUnregulated,
    #[error("a 16 or 17 year old can only be placed in supported accommodation whose provider is registered with Ofsted (since 28 October 2023)")]
    UnregisteredSupportedAccommodation,
}

fn unregulated(category: PlacementCategory, registered: bool) -> bool {
    match category {
        PlacementCategory::Bespoke | PlacementCategory::Other => !registered,
        _ => false,
    }
}

/// Every hard stop the proposal hits.
pub fn hard_stops(p: &Proposal) -> Vec<HardStop> {
    let age = children::age_on(p.date_of_birth, p.start);
    let mut stops = Vec::new();
    if p.nation == Nation::England && p.start >= UNDER_SIXTEEN_BAN_FROM && age < 16 && unregulated(p.category, p.registered) {
        stops.push(HardStop::UnderSixteenUnregulated);
    }
    if p.nation == Nation::England
        && p.start >= SUPPORTED_ACCOMMODATION_REGISTRATION_FROM
        && (16..18).contains(&age)
        && p.category == PlacementCategory::SupportedAccommodation
        && !p.registered
    {
        stops.push(HardStop::UnregisteredSupportedAccommodation);
    }
    stops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(dob: Date, start: Date, category: PlacementCategory, registered: bool) -> Proposal {
        Proposal {
            nation: Nation::England,
            date_of_birth: dob,
            start,
            category,
            registered,
        }
    }

    #[test]
    fn under_sixteens_never_go_to_unregulated_settings() {
        let p = proposal(date!(2011 - 06 - 01), date!(2026 - 12 - 01), PlacementCategory::Bespoke, false);
        assert_eq!(hard_stops(&p), vec![HardStop::UnderSixteenUnregulated]);
        // On the sixteenth birthday the ban no longer applies.
        let sixteen = proposal(date!(2010 - 12 - 01), date!(2026 - 12 - 01), PlacementCategory::Bespoke, false);
        assert!(hard_stops(&sixteen).is_empty());
        // Before the ban, and in Wales, it did not apply.
        assert!(hard_stops(&proposal(
            date!(2011 - 06 - 01),
            date!(2021 - 09 - 08),
            PlacementCategory::Bespoke,
            false
        ))
        .is_empty());
        assert!(hard_stops(&Proposal {
            nation: Nation::Wales,
            ..p
        })
        .is_empty());
        // A registered bespoke children's home is regulated.
        assert!(hard_stops(&proposal(
            date!(2011 - 06 - 01),
            date!(2026 - 12 - 01),
            PlacementCategory::Bespoke,
            true
        ))
        .is_empty());
    }

    #[test]
    fn supported_accommodation_must_be_registered_from_october_2023() {
        let p = proposal(
            date!(2009 - 03 - 01),
            date!(2026 - 12 - 01),
            PlacementCategory::SupportedAccommodation,
            false,
        );
        assert_eq!(hard_stops(&p), vec![HardStop::UnregisteredSupportedAccommodation]);
        assert!(hard_stops(&Proposal { registered: true, ..p }).is_empty());
        assert!(hard_stops(&Proposal {
            start: date!(2023 - 10 - 27),
            ..p
        })
        .is_empty());
    }
}
