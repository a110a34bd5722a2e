//! Statutory returns.
//!
//! [`ssda903`] holds the DfE's children-looked-after return: its tables and
//! their exact CSV form, the rows Hearth derives from a child's record, and
//! the validation rules, one pack per collection year. [`annex_a`] holds
//! Ofsted's inspection lists 8 to 10, made from the same facts. Pure: text
//! and values in, values out; reading folders and databases is the caller's job.

pub mod annex_a;
pub mod ssd;
pub mod ssda903;
