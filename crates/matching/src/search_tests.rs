//! Tests for the passes, their ordering and the explanations.

use kernel::Money;
use providers::register::{Grade, Need, RegistrationStatus};

use super::*;
use crate::fixtures::{criteria, home, household, spot};

fn framework(id: i64, tier: u8, grade: Grade) -> Candidate {
    Candidate {
        source: Source::Framework {
            tier,
            rate: Money::from_pounds(5_000),
        },
        grade,
        ..home(id)
    }
}

fn ids(pass: &Pass) -> Vec<i64> {
    pass.results.iter().map(|r| r.id).collect()
}

fn mixed() -> Vec<Candidate> {
    vec![
        spot(31),
        framework(22, 2, Grade::Outstanding),
        household(11),
        framework(21, 1, Grade::Inadequate),
        framework(23, 1, Grade::Outstanding),
        Candidate {
            places_free: 0,
            ..household(12)
        },
        Candidate {
            registration: RegistrationStatus::Cancelled,
            ..spot(32)
        },
        household(13),
    ]
}

#[test]
fn each_candidate_goes_to_its_own_pass() {
    let outcome = search(&criteria(), &mixed());
    assert_eq!(
        outcome.passes.iter().map(|p| p.kind).collect::<Vec<_>>(),
        [PassKind::InHouse, PassKind::Framework, PassKind::Spot]
    );
    assert_eq!(ids(outcome.pass(PassKind::InHouse)), [11, 13]);
    assert_eq!(ids(outcome.pass(PassKind::Spot)), [31]);
    let excluded: Vec<i64> = outcome.passes.iter().flat_map(|p| p.excluded.iter().map(|e| e.id)).collect();
    assert_eq!(excluded, [12, 32]);
}

#[test]
fn framework_results_come_tier_by_tier_then_by_score() {
    let outcome = search(&criteria(), &mixed());
    let framework = outcome.pass(PassKind::Framework);
    assert_eq!(ids(framework), [23, 21, 22]);
    assert_eq!(framework.results.iter().map(|r| r.rank).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(framework.results[0].total > framework.results[1].total);
}

#[test]
fn ties_are_broken_by_id_whatever_the_input_order() {
    let twins = vec![household(9), household(3), household(5)];
    let outcome = search(&criteria(), &twins);
    assert_eq!(ids(outcome.pass(PassKind::InHouse)), [3, 5, 9]);

    let forwards = mixed();
    let mut backwards = mixed();
    backwards.reverse();
    let mut rotated = mixed();
    rotated.rotate_left(3);
    let order =
        |all: &[Candidate]| -> Vec<(PassKind, i64, u32)> { search(&criteria(), all).results().map(|(p, r)| (p, r.id, r.total)).collect() };
    assert_eq!(order(&forwards), order(&backwards));
    assert_eq!(order(&forwards), order(&rotated));
    assert_eq!(search(&criteria(), &forwards), search(&criteria(), &forwards));
}

#[test]
fn excluded_candidates_can_be_explained_one_at_a_time() {
    let all = mixed();
    let outcome = search(&criteria(), &all);
    let spot_pass = outcome.pass(PassKind::Spot);
    assert_eq!(spot_pass.exclusion_counts(), vec![(ExclusionKind::NotRegistered, 1)]);
    let excluded = spot_pass.excluded[0];
    let why = explain(&criteria(), &all[excluded.index]);
    assert_eq!(why.exclusions, vec![Exclusion::NotRegistered(RegistrationStatus::Cancelled)]);
    assert_eq!(
        why.exclusions.iter().map(Exclusion::kind).collect::<Vec<_>>(),
        excluded.kinds.iter().collect::<Vec<_>>()
    );
    let ok = explain(&criteria(), &all[2]);
    assert!(ok.exclusions.is_empty());
}

#[test]
fn results_are_explained_with_the_same_total_they_were_ranked_by() {
    let criteria = Criteria {
        risks: vec![Need::GoingMissing, Need::SelfHarm],
        ..criteria()
    };
    let all = mixed();
    let outcome = search(&criteria, &all);
    for pass in &outcome.passes {
        for (ranked, score) in pass.explained(&criteria, &all, 10) {
            assert_eq!(score.total, ranked.total);
            assert_eq!(score.parts.iter().map(|p| p.points).collect::<Vec<_>>(), ranked.points.0);
        }
    }
    assert_eq!(outcome.pass(PassKind::Framework).explained(&criteria, &all, 2).len(), 2);
}
