//! The SSDA903 return (children looked after), England.
//!
//! * [`year`]: the collection year (the year ending 31 March) and its dates;
//! * [`tables`]: the twelve tables, their exact column sets and which years
//!   have them;
//! * [`model`]: the rows as read or derived, every cell kept as given so a
//!   file round-trips, dates parsed once;
//! * [`csv`]: reading and writing the CSV files, errors by file, line and
//!   column;
//! * [`export`] and [`import`]: a year's rows from Hearth's facts, and a
//!   council's historic years back into facts;
//! * [`rules`]: the validation rules, each declaring its tables and years;
//!   [`validate`] runs the pack for a year.

pub mod codes;
pub mod csv;
pub mod export;
pub mod facts;
pub mod import;
pub mod model;
pub mod rules;
pub mod tables;
pub mod validate;
pub mod year;

pub use model::{Day, Return};
pub use tables::TableKind;
pub use validate::{validate, Finding, Lookups, Report};
pub use year::CollectionYear;
