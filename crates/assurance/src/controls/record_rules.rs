//! The rules that test records other than placements: payments,
//! maker-checker decisions, assessments, reviews and visits, and invoice
//! exceptions.

use time::Date;

use super::placement_rules::{timeliness, Timeliness};
use super::settings::{day_after, days_after};
use super::{fail, ControlId, Detail, Outcome, Settings, Subject};
use crate::facts::{Assessment, Decision, InvoiceException, Payment, ServiceAgreementWindow, StatutoryItem};
use crate::snapshot::{At, Snapshot};

/// FN-01. Tests every payment. An exception when its service agreement is
/// not on record (`since` its first day), or when any day from `first` to
/// `last` falls before the agreement's start or after its last day
/// (`since` the first such day).
pub(super) fn payment_within_agreement(snapshot: &Snapshot, _: &Settings, payment: At<'_, Payment>) -> Outcome {
    let child = snapshot.placement_paid(payment).map(|p| p.child);
    let subject = Subject::Payment(payment.id);
    let agreement = payment.service_agreement;
    let Some(window) = snapshot.window_of(payment) else {
        return fail(
            ControlId::Fn01,
            subject,
            child,
            payment.first,
            Detail::UnknownServiceAgreement { agreement },
        );
    };
    match days_outside(&payment, window) {
        Some((days, first_outside)) => fail(
            ControlId::Fn01,
            subject,
            child,
            first_outside,
            Detail::DaysOutsideAgreement { agreement, days },
        ),
        None => Outcome::Passed,
    }
}

/// The number of the payment's days outside the window, and the first of
/// them; `None` when every day is inside (or the payment has no days).
fn days_outside(payment: &Payment, window: &ServiceAgreementWindow) -> Option<(i64, Date)> {
    let inside_from = payment.first.max(window.start);
    let inside_to = window.last_day.map_or(payment.last, |day| day.min(payment.last));
    let outside = payment.span_days() - days_inclusive(inside_from, inside_to);
    if outside <= 0 {
        return None;
    }
    // If the first day is inside, the first day outside is the one after the window.
    let first_outside = if window.covers(payment.first) {
        window.last_day.map_or(payment.first, day_after)
    } else {
        payment.first
    };
    Some((outside, first_outside))
}

/// Days from `from` to `to` inclusive; 0 when `to` is before `from`.
fn days_inclusive(from: Date, to: Date) -> i64 {
    ((to - from).whole_days() + 1).max(0)
}

/// DQ-02. Tests every payment; an exception when its last day is before
/// its first, or its recorded day count differs from the days its dates
/// span; `since` its first day (or `today`, if that is later).
pub(super) fn payment_days_match(snapshot: &Snapshot, _: &Settings, payment: At<'_, Payment>) -> Outcome {
    let span = payment.span_days();
    if payment.last >= payment.first && payment.days == span {
        return Outcome::Passed;
    }
    let child = snapshot.placement_paid(payment).map(|p| p.child);
    let detail = if payment.last < payment.first {
        Detail::PaymentEndsBeforeStart {
            first: payment.first,
            last: payment.last,
        }
    } else {
        Detail::PaymentDaysMismatch {
            recorded: payment.days,
            span,
        }
    };
    fail(
        ControlId::Dq02,
        Subject::Payment(payment.id),
        child,
        payment.first.min(snapshot.today()),
        detail,
    )
}

/// FN-02. Tests every decision; an exception when the checker is the maker,
/// `since` the day of the decision.
pub(super) fn maker_is_not_checker(_: &Snapshot, _: &Settings, decision: At<'_, Decision>) -> Outcome {
    if decision.maker != decision.checker {
        return Outcome::Passed;
    }
    let subject = Subject::Decision {
        kind: decision.kind,
        record: decision.record,
    };
    fail(
        ControlId::Fn02,
        subject,
        decision.child,
        decision.decided_on,
        Detail::SelfChecked { user: decision.maker },
    )
}

/// AS-01. Tests every assessment started by `today`. An exception when it
/// was completed after its due date, or is still open after it; `since`
/// the day after it was due.
pub(super) fn assessment_on_time(snapshot: &Snapshot, _: &Settings, assessment: At<'_, Assessment>) -> Outcome {
    if assessment.started > snapshot.today() {
        return Outcome::NotTested;
    }
    let due = assessment.due;
    let detail = match timeliness(assessment.completed, due, snapshot.today()) {
        Timeliness::OnTime | Timeliness::NotYetDue => return Outcome::Passed,
        Timeliness::Late(completed) => Detail::AssessmentLate { due, completed },
        Timeliness::Overdue => Detail::AssessmentOverdue { due },
    };
    fail(
        ControlId::As01,
        Subject::Assessment(assessment.id),
        Some(assessment.child),
        day_after(due),
        detail,
    )
}

/// MN-02. Tests every review and visit that was due by `today` or has been
/// done. An exception when it was done after its due date, or is not done
/// and its due date has passed; `since` the day after it was due.
pub(super) fn statutory_on_time(snapshot: &Snapshot, _: &Settings, item: At<'_, StatutoryItem>) -> Outcome {
    if item.due > snapshot.today() && item.done.is_none() {
        return Outcome::NotTested;
    }
    let (kind, due) = (item.kind, item.due);
    let detail = match timeliness(item.done, due, snapshot.today()) {
        Timeliness::OnTime | Timeliness::NotYetDue => return Outcome::Passed,
        Timeliness::Late(done) => Detail::StatutoryLate { kind, due, done },
        Timeliness::Overdue => Detail::StatutoryOverdue { kind, due },
    };
    let subject = Subject::Statutory {
        child: item.child,
        kind,
        due,
    };
    fail(ControlId::Mn02, subject, Some(item.child), day_after(due), detail)
}

/// FN-03. Tests every invoice exception raised by `today`. It must be
/// resolved within `invoice_exception_days` of being raised (on or before
/// raised + days); an exception when it was resolved later or is still
/// open after that day, `since` the day after.
pub(super) fn invoice_exception_resolved(snapshot: &Snapshot, settings: &Settings, exception: At<'_, InvoiceException>) -> Outcome {
    let today = snapshot.today();
    if exception.raised_on > today {
        return Outcome::NotTested;
    }
    let (invoice, raised_on) = (exception.invoice, exception.raised_on);
    let due = days_after(raised_on, settings.invoice_exception_days);
    let detail = match timeliness(exception.resolved_on, due, today) {
        Timeliness::OnTime | Timeliness::NotYetDue => return Outcome::Passed,
        Timeliness::Late(resolved_on) => Detail::InvoiceExceptionResolvedLate {
            invoice,
            raised_on,
            resolved_on,
        },
        Timeliness::Overdue => Detail::InvoiceExceptionOpen {
            invoice,
            raised_on,
            days_open: (today - raised_on).whole_days(),
        },
    };
    fail(
        ControlId::Fn03,
        Subject::InvoiceException(exception.id),
        None,
        day_after(due),
        detail,
    )
}
