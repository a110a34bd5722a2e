//! Children over the API. Reading one child's record is logged in the access
//! log exactly as a page view is.

use authz::cap::{SearchChildren, ViewChildRecord};
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
    store::access_log::record(&state.store, auth.can.actor(), id, AccessKind::ApiView, None, state.clock.now()).await?;
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
