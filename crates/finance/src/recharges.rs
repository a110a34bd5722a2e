//! Recharges: the education and health shares of what was paid, charged
//! back to the partner bodies.
//!
//! A placement's funding split says who bears which share. Social care
//! pays the provider in full and then recharges the education authority
//! and the health body (the ICB) their shares. The split uses
//! [`Money::allocate`], so the three parts always add up to exactly the
//! amount paid: no penny is recharged twice or lost.

use std::collections::HashMap;

use contracts::agreements::FundingSplit;
use kernel::money::MoneyError;
use kernel::Money;
use serde::{Deserialize, Serialize};

use crate::runs::PaymentLine;
use crate::service::{AgreementId, ServiceAgreement};

/// An amount split by who bears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Shares {
    pub social_care: Money,
    pub education: Money,
    pub health: Money,
}

impl Shares {
    pub fn total(&self) -> Result<Money, MoneyError> {
        Money::sum([self.social_care, self.education, self.health])
    }

    fn add(&mut self, other: Shares) -> Result<(), MoneyError> {
        self.social_care = self.social_care.checked_add(other.social_care)?;
        self.education = self.education.checked_add(other.education)?;
        self.health = self.health.checked_add(other.health)?;
        Ok(())
    }
}

/// Splits `amount` by `split`, the parts summing exactly to `amount`.
pub fn split(amount: Money, split: FundingSplit) -> Shares {
    let parts = amount.allocate(&[u64::from(split.social_care), u64::from(split.education), u64::from(split.health)]);
    Shares {
        social_care: parts[0],
        education: parts[1],
        health: parts[2],
    }
}

/// The recharges arising from a run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recharges {
    /// Per agreement with any partner share, in agreement order.
    pub by_agreement: Vec<(AgreementId, Shares)>,
    /// The run's totals; `education` and `health` are what to invoice.
    pub totals: Shares,
}

/// Splits each agreement's total in `lines` by its funding split. Lines
/// for agreements not given are treated as all social care. Splitting each
/// agreement's total (not each line) keeps rounding to one place.
pub fn recharges(lines: &[PaymentLine], agreements: &[ServiceAgreement]) -> Result<Recharges, MoneyError> {
    let splits: HashMap<AgreementId, FundingSplit> = agreements.iter().map(|a| (a.id, a.funding)).collect();
    let mut paid: HashMap<AgreementId, Money> = HashMap::new();
    for line in lines {
        let total = paid.entry(line.agreement).or_insert(Money::ZERO);
        *total = total.checked_add(line.amount)?;
    }
    let mut by_agreement: Vec<(AgreementId, Shares)> = paid
        .into_iter()
        .map(|(id, amount)| (id, split(amount, splits.get(&id).copied().unwrap_or(FundingSplit::ALL_SOCIAL_CARE))))
        .collect();
    by_agreement.sort_unstable_by_key(|(id, _)| *id);
    let mut totals = Shares::default();
    for (_, shares) in &by_agreement {
        totals.add(*shares)?;
    }
    by_agreement.retain(|(_, s)| s.education != Money::ZERO || s.health != Money::ZERO);
    Ok(Recharges { by_agreement, totals })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{agreement, pounds};
    use crate::runs::{calculate, Period};
    use proptest::prelude::*;
    use time::macros::date;

    fn funding(social_care: u8, education: u8, health: u8) -> FundingSplit {
        FundingSplit {
            social_care,
            education,
            health,
        }
    }

    #[test]
    fn shares_follow_the_split_and_add_up() {
        let shares = split(Money::from_pence(100), funding(34, 33, 33));
        assert_eq!(shares.total(), Ok(Money::from_pence(100)));
        assert_eq!(shares.social_care, Money::from_pence(34));
        let credit = split(Money::from_pence(-1_001), funding(50, 25, 25));
        assert_eq!(credit.total(), Ok(Money::from_pence(-1_001)));
    }

    #[test]
    fn a_run_is_recharged_per_agreement() {
        let start = date!(2026 - 04 - 01);
        let mut shared = agreement(1, 1, start, None, pounds(700));
        shared.funding = funding(60, 30, 10);
        let alone = agreement(2, 1, start, None, pounds(1_400));
        let period = Period {
            first: start,
            last: date!(2026 - 04 - 28),
        };
        let lines = calculate(period, &[shared.clone(), alone.clone()]).unwrap();
        let result = recharges(&lines, &[shared, alone]).unwrap();
        assert_eq!(result.by_agreement.len(), 1);
        assert_eq!(result.totals.education, pounds(840));
        assert_eq!(result.totals.health, pounds(280));
        assert_eq!(result.totals.social_care, pounds(1_680 + 5_600));
    }

    proptest! {
        #[test]
        fn recharges_sum_to_the_amount(amount in any::<i64>(), e in 0u8..=100, h in 0u8..=100) {
            let h = h.min(100 - e);
            let shares = split(Money::from_pence(amount), funding(100 - e - h, e, h));
            prop_assert_eq!(shares.total(), Ok(Money::from_pence(amount)));
        }
    }
}
