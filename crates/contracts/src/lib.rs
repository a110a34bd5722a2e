//! Contracts: how the council buys placements and watches them.
//!
//! - [`frameworks`]: regional and local frameworks, their lots and tiers,
//!   and the reason a spot purchase needs.
//! - [`agreements`]: individual placement agreements (IPAs) with
//!   effective-dated price elements, a funding split, signatures and
//!   variations under maker-checker, and the 8-week end alert.
//! - [`monitoring`]: the contract-monitoring schedule by risk, the reports
//!   expected from children's homes, and the side-by-side comparison with
//!   in-house foster care.
//!
//! Pure functions over values; the store persists the outcomes.

pub mod agreements;
pub mod frameworks;
pub mod monitoring;
