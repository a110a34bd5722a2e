//! The Gateway: how a placement or care-package request is gatekept.
//!
//! A social worker drafts and submits a request; their team manager
//! endorses it; Gateway officers triage it and take it to panel; the panel
//! decides; then the approvals the delegated-authority matrix requires are
//! given, one person per step, never the requester ([`approvals`]). Some
//! placements are never allowed whatever anyone approves ([`hard_stops`]).
//! Requests carry their content and package costs ([`details`]); panels
//! decide only at quorate meetings, and emergencies made out of hours are
//! ratified at the next one ([`panel`]); each step tells the next person
//! ([`notify`]).
//! Pure functions over values: the store persists the outcomes.

pub mod approvals;
pub mod details;
pub mod hard_stops;
pub mod high_cost;
pub mod matrix;
pub mod notify;
pub mod panel;
pub mod request;
