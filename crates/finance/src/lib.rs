//! Finance: what the council pays for care, and the books that record it.
//!
//! Placements cost money every day; this crate turns approved agreements
//! into payments, journals and forecasts without ever using a float or
//! editing history.
//!
//! - [`prorata`]: the cost of a weekly rate over days, with a rounding rule
//!   that never loses or invents a penny however a range is split.
//! - [`service`]: service agreements (payee, effective-dated rate lines,
//!   funding split, cost centre), created only from an approved basis for a
//!   live placement; costs between dates; adjustments for backdated changes.
//! - [`allowances`]: foster carer allowances by age band and fees by level,
//!   a table per financial year, and the rate lines they give a carer.
//! - [`runs`]: payment runs by cadence, their one-way states, calculation,
//!   maker-checker approval and idempotent release.
//! - [`ledger`]: balanced double-entry journals, reversals, remittances.
//! - [`export`]: the documented CSV of a released run for the ledger.
//! - [`invoices`]: provider invoices matched against agreements, with the
//!   exceptions that stop payment.
//! - [`recharges`](mod@recharges): the education and health shares of what was paid.
//! - [`forecast`]: commitments to the financial year end, variance against
//!   budget, and what a price uplift would cost.
//!
//! Pure functions over values; the store persists runs, keys and entries.

pub mod allowances;
pub mod export;
pub mod forecast;
pub mod invoices;
pub mod ledger;
pub mod prorata;
pub mod recharges;
pub mod runs;
pub mod service;

#[cfg(test)]
mod fixtures;

pub use allowances::{weekly_for, AgeBand, AllowanceError, AllowanceTable, FeeLevel};
pub use export::export_csv;
pub use forecast::{committed, variance, what_if_uplift, Commitment, Uplift, Variance};
pub use invoices::{match_invoice, Exception, Invoice, Match};
pub use ledger::{ledger_entries, remittances, reverse, Account, Entry, Remittance};
pub use recharges::{recharges, Recharges, Shares};
pub use runs::{
    approve, calculate, release, release_key, Cadence, PaymentLine, Period, Release, ReleaseKey, Run, RunError, RunId, RunState,
};
pub use service::{
    adjustments_between, backdated_change, cost_between, default_cost_centre, Adjustment, AgreementError, AgreementId, CostCentre, Element,
    ElementCost, HouseholdId, Payee, RateLine, ServiceAgreement,
};
