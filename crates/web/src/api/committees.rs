//! Committees, packs, training records and the embedding dashboard over
//! the API: the same store calls, rules and readers as the pages.
//!
//! A pack's JSON is the figures it was generated from (recorded with it,
//! so they never move) and links to its print-ready HTML and workbook.

use authz::cap::{ClerkCommittees, ManageTraining, ViewAssurance};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use kernel::UserId;
use serde::Deserialize;
use store::committees::{NewMeeting, NewResolution};
use store::training::NewTraining;

use crate::api::agreements::Created;
use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::committees::CommitteeReader;
use crate::pages::training::TeamQuery;
use crate::AppState;

type Problem = crate::error::Problem;

fn date(field: &str, text: &str) -> Result<time::Date, AppError> {
    kernel::dates::parse_iso_date(text.trim()).map_err(|_| AppError::invalid(field, "Enter the date as YYYY-MM-DD"))
}

/// Every committee meeting, latest first.
#[utoipa::path(get, path = "/api/v1/committee-meetings", tag = "committees", responses((status = 200, body = Document)))]
pub async fn meetings(State(state): State<AppState>, _reader: CommitteeReader) -> Result<Json<Document>, AppError> {
    document(serde_json::json!({ "meetings": store::committees::meetings(&state.store).await? }))
}

/// A meeting to schedule.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub committee: String,
    /// ISO 8601 date.
    pub meets_on: String,
    pub title: String,
}

/// Schedules a meeting.
#[utoipa::path(post, path = "/api/v1/committee-meetings", tag = "committees", request_body = MeetingInput,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_meeting(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewMeeting {
        committee: input.committee,
        meets_on: date("meets_on", &input.meets_on)?,
        title: input.title,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::committees::create_meeting(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A meeting with its agenda, resolutions, what is due back and its packs.
#[utoipa::path(get, path = "/api/v1/committee-meetings/{id}", tag = "committees",
    responses((status = 200, body = Document), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn meeting(State(state): State<AppState>, _reader: CommitteeReader, Path(id): Path<i64>) -> Result<Json<Document>, AppError> {
    let meeting = store::committees::meeting(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let packs: Vec<serde_json::Value> = store::committees::packs(&state.store, id)
        .await?
        .into_iter()
        .map(|p| serde_json::json!({ "pack": p, "links": links(p.id) }))
        .collect();
    document(serde_json::json!({
        "meeting": meeting,
        "agenda": store::committees::agenda(&state.store, id).await?,
        "resolutions": store::committees::resolutions(&state.store, id).await?,
        "due_back": store::committees::resolutions_due(&state.store, id).await?,
        "packs": packs,
    }))
}

/// An agenda item to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaInput {
    pub title: String,
    /// The audit engagement the item is about.
    #[serde(default)]
    pub engagement_id: Option<i64>,
}

/// Adds an item to the end of a meeting's agenda.
#[utoipa::path(post, path = "/api/v1/committee-meetings/{id}/agenda-items", tag = "committees", request_body = AgendaInput,
    responses((status = 201, body = Created), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_agenda_item(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AgendaInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let item = store::committees::add_agenda_item(&mut cmd, &auth.can, id, &input.title, input.engagement_id).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id: item })))
}

/// A resolution to record.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionInput {
    pub text: String,
    #[serde(default)]
    pub agenda_item_id: Option<i64>,
    /// The audit action it asks for.
    #[serde(default)]
    pub action_id: Option<i64>,
    /// The later meeting it comes back to.
    #[serde(default)]
    pub due_meeting_id: Option<i64>,
}

/// Records a resolution; a due meeting must come after this one.
#[utoipa::path(post, path = "/api/v1/committee-meetings/{id}/resolutions", tag = "committees", request_body = ResolutionInput,
    responses((status = 201, body = Created), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_resolution(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResolutionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewResolution {
        text: input.text,
        agenda_item_id: input.agenda_item_id,
        action_id: input.action_id,
        due_meeting_id: input.due_meeting_id,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let resolution = store::committees::add_resolution(&mut cmd, &auth.can, id, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id: resolution })))
}

