//! Ofsted's Annex A: the page, its workbook and the JSON API, for those who
//! produce the statutory returns; added to the one route table like every
//! other route.

use authz::Permission;
use axum::http::Method;
use axum::routing::get;

use super::{Access, RouteTable};
use crate::api;
use crate::pages::annex_a;

/// Adds the Annex A page, download and API endpoint.
pub(super) fn add(table: RouteTable) -> RouteTable {
    use Access::Requires;
    use Method as M;
    use Permission as P;
    table
        .add(M::GET, "/returns/annex-a", Requires(P::ProduceReturns), get(annex_a::show))
        .add(M::GET, "/returns/annex-a.xlsx", Requires(P::ProduceReturns), get(annex_a::download))
        .add(
            M::GET,
            "/api/v1/returns/annex-a",
            Requires(P::ProduceReturns),
            get(api::annex_a::lists),
        )
}
