//! Assurance: continuous controls monitoring and internal-audit rules.
//!
//! Auditors and managers need to know, on any day, whether the controls
//! over placements and care finance are working: was every placement
//! approved, every agreement signed, every payment inside an agreement?
//! This crate answers from the facts alone, as pure functions over values.
//!
//! - [`facts`]: the plain facts the controls read, as the store loads them.
//! - [`snapshot`]: those facts sorted and indexed once, so one child's
//!   facts are found by binary search.
//! - [`controls`]: the controls library, the per-item rules, and the
//!   engine ([`evaluate_all`], [`evaluate_child`], [`evaluate`] with each
//!   control's population for assurance rates).
//! - [`opinion`]: assurance levels from exception rates per area on a
//!   council-configured scale, and an indicative audit opinion from rated
//!   findings.
//! - [`sampling`]: reproducible random and stratified samples.
//! - [`actions`]: action plans with revised dates, RAG status and escalation.
//! - [`suppression`]: small numbers withheld from committee reports.
//! - [`prng`]: the seeded generator samples are drawn with.
//!
//! No I/O and no clock: the snapshot carries `today`.

pub mod actions;
pub mod controls;
pub mod facts;
pub mod ids;
pub mod opinion;
pub mod prng;
pub mod sampling;
pub mod snapshot;
pub mod suppression;

#[cfg(test)]
mod fixtures;

pub use controls::{
    evaluate, evaluate_all, evaluate_child, library, Area, AreaResult, Control, ControlId, ControlResult, Detail, Evaluation, Exception,
    Scope, Settings, SettingsError, Subject,
};
pub use facts::{
    Assessment, Child, Decision, DecisionKind, Facts, GatewayApproval, InvoiceException, Payment, Placement, PlacementAgreement,
    ProviderStanding, ServiceAgreementWindow, StandingIssue, StatutoryItem, StatutoryKind,
};
pub use ids::{ActionId, AssessmentId, InvoiceExceptionId, InvoiceId, PaymentId, RequestId, ServiceAgreementId};
pub use snapshot::{FactsError, Snapshot};
