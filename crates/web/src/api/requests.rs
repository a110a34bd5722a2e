//! Placement requests over the API: list, read, draft, change, take a step
//! and give an approval, with the same store functions and rules as the
//! pages. Request content is the `gateway::details::Details` shape.

use authz::cap::{RecordChildren, WorkOnRequests};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use gateway::details::Details;
use kernel::{ChildId, Money};
use serde::{Deserialize, Serialize};
use store::request_steps::StepContext;
use store::requests::{Filter, NewRequest, Request, Variation};

use crate::api::{ApiJson, Listing, Paging};
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::requests::{action_from, matrix_in_force, participant};
use crate::AppState;

/// A request as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestBody {
    /// The stored request: state, details, package elements, approvals.
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub request: Request,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RequestFilter {
    /// A state code such as `at-panel` or `awaiting-approval`.
    pub state: Option<String>,
    pub child_id: Option<i64>,
    /// Only emergency placements made out of hours.
    #[serde(default)]
    pub emergencies: bool,
}

/// Lists requests, newest first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "gateway", params(RequestFilter, Paging),
    responses((status = 200, body = Listing<RequestBody>), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Authorized<WorkOnRequests>,
    Query(filter): Query<RequestFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Listing<RequestBody>>, AppError> {
    let state_filter = match filter.state.as_deref() {
        None | Some("") => None,
        Some(code) => Some(
            serde_json::from_value(serde_json::Value::String(code.to_owned()))
                .map_err(|_| AppError::invalid("state", format!("Unknown request state '{code}'")))?,
        ),
    };
    let query = Filter {
        state: state_filter,
        child: filter.child_id.map(ChildId::new),
        requester: None,
        emergencies_only: filter.emergencies,
    };
    let page = store::requests::list(&state.store, &query, paging.request()).await?;
    Ok(Json(Listing {
        total: page.total,
        page: page.request.page,
        per_page: page.request.per_page,
        items: page.items.into_iter().map(|request| RequestBody { request }).collect(),
    }))
}

/// One request with its package and approvals.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "gateway", params(("id" = i64, Path, description = "Request number")),
    responses((status = 200, body = RequestBody), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    _auth: Authorized<WorkOnRequests>,
    Path(id): Path<i64>,
) -> Result<Json<RequestBody>, AppError> {
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(RequestBody { request }))
}

/// A new draft request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestInput {
    pub child_id: i64,
    /// urgency, category, suitable, siblings_together, location, education,
    /// needs, risks, elements [{kind, weekly (pence), note}], justification,
    /// out_of_area, at_distance, unregistered, dol_order,
    /// regulator_notified_on, override_reasons.
    #[schema(value_type = Object)]
    pub details: Details,
    /// ISO date of an emergency placement already made out of hours.
    #[schema(value_type = Option<String>)]
    pub emergency_placed_on: Option<time::Date>,
    /// {of: request id, kind: extension | cost-increase | change-of-placement}
    #[schema(value_type = Option<Object>)]
    pub variation: Option<Variation>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedRequest {
    pub id: i64,
}

/// Saves a draft request; the caller is its requester.
#[utoipa::path(post, path = "/api/v1/requests", tag = "gateway", request_body = NewRequestInput,
    responses((status = 201, body = CreatedRequest), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authorized<RecordChildren>,
    ApiJson(input): ApiJson<NewRequestInput>,
) -> Result<(StatusCode, Json<CreatedRequest>), AppError> {
    let child = ChildId::new(input.child_id);
    store::children::find(&state.store, child)
        .await?
        .ok_or_else(|| AppError::invalid("child_id", "There is no child with that id"))?;
    let new = NewRequest {
        child,
        details: input.details,
        emergency_placed_on: input.emergency_placed_on,
        variation: input.variation,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::requests::create_draft(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(CreatedRequest { id })))
}

/// Changed content for a draft or a request sent back for information.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeInput {
    /// The version read; a stale version is refused with 409.
    pub version: i64,
    #[schema(value_type = Object)]
    pub details: Details,
}

/// Changes a request's content (its requester only).
#[utoipa::path(put, path = "/api/v1/requests/{id}", tag = "gateway", params(("id" = i64, Path, description = "Request number")), request_body = ChangeInput,
    responses((status = 200, body = RequestBody), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn change(
    State(state): State<AppState>,
    auth: Authorized<RecordChildren>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ChangeInput>,
) -> Result<Json<RequestBody>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let request = store::requests::update_details(&mut cmd, &auth.can, id, input.version, &input.details).await?;
    cmd.commit().await?;
    Ok(Json(RequestBody { request }))
}

/// One step in the request's lifecycle.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    /// submit, endorse, return, triage, list, approve, decline, defer,
    /// information, provide or withdraw.
    pub action: String,
    /// The panel's reasons (required for panel decisions).
    pub reasons: Option<String>,
    /// Conditions of a panel approval.
    pub conditions: Option<String>,
    /// The weekly cost the panel agrees, in pence, if not the requested cost.
    pub agreed_weekly_cost_pence: Option<i64>,
    /// The panel meeting to list the request on (action `list`).
    pub meeting: Option<i64>,
}

/// Takes a step: the same rules as the request page.
#[utoipa::path(post, path = "/api/v1/requests/{id}/steps", tag = "gateway", params(("id" = i64, Path, description = "Request number")), request_body = StepInput,
    responses((status = 200, body = RequestBody), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn step(
    State(state): State<AppState>,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<StepInput>,
) -> Result<Json<RequestBody>, AppError> {
    let action = action_from(&input.action).ok_or_else(|| AppError::invalid("action", format!("Unknown action '{}'", input.action)))?;
    let matrix = matrix_in_force(&state).await?;
    let context = StepContext {
        matrix: &matrix,
        nation: state.calendar.nation(),
        today: state.clock.today(),
        reasons: input.reasons.as_deref(),
        conditions: input.conditions.as_deref(),
        agreed_weekly_cost: input.agreed_weekly_cost_pence.map(Money::from_pence),
        meeting: input.meeting,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let request = store::request_steps::act(&mut cmd, id, &participant(&auth.principal), action, &context).await?;
    cmd.commit().await?;
    Ok(Json(RequestBody { request }))
}

/// Gives the next approval the matrix requires.
#[utoipa::path(post, path = "/api/v1/requests/{id}/approvals", tag = "gateway", params(("id" = i64, Path, description = "Request number")),
    responses((status = 200, body = RequestBody), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<i64>,
) -> Result<Json<RequestBody>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let request = store::request_steps::approve(&mut cmd, id, &participant(&auth.principal)).await?;
    cmd.commit().await?;
    Ok(Json(RequestBody { request }))
}
