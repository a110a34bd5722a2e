//! Service agreements: every agreement the council pays under (filter,
//! search, pages, CSV), the placements whose basis is approved and that are
//! ready for one, and an agreement's page with its rate history, what has
//! been paid, adjustments waiting for the next run, and the rate-change
//! form.
//!
//! The rules (an approved basis, a live placement, rates never edited,
//! backdated changes as adjustments, optimistic locking) live in the store
//! and the `finance` crate; these handlers read forms and show refusals.

use askama::Template;
use authz::cap::{ManageFinance, ViewFinance};
use authz::Permission;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use finance::runs::Cadence;
use finance::{Element, PaymentLine};
use kernel::Money;
use serde::{Deserialize, Serialize};
use store::service_agreements::{RateChange, Ready, Stored, Terms};
use store::{Page, PageRequest};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{in_command, page_number, path_id, query_string, render, Chrome, Pagination};
use crate::AppState;

/// One line of the list, the CSV and the API.
#[derive(Debug, Clone, Serialize)]
pub struct ListLine {
    pub id: i64,
    pub placement_id: i64,
    pub child_id: i64,
    pub la_child_id: String,
    pub payee: String,
    pub payee_name: String,
    pub placement_type: String,
    pub cadence: Cadence,
    pub cost_centre: String,
    pub start: Date,
    pub last_day: Option<Date>,
    pub weekly_today: Money,
    pub paid_through: Option<Date>,
    pub live: bool,
}

impl ListLine {
    pub fn of(s: &Stored, today: Date) -> ListLine {
        ListLine {
            id: s.agreement.id.get(),
            placement_id: s.agreement.placement_id.get(),
            child_id: s.child_id.get(),
            la_child_id: s.la_child_id.clone(),
            payee: s.agreement.payee.to_string(),
            payee_name: s.payee_name.clone(),
            placement_type: s.agreement.placement_type.label().to_owned(),
            cadence: s.cadence,
            cost_centre: s.agreement.cost_centre.as_str().to_owned(),
            start: s.agreement.start,
            last_day: s.agreement.last_day(),
            weekly_today: s.weekly_on(today),
            paid_through: s.paid_through,
            live: s.agreement.live_on(today),
        }
    }
}

/// The list's filters (pages and CSV alike).
#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    /// Words that must all appear in the payee's name or the child's id.
    pub q: Option<String>,
    pub cost_centre: Option<String>,
    pub cadence: Option<String>,
    /// `live` (the default), `ended` or `all`.
    pub state: Option<String>,
    pub page: Option<u32>,
}

impl Filter {
    fn keeps(&self, line: &ListLine) -> bool {
        let text = format!("{} {}", line.payee_name, line.la_child_id).to_lowercase();
        self.q().to_lowercase().split_whitespace().all(|w| text.contains(w))
            && self.cost_centre().is_empty_or(|c| c.eq_ignore_ascii_case(&line.cost_centre))
            && self.cadence().is_empty_or(|c| c == line.cadence.code())
            && match self.state() {
                "ended" => !line.live,
                "all" => true,
                _ => line.live,
            }
    }

    pub fn q(&self) -> &str {
        self.q.as_deref().unwrap_or_default()
    }

    pub fn cost_centre(&self) -> &str {
        self.cost_centre.as_deref().unwrap_or_default()
    }

    pub fn cadence(&self) -> &str {
        self.cadence.as_deref().unwrap_or_default()
    }

    pub fn state(&self) -> &str {
        self.state.as_deref().unwrap_or("live")
    }

    pub fn query(&self) -> String {
        query_string(&[
            ("q", self.q()),
            ("cost_centre", self.cost_centre()),
            ("cadence", self.cadence()),
            ("state", self.state.as_deref().unwrap_or_default()),
        ])
    }
}

/// `""` keeps everything; anything else must satisfy `test`.
trait EmptyOr {
    fn is_empty_or(&self, test: impl FnOnce(&str) -> bool) -> bool;
}

impl EmptyOr for &str {
    fn is_empty_or(&self, test: impl FnOnce(&str) -> bool) -> bool {
        self.is_empty() || test(self)
    }
}

