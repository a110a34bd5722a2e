//! Individual placement agreements (IPAs): one for each external
//! placement, priced as effective-dated elements, funded in shares by
//! social care, education and health, signed by both parties, and changed
//! only by variations that another person approves.
//!
//! Prices are never edited in place: a variation adds lines effective from
//! a date, so the price on any day can always be read back. An alert is
//! raised from 8 weeks before the agreement ends until it ends.

use authz::{ensure_different_people, Actor, DutyViolation};
use kernel::Money;
use placements::ElementKind;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

kernel::coded!(
    /// How far the agreement has got to being signed.
    SignatureStatus {
        Draft = "draft", "Not yet sent";
        Sent = "sent", "Sent to the provider";
        ProviderSigned = "provider-signed", "Signed by the provider";
        FullySigned = "fully-signed", "Signed by both parties";
    }
);

impl SignatureStatus {
    /// Signing only moves forward: a signed agreement is never quietly
    /// returned to an unsigned state (a change is a variation instead).
    pub fn may_become(self, next: SignatureStatus) -> Result<(), String> {
        let rank = |s: SignatureStatus| SignatureStatus::ALL.iter().position(|x| *x == s);
        if rank(next) >= rank(self) {
            Ok(())
        } else {
            Err(format!(
                "An agreement {} cannot go back to {}; record a variation instead",
                self.label().to_lowercase(),
                next.label().to_lowercase()
            ))
        }
    }
}

kernel::coded!(
    /// Where a proposed variation stands.
    VariationState {
        Proposed = "proposed", "Awaiting approval";
        Approved = "approved", "Approved";
        Rejected = "rejected", "Rejected";
    }
);

/// A field and what is wrong with it.
pub type Problem = (&'static str, String);

/// Who pays which share, in whole percentages that add up to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingSplit {
    pub social_care: u8,
    pub education: u8,
    pub health: u8,
}

impl FundingSplit {
    pub const ALL_SOCIAL_CARE: FundingSplit = FundingSplit {
        social_care: 100,
        education: 0,
        health: 0,
    };

    pub fn check(&self) -> Result<(), Problem> {
        let total = u32::from(self.social_care) + u32::from(self.education) + u32::from(self.health);
        if total == 100 {
            Ok(())
        } else {
            Err((
                "funding",
                format!("The social care, education and health shares must add up to 100%, not {total}%"),
            ))
        }
    }

    /// The weekly amount each body pays: (social care, education, health),
    /// exact to the penny (any remainder goes by the largest share).
    pub fn shares(&self, weekly: Money) -> (Money, Money, Money) {
        let parts = weekly.allocate(&[u64::from(self.social_care), u64::from(self.education), u64::from(self.health)]);
        (parts[0], parts[1], parts[2])
    }
}

/// One priced element, in force from a date until a later line for the
/// same kind replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceLine {
    pub kind: ElementKind,
    pub weekly: Money,
    pub effective_from: Date,
}

/// The elements in force on `on`, one per kind, leaving out those priced
/// at zero (a variation that removes an element prices it at zero).
pub fn elements_on(lines: &[PriceLine], on: Date) -> Vec<(ElementKind, Money)> {
    let mut current: Vec<&PriceLine> = Vec::new();
    for line in lines.iter().filter(|l| l.effective_from <= on) {
        match current.iter_mut().find(|c| c.kind == line.kind) {
            Some(seen) if line.effective_from >= seen.effective_from => *seen = line,
            Some(_) => {}
            None => current.push(line),
        }
    }
    let mut elements: Vec<(ElementKind, Money)> = current
        .into_iter()
        .filter(|l| l.weekly != Money::ZERO)
        .map(|l| (l.kind, l.weekly))
        .collect();
    elements.sort_by_key(|(kind, _)| *kind);
    elements
}

/// The weekly price on `on`.
pub fn weekly_total_on(lines: &[PriceLine], on: Date) -> Money {
    Money::sum(elements_on(lines, on).into_iter().map(|(_, m)| m)).unwrap_or(Money::ZERO)
}

