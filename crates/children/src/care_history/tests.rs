//! The interval rules and episode derivation, on fixed cases and by property.

use proptest::prelude::*;
use time::macros::date;
use time::Duration;

use super::*;
use crate::episodes::episodes;

fn codes() -> CodeSets {
    CodeSets::standard()
}

fn period(start: Date, end: Option<Date>) -> Period {
    Period {
        start,
        end,
        reason_ceased: end.map(|_| "E4A".to_owned()),
        category_of_need: "N1".into(),
    }
}

fn legal(code: &str, start: Date, end: Option<Date>) -> LegalStatus {
    LegalStatus {
        code: code.into(),
        start,
        end,
    }
}

fn placement(place: &str, urn: &str, start: Date, end: Option<Date>) -> Placement {
    Placement {
        place: place.into(),
        provider_type: "PR1".into(),
        urn: Some(urn.into()),
        postcode: Some("DC1 1AA".into()),
        start,
        end,
        reason_for_change: end.map(|_| "CARPL".to_owned()),
    }
}

fn sound() -> CareHistory {
    CareHistory {
        periods: vec![period(date!(2025 - 01 - 10), None)],
        legal_statuses: vec![
            legal("V2", date!(2025 - 01 - 10), Some(date!(2025 - 03 - 01))),
            legal("C2", date!(2025 - 03 - 01), None),
        ],
        placements: vec![
            placement("U6", "SC000001", date!(2025 - 01 - 10), Some(date!(2025 - 03 - 01))),
            placement("U6", "SC000002", date!(2025 - 03 - 01), Some(date!(2025 - 06 - 01))),
            placement("K2", "SC000002", date!(2025 - 06 - 01), None),
        ],
    }
}

#[test]
fn a_sound_history_has_no_problems() {
    assert_eq!(validate(&sound(), &codes()), vec![]);
}

#[test]
fn overlaps_are_refused_with_a_clear_message() {
    let mut history = sound();
    history.placements[1].start = date!(2025 - 02 - 20);
    let problems = validate(&history, &codes());
    assert!(problems.contains(&HistoryProblem::Overlap {
        what: "placement",
        first: date!(2025 - 01 - 10),
        second: date!(2025 - 02 - 20)
    }));
    assert_eq!(
        problems[0].to_string(),
        "the placement starting 10/01/2025 overlaps the one starting 20/02/2025; end the first before the second starts"
    );
}

#[test]
fn gaps_inside_care_are_refused() {
    let mut history = sound();
    history.legal_statuses[1].start = date!(2025 - 03 - 05);
    let problems = validate(&history, &codes());
    assert!(problems.contains(&HistoryProblem::Gap {
        what: "legal status",
        from: date!(2025 - 03 - 01),
        to: date!(2025 - 03 - 05)
    }));
}

#[test]
fn placements_outside_care_and_open_ends_are_refused() {
    let mut history = sound();
    history.periods[0].end = Some(date!(2025 - 08 - 01));
    history.periods[0].reason_ceased = Some("E4A".into());
    let problems = validate(&history, &codes());
    assert!(problems
        .iter()
        .any(|p| matches!(p, HistoryProblem::OutsideCare { what: "placement", .. })));
    assert!(problems
        .iter()
        .any(|p| matches!(p, HistoryProblem::OutsideCare { what: "legal status", .. })));
}

#[test]
fn ended_periods_need_a_valid_reason_and_codes_are_checked_by_year() {
    let mut history = sound();
    history.periods[0].end = Some(date!(2025 - 08 - 01));
    history.periods[0].reason_ceased = None;
    history.legal_statuses[1].end = Some(date!(2025 - 08 - 01));
    history.placements[2].end = Some(date!(2025 - 08 - 01));
    history.placements[2].place = "H5".into();
    let problems = validate(&history, &codes());
    assert!(problems.contains(&HistoryProblem::NoReasonCeased {
        end: date!(2025 - 08 - 01)
    }));
    assert!(problems.iter().any(|p| p.to_string() == "'H5' is not a place code in 2025-26"));
}

#[test]
fn episodes_split_at_every_change_with_the_right_reasons() {
    let eps = episodes(&sound());
    let summary: Vec<(Date, &str, &str, &str, Option<&str>)> = eps
        .iter()
        .map(|e| (e.decom, e.rne, e.ls.as_str(), e.place.as_str(), e.rec.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (date!(2025 - 01 - 10), "S", "V2", "U6", Some("X1")),
            (date!(2025 - 03 - 01), "B", "C2", "U6", Some("X1")),
            (date!(2025 - 06 - 01), "T", "C2", "K2", None),
        ]
    );
    assert_eq!(eps[1].reason_place_change.as_deref(), Some("CARPL"));
    assert_eq!(eps[2].dec, None);
}

