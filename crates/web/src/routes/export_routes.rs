//! The table downloads of list pages, each with its page's permission:
//! `GET …/export?format=csv|xlsx`, keeping the page's filters. The older
//! `…/export.csv` paths stay in the main table for links already shared.

use authz::Permission;
use axum::http::Method;
use axum::routing::get;

use super::{Access, RouteTable};
use crate::pages::{
    agreements, audit, audit_actions, children, committees, control_exceptions, finance_downloads, forecast, invoices, list_downloads,
    more_downloads, providers, recharges, requests, searches, service_agreements, sufficiency,
};

/// Adds every list page's download, and a child's record as JSON.
pub(super) fn add(table: RouteTable) -> RouteTable {
    use Access::Requires;
    use Method as M;
    use Permission as P;
    table
        .add(M::GET, "/children/export", Requires(P::SearchChildren), get(children::download))
        .add(
            M::GET,
            "/children/{id}/export.json",
            Requires(P::ViewChildRecord),
            get(crate::api::child_export::page_download),
        )
        .add(M::GET, "/requests/export", Requires(P::WorkOnRequests), get(requests::download))
        .add(
            M::GET,
            "/searches/export",
            Requires(P::SearchPlacements),
            get(searches::list_download),
        )
        .add(M::GET, "/searches/{id}/export", Requires(P::ViewProviders), get(searches::download))
        .add(
            M::GET,
            "/high-cost/export",
            Requires(P::WorkOnRequests),
            get(list_downloads::high_cost),
        )
        .add(M::GET, "/panels/export", Requires(P::WorkOnRequests), get(list_downloads::panels))
        .add(M::GET, "/providers/export", Requires(P::ViewProviders), get(providers::download))
        .add(
            M::GET,
            "/monitoring/export",
            Requires(P::ViewProviders),
            get(list_downloads::monitoring),
        )
        .add(
            M::GET,
            "/households/export",
            Requires(P::ViewProviders),
            get(list_downloads::households),
        )
        .add(M::GET, "/agreements/export", Requires(P::ViewProviders), get(agreements::download))
        .add(
            M::GET,
            "/assurance/exceptions/export",
            Requires(P::ViewAssurance),
            get(control_exceptions::download),
        )
        .add(
            M::GET,
            "/assurance/actions/export",
            Requires(P::ViewAssurance),
            get(audit_actions::download),
        )
        .add(
            M::GET,
            "/finance/agreements/export",
            Requires(P::ViewFinance),
            get(service_agreements::download),
        )
        .add(
            M::GET,
            "/finance/forecast/export",
            Requires(P::ViewFinance),
            get(forecast::download),
        )
        .add(
            M::GET,
            "/finance/recharges/export",
            Requires(P::ViewFinance),
            get(recharges::download),
        )
        .add(
            M::GET,
            "/finance/invoices/export",
            Requires(P::ViewFinance),
            get(invoices::download),
        )
        .add(
            M::GET,
            "/sufficiency/export",
            Requires(P::ViewAggregates),
            get(sufficiency::download),
        )
        .add(
            M::GET,
            "/training/export",
            Requires(P::ManageTraining),
            get(list_downloads::training),
        )
        .add(M::GET, "/admin/users/export", Requires(P::ManageUsers), get(list_downloads::users))
        .add(M::GET, "/audit/export", Requires(P::ViewAuditTrail), get(audit::download))
        .add(
            M::GET,
            "/audit/access-log/export",
            Requires(P::ViewAuditTrail),
            get(list_downloads::access_log),
        )
        .pipe(add_more)
}

/// The downloads of the finance, assurance, committee, administration and
/// work-tray lists (`pages::finance_downloads` and `pages::more_downloads`).
fn add_more(table: RouteTable) -> RouteTable {
    use Access::{Requires, RequiresAny};
    use Method as M;
    use Permission as P;
    table
        .add(
            M::GET,
            "/finance/exceptions/export",
            Requires(P::ViewFinance),
            get(finance_downloads::exceptions),
        )
        .add(
            M::GET,
            "/finance/runs/export",
            Requires(P::ViewFinance),
            get(finance_downloads::runs),
        )
        .add(
            M::GET,
            "/finance/budgets/export",
            Requires(P::ViewFinance),
            get(finance_downloads::budgets),
        )
        .add(
            M::GET,
            "/finance/carer-fees/export",
            Requires(P::ViewFinance),
            get(finance_downloads::carer_fees),
        )
        .add(
            M::GET,
            "/committees/export",
            RequiresAny(committees::READERS),
            get(more_downloads::committees),
        )
        .add(
            M::GET,
            "/assurance/audits/export",
            Requires(P::ViewAssurance),
            get(more_downloads::audits),
        )
        .add(
            M::GET,
            "/frameworks/export",
            Requires(P::ViewProviders),
            get(more_downloads::frameworks),
        )
        .add(M::GET, "/admin/teams/export", Requires(P::ManageUsers), get(more_downloads::teams))
        .add(
            M::GET,
            "/admin/api-tokens/export",
            Requires(P::ManageApiTokens),
            get(more_downloads::api_tokens),
        )
        .add(
            M::GET,
            "/notifications/export",
            Requires(P::UseHearth),
            get(more_downloads::notifications),
        )
        .add(
            M::GET,
            "/trays/caseload/export",
            Requires(P::RecordChildren),
            get(more_downloads::caseload),
        )
        .add(M::GET, "/trays/team/export", Requires(P::RecordChildren), get(more_downloads::team))
}
