//! The SSDA903 return over the API: a year's validation (every failing rule
//! with the rows it flags, traced to child and team) and one child's
//! errors. The same service as the pages (`crate::ssda903`).

use authz::cap::{ProduceReturns, ViewChildRecord};
use axum::extract::{Path, Query, State};
use axum::Json;
use kernel::ChildId;
use serde::Serialize;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::ssda903::ReturnQuery;
use crate::ssda903::{check_year, child_errors, year_from, Flagged};
use crate::AppState;

/// A year's validation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Validation {
    /// The collection year by its end (2026 is 2025-26).
    pub year: i32,
    pub children: usize,
    pub episodes: usize,
    /// Rules of the pack that ran.
    pub rules_ran: usize,
    /// Rules skipped, each with the reason (a lookup not held).
    pub rules_skipped: Vec<String>,
    /// Every flagged row.
    pub errors: Vec<Flagged>,
}

#[utoipa::path(get, path = "/api/v1/returns/ssda903/validation", tag = "returns", params(ReturnQuery),
    responses((status = 200, body = Validation),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn validation(
    State(state): State<AppState>,
    _auth: Authorized<ProduceReturns>,
    Query(query): Query<ReturnQuery>,
) -> Result<Json<Validation>, AppError> {
    let year = year_from(query.year.as_deref(), state.clock.today())?;
    let checked = check_year(&state, year).await?;
    Ok(Json(Validation {
        year: year.ending(),
        children: checked.ret.header.len(),
        episodes: checked.ret.episodes.len(),
        rules_ran: checked.report.ran.len(),
        rules_skipped: checked.report.skipped.iter().map(|(code, why)| format!("{code}: {why}")).collect(),
        errors: checked.flagged(),
    }))
}

/// The child's errors in the current year's return.
#[utoipa::path(get, path = "/api/v1/children/{id}/ssda903-errors", tag = "children", params(("id" = i64, Path, description = "Hearth record number")),
    responses((status = 200, body = Vec<Flagged>), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn for_child(
    State(state): State<AppState>,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Flagged>>, AppError> {
    let id: ChildId = id.parse().map_err(|_| AppError::NotFound)?;
    if store::children::find(&state.store, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    crate::api::children::admit(&state, &auth, id, Some("ssda903-errors")).await?;
    Ok(Json(child_errors(&state, id).await?))
}
