//! The rest of the Gateway over the API: panel meetings, the matrix in
//! force, the dashboard figures and the caller's notifications.

use authz::cap::{RunPanels, UseHearth, WorkOnRequests};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::AppState;

/// A JSON document whose shape is the stored value (see the pages).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(value_type = Object)]
pub struct Document(serde_json::Value);

pub(crate) fn document(value: impl Serialize) -> Result<Json<Document>, AppError> {
    serde_json::to_value(value)
        .map(|v| Json(Document(v)))
        .map_err(|e| AppError::Internal(format!("serialising: {e}")))
}

/// Panel meetings to come and past.
#[utoipa::path(get, path = "/api/v1/panels", tag = "gateway", responses((status = 200, body = Document)))]
pub async fn panels(State(state): State<AppState>, _auth: Authorized<WorkOnRequests>) -> Result<Json<Document>, AppError> {
    let today = state.clock.today();
    document(serde_json::json!({
        "upcoming": store::panels::list(&state.store, today, true, 100).await?,
        "past": store::panels::list(&state.store, today, false, 100).await?,
    }))
}

/// One meeting: agenda with decisions, attendance, quorum and papers.
#[utoipa::path(get, path = "/api/v1/panels/{id}", tag = "gateway", params(("id" = i64, Path, description = "Meeting number")),
    responses((status = 200, body = Document), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn panel(
    State(state): State<AppState>,
    _auth: Authorized<WorkOnRequests>,
    Path(id): Path<i64>,
) -> Result<Json<Document>, AppError> {
    document(store::panels::find(&state.store, id).await?.ok_or(AppError::NotFound)?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    /// ISO 8601 date, today or later.
    pub meets_on: String,
    /// Panel members who must attend, 1 to 20.
    pub quorum: u32,
    #[serde(default)]
    pub papers: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedMeeting {
    pub id: i64,
}

/// Schedules a panel meeting.
#[utoipa::path(post, path = "/api/v1/panels", tag = "gateway", request_body = NewMeeting,
    responses((status = 201, body = CreatedMeeting), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn schedule(
    State(state): State<AppState>,
    auth: Authorized<RunPanels>,
    ApiJson(input): ApiJson<NewMeeting>,
) -> Result<(StatusCode, Json<CreatedMeeting>), AppError> {
    let meets_on = kernel::dates::parse_iso_date(&input.meets_on)
        .map_err(|_| AppError::invalid("meets_on", "Enter the meeting date as YYYY-MM-DD"))?;
    if meets_on < state.clock.today() {
        return Err(AppError::invalid("meets_on", "The meeting date has passed"));
    }
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::panels::schedule(&mut cmd, &auth.can, meets_on, input.quorum, &input.papers).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(CreatedMeeting { id })))
}

/// The delegated-authority matrix in force.
#[utoipa::path(get, path = "/api/v1/matrix", tag = "gateway", responses((status = 200, body = Document)))]
pub async fn matrix(State(state): State<AppState>, _auth: Authorized<UseHearth>) -> Result<Json<Document>, AppError> {
    document(store::matrices::in_force(&state.store, &state.config.matrix).await?)
}

/// Gateway dashboard figures.
#[utoipa::path(get, path = "/api/v1/gateway/dashboard", tag = "gateway", responses((status = 200, body = Document)))]
pub async fn dashboard(State(state): State<AppState>, _auth: Authorized<WorkOnRequests>) -> Result<Json<Document>, AppError> {
    document(store::gateway_board::dashboard(&state.store, state.clock.today()).await?)
}

/// The caller's newest notifications.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "gateway", responses((status = 200, body = Document)))]
pub async fn notifications(State(state): State<AppState>, auth: Authorized<UseHearth>) -> Result<Json<Document>, AppError> {
    // A service token is nobody in particular, so it has no notifications.
    let notifications = match auth.principal.actor.user_id() {
        Some(user) => store::notifications::notifications(&state.store, user, 100).await?,
        None => Vec::new(),
    };
    document(notifications)
}
