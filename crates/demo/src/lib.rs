//! The demo county: a synthetic local authority for demos, browser tests
//! and benchmarks.
//!
//! [`plan`] is pure and seeded: the same options give the same county, so a
//! demo, a screenshot or a benchmark can be reproduced exactly. [`load`]
//! writes a plan through the store in one audited command. Everything is
//! invented; the proportions (placement mix, ages, weekly costs) follow the
//! national figures in the project's domain notes.

mod load;
mod load_assurance;
mod load_casework;
mod load_commissioning;
mod load_finance;
mod load_gateway;
mod load_returns;
mod names;
mod plan;
mod plan_casework;
mod plan_children;
mod plan_providers;
mod plan_returns;
mod plan_staff;
mod random;

pub use load::{load, LoadReport};
pub use load_assurance::{load_assurance, Loaded as AssuranceLoaded};
pub use load_finance::go_live;
pub use plan::{plan, ChildPlan, County, Options, PlacementPlan, StaffPlan, TeamPlan};
pub use plan_returns::{ChildReturns, ReturnsPlan};
