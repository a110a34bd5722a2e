//! Commitments and forecasts: what live agreements will cost by the end of
//! the financial year, against budget.
//!
//! A placement agreed today is spending committed for the rest of the year
//! even though nothing has been paid yet, so the forecast outturn is what
//! has been paid plus what is committed. Commitments run from a date to 31
//! March (or the agreement's end, if sooner) at the rates in force,
//! including future-dated rate lines already agreed.

use std::collections::BTreeMap;

use kernel::money::MoneyError;
use kernel::months::{add_months, financial_year_start};
use kernel::Money;
use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::service::{total_between, AgreementId, CostCentre, Payee, RateLine, ServiceAgreement};

/// The last day (31 March) of the financial year `date` falls in.
pub fn financial_year_end(date: Date) -> Date {
    add_months(financial_year_start(date), 12) - Duration::days(1)
}

/// One agreement's committed cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub agreement: AgreementId,
    pub cost_centre: CostCentre,
    pub placement_type: PlacementCategory,
    pub payee: Payee,
    pub amount: Money,
}

/// The cost of every agreement from `from` to the financial year's end.
/// Agreements with nothing left to pay are left out.
pub fn committed(agreements: &[ServiceAgreement], from: Date) -> Result<Vec<Commitment>, MoneyError> {
    let year_end = financial_year_end(from);
    let mut commitments = Vec::new();
    for agreement in agreements {
        let amount = total_between(agreement, from, year_end)?;
        if amount != Money::ZERO {
            commitments.push(Commitment {
                agreement: agreement.id,
                cost_centre: agreement.cost_centre.clone(),
                placement_type: agreement.placement_type,
                payee: agreement.payee,
                amount,
            });
        }
    }
    Ok(commitments)
}

/// Totals commitments by a key, such as the cost centre, placement type
/// or payee.
pub fn totals_by<K: Ord>(commitments: &[Commitment], key: impl Fn(&Commitment) -> K) -> Result<BTreeMap<K, Money>, MoneyError> {
    let mut totals = BTreeMap::new();
    for commitment in commitments {
        let total = totals.entry(key(commitment)).or_insert(Money::ZERO);
        *total = commitment.amount.checked_add(*total)?;
    }
    Ok(totals)
}

/// Commitments by cost centre.
pub fn by_cost_centre(commitments: &[Commitment]) -> Result<BTreeMap<CostCentre, Money>, MoneyError> {
    totals_by(commitments, |c| c.cost_centre.clone())
}

/// Commitments by placement type.
pub fn by_placement_type(commitments: &[Commitment]) -> Result<BTreeMap<PlacementCategory, Money>, MoneyError> {
    totals_by(commitments, |c| c.placement_type)
}

/// Commitments by payee.
pub fn by_payee(commitments: &[Commitment]) -> Result<BTreeMap<Payee, Money>, MoneyError> {
    totals_by(commitments, |c| c.payee)
}

/// A budget line against spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variance {
    pub budget: Money,
    pub actual_to_date: Money,
    pub committed: Money,
    /// Actual plus committed: what the year will cost if nothing changes.
    pub forecast_outturn: Money,
    /// Budget less outturn: positive is an underspend, negative an overspend.
    pub variance: Money,
}

/// The forecast outturn and variance for a budget.
pub fn variance(budget: Money, actual_to_date: Money, committed: Money) -> Result<Variance, MoneyError> {
    let forecast_outturn = actual_to_date.checked_add(committed)?;
    Ok(Variance {
        budget,
        actual_to_date,
        committed,
        forecast_outturn,
        variance: budget.checked_sub(forecast_outturn)?,
    })
}

/// What a price uplift would do to commitments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uplift {
    pub current: Money,
    pub uplifted: Money,
    pub increase: Money,
}

/// Every agreement with each rate in force on or after `from` raised by
/// `basis_points` (250 is 2.5%), each rate rounded to the nearest penny.
pub fn uplifted(agreement: &ServiceAgreement, from: Date, basis_points: i64) -> Result<ServiceAgreement, MoneyError> {
    let raise = |weekly: Money| weekly.apportion(10_000 + basis_points, 10_000);
    let mut changed = agreement.clone();
    let mut added: Vec<RateLine> = Vec::new();
    for line in &mut changed.lines {
        if line.from >= from {
            line.weekly = raise(line.weekly)?;
        }
    }
    // Rates already in force on `from` get an uplifted line from that day.
    agreement.for_each_segment(from, from, |segment| {
        added.push(RateLine {
            element: segment.element,
            weekly: segment.weekly,
            from,
        });
    });
    for line in &mut added {
        line.weekly = raise(line.weekly)?;
    }
    // Lines from the same day as `from` were raised above; an added line for
    // such an element would override them with the same figure, harmlessly,
    // but skip it to keep the agreement tidy.
    added.retain(|new| !agreement.lines.iter().any(|l| l.element == new.element && l.from == from));
    changed.lines.extend(added);
    Ok(changed)
}

