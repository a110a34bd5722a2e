//! Creating children's records and changing their care history over the
//! API, with the same checks as the pages.

use authz::cap::RecordChildren;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kernel::{ChildId, Money};
use serde::{Deserialize, Serialize};
use store::care_history::{HistoryChange, PlacementDetails};
use store::children::NewChild;

use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::pages::record_new::{check, Fields};
use crate::AppState;

/// A new child's record.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChildInput {
    /// The council's id: up to 20 letters, numbers and hyphens; never reused.
    pub la_child_id: String,
    pub given_names: String,
    pub family_name: String,
    /// ISO 8601 date; with `birth_day_unknown` the 15th of the month is recorded.
    pub date_of_birth: String,
    #[serde(default)]
    pub birth_day_unknown: bool,
    /// SEX code for the current collection year (M, F or U).
    pub sex: String,
    #[serde(default = "not_recorded")]
    pub gender_identity: String,
    /// DfE ethnicity code, e.g. WBRI.
    pub ethnicity: String,
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    #[serde(default)]
    pub uasc: bool,
    #[serde(default)]
    pub disabilities: Vec<String>,
    /// Create even though possible duplicates exist (after checking them).
    #[serde(default)]
    pub confirm_new: bool,
}

fn not_recorded() -> String {
    "not-recorded".to_owned()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
    pub la_child_id: String,
}

/// Creates a child's record. Possible duplicates (same UPN or NHS number,
/// or same date of birth and a similar name) are refused with 409 unless
/// `confirm_new` is true.
#[utoipa::path(post, path = "/api/v1/children", tag = "children", request_body = NewChildInput,
    responses((status = 201, body = Created), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authorized<RecordChildren>,
    ApiJson(input): ApiJson<NewChildInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let fields = Fields {
        la_child_id: input.la_child_id.clone(),
        given_names: input.given_names.trim().to_owned(),
        family_name: input.family_name.trim().to_owned(),
        date_of_birth: input.date_of_birth.clone(),
        sex: input.sex.clone(),
        gender_identity: input.gender_identity.clone(),
        ethnicity: input.ethnicity.clone(),
        upn: input.upn.clone().unwrap_or_default(),
        nhs_number: input.nhs_number.clone().unwrap_or_default(),
        birth_day_unknown: input.birth_day_unknown,
        uasc: input.uasc,
        uasc_ceased: String::new(),
        disabilities: input.disabilities.clone(),
        version: 0,
    };
    let mut errors = Vec::new();
    let la_child_id = children::LaChildId::parse(&fields.la_child_id)
        .map_err(|e| errors.push(FieldError::new("la_child_id", e.to_string())))
        .ok();
    let checked = check(&state, &fields, &mut errors);
    let (Some(la_child_id), Some((dob, details))) = (la_child_id, checked) else {
        return Err(AppError::Invalid(errors));
    };
    if !input.confirm_new {
        let duplicates =
            store::child_records::possible_duplicates(&state.store, &fields.given_names, &fields.family_name, dob, &details).await?;
        if let Some(first) = duplicates.first() {
            return Err(AppError::Conflict(format!(
                "this child may already have a record (child id {}); check it, and send confirm_new: true if it is a different child",
                first.la_child_id
            )));
        }
    }
    let new = NewChild {
        la_child_id: la_child_id.as_str().to_owned(),
        given_names: fields.given_names,
        family_name: fields.family_name,
        date_of_birth: dob,
        sex: fields.sex,
        ethnicity: fields.ethnicity,
        team_id: auth.principal.teams.first().copied(),
        allocated_worker_id: None,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::child_records::create(&mut cmd, &auth.can, &new, &details).await?;
    cmd.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: id.get(),
            la_child_id: new.la_child_id,
        }),
    ))
}

/// A new placement in a care-history change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementInput {
    /// Placement category, e.g. in-house-foster or childrens-home.
    pub category: String,
    /// SSDA903 PLACE code valid on the date.
    pub place: String,
    /// PR0 to PR5.
    pub provider_type: String,
    pub urn: Option<String>,
    pub postcode: Option<String>,
    pub weekly_cost_pence: i64,
    #[serde(default)]
    pub long_term: bool,
}

/// A change to the care history.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareChangeInput {
    /// start-period, legal-status, move-placement or end-period.
    pub change: String,
    /// ISO 8601 date of the change.
    pub on: String,
    pub category_of_need: Option<String>,
    pub legal_status: Option<String>,
    pub reason_for_change: Option<String>,
    pub reason_ceased: Option<String>,
    pub placement: Option<PlacementInput>,
}

fn required(value: Option<String>, field: &str) -> Result<String, AppError> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::invalid(field, format!("{field} is required for this change")))
}

fn placement(input: Option<PlacementInput>) -> Result<PlacementDetails, AppError> {
    let input = input.ok_or_else(|| AppError::invalid("placement", "placement is required for this change"))?;
    if input.weekly_cost_pence < 0 {
        return Err(AppError::invalid(
            "placement.weekly_cost_pence",
            "the weekly cost cannot be negative",
        ));
    }
    Ok(PlacementDetails {
        category: input
            .category
            .parse()
            .map_err(|e: placements::UnknownCategory| AppError::invalid("placement.category", e.to_string()))?,
        place: input.place,
        provider_id: None,
        provider_type: input.provider_type,
        urn: input.urn,
        postcode: input.postcode.map(|p| p.to_uppercase()),
        weekly_cost: Money::from_pence(input.weekly_cost_pence),
        long_term: input.long_term,
    })
}

/// Records a change to the care history; refused with the rule it breaks
/// (overlaps, gaps, codes not valid for the date).
#[utoipa::path(post, path = "/api/v1/children/{id}/care", tag = "children", params(("id" = i64, Path, description = "Hearth record number")), request_body = CareChangeInput,
    responses((status = 204), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn care_change(
    State(state): State<AppState>,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CareChangeInput>,
) -> Result<StatusCode, AppError> {
    let id: ChildId = id.parse().map_err(|_| AppError::NotFound)?;
    store::children::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    if !store::restrictions::may_see(&state.store, &auth.principal, id, state.clock.now()).await? {
        return Err(AppError::Refused("this record is restricted to named teams".to_owned()));
    }
    let on = kernel::dates::parse_iso_date(&input.on).map_err(|e| AppError::invalid("on", e.to_string()))?;
    let change = match input.change.as_str() {
        "start-period" => HistoryChange::StartPeriod {
            start: on,
            category_of_need: required(input.category_of_need, "category_of_need")?,
            legal_status: required(input.legal_status, "legal_status")?,
            placement: placement(input.placement)?,
        },
        "legal-status" => HistoryChange::ChangeLegalStatus {
            on,
            code: required(input.legal_status, "legal_status")?,
        },
        "move-placement" => HistoryChange::MovePlacement {
            on,
            reason_for_change: required(input.reason_for_change, "reason_for_change")?,
            placement: placement(input.placement)?,
        },
        "end-period" => HistoryChange::EndPeriod {
            on,
            reason_ceased: required(input.reason_ceased, "reason_ceased")?,
        },
        other => {
            return Err(AppError::invalid(
                "change",
                format!("'{other}' is not a change: use start-period, legal-status, move-placement or end-period"),
            ))
        }
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::care_history::record(&mut cmd, &auth.can, id, &change, &state.codes)
        .await
        .map_err(|e| match e {
            store::StoreError::Rejected(messages) => AppError::Invalid(messages.into_iter().map(|m| FieldError::new("on", m)).collect()),
            other => other.into(),
        })?;
    cmd.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
