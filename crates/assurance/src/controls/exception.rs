//! What a control reports: an [`Exception`] naming its subject by id.
//!
//! The detail is a [`Detail`] value rather than a string: a full pass over
//! a national snapshot can raise hundreds of thousands of exceptions, and
//! formatting each one up front would cost more than finding it. The
//! sentence is written when it is displayed or serialized. Details carry
//! ids, dates and amounts only, never a person's name, so exceptions can be
//! shown to auditors and committees as they are.

use std::fmt;

use kernel::{ChildId, Money, PlacementId, ProviderId, UserId};
use serde::{Serialize, Serializer};
use time::Date;

use super::ControlId;
use crate::facts::{DecisionKind, StandingIssue, StatutoryKind};
use crate::ids::{AssessmentId, InvoiceExceptionId, InvoiceId, PaymentId, RequestId, ServiceAgreementId};

/// One failure of one control for one subject.
///
/// Exceptions order by control (library order), then subject, then child
/// and date, so every run lists the same exceptions in the same order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Exception {
    pub control: ControlId,
    pub subject: Subject,
    /// The child the subject concerns, for linking to the child's record.
    pub child: Option<ChildId>,
    /// The first day on which the rule was broken.
    pub since: Date,
    #[serde(serialize_with = "as_sentence")]
    pub detail: Detail,
}

impl Exception {
    /// The detail as a sentence, for pages and exports.
    pub fn sentence(&self) -> String {
        self.detail.to_string()
    }
}

fn as_sentence<S: Serializer>(detail: &Detail, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(detail)
}

/// The record an exception is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "id")]
pub enum Subject {
    Placement(PlacementId),
    Payment(PaymentId),
    Decision {
        kind: DecisionKind,
        record: i64,
    },
    Assessment(AssessmentId),
    /// A review or visit, identified by its child, kind and due date
    /// (the `compliance` crate derives them; they have no id of their own).
    Statutory {
        child: ChildId,
        kind: StatutoryKind,
        due: Date,
    },
    InvoiceException(InvoiceExceptionId),
}

