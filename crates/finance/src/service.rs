//! Service agreements: what the council has agreed to pay, to whom, from
//! when, for which placement.
//!
//! An agreement exists only because something approved it (a signed
//! placement agreement or an approved in-house carer fee) and only for a
//! live placement. Rates are effective-dated lines that are never edited:
//! a change, even a backdated one, appends a line, and the days already
//! paid are put right by adjustment lines rather than by rewriting history.
//! Dates here are inclusive: `end` is the last day paid.

use std::sync::Arc;

use contracts::agreements::FundingSplit;
use kernel::money::MoneyError;
use kernel::{Money, PlacementId, ProviderId};
use placements::{ElementKind, PlacementCategory};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::prorata::{cost_of_days, day_number};

kernel::typed_id!(
    /// A service agreement.
    AgreementId,
    "service agreement"
);

kernel::typed_id!(
    /// An in-house fostering household, paid allowances and fees.
    HouseholdId,
    "household"
);

kernel::coded!(
    /// What a rate line pays for: the priced elements of a placement
    /// agreement, and the allowance and fee of an in-house carer.
    Element {
        CoreFee = "core-fee", "Core placement fee";
        OneToOne = "one-to-one", "Extra staffing 1:1";
        TwoToOne = "two-to-one", "Extra staffing 2:1";
        Education = "education", "Education";
        Therapy = "therapy", "Therapy";
        Transport = "transport", "Transport";
        Other = "other", "Other";
        Allowance = "allowance", "Fostering allowance";
        CarerFee = "carer-fee", "Carer fee";
    }
);

impl From<ElementKind> for Element {
    fn from(kind: ElementKind) -> Element {
        match kind {
            ElementKind::CoreFee => Element::CoreFee,
            ElementKind::OneToOne => Element::OneToOne,
            ElementKind::TwoToOne => Element::TwoToOne,
            ElementKind::Education => Element::Education,
            ElementKind::Therapy => Element::Therapy,
            ElementKind::Transport => Element::Transport,
            ElementKind::Other => Element::Other,
        }
    }
}

/// The cost centre a placement of `category` is charged to unless the
/// finance officer chooses another: residential, external fostering,
/// in-house fostering (with family and friends care), supported
/// accommodation, and the rest.
pub fn default_cost_centre(category: PlacementCategory) -> &'static str {
    match category {
        PlacementCategory::ChildrensHome | PlacementCategory::Secure | PlacementCategory::Bespoke => "CSC-RES",
        PlacementCategory::IndependentFoster => "CSC-IFA",
        PlacementCategory::InHouseFoster | PlacementCategory::Kinship => "CSC-FOS",
        PlacementCategory::SupportedAccommodation => "CSC-SUP",
        PlacementCategory::WithParents | PlacementCategory::Other => "CSC-OTH",
    }
}

/// Who is paid: an external provider or an in-house carer household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum Payee {
    Provider(ProviderId),
    Household(HouseholdId),
}

impl std::fmt::Display for Payee {
    /// `provider:12` or `household:7`, the form the ledger export uses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Payee::Provider(id) => write!(f, "provider:{id}"),
            Payee::Household(id) => write!(f, "household:{id}"),
        }
    }
}

/// A cost centre code. Shared rather than copied because every payment
/// line carries one and a run has hundreds of thousands of lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CostCentre(Arc<str>);

