//! The Gateway dashboard: requests by state and by age, waiting and
//! decision times, cost agreed against cost requested, emergencies awaiting
//! ratification, and high-cost placements with their review status.

use askama::Template;
use authz::cap::WorkOnRequests;
use axum::extract::State;
use axum::response::Html;
use kernel::Money;
use store::gateway_board::EmergencyLine;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "requests/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    by_state: Vec<(&'static str, String, i64)>,
    by_age: Vec<(&'static str, i64)>,
    waiting: usize,
    oldest_waiting: i64,
    decided: usize,
    median_decision: i64,
    requested: Money,
    agreed: Money,
    approved: i64,
    emergencies: Vec<EmergencyLine>,
    high_cost: usize,
    high_cost_overdue: usize,
}

fn median(days: &[i64]) -> i64 {
    days.get(days.len() / 2).copied().unwrap_or(0)
}

/// GET /gateway
pub async fn show(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<WorkOnRequests>) -> Result<Html<String>, AppError> {
    let today = state.clock.today();
    let board = store::gateway_board::dashboard(&state.store, today).await?;
    let high_cost = store::high_cost::lines(&state.store, &state.config.high_cost, today).await?;
    render(&DashboardPage {
        chrome,
        by_state: board
            .by_state
            .iter()
            .map(|(s, n)| (s.label(), crate::pages::requests::state_code(*s), *n))
            .collect(),
        by_age: board.by_age.clone(),
        waiting: board.waiting_days.len(),
        oldest_waiting: board.waiting_days.last().copied().unwrap_or(0),
        decided: board.decision_days.len(),
        median_decision: median(&board.decision_days),
        requested: board.requested_weekly,
        agreed: board.agreed_weekly,
        approved: board.approved,
        emergencies: board.emergencies,
        high_cost_overdue: high_cost.iter().filter(|l| l.overdue).count(),
        high_cost: high_cost.len(),
    })
}
