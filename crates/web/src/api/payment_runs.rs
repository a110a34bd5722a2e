//! Payment runs over the API: the list, drafting a run for a cadence and
//! first day, one run with its lines, calculating, approving (a second,
//! named person), releasing once, the ledger export (CSV) and the
//! remittance advices.
//!
//! The store decides everything: runs of a cadence follow each other, the
//! state only moves one step forward, the preparer never approves, and a
//! release is idempotent. A second release is refused with `422` and the
//! message "This run has already been released (key …); it will not be
//! paid again.", because `AppError` maps the store's rule refusals
//! (`StoreError::Rejected`) to 422 with the field `action`, and nothing is
//! paid or posted twice. A stale version is `409`. Amounts are whole pence.

use std::collections::HashMap;

use authz::cap::{ApprovePayments, ManageFinance, ViewFinance};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use finance::runs::{Cadence, PaymentLine};
use finance::service::Payee;
use serde::{Deserialize, Serialize};
use store::payment_runs::StoredRun;
use time::Date;

use crate::api::finance::{command, person_only, Created, PayeeOut};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::{AppError, Problem};
use crate::AppState;

/// A run with its totals and who did what.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunSummary {
    pub id: i64,
    /// Give this back to calculate or approve; a stale version is 409.
    pub version: i64,
    /// weekly, four-weekly or monthly.
    pub cadence: String,
    #[schema(value_type = String, format = Date)]
    pub period_first: Date,
    #[schema(value_type = String, format = Date)]
    pub period_last: Date,
    /// draft, calculated, approved, released or exported.
    pub state: String,
    pub line_count: i64,
    pub total_pence: i64,
    /// Empty when a service token prepared it.
    pub prepared_by: Option<String>,
    pub approved_by: Option<String>,
    /// The idempotency key recorded when the run was released.
    pub release_key: Option<String>,
}

impl From<StoredRun> for RunSummary {
    fn from(s: StoredRun) -> RunSummary {
        RunSummary {
            id: s.run.id.get(),
            version: s.version,
            cadence: s.run.cadence.code().to_owned(),
            period_first: s.run.period.first,
            period_last: s.run.period.last,
            state: s.run.state.code().to_owned(),
            line_count: s.line_count,
            total_pence: s.total.pence(),
            prepared_by: s.prepared_by_name,
            approved_by: s.approved_by_name,
            release_key: s.release_key,
        }
    }
}

/// One payee's pay for one element over a stretch at one rate; an
/// adjustment for days paid before has `days` 0.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunLine {
    pub agreement_id: i64,
    pub payee: PayeeOut,
    pub cost_centre: String,
    pub element: String,
    #[schema(value_type = String, format = Date)]
    pub first: Date,
    #[schema(value_type = String, format = Date)]
    pub last: Date,
    pub days: i64,
    /// Negative for a recovery.
    pub amount_pence: i64,
}

fn run_line(line: &PaymentLine, names: &HashMap<Payee, String>) -> RunLine {
    RunLine {
        agreement_id: line.agreement.get(),
        payee: PayeeOut::new(line.payee, names.get(&line.payee).cloned().unwrap_or_default()),
        cost_centre: line.cost_centre.as_str().to_owned(),
        element: line.element.code().to_owned(),
        first: line.from,
        last: line.to,
        days: line.days,
        amount_pence: line.amount.pence(),
    }
}

/// A run with every line, by payee then agreement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: RunSummary,
    pub lines: Vec<RunLine>,
}

async fn summary(state: &AppState, id: i64) -> Result<RunSummary, AppError> {
    Ok(store::payment_runs::get(&state.store, id).await?.into())
}

/// Every run, newest period first.
#[utoipa::path(get, path = "/api/v1/payment-runs", tag = "finance", responses((status = 200, body = Vec<RunSummary>)))]
pub async fn list(State(state): State<AppState>, _auth: Authorized<ViewFinance>) -> Result<Json<Vec<RunSummary>>, AppError> {
    let runs = store::payment_runs::list(&state.store).await?;
    Ok(Json(runs.into_iter().map(RunSummary::from).collect()))
}

/// A new run.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRunInput {
    /// weekly, four-weekly or monthly.
    #[schema(value_type = String)]
    pub cadence: Cadence,
    /// The period's first day (ISO 8601): the day after the last run of
    /// the cadence ends, when there is one.
    #[schema(value_type = String, format = Date)]
    pub first: Date,
}

