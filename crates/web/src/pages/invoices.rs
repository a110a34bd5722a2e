//! Provider invoices: the list (filtered by state and provider, sorted,
//! paged, exported as CSV), the form a finance officer enters one with,
//! the all-or-nothing CSV import, and one invoice's page with what the
//! agreements came to and its exceptions, where another finance officer
//! resolves them (`invoice_exceptions`).
//!
//! Matching, the checks on an invoice and segregation of duties are the
//! store's (`store::invoices`); these handlers read forms and show the
//! store's refusals against the fields they name.

use askama::Template;
use authz::cap::{ManageFinance, ViewFinance};
use authz::Permission;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::{Money, ProviderId};
use serde::Deserialize;
use store::invoices::{ExceptionKind, Filter, InvoiceState, Listed, NewInvoice, Outcome, Sort, StoredException, StoredInvoice};
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{form_status, in_command, page_number, path_id, query_string, render, Chrome, Pagination};
use crate::AppState;

const PER_PAGE: u32 = 25;

/// The list's filters and order, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    /// An invoice state code: matched, exception, accepted or rejected.
    #[serde(default)]
    pub state: String,
    /// Words that must all appear in the provider's name.
    #[serde(default)]
    pub q: String,
    /// received (default), amount, provider or period.
    #[serde(default)]
    pub sort: String,
    pub page: Option<u32>,
}

impl ListParams {
    /// The store's filter; an unknown state or sort means any / the default.
    pub fn filter(&self) -> Filter {
        Filter {
            state: self.state.parse::<InvoiceState>().ok(),
            provider: self.q.trim().to_owned(),
            sort: Sort::from_code(&self.sort),
        }
    }

    /// The filters as a query string, so pages and the CSV keep them.
    pub fn base_query(&self) -> String {
        query_string(&[("state", &self.state), ("q", self.q.trim()), ("sort", &self.sort)])
    }

    fn is_state(&self, code: &&str) -> bool {
        self.state == *code
    }

    fn is_sort(&self, code: &&str) -> bool {
        Sort::from_code(&self.sort).code() == *code
    }

    fn filtered(&self) -> bool {
        !self.state.is_empty() || !self.q.trim().is_empty()
    }
}

#[derive(Template)]
#[template(path = "invoices/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    invoices: Vec<Listed>,
    pagination: Pagination,
    states: Vec<(&'static str, &'static str)>,
    sorts: Vec<(&'static str, &'static str)>,
    open_exceptions: usize,
    may_manage: bool,
}

/// GET /finance/invoices
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    let request = PageRequest::new(page_number(params.page), PER_PAGE);
    let found = store::invoices::list(&state.store, &params.filter(), request).await?;
    let open = store::invoices::exceptions(&state.store, true, state.clock.today()).await?;
    let page = ListPage {
        chrome,
        pagination: Pagination::new(&found, "/finance/invoices", &params.base_query()),
        invoices: found.items,
        params,
        states: InvoiceState::choices(),
        sorts: Sort::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        open_exceptions: open.len(),
        may_manage: auth.principal.holds(Permission::ManageFinance),
    };
    Ok(render(&page)?.into_response())
}

/// Every invoice the filters keep, in their order (all pages).
pub async fn all_listed(state: &AppState, filter: &Filter) -> Result<Vec<Listed>, AppError> {
    let mut out = Vec::new();
    let mut number = 1;
    loop {
        let found = store::invoices::list(&state.store, filter, PageRequest::new(number, 500)).await?;
        let pages = found.page_count();
        out.extend(found.items);
        if number >= pages {
            return Ok(out);
        }
        number += 1;
    }
}

/// GET /finance/invoices/export?format=csv|xlsx: the list as filtered, every page.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewFinance>,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "invoice_id",
        "provider_id",
        "provider",
        "reference",
        "period_from",
        "period_to",
        "amount",
        "expected",
        "received_on",
        "state",
        "open_exceptions",
    ]);
    let iso = kernel::dates::format_iso_date;
    for l in all_listed(&state, &params.filter()).await? {
        table.row([
            l.id.to_string(),
            l.provider_id.to_string(),
            l.provider_name,
            l.reference,
            iso(l.from),
            iso(l.to),
            pounds(l.amount),
            pounds(l.expected),
            iso(l.received_on),
            l.state.code().to_owned(),
            l.open_exceptions.to_string(),
        ]);
    }
    table.into_download("invoices", format)
}

