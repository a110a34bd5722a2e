//! The facts the controls read: plain values, as the store will load them.
//!
//! Each fact is a row-shaped struct with public fields and no behaviour
//! beyond small helpers, so the store can fill [`Facts`] straight from its
//! queries. [`Snapshot`](crate::Snapshot) then sorts and indexes them once.
//!
//! Date conventions follow the records they come from: a placement's `end`
//! is exclusive (the day the child left, as SSDA903 records it), while a
//! payment's `first`..=`last` and a service agreement's `last_day` are
//! inclusive (the days paid), as in the `finance` crate.

use kernel::{ChildId, Money, PlacementId, ProviderId, TeamId, UserId};
use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{AssessmentId, InvoiceExceptionId, InvoiceId, PaymentId, RequestId, ServiceAgreementId};

/// Everything a control run reads, unsorted, as loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub children: Vec<Child>,
    pub placements: Vec<Placement>,
    pub agreements: Vec<PlacementAgreement>,
    pub standings: Vec<ProviderStanding>,
    pub service_agreements: Vec<ServiceAgreementWindow>,
    pub payments: Vec<Payment>,
    pub decisions: Vec<Decision>,
    pub assessments: Vec<Assessment>,
    pub statutory: Vec<StatutoryItem>,
    pub invoice_exceptions: Vec<InvoiceException>,
}

/// A child known to the council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: ChildId,
    /// The council's own child id (its LA reference), never a name.
    pub la_reference: String,
    pub date_of_birth: Date,
    pub team: Option<TeamId>,
}

/// When the Gateway approved the request a placement was made under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayApproval {
    pub request_id: RequestId,
    pub approved_on: Date,
}

/// A placement of a child, with the flags the controls test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub id: PlacementId,
    pub child: ChildId,
    pub start: Date,
    /// The day the child left (exclusive); `None` while the placement lasts.
    pub end: Option<Date>,
    pub category: PlacementCategory,
    pub provider: Option<ProviderId>,
    /// Bought from an external provider (not the council's own carers).
    pub external: bool,
    /// In a registered or otherwise regulated setting. The store sets this
    /// false only for "other arrangements": unregistered homes, flats and
    /// the like. Foster care and placement with parents count as regulated.
    pub regulated: bool,
    pub out_of_area: bool,
    pub weekly_cost: Money,
    /// Made in an emergency, ahead of the Gateway; ratified afterwards.
    pub emergency: bool,
    pub ratified_on: Option<Date>,
    pub gateway: Option<GatewayApproval>,
    /// The officer who monitors an out-of-area placement.
    pub monitoring_officer: Option<UserId>,
    /// The last time a high-cost placement was reviewed.
    pub high_cost_reviewed_on: Option<Date>,
}

impl Placement {
    /// Whether the child had arrived by `today`.
    pub fn has_started(&self, today: Date) -> bool {
        self.start <= today
    }

    /// Whether the child was in placement on `day`.
    pub fn is_live_on(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| day < end)
    }

    /// The end of the days that have happened: the exclusive end, or the
    /// day after `today` for a placement still going on.
    pub fn end_by(&self, today: Date) -> Date {
        let tomorrow = today.next_day().unwrap_or(today);
        self.end.map_or(tomorrow, |end| end.min(tomorrow))
    }
}

/// A placement agreement (the contract with the provider) for a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementAgreement {
    pub placement: PlacementId,
    /// The day the second of the two parties signed; `None` until both have.
    pub fully_signed_on: Option<Date>,
}

kernel::coded!(
    /// Why a provider was not in good standing for a period.
    StandingIssue {
        NotAccredited = "not-accredited", "Not accredited";
        RegistrationLapsed = "registration-lapsed", "Registration lapsed";
        Suspended = "suspended", "Suspended";
    }
);

/// A period in which a provider was not in good standing, `from` up to
/// but not including `to` (`None`: still so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderStanding {
    pub provider: ProviderId,
    pub issue: StandingIssue,
    pub from: Date,
    pub to: Option<Date>,
}

/// The days a service agreement pays for, `start` to `last_day`
/// inclusive (`None`: open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAgreementWindow {
    pub id: ServiceAgreementId,
    pub start: Date,
    pub last_day: Option<Date>,
}

impl ServiceAgreementWindow {
    pub fn covers(&self, day: Date) -> bool {
        self.start <= day && self.last_day.is_none_or(|last| day <= last)
    }
}

/// A payment for the days `first` to `last` inclusive under an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: PaymentId,
    pub service_agreement: ServiceAgreementId,
    pub placement: PlacementId,
    pub first: Date,
    pub last: Date,
    /// The number of days paid, as recorded on the payment line.
    pub days: i64,
}

impl Payment {
    /// The days from `first` to `last` inclusive (0 when they run backwards).
    pub fn span_days(&self) -> i64 {
        ((self.last - self.first).whole_days() + 1).max(0)
    }
}

kernel::coded!(
    /// What a maker-checker decision approved.
    DecisionKind {
        PaymentRun = "payment-run", "Payment run";
        CarerFee = "carer-fee", "Carer fee";
        Variation = "variation", "Agreement variation";
        Request = "request", "Placement request";
    }
);

/// A decision that one person made and another checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub kind: DecisionKind,
    /// The id of the run, fee, variation or request decided.
    pub record: i64,
    /// The child the record concerns, when it concerns one.
    pub child: Option<ChildId>,
    pub maker: UserId,
    pub checker: UserId,
    pub decided_on: Date,
}

/// An assessment and its timescale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub child: ChildId,
    /// The kind's code, as the `children` crate writes it
    /// (`child-and-family`, `care-and-support`, `placement-needs`).
    pub kind: String,
    pub started: Date,
    /// The last day of its timescale (from `compliance::assessment_deadline`).
    pub due: Date,
    pub completed: Option<Date>,
}

kernel::coded!(
    /// The statutory duties to a looked-after child that the controls watch.
    StatutoryKind {
        Review = "review", "Looked-after review";
        Visit = "visit", "Statutory visit";
    }
);

/// One review or visit as the `compliance` crate derives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatutoryItem {
    pub child: ChildId,
    pub kind: StatutoryKind,
    pub due: Date,
    pub done: Option<Date>,
}

/// An exception raised when an invoice was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceException {
    pub id: InvoiceExceptionId,
    pub invoice: InvoiceId,
    pub raised_on: Date,
    pub resolved_on: Option<Date>,
}