/// Drafts a run of a cadence from its first day; the period follows from
/// the cadence (7 days, 28 days or a calendar month).
#[utoipa::path(post, path = "/api/v1/payment-runs", tag = "finance", request_body = NewRunInput,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn draft(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    ApiJson(input): ApiJson<NewRunInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::draft(cmd, &auth.can, input.cadence, input.first).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One run with its totals and lines.
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}", tag = "finance", params(("id" = i64, Path, description = "Payment run number")),
    responses((status = 200, body = RunDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(State(state): State<AppState>, _auth: Authorized<ViewFinance>, Path(id): Path<i64>) -> Result<Json<RunDetail>, AppError> {
    let run = summary(&state, id).await?;
    let names = store::payment_runs::payee_names(&state.store).await?;
    let lines = store::payment_runs::run_lines(&state.store, id).await?;
    Ok(Json(RunDetail {
        run,
        lines: lines.iter().map(|l| run_line(l, &names)).collect(),
    }))
}

/// The run's version as read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    /// The run's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// What calculation produced.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Calculated {
    pub lines: usize,
    pub adjustments: usize,
    pub total_pence: i64,
    pub run: RunSummary,
}

/// Calculates a draft run: every live agreement of the cadence is paid
/// pro rata by days not yet paid up to the period's end, with waiting
/// adjustments and recoveries of days paid after an agreement ended.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/calculate", tag = "finance", request_body = VersionInput,
    params(("id" = i64, Path, description = "Payment run number")),
    responses((status = 200, body = Calculated), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn calculate(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<Calculated>, AppError> {
    let done = command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::calculate(cmd, &auth.can, id, input.version).await
    })
    .await?;
    Ok(Json(Calculated {
        lines: done.lines,
        adjustments: done.adjustments,
        total_pence: done.total.pence(),
        run: summary(&state, id).await?,
    }))
}

/// Approves a calculated run. The person who prepared it may not (422),
/// and a service token may not either (403): approval is a named person's.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/approve", tag = "finance", request_body = VersionInput,
    params(("id" = i64, Path, description = "Payment run number")),
    responses((status = 200, body = RunSummary), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Authorized<ApprovePayments>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<RunSummary>, AppError> {
    person_only(&auth, "a payment run is approved")?;
    command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::approve(cmd, &auth.can, id, input.version).await
    })
    .await?;
    Ok(Json(summary(&state, id).await?))
}

/// What a release did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReleasedOut {
    /// The idempotency key recorded with the payments.
    pub key: String,
    pub total_pence: i64,
    /// Ledger entries posted (journal `run:<id>`).
    pub entries: usize,
    pub run: RunSummary,
}

/// Releases an approved run for payment, exactly once: the key, the
/// balanced journal, the recharges and the new state commit together. A
/// second release is refused with 422 ("This run has already been released
/// …") and posts nothing.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/release", tag = "finance",
    params(("id" = i64, Path, description = "Payment run number")),
    responses((status = 200, body = ReleasedOut), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn release(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    Path(id): Path<i64>,
) -> Result<Json<ReleasedOut>, AppError> {
    let released = command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::release(cmd, &auth.can, id).await
    })
    .await?;
    Ok(Json(ReleasedOut {
        key: released.key,
        total_pence: released.total.pence(),
        entries: released.entries,
        run: summary(&state, id).await?,
    }))
}

/// The ledger export of a released run: the documented CSV
/// (`run_id,period_first,period_last,agreement_id,payee,cost_centre,element,first,last,days,amount`,
/// amounts in pounds with a point). The first export moves the run to
/// exported; every export is recorded in the audit trail, hence POST. A
/// run not yet released is refused with 422.
#[utoipa::path(post, path = "/api/v1/payment-runs/{id}/export", tag = "finance",
    params(("id" = i64, Path, description = "Payment run number")),
    responses((status = 200, body = String, content_type = "text/csv"), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn export(State(state): State<AppState>, auth: Authorized<ManageFinance>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let csv = command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::export(cmd, &auth.can, id).await
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"payment-run-{id}.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// What one payee is paid by a run, with the lines that make it up.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RemittanceOut {
    pub payee: PayeeOut,
    pub total_pence: i64,
    pub lines: Vec<RunLine>,
}

/// A remittance advice per payee.
#[utoipa::path(get, path = "/api/v1/payment-runs/{id}/remittances", tag = "finance",
    params(("id" = i64, Path, description = "Payment run number")),
    responses((status = 200, body = Vec<RemittanceOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remittances(
    State(state): State<AppState>,
    _auth: Authorized<ViewFinance>,
    Path(id): Path<i64>,
) -> Result<Json<Vec<RemittanceOut>>, AppError> {
    store::payment_runs::get(&state.store, id).await?;
    let names = store::payment_runs::payee_names(&state.store).await?;
    let advices = store::payment_runs::remittances(&state.store, id).await?;
    Ok(Json(
        advices
            .into_iter()
            .map(|advice| RemittanceOut {
                payee: PayeeOut::new(advice.remittance.payee, advice.payee_name),
                total_pence: advice.remittance.total.pence(),
                lines: advice.remittance.lines.iter().map(|l| run_line(l, &names)).collect(),
            })
            .collect(),
    ))
}
