//! Budgets, the forecast and recharges over the API: the same store calls
//! and the same scope as the pages (a head of service's token sees only the
//! lines that person holds). Amounts are whole pence.

use authz::cap::{ManageFinance, ViewFinance};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use kernel::{Money, UserId};
use serde::Deserialize;
use store::budgets::NewBudget;

use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::budgets::{visible, YearQuery};
use crate::pages::forecast::{Scope, WhatIfQuery};
use crate::AppState;

type Problem = crate::error::Problem;

/// The current financial year's forecast by cost centre (budget, actual to
/// date, committed, forecast outturn, variance; negative is an overspend),
/// commitments by placement type and by payee, and with `uplift` the
/// extra cost of that price uplift from `from` to 31 March.
#[utoipa::path(get, path = "/api/v1/forecast", tag = "finance", params(WhatIfQuery),
    responses((status = 200, body = Document), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn forecast(
    State(state): State<AppState>,
    auth: Authorized<ViewFinance>,
    Query(query): Query<WhatIfQuery>,
) -> Result<Json<Document>, AppError> {
    let loaded = crate::pages::forecast::load(&state, &auth.principal, &query).await?;
    if !loaded.errors.is_empty() {
        return Err(AppError::Invalid(loaded.errors));
    }
    document(serde_json::json!({
        "holder_view": loaded.scope.is_holder(),
        "forecast": loaded.forecast,
        "what_if": loaded.what_if,
    }))
}

/// The year's budgets (default: the current year), each with its holder
/// and version.
#[utoipa::path(get, path = "/api/v1/budgets", tag = "finance", params(YearQuery),
    responses((status = 200, body = Document), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn budgets(
    State(state): State<AppState>,
    auth: Authorized<ViewFinance>,
    Query(query): Query<YearQuery>,
) -> Result<Json<Document>, AppError> {
    let year_start = query.year_start(state.clock.today())?;
    document(serde_json::json!({
        "year_start": kernel::dates::format_iso_date(year_start),
        "budgets": visible(&state, Scope::of(&auth.principal), year_start).await?,
    }))
}

/// A budget to set, or to change from the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetInput {
    /// 1 April of the financial year (ISO 8601 date).
    #[schema(value_type = String)]
    pub year_start: time::Date,
    /// Stored upper-case, such as CSC-RES.
    pub cost_centre: String,
    /// The user who holds the budget, normally a head of service.
    #[serde(default)]
    pub holder_id: Option<i64>,
    /// Not negative.
    pub amount_pence: i64,
    /// Leave out to create; the version read to change (a stale one is 409).
    #[serde(default)]
    pub version: Option<i64>,
}

/// Sets a budget (201) or changes one from the version read (200).
#[utoipa::path(post, path = "/api/v1/budgets", tag = "finance", request_body = BudgetInput,
    responses((status = 201, body = Document), (status = 200, body = Document),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_budget(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    ApiJson(input): ApiJson<BudgetInput>,
) -> Result<(StatusCode, Json<Document>), AppError> {
    let new = NewBudget {
        year_start: input.year_start,
        cost_centre: input.cost_centre,
        holder_id: input.holder_id.map(UserId::new),
        amount: Money::from_pence(input.amount_pence),
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::budgets::set_budget(&mut cmd, &auth.can, &new, input.version).await?;
    cmd.commit().await?;
    let stored = store::budgets::budgets(&state.store, input.year_start)
        .await?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(AppError::NotFound)?;
    let status = if input.version.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, document(stored)?))
}

/// The year's recharges to education and health by partner and run, with
/// the per-agreement detail.
#[utoipa::path(get, path = "/api/v1/recharges", tag = "finance", params(YearQuery),
    responses((status = 200, body = Document), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn recharges(
    State(state): State<AppState>,
    _auth: Authorized<ViewFinance>,
    Query(query): Query<YearQuery>,
) -> Result<Json<Document>, AppError> {
    document(crate::pages::recharges::load(&state, &query).await?)
}
