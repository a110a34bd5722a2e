//! Placement agreements (IPAs): every agreement with its weekly price today
//! and how far it has got to being signed (filter, search, CSV), the
//! current external placements still without one, the form a commissioning
//! officer uses to create one, and an agreement's page where signatures are
//! recorded and variations are proposed, then decided by somebody else.
//!
//! The rules (a full funding split, a core fee, a spot-purchase reason off
//! framework, maker-checker on variations, optimistic locking) live in the
//! store and the `contracts` domain; these handlers only read the forms and
//! show the store's refusals against the fields they name.

use askama::Template;
use authz::cap::{Commission, ViewProviders};
use authz::Permission;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use contracts::agreements::{ending_soon, Draft, FundingSplit, PriceLine, SignatureStatus, Variation};
use contracts::frameworks::SpotReason;
use kernel::{ChildId, Money, ProviderId};
use placements::ElementKind;
use serde::{Deserialize, Serialize};
use store::agreements::{Agreement, NewAgreement, Unagreed};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::input::{parse_date, required_date};
use crate::pages::{in_command, query_string, render, Chrome};
use crate::AppState;

/// Price rows on the forms: enough for a core fee and the usual extras
/// (staffing, education, therapy, transport) without scrolling.
pub const PRICE_ROWS: usize = 6;

/// One line of the list (and of the API's list and the CSV).
#[derive(Debug, Clone, Serialize)]
pub struct ListLine {
    pub id: i64,
    pub placement_id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub provider_id: ProviderId,
    pub provider: String,
    pub start: Date,
    pub end: Option<Date>,
    /// In pence.
    pub weekly_today: Money,
    pub signature: SignatureStatus,
    /// Days left when the agreement ends within 8 weeks.
    pub ending_in_days: Option<i64>,
}

impl ListLine {
    fn of(a: &Agreement, today: Date) -> ListLine {
        ListLine {
            id: a.id,
            placement_id: a.placement_id,
            child_id: a.child_id,
            la_child_id: a.la_child_id.clone(),
            provider_id: a.provider_id,
            provider: a.provider.clone(),
            start: a.start,
            end: a.end,
            weekly_today: a.weekly_on(today),
            signature: a.signature,
            ending_in_days: ending_soon(a.end, today),
        }
    }
}

/// The list's filters, from the query string (pages, CSV and API alike).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// A signature status code: `draft`, `sent`, `provider-signed` or `fully-signed`.
    pub signature: Option<String>,
    /// `soon` keeps only agreements ending within 8 weeks.
    pub ending: Option<String>,
    /// Words that must all appear in the provider's name.
    pub q: Option<String>,
}

impl Filter {
    fn keeps(&self, line: &ListLine) -> bool {
        let name = line.provider.to_lowercase();
        self.q().to_lowercase().split_whitespace().all(|w| name.contains(w))
            && self.signature.as_deref().is_none_or(|s| s.is_empty() || s == line.signature.code())
            && (!self.ending_soon() || line.ending_in_days.is_some())
    }

    pub fn q(&self) -> &str {
        self.q.as_deref().unwrap_or_default()
    }

    pub fn is_signature(&self, code: &&str) -> bool {
        self.signature.as_deref() == Some(*code)
    }

    pub fn ending_soon(&self) -> bool {
        self.ending.as_deref() == Some("soon")
    }

    /// The filters as a query string, so the CSV link exports what is shown.
    pub fn query(&self) -> String {
        query_string(&[
            ("signature", self.signature.as_deref().unwrap_or_default()),
            ("ending", self.ending.as_deref().unwrap_or_default()),
            ("q", self.q()),
        ])
    }
}

/// Every agreement the filter keeps, soonest ending first (the store's order).
pub async fn list_lines(state: &AppState, filter: &Filter) -> Result<Vec<ListLine>, AppError> {
    let today = state.clock.today();
    Ok(store::agreements::list(&state.store)
        .await?
        .iter()
        .map(|a| ListLine::of(a, today))
        .filter(|l| filter.keeps(l))
        .collect())
}

#[derive(Template)]
#[template(path = "agreements/list.html")]
struct ListPage {
    chrome: Chrome,
    lines: Vec<ListLine>,
    filter: Filter,
    statuses: Vec<(&'static str, &'static str)>,
    unagreed: Vec<Unagreed>,
    may_commission: bool,
}

impl ListPage {
    fn category(&self, code: &str) -> &'static str {
        category_label(code)
    }
}

/// A placement category's label from its stored code.
fn category_label(code: &str) -> &'static str {
    code.parse::<placements::PlacementCategory>().map_or("Unknown", |c| c.label())
}

