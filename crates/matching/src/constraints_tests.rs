//! One test per hard constraint: it fires on a candidate spoiled in that
//! one respect, and is silent on the clean fixtures.

use kernel::Nation;
use placements::PlacementCategory;
use providers::accreditation::Status;
use providers::register::{Need, RegistrationStatus, Regulator, SettingType};
use time::macros::date;

use super::*;
use crate::fixtures::{criteria, home, household, spot};
use crate::needs::NeedSet;

fn kinds(criteria: &Criteria, c: &Candidate) -> Vec<ExclusionKind> {
    exclusions(criteria, c).iter().map(Exclusion::kind).collect()
}

fn fires_only(criteria: &Criteria, c: &Candidate, kind: ExclusionKind) {
    assert_eq!(kinds(criteria, c), vec![kind], "{c:?}");
}

#[test]
fn the_clean_fixtures_pass_every_constraint() {
    let criteria = criteria();
    for c in [home(1), household(2), spot(3)] {
        assert_eq!(exclusions(&criteria, &c), vec![], "{}", c.name);
    }
}

#[test]
fn a_registration_that_does_not_allow_placements_excludes() {
    let c = Candidate {
        registration: RegistrationStatus::Suspended,
        ..home(1)
    };
    fires_only(&criteria(), &c, ExclusionKind::NotRegistered);
    assert_eq!(
        exclusions(&criteria(), &c)[0].to_string(),
        "its registration does not allow placements: Registration suspended"
    );
    assert!(kinds(&criteria(), &home(1)).is_empty());
}

#[test]
fn a_provider_that_is_not_accredited_is_excluded() {
    let c = Candidate {
        accreditation: Some(Status::Expired),
        ..home(1)
    };
    fires_only(&criteria(), &c, ExclusionKind::NotAccredited);
    let conditional = Candidate {
        accreditation: Some(Status::Conditional),
        ..home(1)
    };
    assert!(kinds(&criteria(), &conditional).is_empty());
}

#[test]
fn a_type_the_request_did_not_ask_for_is_excluded() {
    let criteria = Criteria {
        categories: vec![PlacementCategory::InHouseFoster],
        ..criteria()
    };
    fires_only(&criteria, &home(1), ExclusionKind::WrongType);
    assert!(kinds(&criteria, &household(2)).is_empty());
}

#[test]
fn a_child_outside_the_age_range_is_excluded() {
    let c = Candidate { age_min: 16, ..home(1) };
    assert_eq!(
        exclusions(&criteria(), &c),
        vec![Exclusion::OutsideAgeRange { age: 14, min: 16, max: 17 }]
    );
    let exact = Candidate {
        age_min: 14,
        age_max: 14,
        ..home(1)
    };
    assert!(kinds(&criteria(), &exact).is_empty());
}

#[test]
fn every_need_outside_the_statement_of_purpose_is_named() {
    let criteria = Criteria {
        needs: vec![Need::EmotionalBehavioural, Need::Autism, Need::MentalHealth],
        ..criteria()
    };
    let c = Candidate {
        accepts: NeedSet::from([Need::EmotionalBehavioural, Need::GoingMissing]),
        ..home(1)
    };
    assert_eq!(
        exclusions(&criteria, &c),
        vec![Exclusion::NeedNotMet(Need::Autism), Exclusion::NeedNotMet(Need::MentalHealth)]
    );
    let covered = Candidate {
        accepts: NeedSet::from([Need::EmotionalBehavioural, Need::GoingMissing, Need::Autism, Need::MentalHealth]),
        ..home(1)
    };
    assert!(kinds(&criteria, &covered).is_empty());
}

#[test]
fn a_risk_the_setting_does_not_accept_is_named() {
    let c = Candidate {
        accepts: NeedSet::from([Need::EmotionalBehavioural]),
        ..home(1)
    };
    assert_eq!(exclusions(&criteria(), &c), vec![Exclusion::RiskNotAccepted(Need::GoingMissing)]);
    assert!(kinds(&criteria(), &home(1)).is_empty());
}

#[test]
fn no_vacancy_excludes_without_also_blaming_siblings() {
    let c = Candidate { places_free: 0, ..home(1) };
    let with_siblings = Criteria { siblings: 1, ..criteria() };
    fires_only(&with_siblings, &c, ExclusionKind::NoVacancy);
    assert!(kinds(&criteria(), &Candidate { places_free: 1, ..home(1) }).is_empty());
}

#[test]
fn siblings_need_a_place_each() {
    let criteria = Criteria { siblings: 2, ..criteria() };
    assert_eq!(
        exclusions(&criteria, &home(1)),
        vec![Exclusion::NotEnoughPlacesForSiblings { needed: 3, free: 2 }]
    );
    assert!(kinds(&criteria, &Candidate { places_free: 3, ..home(1) }).is_empty());
}

