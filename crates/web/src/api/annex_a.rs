//! `GET /api/v1/returns/annex-a?as_at=`: Ofsted's Annex A lists 8 to 10
//! as JSON, each with its headings and rows of cell text exactly as the
//! workbook has them. Restricted records the caller may not see are left
//! out, and every call is audited like the workbook's download.

use authz::cap::ProduceReturns;
use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;

use crate::auth::Authorized;
use crate::error::{AppError, Problem};
use crate::pages::annex_a::{audit, build, AsAtQuery};
use crate::AppState;

/// The lists for one as-at date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnnexALists {
    /// The inspection's first day (ISO 8601).
    pub as_at: String,
    /// The first day of list 8's window (six months before).
    pub window_start: String,
    /// Restricted records left out because the caller may not see them.
    pub restricted_withheld: usize,
    pub lists: Vec<AnnexAList>,
}

/// One Annex A list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnnexAList {
    pub number: u8,
    pub title: String,
    /// Ofsted's column headings, in order.
    pub headings: Vec<String>,
    /// One row per child, a cell per heading (dates dd/mm/yyyy).
    pub rows: Vec<Vec<String>>,
}

#[utoipa::path(get, path = "/api/v1/returns/annex-a", tag = "returns", params(AsAtQuery),
    responses((status = 200, body = AnnexALists),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn lists(
    State(state): State<AppState>,
    auth: Authorized<ProduceReturns>,
    Query(query): Query<AsAtQuery>,
) -> Result<Json<AnnexALists>, AppError> {
    let as_at = query.date(state.clock.today())?;
    let made = build(&state, &auth.principal, as_at).await?;
    audit(&state, &auth.can, &made, "api").await?;
    Ok(Json(AnnexALists {
        as_at: kernel::dates::format_iso_date(made.as_at),
        window_start: kernel::dates::format_iso_date(made.window_start),
        restricted_withheld: made.withheld,
        lists: made
            .lists
            .into_iter()
            .map(|l| AnnexAList {
                number: l.def.number,
                title: l.def.title.to_owned(),
                headings: l.def.headings.iter().map(|h| (*h).to_owned()).collect(),
                rows: l.rows,
            })
            .collect(),
    }))
}
