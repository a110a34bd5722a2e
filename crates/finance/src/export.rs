//! The ledger export of a released run, as CSV.
//!
//! The header is fixed and documented because the finance system's import
//! is configured against it; add columns only at the end.
//!
//! | column | meaning |
//! |---|---|
//! | `run_id` | the payment run |
//! | `period_first`, `period_last` | the run's period, ISO dates, inclusive |
//! | `agreement_id` | the service agreement paid |
//! | `payee` | `provider:<id>` or `household:<id>` |
//! | `cost_centre` | the cost centre charged |
//! | `element` | the element code, e.g. `core-fee` |
//! | `first`, `last` | the days paid, ISO dates, inclusive |
//! | `days` | how many days (0 for an adjustment) |
//! | `amount` | pounds and pence with a point and no symbol, e.g. `-12.30` |

use kernel::Money;

use crate::runs::{PaymentLine, Run, RunError, RunState};

/// The export's header line.
pub const HEADER: &str = "run_id,period_first,period_last,agreement_id,payee,cost_centre,element,first,last,days,amount";

/// The CSV for a released run's lines, header first, one line each,
/// `\n`-terminated. Refuses a run not yet released: an export is what was
/// paid, not what might be.
pub fn export_csv(run: &Run, lines: &[PaymentLine]) -> Result<String, RunError> {
    if !matches!(run.state, RunState::Released | RunState::Exported) {
        return Err(RunError::NotReleased);
    }
    let mut csv = String::with_capacity(HEADER.len() + 1 + lines.len() * 96);
    csv.push_str(HEADER);
    csv.push('\n');
    for line in lines {
        let fields = [
            run.id.to_string(),
            run.period.first.to_string(),
            run.period.last.to_string(),
            line.agreement.to_string(),
            line.payee.to_string(),
            quoted(line.cost_centre.as_str()),
            line.element.code().to_owned(),
            line.from.to_string(),
            line.to.to_string(),
            line.days.to_string(),
            decimal(line.amount),
        ];
        csv.push_str(&fields.join(","));
        csv.push('\n');
    }
    Ok(csv)
}

/// `1234.56` or `-0.05`: what a ledger import expects, without `£` or commas.
pub fn decimal(amount: Money) -> String {
    let sign = if amount.is_negative() { "-" } else { "" };
    let magnitude = amount.pence().unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// A field quoted only when it must be, with quotes doubled (RFC 4180).
/// Leading formula characters are prefixed so a spreadsheet opening the
/// file never runs a cost centre as a formula.
fn quoted(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::{Cadence, RunId};
    use crate::service::{AgreementId, CostCentre, Element, Payee};
    use authz::Actor;
    use kernel::{ProviderId, UserId};
    use time::macros::date;

    #[test]
    fn exports_a_released_run_with_the_documented_header() {
        let mut run = Run::draft(
            RunId::new(9),
            Cadence::FourWeekly,
            date!(2026 - 04 - 01),
            Actor::User(UserId::new(1)),
        );
        let line = PaymentLine {
            agreement: AgreementId::new(3),
            payee: Payee::Provider(ProviderId::new(4)),
            cost_centre: CostCentre::new("CC,\"A\""),
            element: Element::CoreFee,
            from: date!(2026 - 04 - 01),
            to: date!(2026 - 04 - 28),
            days: 28,
            amount: Money::from_pence(-1_230),
        };
        assert_eq!(export_csv(&run, std::slice::from_ref(&line)), Err(RunError::NotReleased));
        run.state = RunState::Released;
        let csv = export_csv(&run, &[line]).unwrap();
        assert_eq!(
            csv,
            format!("{HEADER}\n9,2026-04-01,2026-04-28,3,provider:4,\"CC,\"\"A\"\"\",core-fee,2026-04-01,2026-04-28,28,-12.30\n")
        );
    }

    #[test]
    fn amounts_and_awkward_fields() {
        assert_eq!(decimal(Money::from_pence(123_456)), "1234.56");
        assert_eq!(decimal(Money::from_pence(-5)), "-0.05");
        assert_eq!(decimal(Money::ZERO), "0.00");
        assert_eq!(quoted("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(quoted("CC-1"), "CC-1");
    }
}
