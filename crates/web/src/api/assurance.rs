//! Controls monitoring over the API: the state of control (every control
//! with its last pass and trend, each area's level on the council's scale),
//! a pass on demand, the exceptions (filtered as on the pages), and
//! assigning and resolving one. The same store functions and rules as the
//! pages: resolving needs a person, a reason, evidence and the current
//! version.

use authz::cap::{ViewAssurance, WorkOnExceptions};
use axum::extract::{Path, Query, State};
use axum::Json;
use kernel::UserId;
use serde::Deserialize;
use store::controls::Resolution;

use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::assurance::overview;
use crate::pages::control_exceptions::{filtered, Filter};
use crate::AppState;

/// The controls library with the last pass, the trend, and each area's level.
#[utoipa::path(get, path = "/api/v1/controls", tag = "assurance", responses((status = 200, body = Document)))]
pub async fn controls(State(state): State<AppState>, _auth: Authorized<ViewAssurance>) -> Result<Json<Document>, AppError> {
    document(overview(&state).await?)
}

/// Runs every control over all data now; returns what the pass found.
#[utoipa::path(post, path = "/api/v1/controls/run", tag = "assurance", responses((status = 200, body = Document)))]
pub async fn run(State(state): State<AppState>, _auth: Authorized<WorkOnExceptions>) -> Result<Json<Document>, AppError> {
    document(crate::assurance_pass::run_pass(&state).await?)
}

/// Exceptions, oldest first: `state` open (default), resolved, cleared or
/// all; `control` a control id such as GK-01; `area`; `assigned=me`.
#[utoipa::path(get, path = "/api/v1/control-exceptions", tag = "assurance",
    params(("control" = Option<String>, Query, description = "A control id, e.g. GK-01"),
           ("area" = Option<String>, Query, description = "An area code, e.g. gatekeeping"),
           ("state" = Option<String>, Query, description = "open (default), resolved, cleared or all"),
           ("assigned" = Option<String>, Query, description = "`me` for the caller's own")),
    responses((status = 200, body = Document)))]
pub async fn exceptions(
    State(state): State<AppState>,
    auth: Authorized<ViewAssurance>,
    Query(filter): Query<Filter>,
) -> Result<Json<Document>, AppError> {
    document(filtered(&state, &filter, auth.principal.actor.user_id()).await?)
}

/// Who will put an exception right.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    pub assigned_to: i64,
    pub version: i64,
}

/// Assigns an exception to a person.
#[utoipa::path(post, path = "/api/v1/control-exceptions/{id}/assign", tag = "assurance", request_body = AssignInput,
    params(("id" = i64, Path, description = "Exception number")),
    responses((status = 200, body = Document), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn assign(
    State(state): State<AppState>,
    auth: Authorized<WorkOnExceptions>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AssignInput>,
) -> Result<Json<Document>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::controls::assign(&mut cmd, &auth.can, id, input.version, UserId::new(input.assigned_to)).await?;
    cmd.commit().await?;
    document(store::controls::exception(&state.store, id).await?)
}

/// What was done about an exception and the evidence.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub resolution: String,
    pub evidence: String,
    pub version: i64,
}

/// Resolves an exception (a person only).
#[utoipa::path(post, path = "/api/v1/control-exceptions/{id}/resolve", tag = "assurance", request_body = ResolveInput,
    params(("id" = i64, Path, description = "Exception number")),
    responses((status = 200, body = Document), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn resolve(
    State(state): State<AppState>,
    auth: Authorized<WorkOnExceptions>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResolveInput>,
) -> Result<Json<Document>, AppError> {
    let how = Resolution {
        resolution: input.resolution,
        evidence: input.evidence,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::controls::resolve(&mut cmd, &auth.can, id, input.version, &how).await?;
    cmd.commit().await?;
    document(store::controls::exception(&state.store, id).await?)
}
