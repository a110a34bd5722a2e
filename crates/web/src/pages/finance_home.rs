//! The finance home page: what is waiting for whom (runs to calculate,
//! approve or release, fees to decide, agreements ready to create) and the
//! way into every finance page.

use askama::Template;
use authz::cap::ViewFinance;
use authz::Permission;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use finance::runs::RunState;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{render, Chrome};
use crate::AppState;

/// How many runs wait at each step, and the rest of the page's counts.
#[derive(Debug, Clone, Default)]
pub struct Waiting {
    pub to_calculate: usize,
    pub to_approve: usize,
    pub to_release: usize,
    pub fees_to_decide: usize,
    pub ready_for_agreement: usize,
    pub live_agreements: usize,
}

#[derive(Template)]
#[template(path = "finance/home.html")]
struct HomePage {
    chrome: Chrome,
    waiting: Waiting,
    may_manage: bool,
    may_approve: bool,
}

/// GET /finance
pub async fn home(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewFinance>) -> Result<Response, AppError> {
    let today = state.clock.today();
    let runs = store::payment_runs::list(&state.store).await?;
    let count = |wanted: RunState| runs.iter().filter(|r| r.run.state == wanted).count();
    let waiting = Waiting {
        to_calculate: count(RunState::Draft),
        to_approve: count(RunState::Calculated),
        to_release: count(RunState::Approved),
        fees_to_decide: store::carer_fees::list(&state.store)
            .await?
            .iter()
            .filter(|f| f.state == "proposed")
            .count(),
        ready_for_agreement: store::service_agreements::ready(&state.store, today).await?.len(),
        live_agreements: store::service_agreements::list(&state.store)
            .await?
            .iter()
            .filter(|s| s.agreement.live_on(today))
            .count(),
    };
    let page = HomePage {
        chrome,
        waiting,
        may_manage: auth.principal.holds(Permission::ManageFinance),
        may_approve: auth.principal.holds(Permission::ApprovePayments),
    };
    Ok(render(&page)?.into_response())
}