/// GET /agreements
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let page = ListPage {
        chrome,
        lines: list_lines(&state, &filter).await?,
        filter,
        statuses: SignatureStatus::choices(),
        unagreed: store::agreements::without_agreement(&state.store, state.clock.today()).await?,
        may_commission: auth.principal.holds(Permission::Commission),
    };
    Ok(render(&page)?.into_response())
}

/// GET /agreements/export?format=csv|xlsx: the list as filtered.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewProviders>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "agreement_id",
        "placement_id",
        "child_id",
        "provider",
        "start_date",
        "end_date",
        "weekly_today",
        "signature_status",
        "ending_in_days",
    ]);
    for l in list_lines(&state, &filter).await? {
        table.row([
            l.id.to_string(),
            l.placement_id.to_string(),
            l.la_child_id,
            l.provider,
            kernel::dates::format_iso_date(l.start),
            l.end.map(kernel::dates::format_iso_date).unwrap_or_default(),
            l.weekly_today.to_string(),
            l.signature.code().to_owned(),
            l.ending_in_days.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    table.into_download("placement-agreements", format)
}

/// One row of a price table on a form, with the ids its inputs carry.
#[derive(Debug, Clone)]
pub struct PriceRow {
    pub number: usize,
    pub kind_id: String,
    pub amount_id: String,
    pub kind: String,
    pub amount: String,
}

/// The price rows as last entered. The first row carries the ids the
/// store's field names point at ("elements", "core-fee"), so a link in the
/// error summary lands on an input.
pub fn price_rows(form: &FormData) -> Vec<PriceRow> {
    (0..PRICE_ROWS)
        .map(|row| PriceRow {
            number: row + 1,
            kind_id: if row == 0 {
                "elements".to_owned()
            } else {
                format!("element_kind-{row}")
            },
            amount_id: if row == 0 {
                "core-fee".to_owned()
            } else {
                format!("element_weekly-{row}")
            },
            kind: form.nth("element_kind", &row),
            amount: form.nth("element_weekly", &row),
        })
        .collect()
}

/// The filled price rows as (element, weekly amount), each element once.
pub fn priced_elements(form: &FormData, errors: &mut Vec<FieldError>) -> Vec<(ElementKind, Money)> {
    let mut out: Vec<(ElementKind, Money)> = Vec::new();
    for row in price_rows(form) {
        if row.kind.is_empty() && row.amount.is_empty() {
            continue;
        }
        let Ok(kind) = row.kind.parse::<ElementKind>() else {
            errors.push(FieldError::new(
                "elements",
                format!("Choose the element for price line {}", row.number),
            ));
            continue;
        };
        if out.iter().any(|(k, _)| *k == kind) {
            errors.push(FieldError::new(
                "elements",
                format!("Enter {} once only", kind.label().to_lowercase()),
            ));
            continue;
        }
        match Money::parse(&row.amount) {
            Ok(weekly) => out.push((kind, weekly)),
            Err(e) => errors.push(FieldError::new("elements", format!("Price line {} weekly amount: {e}", row.number))),
        }
    }
    out
}

/// A whole percentage from 0 to 100; every problem is put on "funding",
/// where the store also reports a split that does not add up.
fn percent(form: &FormData, name: &str, label: &str, errors: &mut Vec<FieldError>) -> u8 {
    match form.text(name).as_str() {
        "" => 0,
        text => text.parse::<u8>().ok().filter(|p| *p <= 100).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "funding",
                format!("Enter the {label} share as a whole number from 0 to 100"),
            ));
            0
        }),
    }
}

#[derive(Template)]
#[template(path = "agreements/new.html")]
struct NewPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    placement: Unagreed,
    /// The offer a placement search chose for this child and provider.
    offer: Option<store::search_referrals::ChosenOffer>,
    rows: Vec<PriceRow>,
    kinds: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    form: FormData,
}

impl NewPage {
    fn category(&self) -> &'static str {
        category_label(&self.placement.category)
    }

    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }
}

/// A current external placement without an agreement, by its number as typed.
async fn unagreed(state: &AppState, placement: &str) -> Result<Unagreed, AppError> {
    let id = placement.parse::<i64>().map_err(|_| AppError::NotFound)?;
    store::agreements::without_agreement(&state.store, state.clock.today())
        .await?
        .into_iter()
        .find(|u| u.placement_id == id)
        .ok_or(AppError::NotFound)
}

