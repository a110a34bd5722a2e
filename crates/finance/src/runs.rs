//! Payment runs: what each payee is owed for a period, checked by a second
//! person, and released exactly once.
//!
//! A run moves Draft → Calculated → Approved → Released → Exported, one
//! step at a time and never back: a mistake after approval is put right in
//! a later run (adjustment lines, reversing ledger entries), so what was
//! paid stays on record. The person who prepared a run never approves it.
//! Releasing is idempotent: the release key is fixed by the run, so a
//! retry after a crash, or a second click, finds the key already used.

use authz::{ensure_different_people, Actor, DutyViolation};
use kernel::money::MoneyError;
use kernel::months::add_months;
use kernel::Money;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::service::{Adjustment, AgreementId, CostCentre, Element, Payee, ServiceAgreement};

kernel::typed_id!(
    /// A payment run.
    RunId,
    "payment run"
);

kernel::coded!(
    /// Where a payment run has got to.
    RunState {
        Draft = "draft", "Draft";
        Calculated = "calculated", "Calculated";
        Approved = "approved", "Approved";
        Released = "released", "Released for payment";
        Exported = "exported", "Exported to the ledger";
    }
);

impl RunState {
    /// The only state this one may move to, if any.
    pub fn next(self) -> Option<RunState> {
        match self {
            RunState::Draft => Some(RunState::Calculated),
            RunState::Calculated => Some(RunState::Approved),
            RunState::Approved => Some(RunState::Released),
            RunState::Released => Some(RunState::Exported),
            RunState::Exported => None,
        }
    }

    /// Refuses anything but the single next step.
    pub fn advance(self, to: RunState) -> Result<RunState, RunError> {
        if self.next() == Some(to) {
            Ok(to)
        } else {
            Err(RunError::IllegalStep { from: self, to })
        }
    }
}

kernel::coded!(
    /// How often a payee is paid.
    Cadence {
        Weekly = "weekly", "Weekly";
        FourWeekly = "four-weekly", "Every 4 weeks";
        Monthly = "monthly", "Monthly";
    }
);

impl Cadence {
    /// The period of this cadence starting on `first`.
    pub fn period_from(self, first: Date) -> Period {
        let last = match self {
            Cadence::Weekly => first + Duration::days(6),
            Cadence::FourWeekly => first + Duration::days(27),
            Cadence::Monthly => add_months(first, 1) - Duration::days(1),
        };
        Period { first, last }
    }
}

/// The days a run pays for, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub first: Date,
    pub last: Date,
}

/// A payment run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub id: RunId,
    pub cadence: Cadence,
    pub period: Period,
    pub prepared_by: Actor,
    pub approved_by: Option<Actor>,
    pub state: RunState,
}

impl Run {
    /// A new draft run.
    pub fn draft(id: RunId, cadence: Cadence, first: Date, prepared_by: Actor) -> Run {
        Run {
            id,
            cadence,
            period: cadence.period_from(first),
            prepared_by,
            approved_by: None,
            state: RunState::Draft,
        }
    }

    /// The run moved on to `to`, if that is the next step.
    pub fn advanced(&self, to: RunState) -> Result<Run, RunError> {
        let mut next = self.clone();
        next.state = self.state.advance(to)?;
        Ok(next)
    }
}

/// Why a run cannot do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("a run that is {} cannot become {}", from.label().to_lowercase(), to.label().to_lowercase())]
    IllegalStep { from: RunState, to: RunState },
    #[error(transparent)]
    Duty(#[from] DutyViolation),
    #[error("this run has already been released (key {key}); it will not be paid again")]
    AlreadyReleased { key: ReleaseKey },
    #[error("only a released run can be exported")]
    NotReleased,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// One payee's pay for one element over a stretch at one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub agreement: AgreementId,
    pub payee: Payee,
    pub cost_centre: CostCentre,
    pub element: Element,
    pub from: Date,
    pub to: Date,
    pub days: i64,
    pub amount: Money,
}

/// Every payment due for `period`: one line per agreement, element and
/// rate, covering only days inside both the period and the agreement (and
/// none after the placement ended).
pub fn calculate(period: Period, agreements: &[ServiceAgreement]) -> Result<Vec<PaymentLine>, MoneyError> {
    // Most agreements have one or two lines in a period; reserving for two
    // avoids regrowing a vector of a million lines.
    let mut lines = Vec::with_capacity(agreements.len() * 2);
    let mut failed = None;
    for agreement in agreements {
        agreement.for_each_segment(period.first, period.last, |segment| match segment.cost() {
            Ok(amount) => lines.push(PaymentLine {
                agreement: agreement.id,
                payee: agreement.payee,
                cost_centre: agreement.cost_centre.clone(),
                element: segment.element,
                from: segment.first(),
                to: segment.last(),
                days: segment.days(),
                amount,
            }),
            Err(error) => failed = Some(error),
        });
        if let Some(error) = failed {
            return Err(error);
        }
    }
    Ok(lines)
}

/// An adjustment as a line for the next run (days are zero: the days were
/// paid before, this only corrects their price).
pub fn adjustment_line(adjustment: &Adjustment, agreement: &ServiceAgreement) -> PaymentLine {
    PaymentLine {
        agreement: adjustment.agreement,
        payee: agreement.payee,
        cost_centre: agreement.cost_centre.clone(),
        element: adjustment.element,
        from: adjustment.first,
        to: adjustment.last,
        days: 0,
        amount: adjustment.amount,
    }
}

/// Approves a calculated run; the preparer may not.
pub fn approve(run: &Run, approver: Actor) -> Result<Run, RunError> {
    ensure_different_people(run.prepared_by, approver, "approve", "prepared")?;
    let mut approved = run.advanced(RunState::Approved)?;
    approved.approved_by = Some(approver);
    Ok(approved)
}

/// The key a payment system records when it pays a run. It depends only on
/// the run, so every attempt to release the same run gives the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReleaseKey(pub String);

impl std::fmt::Display for ReleaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The idempotency key for releasing `run`.
pub fn release_key(run: &Run) -> ReleaseKey {
    ReleaseKey(format!("payment-run-{}-{}-{}", run.id, run.period.first, run.period.last))
}

/// A run released for payment, with the key to record alongside the
/// payments in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    pub key: ReleaseKey,
    pub run: Run,
}

/// Releases an approved run unless its key is among `already_released`.
///
/// When the key is found but the run still says Approved, the payments
/// went out and the crash came before the run was saved: the caller should
/// mark the run released without paying again.
pub fn release(run: &Run, already_released: &[ReleaseKey]) -> Result<Release, RunError> {
    let key = release_key(run);
    if already_released.contains(&key) || matches!(run.state, RunState::Released | RunState::Exported) {
        return Err(RunError::AlreadyReleased { key });
    }
    let released = run.advanced(RunState::Released)?;
    Ok(Release { key, run: released })
}

#[cfg(test)]
#[path = "runs_tests.rs"]
mod tests;
