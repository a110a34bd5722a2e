//! In-house carers over the API: carer fees (the list with the in-house
//! placements still without one, proposing a fee level, and the decision
//! by someone other than the proposer) and the allowance tables (one per
//! financial year, never edited, carried to every live carer agreement).
//!
//! The rules are the store's; its refusals come back as problem details
//! naming the field. Amounts are whole pence in fields named `*_pence`.

use authz::cap::{ApprovePayments, ManageFinance, ViewFinance};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use finance::allowances::{AgeBand, AllowanceTable, FeeLevel};
use kernel::Money;
use serde::{Deserialize, Serialize};
use store::carer_fees::{CarerFee, NewFee, Unfeed};
use store::StoreError;
use time::Date;

use crate::api::finance::{command, person_only, Created};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::{AppError, Problem};
use crate::AppState;

/// A carer fee proposal or decision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CarerFeeOut {
    pub id: i64,
    /// Give this back with a decision; a stale version is refused with 409.
    pub version: i64,
    pub placement_id: i64,
    pub household_id: i64,
    pub household: String,
    pub la_child_id: String,
    pub fee_level: u8,
    pub reason: String,
    /// proposed, approved or rejected.
    pub state: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
}

impl From<CarerFee> for CarerFeeOut {
    fn from(f: CarerFee) -> CarerFeeOut {
        CarerFeeOut {
            id: f.id,
            version: f.version,
            placement_id: f.placement_id,
            household_id: f.household_id,
            household: f.household,
            la_child_id: f.la_child_id,
            fee_level: f.fee_level,
            reason: f.reason,
            state: f.state,
            proposed_by: f.proposed_by_name,
            decided_by: f.decided_by_name,
        }
    }
}

/// A live in-house fostering placement with no fee in play.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WithoutFee {
    pub placement_id: i64,
    pub la_child_id: String,
    #[schema(value_type = String, format = Date)]
    pub start: Date,
}