/// Every agreement the filter keeps, by payee then child.
pub async fn list_lines(state: &AppState, filter: &Filter) -> Result<Vec<ListLine>, AppError> {
    let today = state.clock.today();
    let mut lines: Vec<ListLine> = store::service_agreements::list(&state.store)
        .await?
        .iter()
        .map(|s| ListLine::of(s, today))
        .filter(|l| filter.keeps(l))
        .collect();
    lines.sort_by(|a, b| (&a.payee_name, &a.la_child_id, a.id).cmp(&(&b.payee_name, &b.la_child_id, b.id)));
    Ok(lines)
}

#[derive(Template)]
#[template(path = "finance/agreements.html")]
struct ListPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    page: Page<ListLine>,
    pagination: Pagination,
    filter: Filter,
    ready: Vec<Ready>,
    cadences: Vec<(&'static str, &'static str)>,
    may_manage: bool,
}

impl ListPage {
    fn category(&self, code: &str) -> &'static str {
        code.parse::<placements::PlacementCategory>().map_or("Unknown", |c| c.label())
    }

    /// The cadence offered first for a payee: carers weekly, providers monthly.
    fn default_cadence(&self, ready: &Ready) -> &'static str {
        if ready.carer_fee_id.is_some() {
            Cadence::FourWeekly.code()
        } else {
            Cadence::Monthly.code()
        }
    }
}

async fn list_page(
    state: &AppState,
    chrome: Chrome,
    may_manage: bool,
    filter: Filter,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let request = PageRequest::new(page_number(filter.page), 50);
    let page = Page::of(list_lines(state, &filter).await?, request);
    let page = ListPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        pagination: Pagination::new(&page, "/finance/agreements", &filter.query()),
        page,
        filter,
        ready: store::service_agreements::ready(&state.store, state.clock.today()).await?,
        cadences: Cadence::choices(),
        may_manage,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/agreements
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let may_manage = auth.principal.holds(Permission::ManageFinance);
    list_page(&state, chrome, may_manage, filter, Vec::new()).await
}

/// GET /finance/agreements/export?format=csv|xlsx: the list as filtered, every page.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewFinance>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "service_agreement_id",
        "placement_id",
        "child_id",
        "payee",
        "payee_name",
        "placement_type",
        "cadence",
        "cost_centre",
        "start_date",
        "last_day",
        "weekly_today",
        "paid_through",
    ]);
    for l in list_lines(&state, &filter).await? {
        table.row([
            l.id.to_string(),
            l.placement_id.to_string(),
            l.la_child_id,
            l.payee,
            l.payee_name,
            l.placement_type,
            l.cadence.code().to_owned(),
            l.cost_centre,
            kernel::dates::format_iso_date(l.start),
            l.last_day.map(kernel::dates::format_iso_date).unwrap_or_default(),
            finance::export::decimal(l.weekly_today),
            l.paid_through.map(kernel::dates::format_iso_date).unwrap_or_default(),
        ]);
    }
    table.into_download("service-agreements", format)
}

/// The basis and terms from the create form, or the fields at fault.
pub fn read_terms(form: &FormData) -> Result<Terms, Vec<FieldError>> {
    match form.text("cadence").parse::<Cadence>() {
        Ok(cadence) => Ok(Terms {
            cadence,
            cost_centre: form.text("cost_centre"),
        }),
        Err(_) => Err(vec![FieldError::new("cadence", "Choose how often the payee is paid")]),
    }
}

