//! Properties of the search over arbitrary candidates and children: every
//! result passes every hard constraint, every candidate is a result or
//! excluded (never both, never neither), scores stay in range, and the
//! order does not depend on the order of the input.

use kernel::{Money, Nation};
use matching::{exclusions, score, search, Candidate, Criteria, Location, NeedSet, PassKind, Source};
use placements::PlacementCategory;
use proptest::prelude::*;
use providers::accreditation::Status;
use providers::register::{Grade, Need, RegistrationStatus, Regulator, SettingType};
use time::{Date, Duration};

fn needs(bits: u32) -> NeedSet {
    Need::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| bits >> i & 1 == 1)
        .map(|(_, n)| *n)
        .collect()
}

fn location() -> impl Strategy<Value = Option<Location>> {
    prop::option::of((400_000..520_000i32, 200_000..320_000i32).prop_map(|(easting, northing)| Location { easting, northing }))
}

fn money() -> impl Strategy<Value = Option<Money>> {
    prop::option::of((0i64..1_000_000).prop_map(Money::from_pence))
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        (1i64..1_000).prop_map(|household_id| Source::InHouse { household_id }),
        (1u8..4, 1i64..1_000_000).prop_map(|(tier, pence)| Source::Framework {
            tier,
            rate: Money::from_pence(pence)
        }),
        Just(Source::Spot),
    ]
}

prop_compose! {
    fn candidate()(
        source in source(),
        kind in (
            prop::sample::select(PlacementCategory::ALL.to_vec()),
            prop::option::of(prop::sample::select(SettingType::ALL.to_vec())),
            prop::sample::select(Regulator::ALL.to_vec()),
            // Biased towards candidates that pass, so results get tested too.
            prop_oneof![4 => Just(RegistrationStatus::Registered), 1 => prop::sample::select(RegistrationStatus::ALL.to_vec())],
            prop_oneof![4 => Just(Some(Status::Accredited)), 1 => prop::option::of(prop::sample::select(Status::ALL.to_vec()))],
        ),
        quality in (prop::sample::select(Grade::ALL.to_vec()), prop::option::of(prop::sample::select(Grade::ALL.to_vec()))),
        ages in prop_oneof![3 => (0u8..8, 12u8..19), 1 => (0u8..19, 0u8..19)],
        accepts in (0u32..(1 << 14), 0u32..(1 << 14)),
        places_free in 0u32..5,
        location in location(),
        money in (any::<bool>(), money()),
        history in (0u32..6, 0u32..6, prop::bool::weighted(0.1)),
    ) -> Candidate {
        let (category, setting_type, regulator, registration, accreditation) = kind;
        Candidate {
            source,
            id: 0,
            provider_id: None,
            name: String::new(),
            category,
            setting_type,
            regulator,
            registration,
            accreditation,
            grade: quality.0,
            supervision: quality.1,
            age_min: ages.0.min(ages.1),
            age_max: ages.0.max(ages.1),
            accepts: needs(accepts.0 | accepts.1),
            places_free,
            location,
            for_profit: money.0,
            weekly_price: money.1,
            previous_placements: history.0,
            previous_breakdowns: history.1,
            approval_lapsed: history.2,
        }
    }
}

fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(candidate(), 0..40).prop_map(|mut all| {
        // Ids are unique within a pass in real data (setting or household ids).
        for (i, c) in all.iter_mut().enumerate() {
            c.id = i64::try_from(i).unwrap_or(0) + 1;
        }
        all
    })
}

prop_compose! {
    fn criteria()(
        start_days in 0i64..(12 * 365),
        age_days in 0i64..(19 * 365),
        wales in any::<bool>(),
        categories in prop_oneof![Just(vec![]), prop::collection::vec(prop::sample::select(PlacementCategory::ALL.to_vec()), 1..6)],
        wanted in (0u32..(1 << 14), 0u32..(1 << 14)),
        siblings in prop_oneof![3 => Just(0u8), 1 => 1u8..4],
        home in location(),
        school in location(),
        max_weekly in money(),
    ) -> Criteria {
        // Starts from 2020 to 2031, across every dated legal rule.
        let start = Date::from_calendar_date(2020, time::Month::January, 1).unwrap() + Duration::days(start_days);
        Criteria {
            start,
            date_of_birth: start - Duration::days(age_days),
            nation: if wales { Nation::Wales } else { Nation::England },
            categories,
            // A child has a few needs; a mask of 14 would rarely match anything.
            needs: needs(wanted.0 & wanted.1 & 0x0f0f).to_vec(),
            risks: needs(wanted.0 & !wanted.1 & 0x0300).to_vec(),
            siblings,
            home,
            school,
            max_weekly,
        }
    }
}

proptest! {
    #[test]
    fn every_result_passes_and_every_exclusion_is_explained(criteria in criteria(), all in candidates()) {
        let outcome = search(&criteria, &all);
        for pass in &outcome.passes {
            for r in &pass.results {
                prop_assert_eq!(exclusions(&criteria, &all[r.index]), vec![]);
            }
            for e in &pass.excluded {
                let why = exclusions(&criteria, &all[e.index]);
                prop_assert!(!why.is_empty());
                let kinds: Vec<_> = why.iter().map(|x| x.kind()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
                prop_assert_eq!(kinds, e.kinds.iter().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn every_candidate_is_a_result_or_excluded_in_its_own_pass(criteria in criteria(), all in candidates()) {
        let outcome = search(&criteria, &all);
        let mut seen = vec![0u32; all.len()];
        for pass in &outcome.passes {
            let indexes = pass.results.iter().map(|r| r.index).chain(pass.excluded.iter().map(|e| e.index));
            for index in indexes {
                seen[index] += 1;
                prop_assert_eq!(PassKind::of(all[index].source), pass.kind);
            }
        }
        prop_assert!(seen.iter().all(|n| *n == 1), "{:?}", seen);
    }

    #[test]
    fn scores_stay_in_range_and_match_the_ranking(criteria in criteria(), all in candidates()) {
        let outcome = search(&criteria, &all);
        for c in &all {
            let s = score(&criteria, c);
            prop_assert!(s.total <= 100);
            prop_assert!(s.parts.iter().all(|p| p.points <= 100 && !p.reason.is_empty()));
        }
        for pass in &outcome.passes {
            for (i, r) in pass.results.iter().enumerate() {
                prop_assert_eq!(score(&criteria, &all[r.index]).total, r.total);
                prop_assert_eq!(r.rank as usize, i + 1);
            }
            for pair in pass.results.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                prop_assert!((a.tier, std::cmp::Reverse(a.total), a.id) < (b.tier, std::cmp::Reverse(b.total), b.id));
            }
        }
    }

    #[test]
    fn the_order_of_the_input_does_not_change_the_ranking(criteria in criteria(), all in candidates(), turn in 0usize..40) {
        let key = |all: &[Candidate]| -> Vec<(PassKind, i64, u32, u32)> {
            let outcome = search(&criteria, all);
            let mut out: Vec<_> = outcome.results().map(|(p, r)| (p, r.id, r.rank, r.total)).collect();
            out.extend(outcome.passes.iter().flat_map(|p| p.excluded.iter().map(move |e| (p.kind, e.id, 0, 0))));
            out
        };
        let mut shuffled = all.clone();
        shuffled.reverse();
        if !shuffled.is_empty() {
            let by = turn % shuffled.len();
            shuffled.rotate_left(by);
        }
        prop_assert_eq!(key(&all), key(&shuffled));
    }
}