impl CostCentre {
    pub fn new(code: &str) -> CostCentre {
        CostCentre(Arc::from(code.trim()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for CostCentre {
    fn from(code: &str) -> CostCentre {
        CostCentre::new(code)
    }
}

impl Serialize for CostCentre {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CostCentre {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CostCentre, D::Error> {
        String::deserialize(deserializer).map(|code| CostCentre::new(&code))
    }
}

/// One rate, in force from `from` until a later line for the same element
/// replaces it. A zero rate stops the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLine {
    pub element: Element,
    pub weekly: Money,
    pub from: Date,
}

/// What the council pays for one placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAgreement {
    pub id: AgreementId,
    pub placement_id: PlacementId,
    pub placement_type: PlacementCategory,
    pub payee: Payee,
    pub start: Date,
    /// The last day the agreement covers, when fixed.
    pub end: Option<Date>,
    /// The last day of the placement, once it has ended: nothing is paid
    /// after it whatever the agreement says.
    pub placement_ended: Option<Date>,
    pub lines: Vec<RateLine>,
    pub funding: FundingSplit,
    pub cost_centre: CostCentre,
}

/// A stretch of days at one rate for one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub element: Element,
    pub weekly: Money,
    /// First day number (Julian), included.
    pub from_day: i64,
    /// Day number after the last day.
    pub until_day: i64,
}

impl Segment {
    pub fn days(&self) -> i64 {
        self.until_day - self.from_day
    }

    pub fn first(&self) -> Date {
        date_of(self.from_day)
    }

    pub fn last(&self) -> Date {
        date_of(self.until_day - 1)
    }

    pub fn cost(&self) -> Result<Money, MoneyError> {
        cost_of_days(self.weekly, self.from_day, self.until_day)
    }
}

/// The date of a day number from [`day_number`].
pub fn date_of(day: i64) -> Date {
    i32::try_from(day)
        .ok()
        .and_then(|d| Date::from_julian_day(d).ok())
        .unwrap_or(Date::MAX)
}

impl ServiceAgreement {
    /// The last day anything is payable: the earlier of the agreement's end
    /// and the placement's end.
    pub fn last_day(&self) -> Option<Date> {
        match (self.end, self.placement_ended) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether anything is payable on `day`.
    pub fn live_on(&self, day: Date) -> bool {
        day >= self.start && self.last_day().is_none_or(|last| day <= last)
    }

    /// Calls `each` with every stretch at one rate inside both the agreement
    /// and `first..=last`. Allocation-free: payment runs call this for
    /// every agreement, and there are few lines per agreement.
    pub fn for_each_segment(&self, first: Date, last: Date, mut each: impl FnMut(Segment)) {
        let from_day = day_number(first.max(self.start));
        let until_day = day_number(self.last_day().map_or(last, |end| end.min(last))) + 1;
        if until_day <= from_day {
            return;
        }
        for (index, line) in self.lines.iter().enumerate() {
            // A line is replaced by the next later line for its element; of
            // two lines from the same day the later-listed wins.
            let replaced = self
                .lines
                .iter()
                .enumerate()
                .filter(|(other, next)| {
                    next.element == line.element && (next.from > line.from || (next.from == line.from && *other > index))
                })
                .map(|(_, next)| day_number(next.from))
                .min();
            let start = day_number(line.from).max(from_day);
            let stop = replaced.map_or(until_day, |r| r.min(until_day));
            if stop > start && line.weekly != Money::ZERO {
                each(Segment {
                    element: line.element,
                    weekly: line.weekly,
                    from_day: start,
                    until_day: stop,
                });
            }
        }
    }
}

/// The cost of one element over a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementCost {
    pub element: Element,
    pub days: i64,
    pub amount: Money,
}

/// What the agreement costs from `first` to `last` (inclusive), element by
/// element in code order, paying only days inside the agreement.
pub fn cost_between(agreement: &ServiceAgreement, first: Date, last: Date) -> Result<Vec<ElementCost>, MoneyError> {
    let mut costs: Vec<ElementCost> = Vec::new();
    let mut failed = None;
    agreement.for_each_segment(first, last, |segment| match segment.cost() {
        Ok(amount) => match costs.iter_mut().find(|c| c.element == segment.element) {
            Some(cost) => match cost.amount.checked_add(amount) {
                Ok(sum) => {
                    cost.amount = sum;
                    cost.days += segment.days();
                }
                Err(error) => failed = Some(error),
            },
            None => costs.push(ElementCost {
                element: segment.element,
                days: segment.days(),
                amount,
            }),
        },
        Err(error) => failed = Some(error),
    });
    if let Some(error) = failed {
        return Err(error);
    }
    costs.sort_by_key(|c| c.element);
    Ok(costs)
}

/// The total cost from `first` to `last` (inclusive).
pub fn total_between(agreement: &ServiceAgreement, first: Date, last: Date) -> Result<Money, MoneyError> {
    Money::sum(cost_between(agreement, first, last)?.into_iter().map(|c| c.amount))
}

/// A correction for days already paid, paid (or recovered, when negative)
/// in the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub agreement: AgreementId,
    pub element: Element,
    pub first: Date,
    pub last: Date,
    pub amount: Money,
}

/// The agreement with `line` appended (history is never rewritten).
pub fn with_line(agreement: &ServiceAgreement, line: RateLine) -> ServiceAgreement {
    let mut changed = agreement.clone();
    changed.lines.push(line);
    changed
}

/// What a rate change from `new_line.from` means for days already paid up
/// to `already_paid_through`: per element, the difference between what the
/// days cost with the new line and what was paid. Empty when the change
/// takes effect after the paid days, or changes nothing.
pub fn backdated_change(
    agreement: &ServiceAgreement,
    new_line: RateLine,
    already_paid_through: Date,
) -> Result<Vec<Adjustment>, MoneyError> {
    adjustments_between(agreement, &with_line(agreement, new_line), new_line.from, already_paid_through)
}

/// What the days from `from` to `paid_through` cost under `after` less what
/// they cost under `before` (as paid), per element. Covers any change that
/// reaches back into paid days: new rate lines, a new allowance year, or a
/// placement that ended before the days it was paid for (a recovery).
pub fn adjustments_between(
    before: &ServiceAgreement,
    after: &ServiceAgreement,
    from: Date,
    paid_through: Date,
) -> Result<Vec<Adjustment>, MoneyError> {
    if from > paid_through {
        return Ok(Vec::new());
    }
    let paid = cost_between(before, from, paid_through)?;
    let owed = cost_between(after, from, paid_through)?;
    let first = from.max(before.start);
    let last = before.last_day().map_or(paid_through, |end| end.min(paid_through));
    let mut adjustments = Vec::new();
    for element in Element::ALL {
        let was = paid.iter().find(|c| c.element == *element).map_or(Money::ZERO, |c| c.amount);
        let now = owed.iter().find(|c| c.element == *element).map_or(Money::ZERO, |c| c.amount);
        let amount = now.checked_sub(was)?;
        if amount != Money::ZERO {
            adjustments.push(Adjustment {
                agreement: before.id,
                element: *element,
                first,
                last: last.max(first),
                amount,
            });
        }
    }
    Ok(adjustments)
}

/// What an agreement is created from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Basis {
    /// A placement agreement, with whether both parties have signed it.
    PlacementAgreement { fully_signed: bool },
    /// An in-house carer fee, with whether it has been approved.
    CarerFee { approved: bool },
}