impl From<Unfeed> for WithoutFee {
    fn from(u: Unfeed) -> WithoutFee {
        WithoutFee {
            placement_id: u.placement_id,
            la_child_id: u.la_child_id,
            start: u.start,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CarerFees {
    /// Every proposal, newest first.
    pub fees: Vec<CarerFeeOut>,
    pub without_fee: Vec<WithoutFee>,
}

/// Every carer fee, and the in-house placements still without one.
#[utoipa::path(get, path = "/api/v1/carer-fees", tag = "finance", responses((status = 200, body = CarerFees)))]
pub async fn list_fees(State(state): State<AppState>, _auth: Authorized<ViewFinance>) -> Result<Json<CarerFees>, AppError> {
    let fees = store::carer_fees::list(&state.store).await?;
    let without = store::carer_fees::placements_without_fee(&state.store, state.clock.today()).await?;
    Ok(Json(CarerFees {
        fees: fees.into_iter().map(CarerFeeOut::from).collect(),
        without_fee: without.into_iter().map(WithoutFee::from).collect(),
    }))
}

/// A proposed fee level for an in-house placement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeeInput {
    pub placement_id: i64,
    pub household_id: i64,
    /// A level in the allowance tables, or 0 for no fee.
    pub fee_level: u8,
    /// Why this level.
    pub reason: String,
}

/// Proposes the carer fee; nothing is paid until another person approves
/// it. Only a person (a personal token) can propose.
#[utoipa::path(post, path = "/api/v1/carer-fees", tag = "finance", request_body = NewFeeInput,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn propose_fee(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    ApiJson(input): ApiJson<NewFeeInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewFee {
        placement_id: input.placement_id,
        household_id: input.household_id,
        fee_level: input.fee_level,
        reason: input.reason,
    };
    let id = command(&state, auth.can.actor(), async |cmd| {
        store::carer_fees::propose(cmd, &auth.can, &new).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A decision at the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// true approves, false rejects.
    pub approve: bool,
    /// The version as read; a stale version is refused with 409.
    pub version: i64,
}

/// Approves or rejects a proposed fee. The proposer may not (422), and a
/// service token may not either (403): a decision is a named person's.
#[utoipa::path(post, path = "/api/v1/carer-fees/{id}/decision", tag = "finance", request_body = DecisionInput,
    params(("id" = i64, Path, description = "Carer fee number")),
    responses((status = 200, body = CarerFeeOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_fee(
    State(state): State<AppState>,
    auth: Authorized<ApprovePayments>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<CarerFeeOut>, AppError> {
    person_only(&auth, "a carer fee is decided")?;
    command(&state, auth.can.actor(), async |cmd| {
        store::carer_fees::decide(cmd, &auth.can, id, input.version, input.approve).await
    })
    .await?;
    let mut conn = state.store.pool().acquire().await.map_err(StoreError::from)?;
    Ok(Json(store::carer_fees::load(&mut conn, id).await?.into()))
}

/// The weekly allowance for children aged `age_from` to `age_to` inclusive.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeBandJson {
    pub age_from: u8,
    pub age_to: u8,
    pub weekly_pence: i64,
}

/// The weekly fee at one level (level 0, no fee, needs no entry).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeLevelJson {
    pub level: u8,
    pub weekly_pence: i64,
}

/// One financial year's allowances and fees, in force from `year_start`
/// (a 1 April) until the next table. The domain's `AllowanceTable`, with
/// amounts named `weekly_pence`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowanceTableJson {
    #[schema(value_type = String, format = Date)]
    pub year_start: Date,
    pub bands: Vec<AgeBandJson>,
    #[serde(default)]
    pub fee_levels: Vec<FeeLevelJson>,
}

impl From<AllowanceTable> for AllowanceTableJson {
    fn from(t: AllowanceTable) -> AllowanceTableJson {
        AllowanceTableJson {
            year_start: t.year_start,
            bands: t
                .bands
                .iter()
                .map(|b| AgeBandJson {
                    age_from: b.age_from,
                    age_to: b.age_to,
                    weekly_pence: b.weekly.pence(),
                })
                .collect(),
            fee_levels: t
                .fee_levels
                .iter()
                .map(|f| FeeLevelJson {
                    level: f.level,
                    weekly_pence: f.weekly.pence(),
                })
                .collect(),
        }
    }
}

impl From<AllowanceTableJson> for AllowanceTable {
    fn from(t: AllowanceTableJson) -> AllowanceTable {
        AllowanceTable {
            year_start: t.year_start,
            bands: t
                .bands
                .iter()
                .map(|b| AgeBand {
                    age_from: b.age_from,
                    age_to: b.age_to,
                    weekly: Money::from_pence(b.weekly_pence),
                })
                .collect(),
            fee_levels: t
                .fee_levels
                .iter()
                .map(|f| FeeLevel {
                    level: f.level,
                    weekly: Money::from_pence(f.weekly_pence),
                })
                .collect(),
        }
    }
}

/// Every allowance table, oldest year first.
#[utoipa::path(get, path = "/api/v1/allowance-tables", tag = "finance", responses((status = 200, body = Vec<AllowanceTableJson>)))]
pub async fn list_tables(State(state): State<AppState>, _auth: Authorized<ViewFinance>) -> Result<Json<Vec<AllowanceTableJson>>, AppError> {
    let tables = store::carer_fees::all_tables(&state.store).await?;
    Ok(Json(tables.into_iter().map(AllowanceTableJson::from).collect()))
}

/// Saves a financial year's table, once (a change is next year's table,
/// never an edit), and carries it to every live carer agreement as rate
/// lines from the year's start.
#[utoipa::path(post, path = "/api/v1/allowance-tables", tag = "finance", request_body = AllowanceTableJson,
    responses((status = 201, body = AllowanceTableJson), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_table(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    ApiJson(input): ApiJson<AllowanceTableJson>,
) -> Result<(StatusCode, Json<AllowanceTableJson>), AppError> {
    let table = AllowanceTable::from(input);
    command(&state, auth.can.actor(), async |cmd| {
        store::carer_fees::save_table(cmd, &auth.can, &table).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(table.into())))
}
