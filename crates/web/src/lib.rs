//! Hearth's web layer: server-rendered pages and the JSON API under
//! `/api/v1`, on one axum router that shares the store and domain crates.
//!
//! Every request passes, in order: metrics, security headers, error
//! rendering, authentication (session cookie for pages, bearer token for the
//! API), CSRF checking for state-changing page requests, and the route's
//! declared access check ([`routes`]). Handlers then take capabilities from
//! [`auth::Authorized`] to call the store.

mod accounts;
pub mod api;
pub mod assets;
pub mod assurance_pass;
pub mod auth;
mod error;
mod export;
mod form;
mod health;
mod input;
pub mod metrics;
mod pages;
pub mod routes;

pub use pages::committees::generate_as as generate_committee_pack;
mod security;
pub mod ssda903;

use std::sync::Arc;

use kernel::{Clock, WorkingDays};
use store::Store;
use time::Duration;

pub use error::{AppError, FieldError};

/// Settings the web layer needs, passed explicitly (no globals).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The council's name, shown on home pages and reports.
    pub council_name: String,
    /// True when Hearth is reached over HTTPS (directly or via a proxy):
    /// turns on HSTS.
    pub https: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// Failed sign-ins per username allowed within the window.
    pub login_max_failures: i64,
    pub login_window: Duration,
    /// Demo mode shows the demo accounts on the sign-in page.
    pub demo_accounts: Vec<(String, String)>,
    /// Statutory timescales, as tightened by the council.
    pub timescales: compliance::Timescales,
    /// Local timescale for placement needs assessments, in working days.
    pub placement_needs_working_days: u32,
    /// The delegated-authority matrix in force.
    pub matrix: gateway::matrix::Matrix,
    /// Which placements count as high-cost, and how often they are reviewed.
    pub high_cost: gateway::high_cost::Policy,
    /// The controls' thresholds (grace days, the high-cost line, ages).
    pub controls: assurance::Settings,
    /// The council's opinion scale for assurance by area.
    pub opinion_scale: assurance::opinion::Scale,
    /// The council's own area, as settings record their local authority:
    /// a setting elsewhere makes a placement out of area.
    pub home_authority: String,
}

impl WebConfig {
    /// Production defaults (NCSC-style session limits).
    pub fn standard(council_name: &str) -> WebConfig {
        WebConfig {
            council_name: council_name.to_owned(),
            https: false,
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            login_max_failures: 5,
            login_window: Duration::minutes(15),
            demo_accounts: Vec::new(),
            timescales: compliance::Timescales::statutory(kernel::Nation::England),
            placement_needs_working_days: 10,
            matrix: gateway::matrix::Matrix::standard(),
            high_cost: gateway::high_cost::Policy::default(),
            controls: assurance::Settings::default(),
            opinion_scale: assurance::opinion::Scale::default(),
            home_authority: council_name.trim_end_matches(" Council").to_owned(),
        }
    }
}

impl AppState {
    /// The deadline rules for today.
    pub fn rules(&self) -> store::deadlines::Rules<'_> {
        store::deadlines::Rules {
            timescales: &self.config.timescales,
            calendar: &self.calendar,
            placement_needs_working_days: self.config.placement_needs_working_days,
            today: self.clock.today(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub calendar: Arc<WorkingDays>,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<metrics::Metrics>,
    /// Versioned code sets for forms and validation.
    pub codes: Arc<children::codes::CodeSets>,
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn Clock>, calendar: WorkingDays, config: WebConfig) -> AppState {
        AppState {
            store,
            clock,
            calendar: Arc::new(calendar),
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::default()),
            codes: Arc::new(children::codes::CodeSets::standard()),
        }
    }
}

/// The whole application as a router, ready to serve.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}