/// An agreement as drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub start: Date,
    /// The last day the agreement covers, when fixed.
    pub end: Option<Date>,
    pub lines: Vec<PriceLine>,
    pub funding: FundingSplit,
}

/// Checks a draft, naming every field at fault.
pub fn check_draft(draft: &Draft) -> Vec<Problem> {
    let mut problems = Vec::new();
    if draft.end.is_some_and(|end| end < draft.start) {
        problems.push(("end_date", "The end date cannot be before the start date".to_owned()));
    }
    if !draft.lines.iter().any(|l| l.kind == ElementKind::CoreFee && l.weekly > Money::ZERO) {
        problems.push(("core-fee", "Enter the core weekly fee".to_owned()));
    }
    if draft.lines.iter().any(|l| l.weekly.is_negative()) {
        problems.push(("elements", "A weekly price cannot be negative".to_owned()));
    }
    if has_repeats(draft.lines.iter().map(|l| l.kind)) {
        problems.push(("elements", "Give each price element once".to_owned()));
    }
    if let Err(problem) = draft.funding.check() {
        problems.push(problem);
    }
    problems
}

/// Whether an element kind is given twice: the later would silently
/// replace the earlier.
fn has_repeats(kinds: impl Iterator<Item = ElementKind>) -> bool {
    let mut seen = Vec::new();
    kinds.into_iter().any(|kind| {
        let repeat = seen.contains(&kind);
        seen.push(kind);
        repeat
    })
}

/// Days left when the agreement ends within 8 weeks (inclusive of the
/// end day); `None` before that, after it, or with no end date.
pub fn ending_soon(end: Option<Date>, today: Date) -> Option<i64> {
    let end = end?;
    (today >= end - Duration::weeks(8) && today <= end).then(|| (end - today).whole_days())
}

/// A proposed change to an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variation {
    pub effective_from: Date,
    pub reason: String,
    /// New weekly prices from `effective_from` (zero removes an element).
    pub lines: Vec<(ElementKind, Money)>,
    /// A new last day, for an extension or an earlier end.
    pub new_end: Option<Date>,
}

/// Checks a variation against the agreement's dates.
pub fn check_variation(start: Date, end: Option<Date>, variation: &Variation) -> Vec<Problem> {
    let mut problems = Vec::new();
    // An extension may start the day after the end; anything later is a
    // new agreement, not a variation of this one.
    let last_day = i64::from(variation.new_end.is_some());
    if end.is_some_and(|end| variation.effective_from > end + Duration::days(last_day)) {
        problems.push((
            "effective_from",
            "A variation cannot take effect after the agreement ends".to_owned(),
        ));
    }
    if variation.effective_from < start {
        problems.push((
            "effective_from",
            "A variation cannot take effect before the agreement starts".to_owned(),
        ));
    }
    if variation.reason.trim().len() < 10 {
        problems.push(("reason", "Explain the variation (at least 10 characters)".to_owned()));
    }
    if variation.lines.is_empty() && variation.new_end.is_none() {
        problems.push(("elements", "Change at least one price or the end date".to_owned()));
    }
    if variation.lines.iter().any(|(_, m)| m.is_negative()) {
        problems.push(("elements", "A weekly price cannot be negative".to_owned()));
    }
    if has_repeats(variation.lines.iter().map(|(kind, _)| *kind)) {
        problems.push(("elements", "Give each price element once".to_owned()));
    }
    if variation.new_end.is_some_and(|end| end < variation.effective_from) {
        problems.push(("new_end", "The new end date cannot be before the variation takes effect".to_owned()));
    }
    problems
}

/// The price lines an approved variation adds.
pub fn lines_of(variation: &Variation) -> Vec<PriceLine> {
    variation
        .lines
        .iter()
        .map(|(kind, weekly)| PriceLine {
            kind: *kind,
            weekly: *weekly,
            effective_from: variation.effective_from,
        })
        .collect()
}

