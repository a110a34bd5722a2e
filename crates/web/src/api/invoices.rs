//! Provider invoices over the API: the list with the same filters as the
//! page, entering one, importing a CSV file of them (the body, all or
//! nothing, problems by line and column), one invoice with its exceptions,
//! the exception queue, and resolving an exception. The same store
//! functions and rules as the pages: matching, maker-checker and
//! optimistic locking are the store's, and its refusals come back as
//! problem details naming the field. Amounts are whole pence.

use authz::cap::{ManageFinance, ViewFinance};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use finance::Match;
use kernel::{Money, ProviderId};
use serde::{Deserialize, Serialize};
use store::invoices::{NewInvoice, Outcome};

use crate::api::gateway::{document, Document};
use crate::api::{ApiJson, Listing};
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::invoice_exceptions::{queue_items, QueueParams};
use crate::pages::invoices::ListParams;
use crate::AppState;

/// `?state=&q=&sort=&page=&per_page=`
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// matched, exception, accepted or rejected.
    #[serde(default)]
    pub state: String,
    /// Words that must all appear in the provider's name.
    #[serde(default)]
    pub q: String,
    /// received (default, newest first), amount, provider or period.
    #[serde(default)]
    pub sort: String,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// Invoices the filters keep, a page at a time.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "finance", params(ListQuery), responses((status = 200, body = Document)))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Authorized<ViewFinance>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Document>, AppError> {
    let params = ListParams {
        state: query.state,
        q: query.q,
        sort: query.sort,
        page: None,
    };
    let request = store::PageRequest::new(query.page.unwrap_or(1), query.per_page.unwrap_or(50));
    let found = store::invoices::list(&state.store, &params.filter(), request).await?;
    document(Listing {
        items: found.items,
        total: found.total,
        page: request.page,
        per_page: request.per_page,
    })
}

/// One invoice: billed, expected, its state and every exception.
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "finance", params(("id" = i64, Path, description = "Invoice number")),
    responses((status = 200, body = Document), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(State(state): State<AppState>, _auth: Authorized<ViewFinance>, Path(id): Path<i64>) -> Result<Json<Document>, AppError> {
    document(store::invoices::get(&state.store, id).await?)
}

/// An invoice as received.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvoiceInput {
    /// Hearth's number for the provider.
    pub provider_id: i64,
    /// The provider's invoice number.
    pub reference: String,
    /// The first day billed (ISO 8601 date).
    #[schema(value_type = String)]
    pub period_from: time::Date,
    /// The last day billed (ISO 8601 date).
    #[schema(value_type = String)]
    pub period_to: time::Date,
    /// The amount billed, in pence, above zero.
    pub amount_pence: i64,
    /// The day it was received (ISO 8601 date), not in the future.
    #[schema(value_type = String)]
    pub received_on: time::Date,
}

/// An invoice entered, and how it matched.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entered {
    pub id: i64,
    /// `{"outcome": "ok", "expected": pence}` or `{"outcome": "exceptions",
    /// "expected": pence, "exceptions": [{"kind": ...}]}`.
    #[serde(rename = "match")]
    #[schema(value_type = Object)]
    pub matched: Match,
}

/// Enters one invoice and matches it against the provider's agreement and
/// earlier invoices.
#[utoipa::path(post, path = "/api/v1/invoices", tag = "finance", request_body = NewInvoiceInput,
    responses((status = 201, body = Entered), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    ApiJson(input): ApiJson<NewInvoiceInput>,
) -> Result<(StatusCode, Json<Entered>), AppError> {
    let new = NewInvoice {
        provider_id: ProviderId::new(input.provider_id),
        reference: input.reference,
        from: input.period_from,
        to: input.period_to,
        amount: Money::from_pence(input.amount_pence),
        received_on: input.received_on,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let (id, matched) = store::invoices::enter(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Entered { id, matched })))
}

/// What an import entered, in file order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub invoices: Vec<Entered>,
}

/// Imports the invoice CSV sent as the body (`docs/formats.md`): every
/// invoice, or (on any problem, each named by line and column) none.
#[utoipa::path(post, path = "/api/v1/invoices/import", tag = "finance", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn import(State(state): State<AppState>, auth: Authorized<ManageFinance>, body: String) -> Result<Json<Imported>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let entered = store::invoices::import_csv(&mut cmd, &auth.can, &body).await?;
    cmd.commit().await?;
    Ok(Json(Imported {
        invoices: entered.into_iter().map(|(id, matched)| Entered { id, matched }).collect(),
    }))
}

/// Exceptions oldest first with their age in days: open ones, or with
/// `show=all` resolved ones too; `kind` keeps one kind.
#[utoipa::path(get, path = "/api/v1/invoice-exceptions", tag = "finance", params(QueueParams), responses((status = 200, body = Document)))]
pub async fn exceptions(
    State(state): State<AppState>,
    _auth: Authorized<ViewFinance>,
    Query(params): Query<QueueParams>,
) -> Result<Json<Document>, AppError> {
    document(queue_items(&state, &params).await?)
}

/// A decision on an exception at the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    /// accepted (pay the invoice despite it) or rejected.
    #[schema(value_type = String)]
    pub outcome: Outcome,
    /// Why; required.
    pub reason: String,
    /// The exception's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// Resolves an exception; returns the invoice afterwards. The person who
/// entered the invoice may not, nor may a service token: a decision is
/// always a named person's.
#[utoipa::path(post, path = "/api/v1/invoice-exceptions/{id}/resolve", tag = "finance", request_body = ResolveInput,
    params(("id" = i64, Path, description = "Exception number")),
    responses((status = 200, body = Document), (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn resolve(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ResolveInput>,
) -> Result<Json<Document>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::invoices::resolve(&mut cmd, &auth.can, id, input.version, input.outcome, &input.reason).await?;
    cmd.commit().await?;
    let invoice = store::invoices::exception(&state.store, id).await?.invoice_id;
    document(store::invoices::get(&state.store, invoice).await?)
}
