//! Hearth's storage layer: one query source and one migration history for
//! SQLite (the embedded default) and PostgreSQL (multi-user production).
//!
//! Queries are written once in the SQL both databases share and run through
//! sqlx's `Any` driver, which picks the backend from the database URL at run
//! time. That keeps column types to the portable primitives BIGINT and TEXT:
//! instants and dates are fixed-format TEXT ([`timestamp`]), money is BIGINT
//! pence, flags are BIGINT 0 or 1. The conformance tests in `tests/` run every repository
//! function against both backends.
//!
//! Every state change goes through a [`Command`]: one transaction that first
//! claims the audit head (serialising writers), records at least one audit
//! event, and commits both or neither.

pub mod access_log;
pub mod accreditation;
pub mod agreements;
pub mod alerts;
pub mod annex_a;
pub mod api_tokens;
pub mod assessments;
pub mod audit;
pub mod audit_actions;
pub mod audit_findings;
pub mod audit_samples;
pub mod audit_workpapers;
mod base64;
pub mod budgets;
pub mod care_history;
pub mod carer_fees;
pub mod casework;
pub mod child_records;
pub mod children;
mod command;
pub mod committee_figures;
pub mod committees;
pub mod consortium;
pub mod control_facts;
pub mod controls;
mod db;
pub mod deadlines;
pub mod embedding;
mod error;
pub mod faults;
pub mod forecasts;
pub mod frameworks;
pub mod gateway_board;
pub mod high_cost;
pub mod households;
pub mod internal_audit;
pub mod invoices;
pub mod login_attempts;
pub mod matrices;
pub mod migrate;
pub mod monitoring;
pub mod notifications;
pub mod panels;
pub mod passwords;
pub mod payment_runs;
pub mod placement_search;
pub mod placements;
pub mod providers;
pub mod request_steps;
pub mod requests;
pub mod restrictions;
pub mod returns;
pub mod returns_facts;
pub mod returns_import;
pub mod search_candidates;
pub mod search_referrals;
pub mod service_agreements;
pub mod sessions;
mod sql;
pub mod ssd_import;
pub mod stats;
pub mod sufficiency;
pub mod teams;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod timestamp;
pub mod tokens;
pub mod training;
mod url;
pub mod users;

pub use command::{Change, Command};
pub use db::{Backend, PoolStats, Store};
pub use error::StoreError;
pub use url::{DatabaseUrl, DatabaseUrlError};

/// Page of results for list screens: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(page: u32, per_page: u32) -> PageRequest {
        PageRequest {
            page: page.max(1),
            per_page: per_page.clamp(1, 500),
        }
    }

    pub(crate) fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub(crate) fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

/// One page of a list, with the total for pagination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub request: PageRequest,
}

impl<T> Page<T> {
    /// The requested page of a list already filtered and sorted in memory.
    pub fn of(all: Vec<T>, request: PageRequest) -> Page<T> {
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
        let take = usize::try_from(request.limit()).unwrap_or(usize::MAX);
        Page {
            items: all.into_iter().skip(skip).take(take).collect(),
            total,
            request,
        }
    }

    pub fn page_count(&self) -> u32 {
        let per_page = i64::from(self.request.per_page);
        u32::try_from((self.total + per_page - 1) / per_page).unwrap_or(u32::MAX)
    }
}

/// A domain message as a sentence for a form: first letter capitalised.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
