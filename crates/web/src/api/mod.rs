//! The JSON API under `/api/v1`, described by an OpenAPI 3 document that is
//! generated from these handlers' annotations.
//!
//! The API authenticates with bearer tokens created by an administrator;
//! each token acts with one role, and the same permission checks and store
//! functions serve the API and the pages. Errors are
//! `application/problem+json`, naming the field at fault.

pub mod agreements;
pub mod annex_a;
pub mod assurance;
pub mod audit;
pub mod carer_fees;
pub mod child_export;
pub mod children;
pub mod commissioning;
pub mod committees;
pub mod finance;
pub mod forecast;
pub mod frameworks;
pub mod gateway;
pub mod internal_audit;
pub mod invoices;
pub mod me;
pub mod payment_runs;
pub mod records;
pub mod requests;
pub mod searches;
pub mod ssda903;
pub mod users;

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{AppError, FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hearth API",
        version = "1",
        description = "Placements, care finance and assurance for children's services. Authenticate with `Authorization: Bearer <token>`; tokens are created by an administrator and act with one role. Errors are RFC 9457 problem details naming the field at fault."
    ),
    paths(
        me::show,
        annex_a::lists,
        ssda903::validation,
        ssda903::for_child,
        assurance::controls,
        assurance::run,
        assurance::exceptions,
        assurance::assign,
        assurance::resolve,
        children::list,
        children::show,
        children::deadlines,
        children::record_event,
        child_export::export,
        records::create,
        records::care_change,
        requests::list,
        requests::show,
        requests::create,
        requests::change,
        requests::step,
        requests::approve,
        gateway::panels,
        gateway::panel,
        gateway::schedule,
        gateway::matrix,
        gateway::dashboard,
        gateway::notifications,
        commissioning::list,
        commissioning::show,
        commissioning::review,
        commissioning::schedule,
        commissioning::record_event,
        frameworks::list,
        frameworks::create,
        frameworks::add_lot,
        frameworks::add_member,
        frameworks::import_feed,
        frameworks::placements,
        frameworks::add_setting,
        frameworks::update_setting,
        frameworks::import_vacancies,
        frameworks::households,
        frameworks::add_household,
        frameworks::sufficiency,
        searches::run,
        searches::show,
        searches::refer,
        searches::answer,
        searches::choose,
        searches::close,
        agreements::list,
        agreements::show,
        agreements::create,
        agreements::signature,
        agreements::propose,
        agreements::decide,
        finance::list_agreements,
        finance::ready,
        finance::show_agreement,
        finance::create_agreement,
        finance::add_rate,
        carer_fees::list_fees,
        carer_fees::propose_fee,
        carer_fees::decide_fee,
        carer_fees::list_tables,
        carer_fees::save_table,
        payment_runs::list,
        payment_runs::draft,
        payment_runs::show,
        payment_runs::calculate,
        payment_runs::approve,
        payment_runs::release,
        payment_runs::export,
        payment_runs::remittances,
        forecast::forecast,
        forecast::budgets,
        forecast::set_budget,
        forecast::recharges,
        invoices::list,
        invoices::create,
        invoices::import,
        invoices::show,
        invoices::exceptions,
        invoices::resolve,
        users::list,
        users::create,
        audit::events,
        audit::verify,
        committees::meetings,
        committees::create_meeting,
        committees::meeting,
        committees::add_agenda_item,
        committees::add_resolution,
        committees::complete_resolution,
        committees::generate_pack,
        committees::pack,
        committees::training,
        committees::record_training,
        committees::embedding,
        internal_audit::plans,
        internal_audit::create_plan,
        internal_audit::create_engagement,
        internal_audit::engagement,
        internal_audit::draw,
        internal_audit::record_finding,
        internal_audit::respond,
        internal_audit::agree_action,
        internal_audit::update_action,
        internal_audit::actions,
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// A JSON body whose parse errors become problem details naming the field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::invalid("body", "the request body could not be read"))?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => Ok(ApiJson(value)),
            Err(error) => {
                let path = error.path().to_string();
                let field = if path == "." { "body".to_owned() } else { path };
                Err(AppError::Invalid(vec![FieldError {
                    field,
                    message: error.inner().to_string(),
                }]))
            }
        }
    }
}

/// `?page=&per_page=` for list endpoints.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

impl Paging {
    pub fn request(&self) -> store::PageRequest {
        store::PageRequest::new(self.page.unwrap_or(1), self.per_page.unwrap_or(50))
    }
}

/// A page of results with its total.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}
