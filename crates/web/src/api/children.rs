//! Children over the API. Reading one child's record is logged in the access
//! log exactly as a page view is.

use authz::cap::{RecordChildren, SearchChildren, ViewChildRecord};
use axum::extract::{Path, Query, State};
use axum::Json;
use kernel::ChildId;
use serde::{Deserialize, Serialize};
use store::access_log::AccessKind;
use store::children::{ChildQuery, ChildSummary};

use crate::api::{Listing, Paging};
use crate::auth::Authorized;
use crate::error::AppError;
use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Child {
    /// Hearth's record number.
    pub id: i64,
    /// The council's child id (SSDA903 CHILD).
    pub la_child_id: String,
    pub given_names: String,
    pub family_name: String,
    /// ISO 8601 date.
    pub date_of_birth: String,
    pub sex: String,
    pub ethnicity: String,
    pub team: Option<String>,
    pub allocated_worker: Option<String>,
}

impl From<ChildSummary> for Child {
    fn from(c: ChildSummary) -> Child {
        Child {
            id: c.id.get(),
            la_child_id: c.la_child_id,
            given_names: c.given_names,
            family_name: c.family_name,
            date_of_birth: kernel::dates::format_iso_date(c.date_of_birth),
            sex: c.sex,
            ethnicity: c.ethnicity,
            team: c.team_name,
            allocated_worker: c.worker_name,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub category: String,
    pub place_code: String,
    pub provider: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
    /// Weekly cost in pence.
    pub weekly_cost_pence: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildRecord {
    #[serde(flatten)]
    pub child: Child,
    pub placements: Vec<Placement>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChildFilter {
    /// Words to find in names or the child id, in any order.
    pub q: Option<String>,
}

/// Children matching a search, by name.
#[utoipa::path(get, path = "/api/v1/children", tag = "children", params(ChildFilter, Paging),
    responses((status = 200, body = Listing<Child>), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Authorized<SearchChildren>,
    Query(filter): Query<ChildFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Listing<Child>>, AppError> {
    let query = ChildQuery {
        text: filter.q,
        ..Default::default()
    };
    let request = paging.request();
    let page = store::children::search(&state.store, &query, request).await?;
    Ok(Json(Listing {
        items: page.items.into_iter().map(Child::from).collect(),
        total: page.total,
        page: request.page,
        per_page: request.per_page,
    }))
}

/// One child's record with placements. The read is written to the access log.
#[utoipa::path(get, path = "/api/v1/children/{id}", tag = "children", params(("id" = i64, Path, description = "Hearth record number")),
    responses((status = 200, body = ChildRecord), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Json<ChildRecord>, AppError> {
    let id: ChildId = id.parse().map_err(|_| AppError::NotFound)?;
    let child = store::children::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    admit(&state, &auth, id, None).await?;
    let placements = store::placements::for_child(&state.store, id)
        .await?
        .into_iter()
        .map(|p| Placement {
            category: p.category.code().to_owned(),
            place_code: p.place_code,
            provider: p.provider_name,
            start_date: kernel::dates::format_iso_date(p.start_date),
            end_date: p.end_date.map(kernel::dates::format_iso_date),
            weekly_cost_pence: p.weekly_cost.pence(),
        })
        .collect();
    Ok(Json(ChildRecord {
        child: child.into(),
        placements,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadlineItem {
    /// assessment, care-plan, placement-plan, review, visit, health-assessment or pep.
    pub obligation: String,
    /// ISO 8601 date.
    pub due: String,
    pub met_on: Option<String>,
    /// overdue, due-soon, upcoming, completed-late or completed.
    pub status: String,
}

/// Every statutory deadline for the child's current period of care and assessments.
#[utoipa::path(get, path = "/api/v1/children/{id}/deadlines", tag = "children", params(("id" = i64, Path, description = "Hearth record number")),
    responses((status = 200, body = Vec<DeadlineItem>), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn deadlines(
    State(state): State<AppState>,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeadlineItem>>, AppError> {
    let id: ChildId = id.parse().map_err(|_| AppError::NotFound)?;
    admit(&state, &auth, id, Some("deadlines")).await?;
    Ok(Json(deadline_items(&state, id).await?))
}

/// Lets an API caller read a child's record, or says why not: refused if
/// the record is restricted to teams the caller is not in, and otherwise
/// written to the access log (with `what` was read), as every view is.
pub(crate) async fn admit(state: &AppState, auth: &Authorized<ViewChildRecord>, id: ChildId, what: Option<&str>) -> Result<(), AppError> {
    if !store::restrictions::may_see(&state.store, &auth.principal, id, state.clock.now()).await? {
        return Err(AppError::Refused("this record is restricted to named teams".to_owned()));
    }
    store::access_log::record(&state.store, auth.can.actor(), id, AccessKind::ApiView, what, state.clock.now()).await?;
    Ok(())
}

async fn deadline_items(state: &AppState, id: ChildId) -> Result<Vec<DeadlineItem>, AppError> {
    let lines = store::deadlines::for_child(&state.store, id, &state.rules()).await?;
    Ok(lines
        .into_iter()
        .map(|l| DeadlineItem {
            obligation: serde_json::to_value(l.deadline.obligation)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            due: kernel::dates::format_iso_date(l.deadline.due),
            met_on: l.deadline.met_on.map(kernel::dates::format_iso_date),
            status: crate::pages::trays::status_code(l.status).to_owned(),
        })
        .collect())
}

/// A dated event to record: a care plan, review, visit, health assessment or education plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    /// care-plan, review, visit, health-assessment or pep.
    pub kind: String,
    /// ISO 8601 date, not in the future.
    pub occurred_on: String,
    #[serde(default)]
    pub notes: String,
}

/// Records an event against the child; deadlines follow from it.
#[utoipa::path(post, path = "/api/v1/children/{id}/events", tag = "children", params(("id" = i64, Path, description = "Hearth record number")), request_body = NewEvent,
    responses((status = 201, body = Vec<DeadlineItem>), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn record_event(
    State(state): State<AppState>,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    crate::api::ApiJson(event): crate::api::ApiJson<NewEvent>,
) -> Result<(axum::http::StatusCode, Json<Vec<DeadlineItem>>), AppError> {
    let id: ChildId = id.parse().map_err(|_| AppError::NotFound)?;
    store::children::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    if !store::restrictions::may_see(&state.store, &auth.principal, id, state.clock.now()).await? {
        return Err(AppError::Refused("this record is restricted to named teams".to_owned()));
    }
    let kind = event
        .kind
        .parse::<store::casework::EventKind>()
        .map_err(|e| AppError::invalid("kind", e))?;
    let on = kernel::dates::parse_iso_date(&event.occurred_on).map_err(|e| AppError::invalid("occurred_on", e.to_string()))?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::casework::record_event(&mut cmd, &auth.can, id, kind, on, &event.notes, state.clock.today())
        .await
        .map_err(|e| match e {
            store::StoreError::Rejected(m) => AppError::invalid("occurred_on", m.join("; ")),
            other => other.into(),
        })?;
    cmd.commit().await?;
    Ok((axum::http::StatusCode::CREATED, Json(deadline_items(&state, id).await?)))
}
