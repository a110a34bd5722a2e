//! Tests for the scores, their reasons and the weighting.

use kernel::Money;
use providers::register::{Grade, Need};

use super::*;
use crate::criteria::Location;
use crate::fixtures::{criteria, home, household, spot, HOME};

fn part(score: &Score, component: Component) -> &Part {
    score.parts.iter().find(|p| p.component == component).unwrap()
}

#[test]
fn the_weights_add_up_to_one_hundred() {
    assert_eq!(WEIGHTS.iter().map(|(_, w)| u32::from(*w)).sum::<u32>(), 100);
    assert_eq!(Points([100; 5]).total(), 100);
    assert_eq!(Points([0; 5]).total(), 0);
}

#[test]
fn the_fixture_home_scores_as_documented() {
    let s = score(&criteria(), &home(1));
    let points: Vec<u8> = s.parts.iter().map(|p| p.points).collect();
    assert_eq!(points, [66, 91, 75, 50, 100]);
    assert_eq!(s.total, 75);
    assert_eq!(part(&s, Component::Distance).reason, "10 km from home, 8 km from school");
    assert_eq!(
        part(&s, Component::NeedsFit).reason,
        "2 of the 3 needs it specialises in are the child's"
    );
    assert_eq!(part(&s, Component::Quality).reason, "Ofsted: Good");
    assert_eq!(
        part(&s, Component::Cost).reason,
        "£4,800.00 a week, within the framework rate of £5,000.00"
    );
}

#[test]
fn a_specialist_setting_fits_better_than_a_generalist() {
    let specialist = Candidate {
        accepts: NeedSet::from([Need::EmotionalBehavioural, Need::GoingMissing]),
        ..home(1)
    };
    let generalist = Candidate {
        accepts: Need::ALL.iter().copied().collect(),
        ..home(2)
    };
    let fit = |c: &Candidate| part(&score(&criteria(), c), Component::NeedsFit).points;
    assert_eq!(fit(&specialist), 100);
    assert!(fit(&generalist) < 20);
    let no_needs = Criteria {
        needs: vec![],
        risks: vec![],
        ..criteria()
    };
    assert_eq!(part(&score(&no_needs, &generalist), Component::NeedsFit).points, NEUTRAL);
}

#[test]
fn distance_falls_to_nothing_at_a_hundred_kilometres_and_unknown_is_neutral() {
    let at = |easting: i32| Candidate {
        location: Some(Location {
            easting,
            northing: HOME.northing,
        }),
        ..home(1)
    };
    let only_home = Criteria {
        school: None,
        ..criteria()
    };
    let distance = |c: &Candidate| part(&score(&only_home, c), Component::Distance).points;
    assert_eq!(distance(&at(HOME.easting)), 100);
    assert_eq!(distance(&at(HOME.easting + 25_000)), 75);
    assert_eq!(distance(&at(HOME.easting - 100_000)), 0);
    assert_eq!(distance(&at(HOME.easting + 400_000)), 0);
    let nowhere = Candidate { location: None, ..home(1) };
    let s = score(&criteria(), &nowhere);
    assert_eq!(part(&s, Component::Distance).points, NEUTRAL);
    assert!(part(&s, Component::Distance).reason.starts_with("distance unknown"));
    let homeless = Criteria {
        home: None,
        school: None,
        ..criteria()
    };
    assert!(part(&score(&homeless, &home(1)), Component::Distance)
        .reason
        .starts_with("distance unknown: the child's"));
}

#[test]
fn quality_follows_the_grade_and_households_their_supervision() {
    let graded = |grade: Grade| part(&score(&criteria(), &Candidate { grade, ..home(1) }), Component::Quality).points;
    assert_eq!(
        [
            Grade::Outstanding,
            Grade::Good,
            Grade::RequiresImprovement,
            Grade::Inadequate,
            Grade::NotInspected
        ]
        .map(graded),
        [100, 75, 35, 0, 50]
    );
    let supervised = Candidate {
        supervision: Some(Grade::Outstanding),
        ..household(1)
    };
    assert_eq!(part(&score(&criteria(), &supervised), Component::Quality).points, 100);
    let unknown = Candidate {
        supervision: None,
        ..household(1)
    };
    assert_eq!(part(&score(&criteria(), &unknown), Component::Quality).points, 75);
}

#[test]
fn stability_rewards_placements_that_held() {
    let history = |previous_placements, previous_breakdowns| {
        let c = Candidate {
            previous_placements,
            previous_breakdowns,
            ..home(1)
        };
        let s = score(&criteria(), &c);
        (part(&s, Component::Stability).points, part(&s, Component::Stability).reason.clone())
    };
    assert_eq!(history(0, 0).0, NEUTRAL);
    assert_eq!(history(4, 0), (100, "none of 4 earlier placements broke down".to_owned()));
    assert_eq!(history(4, 1), (75, "1 of 4 earlier placements broke down".to_owned()));
    assert_eq!(history(2, 5).0, 0);
}

#[test]
fn cost_is_full_marks_within_the_rate_and_falls_in_proportion_above() {
    let priced = |pounds: i64| Candidate {
        weekly_price: Some(Money::from_pounds(pounds)),
        ..spot(1)
    };
    let cost = |c: &Candidate| part(&score(&criteria(), c), Component::Cost).points;
    assert_eq!(cost(&priced(5_000)), 100);
    assert_eq!(cost(&priced(6_500)), 70);
    assert_eq!(
        part(&score(&criteria(), &priced(6_500)), Component::Cost).reason,
        "£6,500.00 a week, 30% above the approved cost of £5,000.00"
    );
    assert_eq!(cost(&priced(10_000)), 0);
    assert_eq!(cost(&priced(30_000)), 0);
    let unpriced = Candidate {
        weekly_price: None,
        ..spot(1)
    };
    assert_eq!(cost(&unpriced), NEUTRAL);
    // A framework home without an offer is priced at its rate.
    assert_eq!(
        cost(&Candidate {
            weekly_price: None,
            ..home(1)
        }),
        100
    );
    let no_budget = Criteria {
        max_weekly: None,
        ..criteria()
    };
    assert_eq!(part(&score(&no_budget, &priced(9_000)), Component::Cost).points, NEUTRAL);
}

#[test]
fn the_total_is_the_weighted_sum_of_the_parts() {
    for c in [home(1), household(2), spot(3)] {
        let s = score(&criteria(), &c);
        let sum: u32 = s.parts.iter().map(|p| u32::from(p.points) * u32::from(p.weight)).sum();
        assert_eq!(s.total, (sum + 50) / 100);
        assert!(s.parts.iter().all(|p| p.points <= 100 && !p.reason.is_empty()));
    }
}
