//! The ledger side of a run: double-entry journals, reversals, and what
//! each payee is told they are being paid.
//!
//! A run's payments are expenditure for the cost centres that bear them and
//! a debt to each payee until paid, so every run posts debits to
//! expenditure by cost centre and credits to creditors by payee, and its
//! entries always balance. Entries are values that are never edited: a
//! mistake is corrected by posting the reversal and then the right entries.

use std::collections::HashMap;

use kernel::money::MoneyError;
use kernel::Money;
use serde::{Deserialize, Serialize};

use crate::runs::PaymentLine;
use crate::service::{CostCentre, Payee};

/// A ledger account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "code")]
pub enum Account {
    /// Placement costs charged to a cost centre.
    Expenditure(CostCentre),
    /// What is owed to a payee.
    Creditor(Payee),
}

/// One side of a journal; exactly one of `debit` and `credit` is non-zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub account: Account,
    pub debit: Money,
    pub credit: Money,
}

impl Entry {
    /// A debit for a positive net amount, a credit for a negative one:
    /// ledgers hold no negative columns.
    fn net(account: Account, debit_minus_credit: Money) -> Result<Entry, MoneyError> {
        let (debit, credit) = if debit_minus_credit.is_negative() {
            (Money::ZERO, debit_minus_credit.checked_neg()?)
        } else {
            (debit_minus_credit, Money::ZERO)
        };
        Ok(Entry { account, debit, credit })
    }
}

/// The journal for a run's lines: a debit per cost centre and a credit per
/// payee (reversed for net credits), sorted by account. Accounts that net to
/// zero get no entry.
pub fn ledger_entries(lines: &[PaymentLine]) -> Result<Vec<Entry>, MoneyError> {
    // Cost centres are few, payees many: hash by reference to avoid
    // cloning a key per line.
    let mut by_cost_centre: HashMap<&CostCentre, Money> = HashMap::new();
    let mut by_payee: HashMap<Payee, Money> = HashMap::new();
    for line in lines {
        let spent = by_cost_centre.entry(&line.cost_centre).or_insert(Money::ZERO);
        *spent = spent.checked_add(line.amount)?;
        let owed = by_payee.entry(line.payee).or_insert(Money::ZERO);
        *owed = owed.checked_add(line.amount)?;
    }
    let mut entries = Vec::with_capacity(by_cost_centre.len() + by_payee.len());
    for (cost_centre, amount) in by_cost_centre {
        if amount != Money::ZERO {
            entries.push(Entry::net(Account::Expenditure(cost_centre.clone()), amount)?);
        }
    }
    for (payee, amount) in by_payee {
        if amount != Money::ZERO {
            entries.push(Entry::net(Account::Creditor(payee), amount.checked_neg()?)?);
        }
    }
    entries.sort_unstable_by(|a, b| a.account.cmp(&b.account));
    Ok(entries)
}

/// Debits less credits; zero for any balanced journal.
pub fn balance(entries: &[Entry]) -> Result<Money, MoneyError> {
    entries
        .iter()
        .try_fold(Money::ZERO, |sum, e| sum.checked_add(e.debit)?.checked_sub(e.credit))
}

/// The entries that cancel `entries`: each debit becomes a credit and each
/// credit a debit, so posting both leaves every account as it was.
pub fn reverse(entries: &[Entry]) -> Vec<Entry> {
    entries
        .iter()
        .map(|e| Entry {
            account: e.account.clone(),
            debit: e.credit,
            credit: e.debit,
        })
        .collect()
}

/// What one payee is paid by a run, with the lines that make it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remittance {
    pub payee: Payee,
    pub total: Money,
    pub lines: Vec<PaymentLine>,
}

/// A remittance advice per payee, in payee order, lines as given.
pub fn remittances(lines: &[PaymentLine]) -> Result<Vec<Remittance>, MoneyError> {
    let mut by_payee: HashMap<Payee, Remittance> = HashMap::new();
    for line in lines {
        let remittance = by_payee.entry(line.payee).or_insert_with(|| Remittance {
            payee: line.payee,
            total: Money::ZERO,
            lines: Vec::new(),
        });
        remittance.total = remittance.total.checked_add(line.amount)?;
        remittance.lines.push(line.clone());
    }
    let mut remittances: Vec<Remittance> = by_payee.into_values().collect();
    remittances.sort_unstable_by_key(|r| r.payee);
    Ok(remittances)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{AgreementId, Element, HouseholdId};
    use kernel::ProviderId;
    use time::macros::date;

    fn line(payee: Payee, cost_centre: &str, pence: i64) -> PaymentLine {
        PaymentLine {
            agreement: AgreementId::new(1),
            payee,
            cost_centre: CostCentre::new(cost_centre),
            element: Element::CoreFee,
            from: date!(2026 - 04 - 01),
            to: date!(2026 - 04 - 28),
            days: 28,
            amount: Money::from_pence(pence),
        }
    }

    #[test]
    fn debits_expenditure_by_cost_centre_and_credits_each_payee() {
        let home = Payee::Provider(ProviderId::new(1));
        let carer = Payee::Household(HouseholdId::new(2));
        let lines = [line(home, "CC-1", 1_000), line(home, "CC-2", 500), line(carer, "CC-1", 250)];
        let entries = ledger_entries(&lines).unwrap();
        let debit = |account: Account, pence: i64| Entry {
            account,
            debit: Money::from_pence(pence),
            credit: Money::ZERO,
        };
        let credit = |account: Account, pence: i64| Entry {
            account,
            debit: Money::ZERO,
            credit: Money::from_pence(pence),
        };
        assert_eq!(
            entries,
            vec![
                debit(Account::Expenditure(CostCentre::new("CC-1")), 1_250),
                debit(Account::Expenditure(CostCentre::new("CC-2")), 500),
                credit(Account::Creditor(home), 1_500),
                credit(Account::Creditor(carer), 250),
            ]
        );
        assert_eq!(balance(&entries), Ok(Money::ZERO));
    }

    #[test]
    fn a_net_recovery_swaps_the_columns_and_a_reversal_cancels() {
        let home = Payee::Provider(ProviderId::new(1));
        let entries = ledger_entries(&[line(home, "CC-1", 1_000), line(home, "CC-1", -1_500)]).unwrap();
        assert_eq!(entries[0].credit, Money::from_pence(500));
        assert_eq!(entries[1].debit, Money::from_pence(500));
        let reversal = reverse(&entries);
        assert_eq!(reversal[0].debit, Money::from_pence(500));
        let both: Vec<Entry> = entries.iter().chain(&reversal).cloned().collect();
        assert_eq!(balance(&both), Ok(Money::ZERO));
        assert_eq!(reverse(&reversal), entries);
        assert!(ledger_entries(&[line(home, "CC-1", 10), line(home, "CC-1", -10)])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn remittances_total_each_payee() {
        let home = Payee::Provider(ProviderId::new(5));
        let carer = Payee::Household(HouseholdId::new(2));
        let lines = [line(carer, "CC-1", 250), line(home, "CC-1", 1_000), line(carer, "CC-2", 50)];
        let advice = remittances(&lines).unwrap();
        assert_eq!(advice.len(), 2);
        assert_eq!(
            (advice[0].payee, advice[0].total, advice[0].lines.len()),
            (home, Money::from_pence(1_000), 1)
        );
        assert_eq!(
            (advice[1].payee, advice[1].total, advice[1].lines.len()),
            (carer, Money::from_pence(300), 2)
        );
    }
}
