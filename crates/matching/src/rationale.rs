//! When a choice needs a recorded reason: the Gateway lets a social worker
//! choose a placement other than the search's first suggestion, but the
//! decision must then say why — choosing a lower-ranked result, a dearer
//! one than the cheapest suitable, or a spot purchase while a framework
//! provider could take the child, or a setting the search excluded.
//!
//! "Top-ranked" follows the search order: the first in-house result if
//! there is one, else the first framework result (best tier), else the
//! first spot result. The council must look at its own carers first, so a
//! higher-scoring external setting does not outrank them.

use kernel::Money;
use serde::Serialize;

use crate::search::{Outcome, PassKind, Ranked};

/// Why a choice needs a recorded rationale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    #[error("the search's first suggestion was {top} in the {} pass (score {top_total}); this one scored {chosen_total}", .pass.label())]
    NotTopRanked {
        pass: PassKind,
        top: i64,
        top_total: u32,
        chosen_total: u32,
    },
    #[error("{cheapest} is the cheapest suitable placement at {cheapest_price} a week; this one costs {}", price_text(.chosen_price))]
    NotCheapest {
        cheapest: i64,
        cheapest_price: Money,
        chosen_price: Option<Money>,
    },
    #[error("this is a spot purchase while {framework_results} framework provider(s) could take the child")]
    SpotWhileFrameworkAvailable { framework_results: usize },
    #[error("this placement failed a hard constraint or was not searched; placing there needs an approved exception")]
    NotASuitableResult,
}

fn price_text(price: &Option<Money>) -> String {
    price.map_or_else(|| "an unknown amount".to_owned(), |p| format!("{p} a week"))
}

impl Reason {
    /// The reason as a sentence for the decision record.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// The search's first suggestion, and its pass.
pub fn top_ranked(outcome: &Outcome) -> Option<(PassKind, &Ranked)> {
    outcome.results().next()
}

/// The suitable result with the lowest known weekly price; among equal
/// prices, the one the search put first.
pub fn cheapest_suitable(outcome: &Outcome) -> Option<(PassKind, &Ranked)> {
    outcome
        .results()
        .filter_map(|(pass, r)| r.weekly.map(|price| (price, pass, r)))
        .min_by_key(|(price, pass, r)| (*price, *pass, r.rank))
        .map(|(_, pass, r)| (pass, r))
}

/// Everything about choosing `chosen_id` in `pass` that needs a recorded
/// reason; empty when the choice is the search's first suggestion and no
/// dearer than the cheapest suitable.
pub fn needs_rationale(outcome: &Outcome, pass: PassKind, chosen_id: i64) -> Vec<Reason> {
    let Some(chosen) = outcome.find(pass, chosen_id) else {
        return vec![Reason::NotASuitableResult];
    };
    let mut reasons = Vec::new();
    if let Some((top_pass, top)) = top_ranked(outcome) {
        if (top_pass, top.id) != (pass, chosen.id) {
            reasons.push(Reason::NotTopRanked {
                pass: top_pass,
                top: top.id,
                top_total: top.total,
                chosen_total: chosen.total,
            });
        }
    }
    if let Some((_, cheapest)) = cheapest_suitable(outcome) {
        let cheapest_price = cheapest.weekly.unwrap_or(Money::ZERO);
        if chosen.weekly.is_none_or(|price| price > cheapest_price) {
            reasons.push(Reason::NotCheapest {
                cheapest: cheapest.id,
                cheapest_price,
                chosen_price: chosen.weekly,
            });
        }
    }
    let framework_results = outcome.pass(PassKind::Framework).results.len();
    if pass == PassKind::Spot && framework_results > 0 {
        reasons.push(Reason::SpotWhileFrameworkAvailable { framework_results });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidates::Candidate;
    use crate::fixtures::{criteria, home, household, spot};
    use crate::search::search;
    use kernel::Money;

    fn candidates() -> Vec<Candidate> {
        vec![
            household(10),
            Candidate {
                weekly_price: Some(Money::from_pounds(4_200)),
                ..home(20)
            },
            spot(30),
        ]
    }

    #[test]
    fn the_first_suggestion_needs_no_reason_when_it_is_also_cheapest() {
        let outcome = search(&criteria(), &candidates());
        assert_eq!(top_ranked(&outcome).map(|(p, r)| (p, r.id)), Some((PassKind::InHouse, 10)));
        assert_eq!(cheapest_suitable(&outcome).map(|(_, r)| r.id), Some(10));
        assert_eq!(needs_rationale(&outcome, PassKind::InHouse, 10), vec![]);
    }

    #[test]
    fn a_lower_ranked_dearer_spot_choice_gives_every_reason() {
        let outcome = search(&criteria(), &candidates());
        let reasons = needs_rationale(&outcome, PassKind::Spot, 30);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(matches!(reasons[0], Reason::NotTopRanked { top: 10, .. }));
        assert!(matches!(reasons[1], Reason::NotCheapest { cheapest: 10, .. }));
        assert_eq!(reasons[2], Reason::SpotWhileFrameworkAvailable { framework_results: 1 });
        assert_eq!(
            reasons[2].message(),
            "this is a spot purchase while 1 framework provider(s) could take the child"
        );
        assert!(reasons[1].message().contains("£450.00 a week; this one costs £6,500.00 a week"));
    }

    #[test]
    fn a_framework_choice_over_the_in_house_carer_needs_reasons_but_not_the_spot_one() {
        let outcome = search(&criteria(), &candidates());
        let reasons = needs_rationale(&outcome, PassKind::Framework, 20);
        assert_eq!(reasons.len(), 2);
        assert!(!reasons.iter().any(|r| matches!(r, Reason::SpotWhileFrameworkAvailable { .. })));
    }

    #[test]
    fn an_excluded_or_unknown_choice_needs_an_exception() {
        let mut all = candidates();
        all[1].places_free = 0;
        let outcome = search(&criteria(), &all);
        assert_eq!(needs_rationale(&outcome, PassKind::Framework, 20), vec![Reason::NotASuitableResult]);
        assert_eq!(needs_rationale(&outcome, PassKind::Spot, 99), vec![Reason::NotASuitableResult]);
        // With no framework result left, the spot purchase needs no spot reason.
        let reasons = needs_rationale(&outcome, PassKind::Spot, 30);
        assert!(!reasons.iter().any(|r| matches!(r, Reason::SpotWhileFrameworkAvailable { .. })));
    }
}
