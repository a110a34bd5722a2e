//! Commissioning over the API, continued: frameworks with lots and members,
//! the consortium's feed in and the placements export out, settings,
//! vacancy returns and in-house households. Same store commands as the
//! pages; files travel as the request body in their documented format.

use authz::cap::{Commission, ViewProviders};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use contracts::frameworks::Scope;
use kernel::{Money, ProviderId, SettingId, UserId};
use placements::PlacementCategory;
use providers::foster::ApprovalType;
use providers::register::Setting;
use serde::{Deserialize, Serialize};
use store::frameworks::{ImportReport, NewMember};
use store::households::NewHousehold;

use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::Period;
use crate::AppState;

type Problem = crate::error::Problem;

fn date(field: &str, text: &str) -> Result<time::Date, AppError> {
    kernel::dates::parse_iso_date(text).map_err(|_| AppError::invalid(field, "Enter the date as YYYY-MM-DD"))
}

/// Runs one command for the API: committed whole, or nothing written.
async fn command<T>(
    state: &AppState,
    actor: authz::Actor,
    work: impl AsyncFnOnce(&mut store::Command) -> Result<T, store::StoreError>,
) -> Result<T, AppError> {
    let mut cmd = state.store.begin(actor, state.clock.as_ref()).await?;
    let value = work(&mut cmd).await?;
    cmd.commit().await?;
    Ok(value)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Every framework with its lots and members, past and present.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "commissioning", responses((status = 200, body = Document)))]
pub async fn list(State(state): State<AppState>, _auth: Authorized<ViewProviders>) -> Result<Json<Document>, AppError> {
    document(store::frameworks::list(&state.store).await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFramework {
    pub name: String,
    /// `regional` or `local`.
    pub scope: String,
    /// ISO 8601 dates; `ends_on` may be left out.
    pub starts_on: String,
    pub ends_on: Option<String>,
}

/// Lets a framework.
#[utoipa::path(post, path = "/api/v1/frameworks", tag = "commissioning", request_body = NewFramework,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    ApiJson(input): ApiJson<NewFramework>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let scope = input
        .scope
        .parse::<Scope>()
        .map_err(|_| AppError::invalid("scope", "Choose regional or local"))?;
    let starts_on = date("starts_on", &input.starts_on)?;
    let ends_on = input.ends_on.as_deref().map(|d| date("ends_on", d)).transpose()?;
    let id = command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::create(cmd, &auth.can, &input.name, scope, starts_on, ends_on).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLot {
    pub name: String,
    /// A placement category code, such as `childrens-home`.
    pub category: String,
}

/// Adds a lot to a framework.
#[utoipa::path(post, path = "/api/v1/frameworks/{id}/lots", tag = "commissioning", request_body = NewLot,
    params(("id" = i64, Path, description = "Framework number")),
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_lot(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<NewLot>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let category = PlacementCategory::ALL
        .into_iter()
        .find(|c| c.code() == input.category)
        .ok_or_else(|| AppError::invalid("category", "Choose a placement category code"))?;
    let id = command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::add_lot(cmd, &auth.can, id, &input.name, category).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlace {
    pub lot: i64,
    pub provider: i64,
    /// 1 (preferred) to 9.
    pub tier: u8,
    /// The core weekly rate in pence.
    pub weekly_rate_pence: i64,
    pub joined_on: String,
}

/// Puts a provider on a lot at a tier and rate.
#[utoipa::path(post, path = "/api/v1/frameworks/{id}/members", tag = "commissioning", request_body = NewPlace,
    params(("id" = i64, Path, description = "Framework number")),
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_member(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(_framework): Path<i64>,
    ApiJson(input): ApiJson<NewPlace>,
) -> Result<StatusCode, AppError> {
    let member = NewMember {
        lot: input.lot,
        provider: ProviderId::new(input.provider),
        tier: input.tier,
        weekly_rate: Money::from_pence(input.weekly_rate_pence),
        joined_on: date("joined_on", &input.joined_on)?,
    };
    command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::add_member(cmd, &auth.can, &member).await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Applies the consortium's feed, sent as the body in its CSV or JSON
/// format: whole, or (on any problem, each named by line and column)
/// not at all.
#[utoipa::path(post, path = "/api/v1/consortium/feed", tag = "commissioning", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Document), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_feed(State(state): State<AppState>, auth: Authorized<Commission>, body: String) -> Result<Json<Document>, AppError> {
    let feed = crate::pages::frameworks::read_feed(&body)
        .map_err(|problems| AppError::Invalid(crate::pages::settings::feed_errors("feed", &problems)))?;
    let today = state.clock.today();
    let report: ImportReport = command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::import_feed(cmd, &auth.can, &feed, today).await
    })
    .await?;
    document(report)
}

/// The placements the consortium receives, for a period (default: the
/// financial year to date); no names.
#[utoipa::path(get, path = "/api/v1/consortium/placements", tag = "commissioning",
    params(("from" = Option<String>, Query, description = "ISO date"), ("to" = Option<String>, Query, description = "ISO date")),
    responses((status = 200, body = Document)))]