async fn new_page(
    state: &AppState,
    chrome: Chrome,
    placement: Unagreed,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let offer = store::search_referrals::chosen_offer(&state.store, placement.child_id, placement.provider_id).await?;
    let page = NewPage {
        offer,
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        rows: price_rows(&form),
        kinds: ElementKind::choices(),
        reasons: SpotReason::choices(),
        placement,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    placement: Option<String>,
}

/// GET /agreements/new?placement=ID: pre-filled from the placement (its
/// start, its weekly cost as the core fee, all paid by social care).
pub async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<Commission>,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let Some(placement) = query.placement.filter(|p| !p.is_empty()) else {
        // Agreements are always made for a placement: choose one from the list.
        return Ok(Redirect::to("/agreements#without-agreement").into_response());
    };
    let found = unagreed(&state, &placement).await?;
    // A placement found by search starts from the offer chosen, not the
    // cost typed when the placement was recorded.
    let offer = store::search_referrals::chosen_offer(&state.store, found.child_id, found.provider_id).await?;
    let weekly = offer.as_ref().map_or(found.weekly_cost, |o| o.weekly);
    let form = FormData::from_pairs(vec![
        ("placement".into(), placement),
        ("start_date".into(), kernel::dates::format_iso_date(found.start)),
        ("social_care".into(), "100".into()),
        ("education".into(), "0".into()),
        ("health".into(), "0".into()),
        ("element_kind".into(), ElementKind::CoreFee.code().into()),
        // The input has its own "£" prefix, so the amount is shown bare
        // ("4900.00"), which Money::parse reads back to the same pence.
        ("element_weekly".into(), weekly.to_string().replace(['£', ','], "")),
    ]);
    new_page(&state, chrome, found, Vec::new(), form).await
}

/// Reads the new-agreement form, or every field at fault.
fn new_agreement(form: &FormData) -> Result<NewAgreement, Vec<FieldError>> {
    let mut errors = Vec::new();
    let placement_id = form.text("placement").parse::<i64>().unwrap_or_default();
    let start = required_date("start_date", "the date the agreement starts", &form.text("start_date"), &mut errors);
    let end = match form.text("end_date").as_str() {
        "" => None,
        text => {
            let end = parse_date(text);
            if end.is_none() {
                errors.push(FieldError::new(
                    "end_date",
                    "Enter the end date as a real date, for example 31/3/2027",
                ));
            }
            end
        }
    };
    let funding = FundingSplit {
        social_care: percent(form, "social_care", "social care", &mut errors),
        education: percent(form, "education", "education", &mut errors),
        health: percent(form, "health", "health", &mut errors),
    };
    let elements = priced_elements(form, &mut errors);
    let spot = match form.text("spot_reason").as_str() {
        "" => None,
        code => match code.parse::<SpotReason>() {
            Ok(reason) => Some((reason, form.text("spot_note"))),
            Err(_) => {
                errors.push(FieldError::new("spot_reason", "Choose why this is a spot purchase"));
                None
            }
        },
    };
    let (Some(start), true) = (start, errors.is_empty()) else {
        return Err(errors);
    };
    let lines = elements
        .into_iter()
        .map(|(kind, weekly)| PriceLine {
            kind,
            weekly,
            effective_from: start,
        })
        .collect();
    Ok(NewAgreement {
        placement_id,
        draft: Draft {
            start,
            end,
            lines,
            funding,
        },
        spot,
    })
}

/// POST /agreements: creates the agreement and shows it.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    form: FormData,
) -> Result<Response, AppError> {
    let errors = match new_agreement(&form) {
        Ok(new) => match in_command(&state, auth.can.actor(), async |cmd| {
            store::agreements::create(cmd, &auth.can, &new).await
        })
        .await?
        {
            Ok(id) => return Ok(Redirect::to(&format!("/agreements/{id}")).into_response()),
            Err(errors) => errors,
        },
        Err(errors) => errors,
    };
    match unagreed(&state, &form.text("placement")).await {
        Ok(placement) => new_page(&state, chrome, placement, errors, form).await,
        // The placement has no form to show again (unknown, or it gained an
        // agreement meanwhile): the error page lists the problems instead.
        Err(AppError::NotFound) => Err(AppError::Invalid(errors)),
        Err(other) => Err(other),
    }
}

/// A proposed variation read from the agreement page's form.
pub fn variation_from(form: &FormData) -> Result<Variation, Vec<FieldError>> {
    let mut errors = Vec::new();
    let effective_from = required_date(
        "effective_from",
        "the date the variation takes effect",
        &form.text("effective_from"),
        &mut errors,
    );
    let new_end = match form.text("new_end").as_str() {
        "" => None,
        text => {
            let end = parse_date(text);
            if end.is_none() {
                errors.push(FieldError::new(
                    "new_end",
                    "Enter the new end date as a real date, for example 30/6/2027",
                ));
            }
            end
        }
    };
    let lines = priced_elements(form, &mut errors);
    match (effective_from, errors.is_empty()) {
        (Some(effective_from), true) => Ok(Variation {
            effective_from,
            reason: form.text("reason"),
            lines,
            new_end,
        }),
        _ => Err(errors),
    }
}