/// An amount as the import reads it back (`1234.56`), for CSV and inputs.
fn pounds(amount: Money) -> String {
    amount.to_string().replace(['£', ','], "")
}

#[derive(Template)]
#[template(path = "invoices/new.html")]
struct NewPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    providers: Vec<(i64, String)>,
    form: FormData,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn chose_provider(&self, id: &i64) -> bool {
        self.form.text("provider_id") == id.to_string()
    }
}

async fn new_page(state: &AppState, chrome: Chrome, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let providers = store::providers::list(&state.store)
        .await?
        .into_iter()
        .filter(|p| p.provider_type.is_external())
        .map(|p| (p.id.get(), p.name))
        .collect();
    let page = NewPage {
        chrome,
        status: form_status(&errors),
        errors,
        providers,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/invoices/new: received today unless changed.
pub async fn new_form(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ManageFinance>) -> Result<Response, AppError> {
    let today = kernel::dates::format_iso_date(state.clock.today());
    let form = FormData::from_pairs(vec![("received_on".into(), today)]);
    new_page(&state, chrome, Vec::new(), form).await
}

/// Reads the form, or every field at fault; the store checks the rest.
fn new_invoice(form: &FormData) -> Result<NewInvoice, Vec<FieldError>> {
    let mut errors = Vec::new();
    let provider = form.text("provider_id").parse::<i64>().ok().map(ProviderId::new);
    if provider.is_none() {
        errors.push(FieldError::new("provider_id", "Choose the provider who sent the invoice"));
    }
    let reference = form.text("reference");
    if reference.is_empty() {
        errors.push(FieldError::new("reference", "Enter the provider's invoice reference"));
    }
    let from = required_date("period_from", "the first day billed", &form.text("period_from"), &mut errors);
    let to = required_date("period_to", "the last day billed", &form.text("period_to"), &mut errors);
    let amount = match Money::parse(&form.text("amount")) {
        Ok(amount) => Some(amount),
        Err(e) => {
            errors.push(FieldError::new("amount", capitalised(&e.to_string())));
            None
        }
    };
    let received_on = required_date(
        "received_on",
        "the date the invoice was received",
        &form.text("received_on"),
        &mut errors,
    );
    match (provider, from, to, amount, received_on, errors.is_empty()) {
        (Some(provider_id), Some(from), Some(to), Some(amount), Some(received_on), true) => Ok(NewInvoice {
            provider_id,
            reference,
            from,
            to,
            amount,
            received_on,
        }),
        _ => Err(errors),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// POST /finance/invoices: enters and matches the invoice, then shows it.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let errors = match new_invoice(&form) {
        Ok(new) => match in_command(&state, auth.can.actor(), async |cmd| {
            store::invoices::enter(cmd, &auth.can, &new).await
        })
        .await?
        {
            Ok((id, _)) => return Ok(Redirect::to(&format!("/finance/invoices/{id}")).into_response()),
            Err(errors) => errors,
        },
        Err(errors) => errors,
    };
    new_page(&state, chrome, errors, form).await
}

/// What an import entered, for the page that reports it.
#[derive(Debug, Clone)]
struct Imported {
    invoice: Listed,
    exceptions: usize,
}

#[derive(Template)]
#[template(path = "invoices/import.html")]
struct ImportPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    columns: [&'static str; 6],
    imported: Vec<Imported>,
}

impl ImportPage {
    fn with_exceptions(&self) -> usize {
        self.imported.iter().filter(|i| i.exceptions > 0).count()
    }
}

fn import_page(chrome: Chrome, errors: Vec<FieldError>, imported: Vec<Imported>) -> Result<Response, AppError> {
    let page = ImportPage {
        chrome,
        status: form_status(&errors),
        errors,
        columns: store::invoices::INVOICE_COLUMNS,
        imported,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/invoices/import
pub async fn import_form(chrome: Chrome, _auth: Authorized<ManageFinance>) -> Result<Response, AppError> {
    import_page(chrome, Vec::new(), Vec::new())
}

/// POST /finance/invoices/import: enters every invoice in the file, or
/// none and every problem by line and column.
pub async fn import(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let text = form.text("file");
    if text.is_empty() {
        return import_page(chrome, vec![FieldError::new("file", "Choose a CSV file of invoices")], Vec::new());
    }
    let entered = match in_command(&state, auth.can.actor(), async |cmd| {
        store::invoices::import_csv(cmd, &auth.can, &text).await
    })
    .await?
    {
        Ok(entered) => entered,
        Err(errors) => return import_page(chrome, errors, Vec::new()),
    };
    let mut imported = Vec::with_capacity(entered.len());
    for (id, matched) in entered {
        let exceptions = match matched {
            finance::Match::Ok { .. } => 0,
            finance::Match::Exceptions { exceptions, .. } => exceptions.len(),
        };
        let invoice = store::invoices::get(&state.store, id).await?.listed;
        imported.push(Imported { invoice, exceptions });
    }
    import_page(chrome, Vec::new(), imported)
}

#[derive(Template)]
#[template(path = "invoices/show.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    invoice: StoredInvoice,
    days: i64,
    may_manage: bool,
    /// The signed-in person entered it, so may not resolve its exceptions.
    entered_it: bool,
    form: FormData,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    /// Billed less expected; positive when the provider asks for more.
    fn difference(&self) -> Money {
        self.invoice
            .listed
            .amount
            .checked_sub(self.invoice.listed.expected)
            .unwrap_or(Money::ZERO)
    }

    fn kind_label(&self, kind: &ExceptionKind) -> &'static str {
        kind.label()
    }

    fn outcome_class(&self, exception: &StoredException) -> &'static str {
        match exception.outcome {
            None => "govuk-tag--orange",
            Some(Outcome::Accepted) => "govuk-tag--green",
            Some(Outcome::Rejected) => "govuk-tag--red",
        }
    }

    /// The ids a resolve form's inputs carry, which its errors name.
    fn outcome_field(&self, id: &i64) -> String {
        format!("outcome-{id}")
    }

    fn reason_field(&self, id: &i64) -> String {
        format!("reason-{id}")
    }

    /// The reason typed for exception `id` when its form comes back.
    fn reason_for(&self, id: &i64) -> String {
        if self.form.text("exception") == id.to_string() {
            self.form.text("reason")
        } else {
            String::new()
        }
    }

    fn chose(&self, id: &i64, outcome: &str) -> bool {
        self.form.text("exception") == id.to_string() && self.form.text("outcome") == outcome
    }
}

/// The invoice page, with `errors` against its resolve forms.
pub async fn show_page(
    state: &AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    id: i64,
    status: Option<StatusCode>,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let invoice = store::invoices::get(&state.store, id).await?;
    let entered_it = invoice.entered_by.is_some() && invoice.entered_by == principal.actor.user_id();
    let page = ShowPage {
        chrome,
        status: status.unwrap_or_else(|| form_status(&errors)),
        errors,
        days: (invoice.listed.to - invoice.listed.from).whole_days() + 1,
        invoice,
        may_manage: principal.holds(Permission::ManageFinance),
        entered_it,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/invoices/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    show_page(
        &state,
        chrome,
        &auth.principal,
        path_id(&id)?,
        None,
        Vec::new(),
        FormData::default(),
    )
    .await
}

/// The GOV.UK tag colour for an invoice's state.
pub fn state_class(state: impl std::borrow::Borrow<InvoiceState>) -> &'static str {
    match state.borrow() {
        InvoiceState::Matched => "govuk-tag--blue",
        InvoiceState::Exception => "govuk-tag--orange",
        InvoiceState::Accepted => "govuk-tag--green",
        InvoiceState::Rejected => "govuk-tag--red",
    }
}
