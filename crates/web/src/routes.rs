//! The route table: every route, its method, and who may use it.
//!
//! Routes are only added through [`RouteTable::add`], which records the
//! declared [`Access`] and enforces it with a route layer before the handler
//! runs. [`route_table`] exposes the list so the permission-matrix test can
//! walk every route with every role; a route missing from the test's
//! expected matrix fails that test.

use authz::Permission;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::auth::{csrf, session, sign_in, Authenticated};
use crate::error::{render_errors, AppError};
use crate::pages::{
    admin, audit, children, frameworks, gateway_dashboard, high_cost, home, households, matrix, monitoring, my_tokens, notifications,
    overview, panels, providers, record, record_forms, request_form, requests, settings, sufficiency, trays,
};
use crate::pages::{agreement_page, agreements};
use crate::pages::{assurance, control_exceptions};
use crate::pages::{audit_actions, engagement_forms, engagement_page, internal_audit};
use crate::pages::{budgets, forecast, recharges};
use crate::pages::{carer_fees, finance_home, payment_runs, service_agreements};
use crate::pages::{invoice_exceptions, invoices};
use crate::pages::{search_evidence, search_placement, searches};
use crate::{assets, health, metrics, security, AppState};

mod annex_a_routes;
mod api_routes;
mod committee_routes;
mod export_routes;
mod ssda903_routes;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, assets, health, metrics).
    Public,
    /// A signed-in caller holding the permission.
    Requires(Permission),
    /// A signed-in caller holding any of the permissions: committee pages,
    /// read by members (aggregates) and by clerks, who may be
    /// administrators holding no other view.
    RequiresAny(&'static [Permission]),
}

/// One row of the route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

struct RouteTable {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl RouteTable {
    /// Hands the table to a function that adds a group of routes.
    fn pipe(self, add: fn(RouteTable) -> RouteTable) -> Self {
        add(self)
    }

    fn add(mut self, method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> Self {
        let guarded = handler.route_layer(from_fn_with_state(access, enforce));
        self.router = self.router.route(path, guarded);
        self.specs.push(RouteSpec { method, path, access });
        self
    }
}

async fn enforce(State(access): State<Access>, request: Request, next: Next) -> Response {
    match access {
        Access::Public => next.run(request).await,
        Access::Requires(permission) => match request.extensions().get::<Authenticated>() {
            None => sign_in_redirect(&request),
            Some(auth) if auth.principal.holds(permission) => next.run(request).await,
            Some(_) => AppError::Forbidden.into_response(),
        },
        Access::RequiresAny(permissions) => match request.extensions().get::<Authenticated>() {
            None => sign_in_redirect(&request),
            Some(auth) if permissions.iter().any(|p| auth.principal.holds(*p)) => next.run(request).await,
            Some(_) => AppError::Forbidden.into_response(),
        },
    }
}

/// Pages send people to sign in and back; the API answers 401.
fn sign_in_redirect(request: &Request) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") || request.method() != Method::GET {
        let mut response = AppError::SignInRequired.into_response();
        if path.starts_with("/api/") {
            if let Ok(value) = "Bearer".parse() {
                response.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, value);
            }
        }
        return response;
    }
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let query = form_urlencoded::Serializer::new(String::new()).append_pair("next", target).finish();
    axum::response::Redirect::to(&format!("/sign-in?{query}")).into_response()
}