#[test]
fn the_last_episode_carries_the_reason_care_ended() {
    let mut history = sound();
    history.periods[0].end = Some(date!(2025 - 09 - 01));
    history.periods[0].reason_ceased = Some("E4A".into());
    history.legal_statuses[1].end = Some(date!(2025 - 09 - 01));
    history.placements[2].end = Some(date!(2025 - 09 - 01));
    let eps = episodes(&history);
    let last = eps.last().unwrap();
    assert_eq!(last.rec.as_deref(), Some("E4A"));
    assert_eq!(last.reason_place_change, None, "no placement-change reason when care ends");
}

/// A random sound history: contiguous legal statuses and placements inside
/// one or two periods of care.
fn arbitrary_history() -> impl Strategy<Value = CareHistory> {
    (
        proptest::collection::vec(1i64..120, 1..5),
        proptest::collection::vec(1i64..120, 1..5),
        any::<bool>(),
    )
        .prop_map(|(legal_lengths, placement_lengths, ended)| {
            let start = date!(2024 - 04 - 01);
            let legal_total: i64 = legal_lengths.iter().sum();
            let placement_total: i64 = placement_lengths.iter().sum();
            let length = legal_total.max(placement_total);
            let end = ended.then(|| start + Duration::days(length));
            // The last interval of each kind runs to the end of care.
            let build = |lengths: &[i64]| -> Vec<(Date, Option<Date>)> {
                let mut out = Vec::new();
                let mut day = start;
                for (i, days) in lengths.iter().enumerate() {
                    let stop = if i == lengths.len() - 1 {
                        end
                    } else {
                        Some(day + Duration::days(*days))
                    };
                    out.push((day, stop));
                    day += Duration::days(*days);
                }
                out
            };
            CareHistory {
                periods: vec![period(start, end)],
                legal_statuses: build(&legal_lengths)
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, e))| legal(if i % 2 == 0 { "C2" } else { "E1" }, s, e))
                    .collect(),
                placements: build(&placement_lengths)
                    .into_iter()
                    .enumerate()
                    .map(|(i, (s, e))| placement("U6", &format!("SC{i:06}"), s, e))
                    .collect(),
            }
        })
}

proptest! {
    #[test]
    fn generated_histories_are_sound(history in arbitrary_history()) {
        prop_assert_eq!(validate(&history, &codes()), vec![]);
    }

    #[test]
    fn moving_a_start_into_the_previous_interval_is_always_an_overlap(history in arbitrary_history(), back in 1i64..30) {
        prop_assume!(history.placements.len() >= 2);
        let mut broken = history.clone();
        let second_start = broken.placements[1].start;
        let first_start = broken.placements[0].start;
        let moved = (second_start - Duration::days(back)).max(first_start + Duration::days(1));
        prop_assume!(moved < second_start);
        broken.placements[1].start = moved;
        let problems = validate(&broken, &codes());
        let overlaps = problems.iter().any(|p| matches!(p, HistoryProblem::Overlap { what: "placement", .. }));
        prop_assert!(overlaps, "{:?}", problems);
    }

    #[test]
    fn moving_a_start_later_always_leaves_a_gap(history in arbitrary_history(), forward in 1i64..30) {
        prop_assume!(history.legal_statuses.len() >= 2);
        let mut broken = history.clone();
        let end = broken.legal_statuses[1].end;
        let moved = broken.legal_statuses[1].start + Duration::days(forward);
        prop_assume!(end.is_none_or(|e| moved < e));
        broken.legal_statuses[1].start = moved;
        let problems = validate(&broken, &codes());
        let gap = problems.iter().any(|p| matches!(p, HistoryProblem::Gap { what: "legal status", .. }));
        prop_assert!(gap, "{:?}", problems);
    }

    #[test]
    fn episodes_tile_the_period_exactly(history in arbitrary_history()) {
        let eps = episodes(&history);
        prop_assert!(!eps.is_empty());
        prop_assert_eq!(eps[0].rne, "S");
        prop_assert_eq!(eps[0].decom, history.periods[0].start);
        for pair in eps.windows(2) {
            prop_assert_eq!(pair[0].dec, Some(pair[1].decom));
        }
        prop_assert_eq!(eps.last().unwrap().dec, history.periods[0].end);
        for episode in &eps {
            let legal = history.legal_statuses.iter().find(|s| s.start <= episode.decom && s.end.is_none_or(|e| episode.decom < e)).unwrap();
            prop_assert_eq!(&episode.ls, &legal.code);
        }
    }
}
