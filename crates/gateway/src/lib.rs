//! The Gateway: how a placement or care-package request is gatekept.
//!
//! A social worker drafts and submits a request; their team manager
//! endorses it; Gateway officers triage it and take it to panel; the panel
//! decides; then the approvals the delegated-authority matrix requires are
//! given, one person per step, never the requester ([`approvals`]). Some
//! placements are never allowed whatever anyone approves ([`hard_stops`]).
//! Pure functions over values: the store persists the outcomes.

pub mod approvals;
pub mod hard_stops;
pub mod high_cost;
pub mod matrix;
pub mod request;
