//! CSV and XLSX downloads of the finance list pages that build no table of
//! their own: the invoice exception queue, the payment runs, the year's
//! budgets and the carer fee proposals.
//!
//! Each download reads what its page reads, with the page's filters (and,
//! for budgets, the budget holder's narrower view), and its route requires
//! the page's permission (see `routes/export_routes.rs`); the columns are
//! the page's columns, so a download shows nothing the page does not.
//! Amounts are plain pounds and pence (`1234.50`), as the other finance
//! downloads write them.

use authz::cap::ViewFinance;
use axum::extract::{Query, State};
use axum::response::Response;
use kernel::dates::format_iso_date as iso;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Format, Table};
use crate::pages::budgets::YearQuery;
use crate::pages::forecast::{plain, Scope};
use crate::pages::invoice_exceptions::{queue_items, QueueParams, OVERDUE_AFTER_DAYS};
use crate::AppState;

/// GET /finance/exceptions/export?format=csv|xlsx[&kind=][&show=all]: the
/// exceptions the queue's filters keep, oldest first.
pub async fn exceptions(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewFinance>,
    Query(params): Query<QueueParams>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "exception_id",
        "raised_on",
        "age_days",
        "overdue",
        "invoice_id",
        "invoice_reference",
        "provider",
        "kind",
        "what_is_wrong",
        "billed",
        "status",
    ]);
    for item in queue_items(&state, &params).await? {
        let e = &item.exception;
        let overdue = e.is_open() && item.age_days > OVERDUE_AFTER_DAYS;
        table.row([
            e.id.to_string(),
            iso(e.raised_on),
            item.age_days.to_string(),
            if overdue { "yes" } else { "no" }.to_owned(),
            e.invoice_id.to_string(),
            item.reference.clone(),
            item.provider_name.clone(),
            e.kind.label().to_owned(),
            e.detail.clone(),
            plain(item.amount),
            e.outcome.as_ref().map_or("Open", |o| o.label()).to_owned(),
        ]);
    }
    table.into_download("invoice-exceptions", format)
}

/// GET /finance/runs/export?format=csv|xlsx: every payment run, latest
/// period first, with where it has got to.
pub async fn runs(State(state): State<AppState>, format: Format, _auth: Authorized<ViewFinance>) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row(["run_id", "payees_paid", "period_first", "period_last", "state", "lines", "total"]);
    for r in store::payment_runs::list(&state.store).await? {
        table.row([
            r.run.id.to_string(),
            r.run.cadence.label().to_owned(),
            iso(r.run.period.first),
            iso(r.run.period.last),
            r.run.state.label().to_owned(),
            r.line_count.to_string(),
            plain(r.total),
        ]);
    }
    table.into_download("payment-runs", format)
}

/// GET /finance/budgets/export?format=csv|xlsx[&year=]: the year's budgets
/// the person may see (a budget holder, only their own).
pub async fn budgets(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<ViewFinance>,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year_start = query.year_start(state.clock.today())?;
    let year = store::budgets::year_label(year_start);
    let budgets = crate::pages::budgets::visible(&state, Scope::of(&auth.principal), year_start).await?;
    let mut table = Table::default();
    table.row(["year", "cost_centre", "budget_holder", "budget"]);
    for b in budgets {
        table.row([year.clone(), b.cost_centre, b.holder_name.unwrap_or_default(), plain(b.amount)]);
    }
    table.into_download(&format!("budgets-{year}"), format)
}

/// GET /finance/carer-fees/export?format=csv|xlsx: the carer fee
/// proposals, newest first, as the page lists them.
pub async fn carer_fees(State(state): State<AppState>, format: Format, _auth: Authorized<ViewFinance>) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row(["child_id", "household", "fee_level", "why", "state", "proposed_by", "decided_by"]);
    for f in store::carer_fees::list(&state.store).await? {
        table.row([
            f.la_child_id,
            f.household,
            f.fee_level.to_string(),
            f.reason,
            f.state,
            f.proposed_by_name,
            f.decided_by_name.unwrap_or_default(),
        ]);
    }
    table.into_download("carer-fees", format)
}
