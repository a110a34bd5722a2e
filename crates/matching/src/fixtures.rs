//! Test fixtures: a child's criteria and candidates that pass every hard
//! constraint, for tests to spoil one field at a time.

use kernel::{Money, Nation, ProviderId};
use placements::PlacementCategory;
use providers::accreditation::Status;
use providers::register::{Grade, Need, RegistrationStatus, Regulator, SettingType};
use time::macros::date;

use crate::candidates::{Candidate, Source};
use crate::criteria::{Criteria, Location};
use crate::needs::NeedSet;

pub const HOME: Location = Location {
    easting: 450_000,
    northing: 300_000,
};

/// A 14-year-old in England with emotional and behavioural needs who goes
/// missing, looking for foster care or a children's home from 1 December 2026.
pub fn criteria() -> Criteria {
    Criteria {
        start: date!(2026 - 12 - 01),
        date_of_birth: date!(2012 - 05 - 10),
        nation: Nation::England,
        categories: vec![
            PlacementCategory::InHouseFoster,
            PlacementCategory::IndependentFoster,
            PlacementCategory::ChildrensHome,
        ],
        needs: vec![Need::EmotionalBehavioural],
        risks: vec![Need::GoingMissing],
        siblings: 0,
        home: Some(HOME),
        school: Some(Location {
            easting: 452_000,
            northing: 300_000,
        }),
        max_weekly: Some(Money::from_pounds(5_000)),
    }
}

/// A tier-1 framework children's home 10 km from home.
pub fn home(id: i64) -> Candidate {
    Candidate {
        source: Source::Framework {
            tier: 1,
            rate: Money::from_pounds(5_000),
        },
        id,
        provider_id: Some(ProviderId::new(7)),
        name: format!("Home {id}"),
        category: PlacementCategory::ChildrensHome,
        setting_type: Some(SettingType::ChildrensHome),
        regulator: Regulator::Ofsted,
        registration: RegistrationStatus::Registered,
        accreditation: Some(Status::Accredited),
        grade: Grade::Good,
        supervision: None,
        age_min: 8,
        age_max: 17,
        accepts: NeedSet::from([Need::EmotionalBehavioural, Need::GoingMissing, Need::SelfHarm]),
        places_free: 2,
        location: Some(Location {
            easting: 460_000,
            northing: 300_000,
        }),
        for_profit: true,
        weekly_price: Some(Money::from_pounds(4_800)),
        previous_placements: 0,
        previous_breakdowns: 0,
        approval_lapsed: false,
    }
}

/// One of the council's own foster households, 3 km from home.
pub fn household(id: i64) -> Candidate {
    Candidate {
        source: Source::InHouse { household_id: id },
        provider_id: None,
        name: format!("Household {id}"),
        category: PlacementCategory::InHouseFoster,
        setting_type: None,
        regulator: Regulator::Ofsted,
        accreditation: None,
        grade: Grade::NotInspected,
        supervision: Some(Grade::Good),
        age_min: 0,
        age_max: 17,
        location: Some(Location {
            easting: 453_000,
            northing: 300_000,
        }),
        for_profit: false,
        weekly_price: Some(Money::from_pounds(450)),
        ..home(id)
    }
}

/// A spot-purchase children's home.
pub fn spot(id: i64) -> Candidate {
    Candidate {
        source: Source::Spot,
        weekly_price: Some(Money::from_pounds(6_500)),
        ..home(id)
    }
}
