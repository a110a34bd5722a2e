//! Properties of the engine over random facts: a child's pass is the full
//! pass for that child, no control raises two exceptions for one item, and
//! the order facts arrive in changes nothing.

use std::collections::BTreeSet;

use kernel::ChildId;
use proptest::prelude::*;

use super::{evaluate, evaluate_all, evaluate_child, ControlId, Settings};
use crate::fixtures::{random_facts, snapshot};

fn settings_strategy() -> impl Strategy<Value = Settings> {
    (0u32..4, 1u32..200, 0u32..10, prop::bool::ANY).prop_map(|(grace, review, ratify, ban)| Settings {
        agreement_grace_days: grace,
        high_cost_review_days: review,
        ratification_days: ratify,
        unregulated_under_16_from: ban.then_some(super::ENGLAND_UNREGULATED_BAN_FROM),
        ..Settings::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_child_pass_gives_exactly_the_full_pass_for_that_child(
        seed in any::<u64>(),
        children in 1i64..12,
        placements in 0i64..40,
        settings in settings_strategy(),
    ) {
        let snapshot = snapshot(random_facts(seed, children, placements));
        let all = evaluate_all(&snapshot, &settings);
        let mut seen = 0;
        for id in 1..=children + 1 {
            let child = ChildId::new(id);
            let expected: Vec<_> = all.iter().filter(|e| e.child == Some(child)).cloned().collect();
            let found = evaluate_child(&snapshot, &settings, child);
            seen += found.len();
            prop_assert_eq!(found, expected, "child {}", id);
        }
        prop_assert_eq!(seen, all.iter().filter(|e| e.child.is_some()).count());
    }

    #[test]
    fn no_control_raises_two_exceptions_for_one_item(
        seed in any::<u64>(),
        children in 1i64..12,
        placements in 0i64..40,
        settings in settings_strategy(),
    ) {
        let evaluation = evaluate(&snapshot(random_facts(seed, children, placements)), &settings);
        for result in &evaluation.results {
            let raised: Vec<_> = evaluation.exceptions.iter().filter(|e| e.control == result.control).collect();
            prop_assert_eq!(raised.len(), result.exceptions);
            prop_assert!(result.exceptions <= result.population);
            // Reviews and visits have no id, so two can share a subject.
            if result.control != ControlId::Mn02 {
                let subjects: BTreeSet<_> = raised.iter().map(|e| e.subject).collect();
                prop_assert_eq!(subjects.len(), raised.len());
            }
        }
    }

    #[test]
    fn the_order_facts_arrive_in_changes_nothing(seed in any::<u64>(), children in 1i64..12, placements in 0i64..40) {
        let facts = random_facts(seed, children, placements);
        let mut reversed = facts.clone();
        reversed.children.reverse();
        reversed.placements.reverse();
        reversed.agreements.reverse();
        reversed.standings.reverse();
        reversed.service_agreements.reverse();
        reversed.payments.reverse();
        reversed.decisions.reverse();
        reversed.assessments.reverse();
        reversed.statutory.reverse();
        reversed.invoice_exceptions.reverse();
        let settings = Settings::default();
        prop_assert_eq!(evaluate(&snapshot(facts), &settings), evaluate(&snapshot(reversed), &settings));
    }
}

#[test]
fn random_facts_make_every_control_fire_somewhere() {
    // Guards the generator: a property over facts that never fail proves little.
    let mut fired = BTreeSet::new();
    for seed in 0..20 {
        for exception in evaluate_all(&snapshot(random_facts(seed, 10, 40)), &Settings::default()) {
            fired.insert(exception.control);
        }
    }
    let silent: Vec<_> = ControlId::ALL.iter().filter(|c| !fired.contains(c)).collect();
    assert!(silent.is_empty(), "never fired: {silent:?}");
}