/// The effect on commitments from `from` to the year end of raising every
/// rate by `basis_points` from `from`.
pub fn what_if_uplift(agreements: &[ServiceAgreement], from: Date, basis_points: i64) -> Result<Uplift, MoneyError> {
    let year_end = financial_year_end(from);
    let mut current = Money::ZERO;
    let mut raised = Money::ZERO;
    for agreement in agreements {
        current = current.checked_add(total_between(agreement, from, year_end)?)?;
        raised = raised.checked_add(total_between(&uplifted(agreement, from, basis_points)?, from, year_end)?)?;
    }
    Ok(Uplift {
        current,
        uplifted: raised,
        increase: raised.checked_sub(current)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{agreement, line, pounds};
    use crate::service::{Element, HouseholdId};
    use time::macros::date;

    #[test]
    fn the_year_ends_on_31_march() {
        assert_eq!(financial_year_end(date!(2026 - 04 - 01)), date!(2027 - 03 - 31));
        assert_eq!(financial_year_end(date!(2027 - 03 - 31)), date!(2027 - 03 - 31));
        assert_eq!(financial_year_end(date!(2027 - 12 - 25)), date!(2028 - 03 - 31));
    }

    #[test]
    fn commitments_run_to_the_year_end_or_the_agreement_end() {
        let open = agreement(1, 1, date!(2026 - 01 - 01), None, pounds(700));
        let mut ending = agreement(2, 2, date!(2026 - 01 - 01), Some(date!(2027 - 03 - 10)), pounds(1_400));
        ending.cost_centre = CostCentre::new("CC-2");
        ending.placement_type = PlacementCategory::InHouseFoster;
        ending.payee = Payee::Household(HouseholdId::new(9));
        let mut ended = agreement(3, 1, date!(2026 - 01 - 01), Some(date!(2027 - 02 - 01)), pounds(700));
        ended.end = Some(date!(2027 - 02 - 28));
        let commitments = committed(&[open, ending, ended], date!(2027 - 03 - 01)).unwrap();
        assert_eq!(commitments.len(), 2);
        assert_eq!(commitments[0].amount, pounds(3_100));
        assert_eq!(commitments[1].amount, pounds(2_000));
        let centres = by_cost_centre(&commitments).unwrap();
        assert_eq!(centres.get(&CostCentre::new("CC-2")), Some(&pounds(2_000)));
        let types = by_placement_type(&commitments).unwrap();
        assert_eq!(types.get(&PlacementCategory::ChildrensHome), Some(&pounds(3_100)));
        assert_eq!(by_payee(&commitments).unwrap().len(), 2);
    }

    #[test]
    fn variance_is_budget_less_outturn() {
        let v = variance(pounds(10_000), pounds(6_000), pounds(5_000)).unwrap();
        assert_eq!(v.forecast_outturn, pounds(11_000));
        assert_eq!(v.variance, pounds(-1_000));
    }

    #[test]
    fn an_uplift_raises_current_and_future_rates_from_its_date() {
        let start = date!(2026 - 04 - 01);
        let mut deal = agreement(1, 1, start, None, pounds(700));
        deal.lines.push(line(Element::Therapy, pounds(140), date!(2027 - 03 - 25)));
        let from = date!(2027 - 03 - 18);
        let result = what_if_uplift(&[deal.clone()], from, 1_000).unwrap();
        // 14 days of core fee at £100 → £110 a day, 7 of therapy at £20 → £22.
        assert_eq!(result.current, pounds(1_400 + 140));
        assert_eq!(result.uplifted, pounds(1_540 + 154));
        assert_eq!(result.increase, pounds(154));
        // Days before the uplift date keep their old rate.
        let raised = uplifted(&deal, from, 1_000).unwrap();
        assert_eq!(total_between(&raised, start, date!(2026 - 04 - 07)), Ok(pounds(700)));
        assert_eq!(what_if_uplift(&[deal], from, 0).unwrap().increase, Money::ZERO);
    }
}