/// Whether `decider` may approve or reject a variation `proposer` made.
pub fn may_decide(proposer: Actor, decider: Actor) -> Result<(), DutyViolation> {
    ensure_different_people(proposer, decider, "decide on", "proposed")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::UserId;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn signing_only_moves_forward() {
        assert!(SignatureStatus::Draft.may_become(SignatureStatus::FullySigned).is_ok());
        assert!(SignatureStatus::Sent.may_become(SignatureStatus::Sent).is_ok());
        let back = SignatureStatus::FullySigned.may_become(SignatureStatus::Draft).unwrap_err();
        assert_eq!(
            back,
            "An agreement signed by both parties cannot go back to not yet sent; record a variation instead"
        );
    }

    fn line(kind: ElementKind, pounds: i64, from: Date) -> PriceLine {
        PriceLine {
            kind,
            weekly: Money::from_pounds(pounds),
            effective_from: from,
        }
    }

    #[test]
    fn the_price_on_a_day_is_the_latest_line_of_each_kind() {
        let start = date!(2026 - 04 - 01);
        let rise = date!(2026 - 10 - 01);
        let lines = [
            line(ElementKind::CoreFee, 4_000, start),
            line(ElementKind::OneToOne, 900, start),
            line(ElementKind::CoreFee, 4_200, rise),
            line(ElementKind::OneToOne, 0, rise),
        ];
        assert_eq!(weekly_total_on(&lines, date!(2026 - 09 - 30)), Money::from_pounds(4_900));
        assert_eq!(elements_on(&lines, rise), vec![(ElementKind::CoreFee, Money::from_pounds(4_200))]);
        assert_eq!(weekly_total_on(&lines, date!(2026 - 03 - 31)), Money::ZERO);
    }

    #[test]
    fn the_alert_runs_for_eight_weeks_up_to_the_end() {
        let end = Some(date!(2027 - 01 - 31));
        assert_eq!(ending_soon(end, date!(2026 - 12 - 05)), None);
        assert_eq!(ending_soon(end, date!(2026 - 12 - 06)), Some(56));
        assert_eq!(ending_soon(end, date!(2027 - 01 - 31)), Some(0));
        assert_eq!(ending_soon(end, date!(2027 - 02 - 01)), None);
        assert_eq!(ending_soon(None, date!(2027 - 01 - 01)), None);
    }

    #[test]
    fn drafts_and_variations_name_every_fault() {
        let draft = Draft {
            start: date!(2026 - 04 - 01),
            end: Some(date!(2026 - 03 - 01)),
            lines: vec![line(ElementKind::Therapy, 200, date!(2026 - 04 - 01))],
            funding: FundingSplit {
                social_care: 60,
                education: 30,
                health: 5,
            },
        };
        let fields: Vec<&str> = check_draft(&draft).iter().map(|p| p.0).collect();
        assert_eq!(fields, ["end_date", "core-fee", "funding"]);
        let variation = Variation {
            effective_from: date!(2026 - 03 - 01),
            reason: "more".into(),
            lines: vec![],
            new_end: None,
        };
        let fields: Vec<&str> = check_variation(date!(2026 - 04 - 01), None, &variation)
            .iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(fields, ["effective_from", "reason", "elements"]);
    }

    #[test]
    fn the_proposer_never_approves_their_own_variation() {
        let maker = Actor::User(UserId::new(4));
        assert!(may_decide(maker, maker).is_err());
        assert!(may_decide(maker, Actor::User(UserId::new(5))).is_ok());
    }

    proptest! {
        #[test]
        fn funding_shares_always_add_up_to_the_weekly_price(pence in 0i64..10_000_000, a in 0u8..=100, b in 0u8..=100) {
            prop_assume!(u16::from(a) + u16::from(b) <= 100);
            let split = FundingSplit { social_care: a, education: b, health: 100 - a - b };
            let (s, e, h) = split.shares(Money::from_pence(pence));
            prop_assert_eq!(s.pence() + e.pence() + h.pence(), pence);
        }
    }
}
