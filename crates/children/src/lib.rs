//! Children: the identity of a looked-after child and the rules about it.
//!
//! This crate grows into the whole child record (legal statuses, periods of
//! care, assessments, plans, reviews, visits). It is pure: values in, values
//! out, no I/O.

pub mod identity;

pub use identity::{age_on, ChildName, LaChildId, LaChildIdError};