fn unregulated_flat(id: i64) -> Candidate {
    Candidate {
        category: PlacementCategory::Bespoke,
        setting_type: Some(SettingType::Unregistered),
        regulator: Regulator::None,
        registration: RegistrationStatus::NotRegistered,
        ..spot(id)
    }
}

#[test]
fn under_sixteens_are_never_placed_in_unregulated_settings_in_england() {
    let criteria = Criteria {
        categories: vec![PlacementCategory::Bespoke],
        ..criteria()
    };
    fires_only(&criteria, &unregulated_flat(1), ExclusionKind::UnderSixteenUnregulated);
    // From the sixteenth birthday, before the ban, and in Wales it does not apply.
    let sixteen = Criteria {
        date_of_birth: date!(2010 - 12 - 01),
        ..criteria.clone()
    };
    assert!(kinds(&sixteen, &unregulated_flat(1)).is_empty());
    let before = Criteria {
        start: date!(2021 - 09 - 08),
        date_of_birth: date!(2008 - 05 - 10),
        ..criteria.clone()
    };
    assert!(kinds(&before, &unregulated_flat(1)).is_empty());
    let wales = Criteria {
        nation: Nation::Wales,
        ..criteria.clone()
    };
    assert!(kinds(&wales, &unregulated_flat(1)).is_empty());
    // A registered bespoke home is regulated.
    let registered = Candidate {
        setting_type: Some(SettingType::ChildrensHome),
        regulator: Regulator::Ofsted,
        registration: RegistrationStatus::Registered,
        ..unregulated_flat(1)
    };
    assert!(kinds(&criteria, &registered).is_empty());
}

fn supported_accommodation(registration: RegistrationStatus) -> Candidate {
    Candidate {
        category: PlacementCategory::SupportedAccommodation,
        setting_type: Some(SettingType::SupportedAccommodation),
        registration,
        age_min: 16,
        age_max: 17,
        ..spot(1)
    }
}

#[test]
fn sixteen_and_seventeen_year_olds_go_only_to_registered_supported_accommodation() {
    let criteria = Criteria {
        date_of_birth: date!(2010 - 03 - 01),
        categories: vec![PlacementCategory::SupportedAccommodation],
        ..criteria()
    };
    let unregistered = supported_accommodation(RegistrationStatus::NotRegistered);
    assert_eq!(
        kinds(&criteria, &unregistered),
        vec![ExclusionKind::NotRegistered, ExclusionKind::UnregisteredSupportedAccommodation]
    );
    // An accepted application counts for supported accommodation.
    let accepted = supported_accommodation(RegistrationStatus::ApplicationAccepted);
    assert!(kinds(&criteria, &accepted).is_empty());
    let before = Criteria {
        start: date!(2023 - 10 - 27),
        date_of_birth: date!(2007 - 03 - 01),
        ..criteria
    };
    assert!(!kinds(&before, &unregistered).contains(&ExclusionKind::UnregisteredSupportedAccommodation));
}

#[test]
fn wales_excludes_for_profit_providers_from_april_2030() {
    let wales = Criteria {
        nation: Nation::Wales,
        start: date!(2030 - 04 - 01),
        date_of_birth: date!(2016 - 01 - 01),
        ..criteria()
    };
    fires_only(&wales, &home(1), ExclusionKind::WalesForProfit);
    let not_for_profit = Candidate {
        for_profit: false,
        ..home(1)
    };
    assert!(kinds(&wales, &not_for_profit).is_empty());
    let day_before = Criteria {
        start: date!(2030 - 03 - 31),
        ..wales.clone()
    };
    assert!(kinds(&day_before, &home(1)).is_empty());
    let england = Criteria {
        nation: Nation::England,
        ..wales
    };
    assert!(kinds(&england, &home(1)).is_empty());
}

#[test]
fn a_household_whose_temporary_approval_lapsed_is_excluded() {
    let c = Candidate {
        approval_lapsed: true,
        ..household(1)
    };
    fires_only(&criteria(), &c, ExclusionKind::ApprovalLapsed);
    assert_eq!(
        exclusions(&criteria(), &c)[0].to_string(),
        "the household's temporary approval has lapsed"
    );
}

#[test]
fn the_bits_and_the_explanation_always_agree() {
    let criteria = Criteria {
        siblings: 3,
        needs: vec![Need::Autism],
        ..criteria()
    };
    let c = Candidate {
        registration: RegistrationStatus::Cancelled,
        age_max: 12,
        places_free: 1,
        ..home(1)
    };
    let q = Query::new(&criteria);
    let bits: Vec<ExclusionKind> = check(&q, &c).iter().collect();
    assert_eq!(bits, kinds(&criteria, &c));
    assert_eq!(bits.len(), 4);
}