/// POST /finance/agreements: creates an agreement from a signed placement
/// agreement or an approved carer fee.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let terms = match read_terms(&form) {
        Ok(terms) => terms,
        Err(errors) => return list_page(&state, chrome, true, Filter::default(), errors).await,
    };
    let placement_agreement = form.text("placement_agreement_id").parse::<i64>().ok();
    let carer_fee = form.text("carer_fee_id").parse::<i64>().ok();
    let created = in_command(&state, auth.can.actor(), async |cmd| match (placement_agreement, carer_fee) {
        (Some(id), None) => store::service_agreements::create_from_placement_agreement(cmd, &auth.can, id, &terms).await,
        (None, Some(id)) => store::service_agreements::create_from_carer_fee(cmd, &auth.can, id, &terms).await,
        _ => Err(store::StoreError::Invalid(vec![(
            "basis",
            "Create an agreement from one signed placement agreement or one approved carer fee".to_owned(),
        )])),
    })
    .await?;
    match created {
        Ok(id) => Ok(Redirect::to(&format!("/finance/agreements/{id}")).into_response()),
        Err(errors) => list_page(&state, chrome, true, Filter::default(), errors).await,
    }
}

/// A waiting adjustment, as the page shows it.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub element: Element,
    pub first: Date,
    pub last: Date,
    pub amount: Money,
    pub reason: String,
    pub run_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "finance/agreement.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    stored: Stored,
    weekly_today: Money,
    paid: Vec<(i64, PaymentLine)>,
    adjustments: Vec<Waiting>,
    elements: Vec<(&'static str, &'static str)>,
    may_manage: bool,
    form: FormData,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn rate_text(&self, weekly: &Money) -> String {
        if *weekly == Money::ZERO {
            "Stopped".to_owned()
        } else {
            weekly.to_string()
        }
    }
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    may_manage: bool,
    id: i64,
    status: Option<StatusCode>,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let stored = store::service_agreements::load(&mut conn, id).await?;
    drop(conn);
    let today = state.clock.today();
    let adjustments = store::service_agreements::adjustments(&state.store, id)
        .await?
        .into_iter()
        .map(|(a, reason, run_id)| Waiting {
            element: a.element,
            first: a.first,
            last: a.last,
            amount: a.amount,
            reason,
            run_id,
        })
        .collect();
    let page = ShowPage {
        chrome,
        status: status.unwrap_or_else(|| crate::pages::form_status(&errors)),
        errors,
        weekly_today: stored.weekly_on(today),
        paid: store::payment_runs::lines_for_agreement(&state.store, id).await?,
        adjustments,
        stored,
        elements: Element::choices(),
        may_manage,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/agreements/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may_manage = auth.principal.holds(Permission::ManageFinance);
    show_page(&state, chrome, may_manage, path_id(&id)?, None, Vec::new(), FormData::default()).await
}

/// Reads the rate-change form, or every field at fault.
fn rate_change(form: &FormData) -> Result<RateChange, Vec<FieldError>> {
    let mut errors = Vec::new();
    let element = form.text("element").parse::<Element>().ok();
    if element.is_none() {
        errors.push(FieldError::new("element", "Choose the element whose rate changes"));
    }
    let weekly = Money::parse(&form.text("weekly"))
        .map_err(|e| errors.push(FieldError::new("weekly", format!("Weekly rate: {e}"))))
        .ok();
    let from = required_date("from", "the date the rate takes effect", &form.text("from"), &mut errors);
    match (element, weekly, from, errors.is_empty()) {
        (Some(element), Some(weekly), Some(from), true) => Ok(RateChange {
            element,
            weekly,
            from,
            reason: form.text("reason"),
        }),
        _ => Err(errors),
    }
}

/// POST /finance/agreements/{id}/rates: appends a rate; days already paid
/// are adjusted in the next run.
pub async fn add_rate(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let change = match rate_change(&form) {
        Ok(change) => change,
        Err(errors) => return show_page(&state, chrome, true, id, None, errors, form).await,
    };
    let version = form.version();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::service_agreements::add_rate(cmd, &auth.can, id, version, &change).await
    })
    .await
    {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/finance/agreements/{id}#rates")).into_response()),
        Ok(Err(errors)) => show_page(&state, chrome, true, id, None, errors, form).await,
        Err(AppError::Conflict(_)) => {
            let errors = vec![FieldError::new(
                "weekly",
                "Someone else changed this agreement after you opened it. Your rate has not been saved: check the rates and enter it again",
            )];
            show_page(&state, chrome, true, id, Some(StatusCode::CONFLICT), errors, form).await
        }
        Err(other) => Err(other),
    }
}
