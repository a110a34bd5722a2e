//! Commissioning over the API: the provider register with accreditation
//! status, one provider whole, recording an accreditation review, the
//! monitoring schedule, and recording a monitoring event.

use authz::cap::{Commission, ViewProviders};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use contracts::monitoring::EventKind;
use kernel::ProviderId;
use providers::accreditation::{Finding, Review};
use serde::{Deserialize, Serialize};

use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::providers::register_lines;
use crate::AppState;

/// The provider register: every organisation with its status today.
#[utoipa::path(get, path = "/api/v1/providers", tag = "commissioning", responses((status = 200, body = Document)))]
pub async fn list(State(state): State<AppState>, _auth: Authorized<ViewProviders>) -> Result<Json<Document>, AppError> {
    document(register_lines(&state, state.clock.today()).await?)
}

/// One provider: organisation, settings, reviews and status.
#[utoipa::path(get, path = "/api/v1/providers/{id}", tag = "commissioning", params(("id" = i64, Path, description = "Provider number")),
    responses((status = 200, body = Document), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    _auth: Authorized<ViewProviders>,
    Path(id): Path<ProviderId>,
) -> Result<Json<Document>, AppError> {
    document(crate::pages::providers::ProviderView::load(&state, id).await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// A checklist item code, such as `insurance`.
    pub item: String,
    /// `met`, `met-with-conditions` or `not-met`.
    pub finding: String,
    /// What was seen: a document reference or certificate number.
    pub evidence: String,
    /// ISO 8601 dates.
    pub reviewed_on: String,
    pub expires_on: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    /// The provider's accreditation status after the review.
    pub status: String,
}

/// Parses a finding code.
pub fn finding(code: &str) -> Result<Finding, AppError> {
    match code {
        "met" => Ok(Finding::Met),
        "met-with-conditions" => Ok(Finding::MetWithConditions),
        "not-met" => Ok(Finding::NotMet),
        _ => Err(AppError::invalid("finding", "Choose met, met with conditions, or not met")),
    }
}

fn date(field: &str, text: &str) -> Result<time::Date, AppError> {
    kernel::dates::parse_iso_date(text).map_err(|_| AppError::invalid(field, "Enter the date as YYYY-MM-DD"))
}

/// Records a review of one checklist item.
#[utoipa::path(post, path = "/api/v1/providers/{id}/reviews", tag = "commissioning", request_body = NewReview,
    params(("id" = i64, Path, description = "Provider number")),
    responses((status = 201, body = Recorded), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<ProviderId>,
    ApiJson(input): ApiJson<NewReview>,
) -> Result<(StatusCode, Json<Recorded>), AppError> {
    let review = Review {
        item: input.item,
        finding: finding(&input.finding)?,
        evidence: input.evidence,
        reviewed_on: date("reviewed_on", &input.reviewed_on)?,
        expires_on: date("expires_on", &input.expires_on)?,
    };
    let today = state.clock.today();
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::accreditation::record_review(&mut cmd, &auth.can, id, &review, auth.principal.actor.user_id(), today).await?;
    let status = store::accreditation::status_of(cmd.conn(), id, today).await?;
    cmd.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Recorded {
            status: status.code().to_owned(),
        }),
    ))
}

/// The monitoring schedule and the comparison with in-house care.
#[utoipa::path(get, path = "/api/v1/monitoring", tag = "commissioning", responses((status = 200, body = Document)))]
pub async fn schedule(State(state): State<AppState>, _auth: Authorized<ViewProviders>) -> Result<Json<Document>, AppError> {
    let view = crate::pages::monitoring::MonitoringView::load(&state).await?;
    document(serde_json::json!({
        "schedule": view.schedule,
        "households": view.households,
        "external": view.external,
        "in_house": view.in_house,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    /// visit, reg-44, reg-45, ri-report, concern, incident or performance-notice.
    pub kind: String,
    /// ISO 8601 date.
    pub occurred_on: String,
    /// 1 (inadequate) to 4 (outstanding).
    pub quality_score: Option<u8>,
    pub summary: String,
    #[serde(default)]
    pub action: String,
    pub action_due: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedEvent {
    pub id: i64,
}

/// Records a visit, report, concern or notice about a placement.
#[utoipa::path(post, path = "/api/v1/monitoring/placements/{id}/events", tag = "commissioning", request_body = NewEvent,
    params(("id" = i64, Path, description = "Placement number")),
    responses((status = 201, body = CreatedEvent), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn record_event(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<NewEvent>,
) -> Result<(StatusCode, Json<CreatedEvent>), AppError> {
    let event = store::monitoring::NewEvent {
        subject: store::monitoring::Subject::Placement(id),
        kind: input
            .kind
            .parse::<EventKind>()
            .map_err(|_| AppError::invalid("kind", "Choose what kind of record this is"))?,
        occurred_on: date("occurred_on", &input.occurred_on)?,
        quality_score: input.quality_score,
        summary: input.summary,
        action: input.action,
        action_due: input.action_due.as_deref().map(|d| date("action_due", d)).transpose()?,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::monitoring::record_event(&mut cmd, &auth.can, &event, state.clock.today()).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(CreatedEvent { id })))
}