/// Why an agreement cannot be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error("a service agreement needs a placement agreement signed by both parties")]
    AgreementNotSigned,
    #[error("a service agreement needs an approved carer fee")]
    FeeNotApproved,
    #[error("a service agreement needs a live placement")]
    PlacementNotLive,
    #[error("the end date cannot be before the start date")]
    EndBeforeStart,
    #[error("give at least one rate")]
    NoRates,
    #[error("a weekly rate cannot be negative")]
    NegativeRate,
    #[error("a rate cannot take effect before the agreement starts")]
    RateBeforeStart,
    #[error("the funding shares must add up to 100%")]
    FundingNot100,
}

/// Checks that `agreement` may be created on `basis` for a placement that
/// is (or is not) `placement_live`, naming the first fault.
pub fn create(agreement: ServiceAgreement, basis: Basis, placement_live: bool) -> Result<ServiceAgreement, AgreementError> {
    match basis {
        Basis::PlacementAgreement { fully_signed: false } => return Err(AgreementError::AgreementNotSigned),
        Basis::CarerFee { approved: false } => return Err(AgreementError::FeeNotApproved),
        _ => {}
    }
    if !placement_live || agreement.placement_ended.is_some() {
        return Err(AgreementError::PlacementNotLive);
    }
    if agreement.end.is_some_and(|end| end < agreement.start) {
        return Err(AgreementError::EndBeforeStart);
    }
    if agreement.lines.is_empty() {
        return Err(AgreementError::NoRates);
    }
    if agreement.lines.iter().any(|l| l.weekly.is_negative()) {
        return Err(AgreementError::NegativeRate);
    }
    if agreement.lines.iter().any(|l| l.from < agreement.start) {
        return Err(AgreementError::RateBeforeStart);
    }
    if agreement.funding.check().is_err() {
        return Err(AgreementError::FundingNot100);
    }
    Ok(agreement)
}

/// The agreement stopped at the placement's last day: nothing after it is
/// payable, and the agreement's own end is brought forward to match.
pub fn stop_at_placement_end(agreement: &ServiceAgreement, last_day: Date) -> ServiceAgreement {
    let mut stopped = agreement.clone();
    stopped.placement_ended = Some(last_day);
    stopped.end = Some(stopped.end.map_or(last_day, |end| end.min(last_day)));
    stopped
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