pub async fn placements(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Query(period): Query<Period>,
) -> Result<Json<Document>, AppError> {
    document(crate::pages::frameworks::placements_export(&state, auth.can.actor(), &period).await?)
}

/// Adds a setting to a provider (the domain's `Setting`, as JSON).
#[utoipa::path(post, path = "/api/v1/providers/{id}/settings", tag = "commissioning", request_body = Document,
    params(("id" = i64, Path, description = "Provider number")),
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_setting(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<ProviderId>,
    ApiJson(setting): ApiJson<Setting>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let today = state.clock.today();
    let id = command(&state, auth.can.actor(), async |cmd| {
        store::providers::add_setting(cmd, &auth.can, id, &setting, today).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.get() })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingChange {
    /// The version read; a stale one is refused with 409.
    pub version: i64,
    /// Why the registration changed, kept in its history.
    #[serde(default)]
    pub note: String,
    #[schema(value_type = Object)]
    pub setting: Setting,
}

/// Changes a setting from the version read.
#[utoipa::path(put, path = "/api/v1/settings/{id}", tag = "commissioning", request_body = SettingChange,
    params(("id" = i64, Path, description = "Setting number")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_setting(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<SettingId>,
    ApiJson(input): ApiJson<SettingChange>,
) -> Result<StatusCode, AppError> {
    let today = state.clock.today();
    command(&state, auth.can.actor(), async |cmd| {
        store::providers::update_setting(cmd, &auth.can, id, input.version, &input.setting, &input.note, today).await
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub recorded: usize,
}

/// Records a vacancy return, sent as the body in its CSV format.
#[utoipa::path(post, path = "/api/v1/vacancies", tag = "commissioning", request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Recorded), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_vacancies(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    body: String,
) -> Result<(StatusCode, Json<Recorded>), AppError> {
    let vacancies = crate::pages::settings::read_vacancy_file(&state, &body)
        .await?
        .map_err(AppError::Invalid)?;
    command(&state, auth.can.actor(), async |cmd| {
        store::providers::record_vacancies(cmd, &auth.can, &vacancies, "imported").await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Recorded { recorded: vacancies.len() })))
}

/// The in-house households with their standing and supervision due.
#[utoipa::path(get, path = "/api/v1/households", tag = "commissioning", responses((status = 200, body = Document)))]
pub async fn households(State(state): State<AppState>, _auth: Authorized<ViewProviders>) -> Result<Json<Document>, AppError> {
    document(crate::pages::monitoring::MonitoringView::households(&state).await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    pub reference: String,
    pub name: String,
    /// mainstream, kinship-temporary, kinship or long-term.
    pub approval_type: String,
    pub approved_on: String,
    #[serde(default)]
    pub extended: bool,
    pub capacity: u32,
    pub age_min: u8,
    pub age_max: u8,
    pub supervising_worker: Option<i64>,
    pub postcode: String,
    /// Need codes the approval terms say the household can meet.
    #[serde(default)]
    pub accepts: Vec<String>,
}

/// Adds a household.
#[utoipa::path(post, path = "/api/v1/households", tag = "commissioning", request_body = HouseholdInput,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_household(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let household = NewHousehold {
        approval_type: input
            .approval_type
            .parse::<ApprovalType>()
            .map_err(|_| AppError::invalid("approval_type", "Choose mainstream, kinship-temporary, kinship or long-term"))?,
        approved_on: date("approved_on", &input.approved_on)?,
        reference: input.reference,
        name: input.name,
        extended: input.extended,
        capacity: input.capacity,
        age_min: input.age_min,
        age_max: input.age_max,
        supervising_worker: input.supervising_worker.map(UserId::new),
        postcode: input.postcode,
        accepts: providers::register::parse_needs(&input.accepts.join(" ")).map_err(|e| AppError::invalid("accepts", e))?,
    };
    let today = state.clock.today();
    let id = command(&state, auth.can.actor(), async |cmd| {
        store::households::create(cmd, &auth.can, &household, today).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The sufficiency picture for a period (default: the last twelve
/// months); counts under 5 are withheld as on the page.
#[utoipa::path(get, path = "/api/v1/sufficiency", tag = "commissioning",
    params(("from" = Option<String>, Query, description = "ISO date"), ("to" = Option<String>, Query, description = "ISO date")),
    responses((status = 200, body = Document), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn sufficiency(
    State(state): State<AppState>,
    _auth: Authorized<authz::cap::ViewAggregates>,
    Query(period): Query<Period>,
) -> Result<Json<Document>, AppError> {
    let (from, to, picture) = crate::pages::sufficiency::load(&state, &period).await?;
    document(crate::pages::sufficiency::as_json(from, to, &picture))
}
