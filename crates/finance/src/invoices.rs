//! Provider invoices checked against what was agreed.
//!
//! An invoice is paid only when it matches: there is an agreement with the
//! payee for the days billed, no day falls after the placement or agreement
//! ended, it has not been billed before, and it asks for no more than the
//! agreed rates come to over those days. Billing less is not an exception
//! (the provider may be billing part of the period).

use kernel::money::MoneyError;
use kernel::Money;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::prorata::days_inclusive;
use crate::service::{total_between, Payee, ServiceAgreement};

/// An invoice as received, for the days `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub payee: Payee,
    pub reference: String,
    pub from: Date,
    pub to: Date,
    pub amount: Money,
}

/// Why an invoice cannot be paid as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Exception {
    /// It asks for more than the agreed rates come to.
    Overbilled { by: Money },
    /// It bills days after every agreement with the payee ended.
    DaysAfterEnd { days: i64 },
    /// The same payee has billed this reference, or this period and
    /// amount, before.
    Duplicate,
    /// No agreement with the payee had started by the last billed day.
    NoAgreement,
}

/// The outcome of matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Match {
    /// Payable: it is within what the agreements say is owed.
    Ok { expected: Money },
    /// Not payable until the exceptions are resolved.
    Exceptions { expected: Money, exceptions: Vec<Exception> },
}

impl Match {
    pub fn is_ok(&self) -> bool {
        matches!(self, Match::Ok { .. })
    }
}

/// References compare without case or surrounding space: "INV-001 " and
/// "inv-001" are the same invoice sent twice.
fn same_reference(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Whether `invoice` repeats one of `earlier` from the same payee.
pub fn is_duplicate(invoice: &Invoice, earlier: &[Invoice]) -> bool {
    earlier.iter().any(|e| {
        e.payee == invoice.payee
            && (same_reference(&e.reference, &invoice.reference)
                || (e.from == invoice.from && e.to == invoice.to && e.amount == invoice.amount))
    })
}

/// Matches `invoice` against the agreements and the invoices received
/// before it. A duplicate or an invoice with no agreement stops there;
/// otherwise days after the end and overbilling are both reported.
pub fn match_invoice(invoice: &Invoice, agreements: &[ServiceAgreement], earlier: &[Invoice]) -> Result<Match, MoneyError> {
    if is_duplicate(invoice, earlier) {
        return Ok(Match::Exceptions {
            expected: Money::ZERO,
            exceptions: vec![Exception::Duplicate],
        });
    }
    let payees: Vec<&ServiceAgreement> = agreements
        .iter()
        .filter(|a| a.payee == invoice.payee)
        .filter(|a| a.start <= invoice.to)
        .collect();
    let expected = Money::sum(
        payees
            .iter()
            .map(|a| total_between(a, invoice.from, invoice.to))
            .collect::<Result<Vec<_>, _>>()?,
    )?;
    if payees.is_empty() {
        return Ok(Match::Exceptions {
            expected,
            exceptions: vec![Exception::NoAgreement],
        });
    }
    let mut exceptions = Vec::new();
    // Days after the last agreement ended: with any open-ended agreement
    // there are none.
    let last_live = payees.iter().map(|a| a.last_day()).try_fold(None::<Date>, |latest, last| {
        last.map(|l| Some(latest.map_or(l, |x: Date| x.max(l))))
    });
    if let Some(Some(last)) = last_live {
        if invoice.to > last {
            let first_after = last.next_day().unwrap_or(last);
            exceptions.push(Exception::DaysAfterEnd {
                days: days_inclusive(first_after.max(invoice.from), invoice.to),
            });
        }
    }
    if invoice.amount > expected {
        exceptions.push(Exception::Overbilled {
            by: invoice.amount.checked_sub(expected)?,
        });
    }
    Ok(if exceptions.is_empty() {
        Match::Ok { expected }
    } else {
        Match::Exceptions { expected, exceptions }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{agreement, pounds};
    use kernel::ProviderId;
    use time::macros::date;

    fn invoice(reference: &str, from: Date, to: Date, amount: Money) -> Invoice {
        Invoice {
            payee: Payee::Provider(ProviderId::new(1)),
            reference: reference.to_owned(),
            from,
            to,
            amount,
        }
    }

    fn deals() -> Vec<ServiceAgreement> {
        vec![agreement(1, 1, date!(2026 - 04 - 01), Some(date!(2026 - 04 - 20)), pounds(700))]
    }

    #[test]
    fn an_invoice_within_the_agreement_matches() {
        let bill = invoice("INV-1", date!(2026 - 04 - 01), date!(2026 - 04 - 14), pounds(1_400));
        assert_eq!(match_invoice(&bill, &deals(), &[]), Ok(Match::Ok { expected: pounds(1_400) }));
        let under = invoice("INV-1", date!(2026 - 04 - 01), date!(2026 - 04 - 14), pounds(1_000));
        assert!(match_invoice(&under, &deals(), &[]).unwrap().is_ok());
    }

    #[test]
    fn overbilling_and_days_after_the_end_are_both_reported() {
        let bill = invoice("INV-2", date!(2026 - 04 - 15), date!(2026 - 04 - 28), pounds(1_400));
        assert_eq!(
            match_invoice(&bill, &deals(), &[]),
            Ok(Match::Exceptions {
                expected: pounds(600),
                exceptions: vec![Exception::DaysAfterEnd { days: 8 }, Exception::Overbilled { by: pounds(800) }],
            })
        );
    }

    #[test]
    fn duplicates_and_invoices_without_an_agreement_are_stopped() {
        let bill = invoice("INV-1", date!(2026 - 04 - 01), date!(2026 - 04 - 14), pounds(1_400));
        let again = invoice(" inv-1", date!(2026 - 04 - 15), date!(2026 - 04 - 16), pounds(200));
        let same_days = invoice("INV-9", date!(2026 - 04 - 01), date!(2026 - 04 - 14), pounds(1_400));
        let earlier = [bill.clone()];
        for repeat in [&again, &same_days] {
            assert_eq!(
                match_invoice(repeat, &deals(), &earlier).unwrap(),
                Match::Exceptions {
                    expected: Money::ZERO,
                    exceptions: vec![Exception::Duplicate]
                }
            );
        }
        let mut stranger = bill.clone();
        stranger.payee = Payee::Provider(ProviderId::new(2));
        assert!(matches!(
            match_invoice(&stranger, &deals(), &earlier).unwrap(),
            Match::Exceptions { exceptions, .. } if exceptions == vec![Exception::NoAgreement]
        ));
        let before = invoice("INV-3", date!(2026 - 03 - 01), date!(2026 - 03 - 07), pounds(700));
        assert!(matches!(
            match_invoice(&before, &deals(), &[]).unwrap(),
            Match::Exceptions { exceptions, .. } if exceptions == vec![Exception::NoAgreement]
        ));
        let after = invoice("INV-4", date!(2026 - 05 - 01), date!(2026 - 05 - 07), pounds(700));
        assert_eq!(
            match_invoice(&after, &deals(), &[]),
            Ok(Match::Exceptions {
                expected: Money::ZERO,
                exceptions: vec![Exception::DaysAfterEnd { days: 7 }, Exception::Overbilled { by: pounds(700) }],
            })
        );
    }
}
