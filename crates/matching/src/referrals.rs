//! Targeted referrals and the reasoned choice among the offers that come
//! back.
//!
//! A referral goes only to settings the officer picked from the results,
//! and carries only what a provider needs to decide: the child's age,
//! needs, risks, siblings, start date and budget, never a name.
//! Each has a response deadline set by its pass and tier, so the council
//! asks its own carers and preferred providers first and hears back fast.
//!
//! Choosing an offer that is not the best-ranked offer, not the cheapest
//! offer, or a spot purchase while a framework (or in-house) offer stands
//! needs a written rationale, which the decision record keeps.

use kernel::Money;
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use crate::criteria::Criteria;
use crate::search::PassKind;

/// How long a referral stays open: a day for the council's own carers and
/// tier-1 providers, two days for tier 2 and spot, three for lower tiers.
pub fn respond_within(pass: PassKind, tier: Option<u8>) -> Duration {
    let hours = match (pass, tier) {
        (PassKind::InHouse, _) | (PassKind::Framework, Some(1)) => 24,
        (PassKind::Framework, Some(2)) | (PassKind::Spot, _) => 48,
        (PassKind::Framework, _) => 72,
    };
    Duration::hours(hours)
}

/// The deadline of a referral sent at `sent`.
pub fn respond_by(sent: OffsetDateTime, pass: PassKind, tier: Option<u8>) -> OffsetDateTime {
    sent + respond_within(pass, tier)
}

/// What a provider is told: enough to say yes or no, nothing that names
/// the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralSummary {
    pub age: i32,
    pub start: Date,
    pub needs: Vec<&'static str>,
    pub risks: Vec<&'static str>,
    pub siblings: u8,
    pub weekly_budget: Option<Money>,
}

/// The summary a referral carries.
pub fn summary(criteria: &Criteria) -> ReferralSummary {
    ReferralSummary {
        age: criteria.age(),
        start: criteria.start,
        needs: criteria.needs.iter().map(|n| n.label()).collect(),
        risks: criteria.risks.iter().map(|n| n.label()).collect(),
        siblings: criteria.siblings,
        weekly_budget: criteria.max_weekly,
    }
}

/// An offer as the choice rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub referral: i64,
    pub pass: PassKind,
    /// The result's place in the search order (1 is the first suggestion).
    pub rank: u32,
    pub weekly: Money,
}

/// Why a choice needs a written rationale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum ChoiceReason {
    #[error("a better-ranked offer stands (search rank {best_rank}; this one is rank {chosen_rank})")]
    NotBestRanked { best_rank: u32, chosen_rank: u32 },
    #[error("a cheaper offer stands at {cheapest} a week; this one is {chosen} a week")]
    NotCheapest { cheapest: Money, chosen: Money },
    #[error("this is a spot purchase while {count} in-house or framework offer(s) stand")]
    SpotWhileFrameworkOffered { count: usize },
}

/// The reasons choosing `chosen` among `offers` must be explained; empty
/// when it is the best-ranked and the cheapest and not an avoidable spot
/// purchase.
pub fn choice_reasons(chosen: &Offer, offers: &[Offer]) -> Vec<ChoiceReason> {
    let mut reasons = Vec::new();
    if let Some(best) = offers.iter().map(|o| o.rank).min().filter(|best| *best < chosen.rank) {
        reasons.push(ChoiceReason::NotBestRanked {
            best_rank: best,
            chosen_rank: chosen.rank,
        });
    }
    if let Some(cheapest) = offers.iter().map(|o| o.weekly).min().filter(|c| *c < chosen.weekly) {
        reasons.push(ChoiceReason::NotCheapest {
            cheapest,
            chosen: chosen.weekly,
        });
    }
    let alternatives = offers.iter().filter(|o| o.pass != PassKind::Spot).count();
    if chosen.pass == PassKind::Spot && alternatives > 0 {
        reasons.push(ChoiceReason::SpotWhileFrameworkOffered { count: alternatives });
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn offer(referral: i64, pass: PassKind, rank: u32, pounds: i64) -> Offer {
        Offer {
            referral,
            pass,
            rank,
            weekly: Money::from_pounds(pounds),
        }
    }

    #[test]
    fn deadlines_follow_pass_and_tier() {
        let sent = datetime!(2026-11-22 10:00 UTC);
        assert_eq!(respond_by(sent, PassKind::InHouse, None), datetime!(2026-11-23 10:00 UTC));
        assert_eq!(respond_by(sent, PassKind::Framework, Some(1)), datetime!(2026-11-23 10:00 UTC));
        assert_eq!(respond_by(sent, PassKind::Framework, Some(2)), datetime!(2026-11-24 10:00 UTC));
        assert_eq!(respond_by(sent, PassKind::Framework, Some(3)), datetime!(2026-11-25 10:00 UTC));
        assert_eq!(respond_by(sent, PassKind::Spot, None), datetime!(2026-11-24 10:00 UTC));
    }

    #[test]
    fn the_best_and_cheapest_framework_offer_needs_no_rationale() {
        let offers = [offer(1, PassKind::Framework, 2, 4_000), offer(2, PassKind::Spot, 5, 4_500)];
        assert!(choice_reasons(&offers[0], &offers).is_empty());
    }

    #[test]
    fn each_departure_is_named() {
        let offers = [
            offer(1, PassKind::Framework, 2, 4_000),
            offer(2, PassKind::Framework, 3, 3_800),
            offer(3, PassKind::Spot, 7, 5_200),
        ];
        let reasons = choice_reasons(&offers[2], &offers);
        assert_eq!(
            reasons,
            vec![
                ChoiceReason::NotBestRanked {
                    best_rank: 2,
                    chosen_rank: 7
                },
                ChoiceReason::NotCheapest {
                    cheapest: Money::from_pounds(3_800),
                    chosen: Money::from_pounds(5_200)
                },
                ChoiceReason::SpotWhileFrameworkOffered { count: 2 },
            ]
        );
        assert_eq!(
            reasons[1].to_string(),
            "a cheaper offer stands at £3,800.00 a week; this one is £5,200.00 a week"
        );
        assert_eq!(choice_reasons(&offers[1], &offers).len(), 1, "cheapest but not best-ranked");
    }

    #[test]
    fn a_spot_purchase_with_no_other_offer_needs_no_rationale() {
        let offers = [offer(3, PassKind::Spot, 7, 5_200)];
        assert!(choice_reasons(&offers[0], &offers).is_empty());
    }
}