fn table() -> RouteTable {
    use Access::{Public, Requires};
    use Method as M;
    use Permission as P;
    RouteTable {
        router: Router::new(),
        specs: Vec::new(),
    }
    .add(M::GET, "/", Requires(P::UseHearth), get(home::show))
    .add(M::GET, "/sign-in", Public, get(sign_in::show))
    .add(M::POST, "/sign-in", Public, post(sign_in::submit))
    .add(M::POST, "/sign-out", Requires(P::UseHearth), post(sign_in::sign_out))
    .add(M::GET, "/children", Requires(P::SearchChildren), get(children::search))
    .add(M::GET, "/children/export.csv", Requires(P::SearchChildren), get(children::download))
    .add(M::GET, "/children/new", Requires(P::RecordChildren), get(record_forms::new_form))
    .add(M::POST, "/children", Requires(P::RecordChildren), post(record_forms::create))
    .add(M::GET, "/children/{id}", Requires(P::ViewChildRecord), get(record::show))
    .add(
        M::GET,
        "/children/{id}/chronology",
        Requires(P::ViewChildRecord),
        get(record::chronology),
    )
    .add(
        M::POST,
        "/children/{id}/break-glass",
        Requires(P::ViewChildRecord),
        post(record::break_glass),
    )
    .add(
        M::GET,
        "/children/{id}/edit",
        Requires(P::RecordChildren),
        get(record_forms::edit_form),
    )
    .add(
        M::POST,
        "/children/{id}/edit",
        Requires(P::RecordChildren),
        post(record_forms::update),
    )
    .add(
        M::POST,
        "/children/{id}/care",
        Requires(P::RecordChildren),
        post(record_forms::care_change),
    )
    .add(
        M::POST,
        "/children/{id}/events",
        Requires(P::RecordChildren),
        post(record_forms::record_event),
    )
    .add(
        M::POST,
        "/children/{id}/placement-plan",
        Requires(P::RecordChildren),
        post(record_forms::placement_plan),
    )
    .add(
        M::POST,
        "/children/{id}/assessments",
        Requires(P::RecordChildren),
        post(record_forms::start_assessment),
    )
    .add(
        M::POST,
        "/assessments/{id}",
        Requires(P::RecordChildren),
        post(record_forms::assessment_step),
    )
    .add(
        M::POST,
        "/children/{id}/allocation",
        Requires(P::RecordChildren),
        post(record_forms::allocate),
    )
    .add(
        M::POST,
        "/children/{id}/addresses",
        Requires(P::RecordChildren),
        post(record_forms::add_address),
    )
    .add(
        M::POST,
        "/children/{id}/relationships",
        Requires(P::RecordChildren),
        post(record_forms::add_relationship),
    )
    .add(
        M::POST,
        "/children/{id}/restriction",
        Requires(P::RestrictRecords),
        post(record_forms::restrict),
    )
    .add(
        M::GET,
        "/children/{id}/requests/new",
        Requires(P::RecordChildren),
        get(request_form::new_form),
    )
    .add(
        M::POST,
        "/children/{id}/requests",
        Requires(P::RecordChildren),
        post(request_form::create),
    )
    .add(M::GET, "/requests", Requires(P::WorkOnRequests), get(requests::queue))
    .add(M::GET, "/requests/export.csv", Requires(P::WorkOnRequests), get(requests::download))
    .add(M::GET, "/gateway", Requires(P::WorkOnRequests), get(gateway_dashboard::show))
    .add(
        M::GET,
        "/requests/{id}/edit",
        Requires(P::RecordChildren),
        get(request_form::edit_form),
    )
    .add(
        M::POST,
        "/requests/{id}/edit",
        Requires(P::RecordChildren),
        post(request_form::update),
    )
    .add(M::GET, "/panels", Requires(P::WorkOnRequests), get(panels::list))
    .add(M::POST, "/panels", Requires(P::RunPanels), post(panels::schedule))
    .add(M::GET, "/panels/{id}", Requires(P::WorkOnRequests), get(panels::show))
    .add(M::POST, "/panels/{id}", Requires(P::RunPanels), post(panels::record))
    .add(M::GET, "/matrix", Requires(P::UseHearth), get(matrix::show))
    .add(M::POST, "/matrix/proposals", Requires(P::ManageMatrix), post(matrix::propose))
    .add(M::POST, "/matrix/proposals/{id}", Requires(P::ManageMatrix), post(matrix::decide))
    .add(M::GET, "/notifications", Requires(P::UseHearth), get(notifications::tray))
    .add(M::GET, "/account/tokens", Requires(P::UseHearth), get(my_tokens::list))
    .add(M::POST, "/account/tokens", Requires(P::UseHearth), post(my_tokens::create))
    .add(
        M::POST,
        "/account/tokens/{id}/revoke",
        Requires(P::UseHearth),
        post(my_tokens::revoke),
    )
    .add(
        M::POST,
        "/notifications/read",
        Requires(P::UseHearth),
        post(notifications::mark_read),
    )
    .add(M::GET, "/requests/{id}", Requires(P::WorkOnRequests), get(requests::show))
    .add(M::POST, "/requests/{id}", Requires(P::WorkOnRequests), post(requests::act))
    .add(
        M::POST,
        "/requests/{id}/approve",
        Requires(P::WorkOnRequests),
        post(requests::approve),
    )
    // Placement search: the evidence page and its export are read by case
    // readers (internal auditors included); searching and acting on the
    // results is for those who search.
    .add(M::GET, "/searches", Requires(P::SearchPlacements), get(searches::list))
    .add(
        M::GET,
        "/requests/{id}/search/new",
        Requires(P::SearchPlacements),
        get(searches::new),
    )
    .add(
        M::POST,
        "/requests/{id}/searches",
        Requires(P::SearchPlacements),
        post(searches::create),
    )
    .add(M::GET, "/searches/{id}", Requires(P::ViewProviders), get(search_evidence::show))
    .add(
        M::GET,
        "/searches/{id}/export.csv",
        Requires(P::ViewProviders),
        get(searches::download),
    )
    .add(
        M::POST,
        "/searches/{id}/referrals",
        Requires(P::SearchPlacements),
        post(search_evidence::refer),
    )
    .add(
        M::POST,
        "/referrals/{id}/answer",
        Requires(P::SearchPlacements),
        post(search_evidence::answer),
    )
    .add(
        M::POST,
        "/searches/{id}/choice",
        Requires(P::SearchPlacements),
        post(search_evidence::choose),
    )
    .add(
        M::POST,
        "/searches/{id}/close",
        Requires(P::SearchPlacements),
        post(search_evidence::close),
    )
    .add(
        M::GET,
        "/searches/{id}/placement",
        Requires(P::RecordChildren),
        get(search_placement::record_placement),
    )
    .add(M::GET, "/high-cost", Requires(P::WorkOnRequests), get(high_cost::list))
    .add(
        M::POST,
        "/high-cost/{id}/reviews",
        Requires(P::WorkOnRequests),
        post(high_cost::review),
    )
    .add(M::GET, "/providers", Requires(P::ViewProviders), get(providers::register))
    .add(M::POST, "/providers", Requires(P::Commission), post(providers::create))
    .add(
        M::GET,
        "/providers/export.csv",
        Requires(P::ViewProviders),
        get(providers::download),
    )
    .add(M::GET, "/providers/{id}", Requires(P::ViewProviders), get(providers::show))
    .add(
        M::POST,
        "/providers/vacancies",
        Requires(P::Commission),
        post(providers::import_vacancies),
    )
    .add(M::GET, "/providers/{id}/settings/new", Requires(P::Commission), get(settings::new))
    .add(M::POST, "/providers/{id}/settings", Requires(P::Commission), post(settings::create))
    .add(M::GET, "/frameworks", Requires(P::ViewProviders), get(frameworks::list))
    .add(M::POST, "/frameworks", Requires(P::Commission), post(frameworks::create))
    .add(M::GET, "/frameworks/{id}", Requires(P::ViewProviders), get(frameworks::show))
    .add(M::POST, "/frameworks/{id}/lots", Requires(P::Commission), post(frameworks::add_lot))
    .add(
        M::POST,
        "/frameworks/{id}/members",
        Requires(P::Commission),
        post(frameworks::add_member),
    )
    .add(M::POST, "/consortium/feed", Requires(P::Commission), post(frameworks::import_feed))
    .add(
        M::GET,
        "/consortium/placements.csv",
        Requires(P::Commission),
        get(frameworks::placements_csv),
    )
    .add(
        M::GET,
        "/consortium/placements.json",
        Requires(P::Commission),
        get(frameworks::placements_json),
    )
    .add(M::GET, "/households/new", Requires(P::Commission), get(households::new))
    .add(M::POST, "/households", Requires(P::Commission), post(households::create))
    .add(M::GET, "/households/{id}", Requires(P::ViewProviders), get(households::show))
    .add(
        M::POST,
        "/households/{id}/events",
        Requires(P::Commission),
        post(households::record_event),
    )
    .add(M::GET, "/settings/{id}", Requires(P::ViewProviders), get(settings::show))
    .add(M::POST, "/settings/{id}", Requires(P::Commission), post(settings::update))
    .add(M::GET, "/settings/{id}/edit", Requires(P::Commission), get(settings::edit))
    .add(
        M::POST,
        "/settings/{id}/vacancies",
        Requires(P::Commission),
        post(settings::record_vacancy),
    )
    .add(M::POST, "/providers/{id}/reviews", Requires(P::Commission), post(providers::review))
    .add(M::GET, "/monitoring", Requires(P::ViewProviders), get(monitoring::overview))
    .add(
        M::GET,
        "/monitoring/placements/{id}",
        Requires(P::ViewProviders),
        get(monitoring::placement),
    )
    .add(
        M::POST,
        "/monitoring/placements/{id}/events",
        Requires(P::Commission),
        post(monitoring::record_event),
    )
    .add(
        M::POST,
        "/monitoring/placements/{id}/assign",
        Requires(P::Commission),
        post(monitoring::assign),
    )
    .add(M::GET, "/agreements", Requires(P::ViewProviders), get(agreements::list))
    .add(M::POST, "/agreements", Requires(P::Commission), post(agreements::create))
    .add(
        M::GET,
        "/agreements/export.csv",
        Requires(P::ViewProviders),
        get(agreements::download),
    )
    .add(M::GET, "/agreements/new", Requires(P::Commission), get(agreements::new_form))
    .add(M::GET, "/agreements/{id}", Requires(P::ViewProviders), get(agreement_page::show))
    .add(
        M::POST,
        "/agreements/{id}/signature",
        Requires(P::Commission),
        post(agreement_page::signature),
    )
    .add(
        M::POST,
        "/agreements/{id}/variations",
        Requires(P::Commission),
        post(agreement_page::propose),
    )
    .add(
        M::POST,
        "/agreements/{id}/variations/{vid}/decision",
        Requires(P::ApproveVariations),
        post(agreement_page::decide),
    )
    // Controls monitoring: the state of control and the exceptions.
    .add(M::GET, "/assurance", Requires(P::ViewAssurance), get(assurance::show))
    .add(M::POST, "/assurance/run", Requires(P::WorkOnExceptions), post(assurance::run))
    .add(
        M::GET,
        "/assurance/exceptions",
        Requires(P::ViewAssurance),
        get(control_exceptions::list),
    )
    .add(
        M::GET,
        "/assurance/exceptions/export.csv",
        Requires(P::ViewAssurance),
        get(control_exceptions::download),
    )
    .add(
        M::GET,
        "/assurance/exceptions/{id}",
        Requires(P::ViewAssurance),
        get(control_exceptions::show),
    )
    .add(
        M::POST,
        "/assurance/exceptions/{id}/assign",
        Requires(P::WorkOnExceptions),
        post(control_exceptions::assign),
    )
    .add(
        M::POST,
        "/assurance/exceptions/{id}/resolve",
        Requires(P::WorkOnExceptions),
        post(control_exceptions::resolve),
    )
    // Internal audit: plans and engagements, tests with samples,
    // workpapers, findings, opinions and action plans. Auditors conduct,
    // management respond; evidence uploads may be up to 5 MB.
    .add(M::GET, "/assurance/audits", Requires(P::ViewAssurance), get(internal_audit::list))
    .add(
        M::POST,
        "/assurance/audits",
        Requires(P::ConductAudits),
        post(internal_audit::create_engagement),
    )
    .add(
        M::POST,
        "/assurance/audits/plans",
        Requires(P::ConductAudits),
        post(internal_audit::create_plan),
    )
    .add(
        M::POST,
        "/assurance/audits/plans/{id}/approve",
        Requires(P::ConductAudits),
        post(internal_audit::approve_plan),
    )
    .add(
        M::GET,
        "/assurance/audits/{id}",
        Requires(P::ViewAssurance),
        get(engagement_page::show),
    )
    .add(
        M::POST,
        "/assurance/audits/{id}/state",
        Requires(P::ConductAudits),
        post(engagement_page::advance),
    )
    .add(
        M::POST,
        "/assurance/audits/{id}/follow-up",
        Requires(P::ConductAudits),
        post(engagement_page::follow_up),
    )
    .add(
        M::POST,
        "/assurance/audits/{id}/tests",
        Requires(P::ConductAudits),
        post(engagement_forms::draw),
    )
    .add(
        M::POST,
        "/assurance/audit-tests/{id}/conclusion",
        Requires(P::ConductAudits),
        post(engagement_forms::conclude),
    )
    .add(
        M::POST,
        "/assurance/audits/{id}/workpapers",
        Requires(P::ConductAudits),
        post(engagement_forms::add_workpaper).layer(axum::extract::DefaultBodyLimit::max(engagement_forms::UPLOAD_LIMIT)),
    )
    .add(
        M::GET,
        "/assurance/workpapers/{id}/file",
        Requires(P::ViewAssurance),
        get(engagement_forms::download),
    )
    .add(
        M::POST,
        "/assurance/audits/{id}/findings",
        Requires(P::ConductAudits),
        post(engagement_forms::record_finding),
    )
    .add(
        M::POST,
        "/assurance/findings/{id}/response",
        Requires(P::RespondToAudits),
        post(engagement_forms::respond),
    )
    .add(
        M::POST,
        "/assurance/findings/{id}/actions",
        Requires(P::RespondToAudits),
        post(engagement_forms::agree_action),
    )
    .add(M::GET, "/assurance/actions", Requires(P::ViewAssurance), get(audit_actions::list))
    .add(
        M::GET,
        "/assurance/actions/export.csv",
        Requires(P::ViewAssurance),
        get(audit_actions::download),
    )
    .add(
        M::POST,
        "/assurance/actions/{id}/updates",
        Requires(P::RespondToAudits),
        post(audit_actions::update),
    )
    // Care finance: agreements, carer fees and allowances, payment runs.
    .add(M::GET, "/finance", Requires(P::ViewFinance), get(finance_home::home))
    .add(
        M::GET,
        "/finance/agreements",
        Requires(P::ViewFinance),
        get(service_agreements::list),
    )
    .add(
        M::POST,
        "/finance/agreements",
        Requires(P::ManageFinance),
        post(service_agreements::create),
    )
    .add(
        M::GET,
        "/finance/agreements/export.csv",
        Requires(P::ViewFinance),
        get(service_agreements::download),
    )
    .add(
        M::GET,
        "/finance/agreements/{id}",
        Requires(P::ViewFinance),
        get(service_agreements::show),
    )
    .add(
        M::POST,
        "/finance/agreements/{id}/rates",
        Requires(P::ManageFinance),
        post(service_agreements::add_rate),
    )
    .add(M::GET, "/finance/carer-fees", Requires(P::ViewFinance), get(carer_fees::show))
    .add(
        M::POST,
        "/finance/carer-fees",
        Requires(P::ManageFinance),
        post(carer_fees::propose),
    )
    .add(
        M::POST,
        "/finance/carer-fees/{id}/decision",
        Requires(P::ApprovePayments),
        post(carer_fees::decide),
    )
    .add(
        M::POST,
        "/finance/allowances",
        Requires(P::ManageFinance),
        post(carer_fees::save_table),
    )
    .add(M::GET, "/finance/runs", Requires(P::ViewFinance), get(payment_runs::list))
    .add(M::POST, "/finance/runs", Requires(P::ManageFinance), post(payment_runs::draft))
    .add(M::GET, "/finance/runs/{id}", Requires(P::ViewFinance), get(payment_runs::show))
    .add(
        M::POST,
        "/finance/runs/{id}/calculate",
        Requires(P::ManageFinance),
        post(payment_runs::calculate),
    )
    .add(
        M::POST,
        "/finance/runs/{id}/approve",
        Requires(P::ApprovePayments),
        post(payment_runs::approve),
    )
    .add(
        M::POST,
        "/finance/runs/{id}/release",
        Requires(P::ManageFinance),
        post(payment_runs::release),
    )
    .add(
        M::POST,
        "/finance/runs/{id}/export",
        Requires(P::ManageFinance),
        post(payment_runs::export),
    )
    .add(
        M::GET,
        "/finance/runs/{id}/remittances/{payee}",
        Requires(P::ViewFinance),
        get(payment_runs::remittance),
    )
    // Budgets, the year's forecast with its what-if, and the recharge
    // schedule: budget holders read them, finance officers set budgets.
    .add(M::GET, "/finance/forecast", Requires(P::ViewFinance), get(forecast::show))
    .add(
        M::GET,
        "/finance/forecast/export.csv",
        Requires(P::ViewFinance),
        get(forecast::download),
    )
    .add(M::GET, "/finance/budgets", Requires(P::ViewFinance), get(budgets::list))
    .add(M::POST, "/finance/budgets", Requires(P::ManageFinance), post(budgets::set))
    .add(M::GET, "/finance/recharges", Requires(P::ViewFinance), get(recharges::show))
    .add(
        M::GET,
        "/finance/recharges/export.csv",
        Requires(P::ViewFinance),
        get(recharges::download),
    )
    .add(M::GET, "/trays/caseload", Requires(P::RecordChildren), get(trays::caseload))
    .add(M::GET, "/trays/team", Requires(P::RecordChildren), get(trays::team))
    .add(M::GET, "/overview", Requires(P::ViewAggregates), get(overview::show))
    .add(M::GET, "/sufficiency", Requires(P::ViewAggregates), get(sufficiency::show))
    .add(
        M::GET,
        "/sufficiency/export.csv",
        Requires(P::ViewAggregates),
        get(sufficiency::download),
    )
    // Provider invoices and their exception queue: finance staff, budget
    // holders and auditors read them; finance officers enter and resolve.
    .add(M::GET, "/finance/invoices", Requires(P::ViewFinance), get(invoices::list))
    .add(M::POST, "/finance/invoices", Requires(P::ManageFinance), post(invoices::create))
    .add(
        M::GET,
        "/finance/invoices/export.csv",
        Requires(P::ViewFinance),
        get(invoices::download),
    )
    .add(M::GET, "/finance/invoices/new", Requires(P::ManageFinance), get(invoices::new_form))
    .add(
        M::GET,
        "/finance/invoices/import",
        Requires(P::ManageFinance),
        get(invoices::import_form),
    )
    .add(
        M::POST,
        "/finance/invoices/import",
        Requires(P::ManageFinance),
        post(invoices::import),
    )
    .add(M::GET, "/finance/invoices/{id}", Requires(P::ViewFinance), get(invoices::show))
    .add(
        M::GET,
        "/finance/exceptions",
        Requires(P::ViewFinance),
        get(invoice_exceptions::queue),
    )
    .add(
        M::POST,
        "/finance/exceptions/{id}/resolve",
        Requires(P::ManageFinance),
        post(invoice_exceptions::resolve),
    )
    .pipe(committee_routes::add)
    .pipe(export_routes::add)
    .pipe(annex_a_routes::add)
    .pipe(ssda903_routes::add)
    .add(M::GET, "/admin/users", Requires(P::ManageUsers), get(admin::users::list))
    .add(M::POST, "/admin/users", Requires(P::ManageUsers), post(admin::users::create))
    .add(M::GET, "/admin/users/new", Requires(P::ManageUsers), get(admin::users::new_form))
    .add(M::GET, "/admin/users/{id}", Requires(P::ManageUsers), get(admin::users::edit_form))
    .add(M::POST, "/admin/users/{id}", Requires(P::ManageUsers), post(admin::users::update))
    .add(M::GET, "/admin/teams", Requires(P::ManageUsers), get(admin::teams::list))
    .add(M::POST, "/admin/teams", Requires(P::ManageUsers), post(admin::teams::create))
    .add(M::GET, "/admin/api-tokens", Requires(P::ManageApiTokens), get(admin::tokens::list))
    .add(
        M::POST,
        "/admin/api-tokens",
        Requires(P::ManageApiTokens),
        post(admin::tokens::create),
    )
    .add(
        M::POST,
        "/admin/api-tokens/{id}/revoke",
        Requires(P::ManageApiTokens),
        post(admin::tokens::revoke),
    )
    .add(M::GET, "/audit", Requires(P::ViewAuditTrail), get(audit::events))
    .add(M::GET, "/audit/export.csv", Requires(P::ViewAuditTrail), get(audit::download))
    .add(M::GET, "/audit/access-log", Requires(P::ViewAuditTrail), get(audit::access_log))
    .add(M::GET, "/healthz", Public, get(health::healthz))
    .add(M::GET, "/metrics", Public, get(metrics::render))
    .add(M::GET, "/assets/{*path}", Public, get(assets_handler))
    .pipe(api_routes::add)
}

/// Every route with its declared access, for tests and documentation.
pub fn route_table() -> Vec<RouteSpec> {
    table().specs
}

/// The application router with all cross-cutting layers.
pub fn router(state: AppState) -> Router {
    let table = table();
    table
        .router
        .fallback(not_found)
        // Layers run bottom-up: the last added runs first on the way in.
        .layer(from_fn(csrf::protect))
        .layer(from_fn_with_state(state.clone(), session::authenticate))
        .layer(from_fn(render_errors))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn assets_handler(axum::extract::Path(path): axum::extract::Path<String>, headers: axum::http::HeaderMap) -> Response {
    use axum::http::{header, StatusCode};
    let Some(asset) = assets::lookup(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", asset.etag);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, asset.content_type.to_owned()),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        ],
        asset.bytes,
    )
        .into_response()
}
