//! Children: the child's record and the rules about it.
//!
//! Identity values ([`identity`], [`identifiers`]), versioned code sets
//! ([`codes`]), the care history as intervals with its rules and the 903
//! episodes derived from it ([`care_history`], [`episodes`]), the
//! assessment workflow ([`assessment`]) and name matching ([`names`]). Pure:
//! values in, values out, no I/O.

pub mod assessment;
pub mod care_history;
pub mod codes;
pub mod episodes;
pub mod identifiers;
pub mod identity;
pub mod names;

pub use identity::{age_on, ChildName, LaChildId, LaChildIdError};
