//! The SSDA903 return: its page and files, the data-quality dashboard and
//! its download, and the API, for those who produce the returns (a child's
//! own errors go with the child's record).

use authz::Permission;
use axum::http::Method;
use axum::routing::get;

use super::{Access, RouteTable};
use crate::api;
use crate::pages::ssda903;

pub(super) fn add(table: RouteTable) -> RouteTable {
    use Access::Requires;
    use Method as M;
    use Permission as P;
    table
        .add(M::GET, "/returns/ssda903", Requires(P::ProduceReturns), get(ssda903::show))
        .add(
            M::GET,
            "/returns/ssda903/{year}/{file}",
            Requires(P::ProduceReturns),
            get(ssda903::download),
        )
        .add(
            M::GET,
            "/returns/data-quality",
            Requires(P::ProduceReturns),
            get(ssda903::dashboard),
        )
        .add(
            M::GET,
            "/returns/data-quality/export",
            Requires(P::ProduceReturns),
            get(ssda903::export),
        )
        .add(
            M::GET,
            "/api/v1/returns/ssda903/validation",
            Requires(P::ProduceReturns),
            get(api::ssda903::validation),
        )
        .add(
            M::GET,
            "/api/v1/children/{id}/ssda903-errors",
            Requires(P::ViewChildRecord),
            get(api::ssda903::for_child),
        )
}
