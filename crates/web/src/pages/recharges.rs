//! The recharge schedule: what released payment runs recharge to the
//! education budget and to health (the ICB) for a financial year, by
//! partner and by run with the totals to invoice, and the detail per
//! agreement (child id and provider) as CSV for the partner's invoice.
//!
//! The shares are fixed when a run is released (`store::payment_runs`);
//! this module only reads them through `store::forecasts`.

use askama::Template;
use authz::cap::ViewFinance;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use store::forecasts::RechargeSchedule;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Format, Table};
use crate::pages::budgets::YearQuery;
use crate::pages::forecast::plain;
use crate::pages::{render, Chrome};
use crate::AppState;

/// The schedule for the year asked for.
pub async fn load(state: &AppState, query: &YearQuery) -> Result<RechargeSchedule, AppError> {
    let year_start = query.year_start(state.clock.today())?;
    Ok(store::forecasts::recharge_schedule(&state.store, year_start).await?)
}

#[derive(Template)]
#[template(path = "forecast/recharges.html")]
struct RechargesPage {
    chrome: Chrome,
    schedule: RechargeSchedule,
    year_iso: String,
}

impl RechargesPage {
    fn partner_label(&self, code: &str) -> &'static str {
        store::forecasts::PARTNERS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("Other partner", |(_, label)| label)
    }
}

/// GET /finance/recharges
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ViewFinance>,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    let schedule = load(&state, &query).await?;
    let page = RechargesPage {
        chrome,
        year_iso: kernel::dates::format_iso_date(schedule.year_start),
        schedule,
    };
    Ok(render(&page)?.into_response())
}

/// GET /finance/recharges/export?format=csv|xlsx: one row per agreement per run, the
/// detail a partner's invoice is built from.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewFinance>,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    let schedule = load(&state, &query).await?;
    let mut table = Table::default();
    table.row([
        "partner",
        "run_id",
        "period_first",
        "period_last",
        "agreement_id",
        "child_id",
        "payee",
        "cost_centre",
        "amount",
    ]);
    for line in &schedule.lines {
        table.row([
            line.partner.clone(),
            line.run_id.to_string(),
            kernel::dates::format_iso_date(line.period_first),
            kernel::dates::format_iso_date(line.period_last),
            line.agreement_id.to_string(),
            line.la_child_id.clone(),
            line.payee_name.clone(),
            line.cost_centre.clone(),
            plain(line.amount),
        ]);
    }
    table.into_download(&format!("recharges-{}", schedule.year), format)
}
