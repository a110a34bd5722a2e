//! Internal audit over the API: plans with their engagements, one
//! engagement whole (tests and samples, workpapers without their bytes,
//! findings, responses, actions, the indicative opinion), and the writes
//! an audit system or a manager's tool needs: adding plans and
//! engagements, drawing samples, recording findings, responding, agreeing
//! actions and updating them. The same store functions and rules as the
//! pages; refusals come back as problem details naming the field.

use assurance::opinion::FindingRating;
use assurance::{Area, ControlId};
use authz::cap::{ConductAudits, RespondToAudits, ViewAssurance};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use kernel::UserId;
use serde::Deserialize;
use store::audit_actions::{ActionUpdate, NewAction};
use store::audit_findings::{FindingKind, NewFinding};
use store::audit_samples::{NewTest, PopulationKind, SampleMethod};
use store::internal_audit::{NewEngagement, NewPlan};

use crate::api::agreements::Created;
use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::audit_actions::{filtered, ActionFilter};
use crate::pages::engagement_page::EngagementView;
use crate::pages::internal_audit::plan_groups;
use crate::AppState;

/// Every plan, latest year first, each with its engagements.
#[utoipa::path(get, path = "/api/v1/audit-plans", tag = "assurance", responses((status = 200, body = Document)))]
pub async fn plans(State(state): State<AppState>, _auth: Authorized<ViewAssurance>) -> Result<Json<Document>, AppError> {
    document(plan_groups(&state).await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// 1 April of the plan's year (ISO 8601 date).
    #[schema(value_type = String)]
    pub year_start: time::Date,
    pub title: String,
}

/// Adds the plan for a year; a year has one plan.
#[utoipa::path(post, path = "/api/v1/audit-plans", tag = "assurance", request_body = PlanInput,
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create_plan(
    State(state): State<AppState>,
    auth: Authorized<ConductAudits>,
    ApiJson(input): ApiJson<PlanInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewPlan {
        year_start: input.year_start,
        title: input.title,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::internal_audit::create_plan(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementInput {
    pub plan_id: i64,
    pub title: String,
    /// assessments, gatekeeping, commissioning, contracts, monitoring, finance or data-quality.
    #[schema(value_type = String)]
    pub area: Area,
    pub scope: String,
    /// ISO 8601 date inside the plan's year.
    #[schema(value_type = String)]
    pub starts_on: time::Date,
    /// ISO 8601 date, not before `starts_on`.
    #[schema(value_type = String)]
    pub ends_on: time::Date,
    #[serde(default)]
    pub lead_id: Option<i64>,
    /// The rest of the team, by user id.
    #[serde(default)]
    pub team: Vec<i64>,
    /// The earlier, complete engagement this one follows up.
    #[serde(default)]
    pub follow_up_of: Option<i64>,
}

/// Adds an engagement to a plan, planned.
#[utoipa::path(post, path = "/api/v1/engagements", tag = "assurance", request_body = EngagementInput,
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create_engagement(
    State(state): State<AppState>,
    auth: Authorized<ConductAudits>,
    ApiJson(input): ApiJson<EngagementInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewEngagement {
        plan_id: input.plan_id,
        title: input.title,
        area: input.area,
        scope: input.scope,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        lead: input.lead_id.map(UserId::new),
        team: input.team.into_iter().map(UserId::new).collect(),
        follow_up_of: input.follow_up_of,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::internal_audit::create_engagement(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One engagement with its tests, workpapers, findings and actions.
#[utoipa::path(get, path = "/api/v1/engagements/{id}", tag = "assurance", params(("id" = i64, Path, description = "Engagement number")),
    responses((status = 200, body = Document), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn engagement(
    State(state): State<AppState>,
    _auth: Authorized<ViewAssurance>,
    Path(id): Path<i64>,
) -> Result<Json<Document>, AppError> {
    document(EngagementView::load(&state, id).await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestInput {
    pub title: String,
    /// A library control such as GK-01.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub control_id: Option<ControlId>,
    /// placements, payment-lines, service-agreements or requests.
    #[schema(value_type = String)]
    pub population: PopulationKind,
    /// The period (ISO 8601 dates): required for payment lines.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub from: Option<time::Date>,
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub to: Option<time::Date>,
    /// random or stratified.
    #[schema(value_type = String)]
    pub method: SampleMethod,
    pub size: i64,
    /// Omit to draw one from the clock; it is recorded either way.
    #[serde(default)]
    pub seed: Option<i64>,
}

/// Draws a sample from live data and stores the test; returns it whole.
#[utoipa::path(post, path = "/api/v1/engagements/{id}/tests", tag = "assurance", request_body = TestInput,
    params(("id" = i64, Path, description = "Engagement number")),
    responses((status = 201, body = Document), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn draw(
    State(state): State<AppState>,
    auth: Authorized<ConductAudits>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TestInput>,
) -> Result<(StatusCode, Json<Document>), AppError> {
    let new = NewTest {
        title: input.title,
        control_id: input.control_id,
        kind: input.population,
        from: input.from,
        to: input.to,
        method: input.method,
        size: input.size,
        seed: input.seed,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let test = store::audit_samples::draw_sample(&mut cmd, &auth.can, id, &new).await?;
    cmd.commit().await?;
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    Ok((StatusCode::CREATED, document(store::audit_samples::test(&mut conn, test).await?)?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    /// finding or strength.
    #[schema(value_type = String)]
    pub kind: FindingKind,
    /// significant, moderate or minor; required for a finding, absent for a strength.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub rating: Option<FindingRating>,
    pub title: String,
    pub detail: String,
    #[serde(default)]
    pub recommendation: String,
    /// Library control ids such as GK-01.
    #[serde(default)]
    pub controls: Vec<String>,
}

/// Records a finding or an area of strength.
#[utoipa::path(post, path = "/api/v1/engagements/{id}/findings", tag = "assurance", request_body = FindingInput,
    params(("id" = i64, Path, description = "Engagement number")),
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn record_finding(
    State(state): State<AppState>,
    auth: Authorized<ConductAudits>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FindingInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewFinding {
        kind: input.kind,
        rating: input.rating,
        title: input.title,
        detail: input.detail,
        recommendation: input.recommendation,
        controls: input.controls,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::audit_findings::record(&mut cmd, &auth.can, id, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    pub response: String,
    /// The finding's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// Management's response to a finding.
#[utoipa::path(post, path = "/api/v1/findings/{id}/response", tag = "assurance", request_body = ResponseInput,
    params(("id" = i64, Path, description = "Finding number")),
    responses((status = 200, body = Document), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn respond(
    State(state): State<AppState>,
    auth: Authorized<RespondToAudits>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResponseInput>,
) -> Result<Json<Document>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::audit_findings::respond(&mut cmd, &auth.can, id, input.version, &input.response).await?;
    cmd.commit().await?;
    document(store::audit_findings::get(&state.store, id).await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub description: String,
    pub owner_id: i64,
    /// ISO 8601 date, today or later.
    #[schema(value_type = String)]
    pub target_on: time::Date,
}

/// Agrees an action for a finding.
#[utoipa::path(post, path = "/api/v1/findings/{id}/actions", tag = "assurance", request_body = ActionInput,
    params(("id" = i64, Path, description = "Finding number")),
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn agree_action(
    State(state): State<AppState>,
    auth: Authorized<RespondToAudits>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ActionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewAction {
        description: input.description,
        owner: UserId::new(input.owner_id),
        target_on: input.target_on,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::audit_actions::create(&mut cmd, &auth.can, id, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInput {
    /// What has happened; the reason when the target moves.
    pub note: String,
    /// A new target (ISO 8601 date, not in the past).
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub revised_target: Option<time::Date>,
    #[serde(default)]
    pub completed: bool,
    /// The action's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// Updates an action: only its owner, a head of service or a director may.
#[utoipa::path(post, path = "/api/v1/actions/{id}/updates", tag = "assurance", request_body = UpdateInput,
    params(("id" = i64, Path, description = "Action number")),
    responses((status = 200, body = Document), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn update_action(
    State(state): State<AppState>,
    auth: Authorized<RespondToAudits>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UpdateInput>,
) -> Result<Json<Document>, AppError> {
    let update = ActionUpdate {
        note: input.note,
        revised_target: input.revised_target,
        completed: input.completed,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::audit_actions::add_update(&mut cmd, &auth.can, &auth.principal, id, input.version, &update).await?;
    cmd.commit().await?;
    document(store::audit_actions::get(&state.store, id, state.clock.today()).await?)
}

/// Every action with its RAG status and escalation today, filtered by `show`.
#[utoipa::path(get, path = "/api/v1/actions", tag = "assurance", params(ActionFilter), responses((status = 200, body = Document)))]
pub async fn actions(
    State(state): State<AppState>,
    _auth: Authorized<ViewAssurance>,
    Query(filter): Query<ActionFilter>,
) -> Result<Json<Document>, AppError> {
    document(filtered(&state, &filter).await?)
}