/// Why a subject failed a control, with the figures that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    NoGatewayApproval {
        start: Date,
    },
    ApprovedAfterStart {
        request: RequestId,
        approved_on: Date,
        start: Date,
    },
    NotRatified {
        due: Date,
    },
    RatifiedLate {
        ratified_on: Date,
        due: Date,
    },
    HighCostNotReviewed {
        weekly_cost: Money,
        due: Date,
    },
    NoSignedAgreement {
        due: Date,
    },
    AgreementSignedLate {
        signed_on: Date,
        due: Date,
    },
    ProviderNotInStanding {
        provider: ProviderId,
        issue: StandingIssue,
        from: Date,
    },
    UnderSixteenUnregulated {
        from: Date,
        sixteenth_birthday: Date,
    },
    NoMonitoringOfficer,
    StatutoryOverdue {
        kind: StatutoryKind,
        due: Date,
    },
    StatutoryLate {
        kind: StatutoryKind,
        due: Date,
        done: Date,
    },
    AssessmentOverdue {
        due: Date,
    },
    AssessmentLate {
        due: Date,
        completed: Date,
    },
    UnknownServiceAgreement {
        agreement: ServiceAgreementId,
    },
    DaysOutsideAgreement {
        agreement: ServiceAgreementId,
        days: i64,
    },
    SelfChecked {
        user: UserId,
    },
    InvoiceExceptionOpen {
        invoice: InvoiceId,
        raised_on: Date,
        days_open: i64,
    },
    InvoiceExceptionResolvedLate {
        invoice: InvoiceId,
        raised_on: Date,
        resolved_on: Date,
    },
    UnknownChild,
    EndsBeforeStart {
        start: Date,
        end: Date,
    },
    StartsBeforeBirth {
        start: Date,
    },
    OverlapsPlacement {
        other: PlacementId,
    },
    PaymentDaysMismatch {
        recorded: i64,
        span: i64,
    },
    PaymentEndsBeforeStart {
        first: Date,
        last: Date,
    },
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Detail::NoGatewayApproval { start } => write!(f, "Placement started on {start} with no Gateway approval."),
            Detail::ApprovedAfterStart {
                request,
                approved_on,
                start,
            } => write!(
                f,
                "Placement started on {start}; request {request} was approved later, on {approved_on}."
            ),
            Detail::NotRatified { due } => write!(f, "Emergency placement not ratified by {due}."),
            Detail::RatifiedLate { ratified_on, due } => {
                write!(f, "Emergency placement ratified on {ratified_on}, after {due}.")
            }
            Detail::HighCostNotReviewed { weekly_cost, due } => {
                write!(f, "Placement costing {weekly_cost} a week was due a review by {due}.")
            }
            Detail::NoSignedAgreement { due } => write!(f, "No placement agreement signed by both parties by {due}."),
            Detail::AgreementSignedLate { signed_on, due } => {
                write!(f, "Placement agreement signed by both parties on {signed_on}, after {due}.")
            }
            Detail::ProviderNotInStanding { provider, issue, from } => {
                write!(
                    f,
                    "Child placed with provider {provider} while {} from {from}.",
                    issue_phrase(issue)
                )
            }
            Detail::UnderSixteenUnregulated { from, sixteenth_birthday } => write!(
                f,
                "Child under 16 in an unregulated setting from {from} (16 on {sixteenth_birthday})."
            ),
            Detail::NoMonitoringOfficer => f.write_str("Out-of-area placement with no monitoring officer."),
            Detail::StatutoryOverdue { kind, due } => write!(f, "{} due by {due} not done.", kind.label()),
            Detail::StatutoryLate { kind, due, done } => write!(f, "{} due by {due} done late, on {done}.", kind.label()),
            Detail::AssessmentOverdue { due } => write!(f, "Assessment due by {due} not completed."),
            Detail::AssessmentLate { due, completed } => write!(f, "Assessment due by {due} completed late, on {completed}."),
            Detail::UnknownServiceAgreement { agreement } => write!(f, "Paid under service agreement {agreement}, which is not on record."),
            Detail::DaysOutsideAgreement { agreement, days } => {
                write!(f, "{days} day(s) paid outside the live dates of service agreement {agreement}.")
            }
            Detail::SelfChecked { user } => write!(f, "Made and checked by the same person (user {user})."),
            Detail::InvoiceExceptionOpen {
                invoice,
                raised_on,
                days_open,
            } => write!(f, "Exception on invoice {invoice} open {days_open} days since {raised_on}."),
            Detail::InvoiceExceptionResolvedLate {
                invoice,
                raised_on,
                resolved_on,
            } => write!(
                f,
                "Exception on invoice {invoice} raised {raised_on} resolved late, on {resolved_on}."
            ),
            Detail::UnknownChild => f.write_str("Placement of a child who is not on record."),
            Detail::EndsBeforeStart { start, end } => write!(f, "Placement ends on {end}, before it starts on {start}."),
            Detail::StartsBeforeBirth { start } => write!(f, "Placement starts on {start}, before the child's date of birth."),
            Detail::OverlapsPlacement { other } => write!(f, "Placement overlaps placement {other} of the same child."),
            Detail::PaymentDaysMismatch { recorded, span } => {
                write!(f, "Payment records {recorded} day(s) but its dates span {span}.")
            }
            Detail::PaymentEndsBeforeStart { first, last } => write!(f, "Payment's last day, {last}, is before its first, {first}."),
        }
    }
}

fn issue_phrase(issue: StandingIssue) -> &'static str {
    match issue {
        StandingIssue::NotAccredited => "not accredited",
        StandingIssue::RegistrationLapsed => "its registration had lapsed",
        StandingIssue::Suspended => "suspended",
    }
}
