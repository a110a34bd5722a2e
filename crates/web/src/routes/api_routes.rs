//! The JSON API's routes under `/api/v1`, each with who may use it; added
//! to the same table as the pages, so one layer enforces both.

use authz::Permission;
use axum::http::Method;
use axum::routing::{get, post, put};

use super::{Access, RouteTable};
use crate::api;

/// Adds every API route to the table.
pub(super) fn add(table: RouteTable) -> RouteTable {
    use Access::{Public, Requires};
    use Method as M;
    use Permission as P;
    table
        .add(M::GET, "/api/v1/openapi.json", Public, get(api::openapi_json))
        .add(M::GET, "/api/v1/me", Requires(P::UseHearth), get(api::me::show))
        .add(M::GET, "/api/v1/children", Requires(P::SearchChildren), get(api::children::list))
        .add(M::POST, "/api/v1/children", Requires(P::RecordChildren), post(api::records::create))
        .add(
            M::POST,
            "/api/v1/children/{id}/care",
            Requires(P::RecordChildren),
            post(api::records::care_change),
        )
        .add(
            M::GET,
            "/api/v1/children/{id}",
            Requires(P::ViewChildRecord),
            get(api::children::show),
        )
        .add(
            M::GET,
            "/api/v1/children/{id}/deadlines",
            Requires(P::ViewChildRecord),
            get(api::children::deadlines),
        )
        .add(
            M::POST,
            "/api/v1/children/{id}/events",
            Requires(P::RecordChildren),
            post(api::children::record_event),
        )
        .add(M::GET, "/api/v1/requests", Requires(P::WorkOnRequests), get(api::requests::list))
        .add(
            M::POST,
            "/api/v1/requests",
            Requires(P::RecordChildren),
            post(api::requests::create),
        )
        .add(
            M::GET,
            "/api/v1/requests/{id}",
            Requires(P::WorkOnRequests),
            get(api::requests::show),
        )
        .add(
            M::PUT,
            "/api/v1/requests/{id}",
            Requires(P::RecordChildren),
            put(api::requests::change),
        )
        .add(
            M::POST,
            "/api/v1/requests/{id}/steps",
            Requires(P::WorkOnRequests),
            post(api::requests::step),
        )
        .add(
            M::POST,
            "/api/v1/requests/{id}/approvals",
            Requires(P::WorkOnRequests),
            post(api::requests::approve),
        )
        .add(M::GET, "/api/v1/panels", Requires(P::WorkOnRequests), get(api::gateway::panels))
        .add(M::POST, "/api/v1/panels", Requires(P::RunPanels), post(api::gateway::schedule))
        .add(M::GET, "/api/v1/panels/{id}", Requires(P::WorkOnRequests), get(api::gateway::panel))
        .add(M::GET, "/api/v1/matrix", Requires(P::UseHearth), get(api::gateway::matrix))
        .add(
            M::GET,
            "/api/v1/gateway/dashboard",
            Requires(P::WorkOnRequests),
            get(api::gateway::dashboard),
        )
        .add(
            M::GET,
            "/api/v1/notifications",
            Requires(P::UseHearth),
            get(api::gateway::notifications),
        )
        .add(
            M::GET,
            "/api/v1/providers",
            Requires(P::ViewProviders),
            get(api::commissioning::list),
        )
        .add(
            M::GET,
            "/api/v1/providers/{id}",
            Requires(P::ViewProviders),
            get(api::commissioning::show),
        )
        .add(
            M::POST,
            "/api/v1/providers/{id}/reviews",
            Requires(P::Commission),
            post(api::commissioning::review),
        )
        .add(
            M::GET,
            "/api/v1/monitoring",
            Requires(P::ViewProviders),
            get(api::commissioning::schedule),
        )
        .add(
            M::POST,
            "/api/v1/monitoring/placements/{id}/events",
            Requires(P::Commission),
            post(api::commissioning::record_event),
        )
        .add(M::GET, "/api/v1/agreements", Requires(P::ViewProviders), get(api::agreements::list))
        .add(
            M::POST,
            "/api/v1/agreements",
            Requires(P::Commission),
            post(api::agreements::create),
        )
        .add(
            M::GET,
            "/api/v1/agreements/{id}",
            Requires(P::ViewProviders),
            get(api::agreements::show),
        )
        .add(
            M::POST,
            "/api/v1/agreements/{id}/signature",
            Requires(P::Commission),
            post(api::agreements::signature),
        )
        .add(
            M::POST,
            "/api/v1/agreements/{id}/variations",
            Requires(P::Commission),
            post(api::agreements::propose),
        )
        .add(
            M::POST,
            "/api/v1/agreements/{id}/variations/{vid}/decision",
            Requires(P::ApproveVariations),
            post(api::agreements::decide),
        )
        .add(
            M::GET,
            "/api/v1/service-agreements",
            Requires(P::ViewFinance),
            get(api::finance::list_agreements),
        )
        .add(
            M::POST,
            "/api/v1/service-agreements",
            Requires(P::ManageFinance),
            post(api::finance::create_agreement),
        )
        .add(
            M::GET,
            "/api/v1/service-agreements/ready",
            Requires(P::ViewFinance),
            get(api::finance::ready),
        )
        .add(
            M::GET,
            "/api/v1/service-agreements/{id}",
            Requires(P::ViewFinance),
            get(api::finance::show_agreement),
        )
        .add(
            M::POST,
            "/api/v1/service-agreements/{id}/rates",
            Requires(P::ManageFinance),
            post(api::finance::add_rate),
        )
        .add(M::GET, "/api/v1/carer-fees", Requires(P::ViewFinance), get(api::carer_fees::list_fees))
        .add(
            M::POST,
            "/api/v1/carer-fees",
            Requires(P::ManageFinance),
            post(api::carer_fees::propose_fee),
        )
        .add(
            M::POST,
            "/api/v1/carer-fees/{id}/decision",
            Requires(P::ApprovePayments),
            post(api::carer_fees::decide_fee),
        )
        .add(
            M::GET,
            "/api/v1/allowance-tables",
            Requires(P::ViewFinance),
            get(api::carer_fees::list_tables),
        )
        .add(
            M::POST,
            "/api/v1/allowance-tables",
            Requires(P::ManageFinance),
            post(api::carer_fees::save_table),
        )
        .add(
            M::GET,
            "/api/v1/payment-runs",
            Requires(P::ViewFinance),
            get(api::payment_runs::list),
        )
        .add(
            M::POST,
            "/api/v1/payment-runs",
            Requires(P::ManageFinance),
            post(api::payment_runs::draft),
        )
        .add(
            M::GET,
            "/api/v1/payment-runs/{id}",
            Requires(P::ViewFinance),
            get(api::payment_runs::show),
        )
        .add(
            M::POST,
            "/api/v1/payment-runs/{id}/calculate",
            Requires(P::ManageFinance),
            post(api::payment_runs::calculate),
        )
        .add(
            M::POST,
            "/api/v1/payment-runs/{id}/approve",
            Requires(P::ApprovePayments),
            post(api::payment_runs::approve),
        )
        .add(
            M::POST,
            "/api/v1/payment-runs/{id}/release",
            Requires(P::ManageFinance),
            post(api::payment_runs::release),
        )
        .add(
            M::POST,
            "/api/v1/payment-runs/{id}/export",
            Requires(P::ManageFinance),
            post(api::payment_runs::export),
        )
        .add(
            M::GET,
            "/api/v1/payment-runs/{id}/remittances",
            Requires(P::ViewFinance),
            get(api::payment_runs::remittances),
        )
        .add(M::GET, "/api/v1/forecast", Requires(P::ViewFinance), get(api::forecast::forecast))
        .add(M::GET, "/api/v1/budgets", Requires(P::ViewFinance), get(api::forecast::budgets))
        .add(M::POST, "/api/v1/budgets", Requires(P::ManageFinance), post(api::forecast::set_budget))
        .add(M::GET, "/api/v1/recharges", Requires(P::ViewFinance), get(api::forecast::recharges))
        .add(M::GET, "/api/v1/frameworks", Requires(P::ViewProviders), get(api::frameworks::list))
        .add(
            M::POST,
            "/api/v1/frameworks",
            Requires(P::Commission),
            post(api::frameworks::create),
        )
        .add(
            M::POST,
            "/api/v1/frameworks/{id}/lots",
            Requires(P::Commission),
            post(api::frameworks::add_lot),
        )
        .add(
            M::POST,
            "/api/v1/frameworks/{id}/members",
            Requires(P::Commission),
            post(api::frameworks::add_member),
        )
        .add(
            M::POST,
            "/api/v1/consortium/feed",
            Requires(P::Commission),
            post(api::frameworks::import_feed),
        )
        .add(
            M::GET,
            "/api/v1/consortium/placements",
            Requires(P::Commission),
            get(api::frameworks::placements),
        )
        .add(
            M::POST,
            "/api/v1/providers/{id}/settings",
            Requires(P::Commission),
            post(api::frameworks::add_setting),
        )
        .add(
            M::PUT,
            "/api/v1/settings/{id}",
            Requires(P::Commission),
            put(api::frameworks::update_setting),
        )
        .add(
            M::POST,
            "/api/v1/vacancies",
            Requires(P::Commission),
            post(api::frameworks::import_vacancies),
        )
        .add(
            M::GET,
            "/api/v1/households",
            Requires(P::ViewProviders),
            get(api::frameworks::households),
        )
        .add(
            M::POST,
            "/api/v1/households",
            Requires(P::Commission),
            post(api::frameworks::add_household),
        )
        .add(
            M::GET,
            "/api/v1/sufficiency",
            Requires(P::ViewAggregates),
            get(api::frameworks::sufficiency),
        )
        .add(
            M::POST,
            "/api/v1/requests/{id}/searches",
            Requires(P::SearchPlacements),
            post(api::searches::run),
        )
        .add(
            M::GET,
            "/api/v1/searches/{id}",
            Requires(P::ViewProviders),
            get(api::searches::show),
        )
        .add(
            M::POST,
            "/api/v1/searches/{id}/referrals",
            Requires(P::SearchPlacements),
            post(api::searches::refer),
        )
        .add(
            M::POST,
            "/api/v1/referrals/{id}/answer",
            Requires(P::SearchPlacements),
            post(api::searches::answer),
        )
        .add(
            M::POST,
            "/api/v1/searches/{id}/choice",
            Requires(P::SearchPlacements),
            post(api::searches::choose),
        )
        .add(
            M::POST,
            "/api/v1/searches/{id}/close",
            Requires(P::SearchPlacements),
            post(api::searches::close),
        )
        .add(M::GET, "/api/v1/invoices", Requires(P::ViewFinance), get(api::invoices::list))
        .add(M::POST, "/api/v1/invoices", Requires(P::ManageFinance), post(api::invoices::create))
        .add(
            M::POST,
            "/api/v1/invoices/import",
            Requires(P::ManageFinance),
            post(api::invoices::import),
        )
        .add(M::GET, "/api/v1/invoices/{id}", Requires(P::ViewFinance), get(api::invoices::show))
        .add(
            M::GET,
            "/api/v1/invoice-exceptions",
            Requires(P::ViewFinance),
            get(api::invoices::exceptions),
        )
        .add(
            M::POST,
            "/api/v1/invoice-exceptions/{id}/resolve",
            Requires(P::ManageFinance),
            post(api::invoices::resolve),
        )
        .add(M::GET, "/api/v1/users", Requires(P::ManageUsers), get(api::users::list))
        .add(M::POST, "/api/v1/users", Requires(P::ManageUsers), post(api::users::create))
        .add(M::GET, "/api/v1/audit/events", Requires(P::ViewAuditTrail), get(api::audit::events))
        .add(M::GET, "/api/v1/audit/verify", Requires(P::ViewAuditTrail), get(api::audit::verify))
}