/// The version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    pub version: i64,
}

/// Marks an open resolution done, from the version read.
#[utoipa::path(post, path = "/api/v1/resolutions/{id}/done", tag = "committees", request_body = VersionInput,
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn complete_resolution(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<StatusCode, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::committees::complete_resolution(&mut cmd, &auth.can, id, input.version).await?;
    cmd.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

fn links(pack: i64) -> serde_json::Value {
    serde_json::json!({
        "self": format!("/api/v1/committee-packs/{pack}"),
        "html": format!("/committees/packs/{pack}"),
        "xlsx": format!("/committees/packs/{pack}.xlsx"),
    })
}

/// Generates and keeps a pack for the meeting from today's figures.
#[utoipa::path(post, path = "/api/v1/committee-meetings/{id}/packs", tag = "committees",
    responses((status = 201, body = Document), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn generate_pack(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Document>), AppError> {
    let pack = crate::pages::committees::generate(&state, &auth, id).await?;
    Ok((
        StatusCode::CREATED,
        document(serde_json::json!({ "id": pack, "links": links(pack) }))?,
    ))
}

/// A pack: when and by whom it was generated, the figures it shows, and
/// links to its print-ready HTML and its workbook.
#[utoipa::path(get, path = "/api/v1/committee-packs/{id}", tag = "committees",
    responses((status = 200, body = Document), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn pack(State(state): State<AppState>, _reader: CommitteeReader, Path(id): Path<i64>) -> Result<Json<Document>, AppError> {
    let pack = store::committees::pack(&state.store, id).await?.ok_or(AppError::NotFound)?;
    document(serde_json::json!({
        "pack": pack.summary,
        "figures": store::committees::pack_figures(&state.store, id).await?,
        "links": links(id),
    }))
}

/// Training records (one team's members' with `team`), and those expired
/// or expiring within 30 days.
#[utoipa::path(get, path = "/api/v1/training-records", tag = "training", params(TeamQuery),
    responses((status = 200, body = Document), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn training(
    State(state): State<AppState>,
    _auth: Authorized<ManageTraining>,
    Query(query): Query<TeamQuery>,
) -> Result<Json<Document>, AppError> {
    let today = state.clock.today();
    let records: Vec<serde_json::Value> = crate::pages::training::records(&state, query.team()?)
        .await?
        .into_iter()
        .map(|r| serde_json::json!({ "standing": r.standing(today), "record": r }))
        .collect();
    document(serde_json::json!({
        "required_courses": store::training::REQUIRED_COURSES,
        "records": records,
        "expiring": store::training::expiring(&state.store, today).await?,
    }))
}

/// A completed course to record.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingInput {
    pub user_id: i64,
    pub course: String,
    /// ISO 8601 date, not in the future.
    pub completed_on: String,
    /// ISO 8601 date, not before completion; leave out if it never expires.
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// Records a completed course.
#[utoipa::path(post, path = "/api/v1/training-records", tag = "training", request_body = TrainingInput,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_training(
    State(state): State<AppState>,
    auth: Authorized<ManageTraining>,
    ApiJson(input): ApiJson<TrainingInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewTraining {
        user_id: UserId::new(input.user_id),
        course: input.course,
        completed_on: date("completed_on", &input.completed_on)?,
        expires_on: input.expires_on.as_deref().map(|text| date("expires_on", text)).transpose()?,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::training::record(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Recording timeliness and completeness, and training coverage, by team.
#[utoipa::path(get, path = "/api/v1/embedding", tag = "assurance", responses((status = 200, body = Document)))]
pub async fn embedding(State(state): State<AppState>, _auth: Authorized<ViewAssurance>) -> Result<Json<Document>, AppError> {
    document(store::embedding::dashboard(&state.store, &state.rules()).await?)
}
