//! In-house carers' money: fee proposals for fostering placements (a
//! finance officer proposes, a finance approver decides) and the allowance
//! tables per financial year (age bands and fee levels).
//!
//! A table is entered as text, one band or level per line, because a year's
//! table is a handful of rows copied from the council's published rates;
//! every line that cannot be read is named.

use askama::Template;
use authz::cap::{ApprovePayments, ManageFinance, ViewFinance};
use authz::Permission;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use finance::allowances::{AgeBand, AllowanceTable, FeeLevel};
use kernel::Money;
use store::carer_fees::{CarerFee, NewFee, Unfeed};
use store::households::Household;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{in_command, path_id, render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "finance/carer_fees.html")]
struct FeesPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    fees: Vec<CarerFee>,
    waiting: Vec<Unfeed>,
    households: Vec<Household>,
    tables: Vec<AllowanceTable>,
    may_manage: bool,
    may_approve: bool,
    form: FormData,
}

impl FeesPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn state_tag(&self, state: &str) -> &'static str {
        match state {
            "approved" => "govuk-tag--green",
            "rejected" => "govuk-tag--red",
            _ => "govuk-tag--yellow",
        }
    }

    fn year_label(&self, table: &AllowanceTable) -> String {
        let year = table.year_start.year();
        format!("{year} to {}", year + 1)
    }
}

async fn fees_page(
    state: &AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let page = FeesPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        fees: store::carer_fees::list(&state.store).await?,
        waiting: store::carer_fees::placements_without_fee(&state.store, today).await?,
        households: store::households::list(
            &state.store,
            state.calendar.nation(),
            crate::pages::monitoring::SUPERVISORY_VISIT_WEEKS,
            today,
        )
        .await?,
        tables: store::carer_fees::all_tables(&state.store).await?,
        may_manage: principal.holds(Permission::ManageFinance),
        may_approve: principal.holds(Permission::ApprovePayments),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/carer-fees
pub async fn show(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewFinance>) -> Result<Response, AppError> {
    fees_page(&state, chrome, &auth.principal, Vec::new(), FormData::default()).await
}

/// POST /finance/carer-fees: proposes a fee for an in-house placement.
pub async fn propose(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let placement_id = form.text("placement_id").parse::<i64>().ok();
    if placement_id.is_none() {
        errors.push(FieldError::new("placement_id", "Choose the placement"));
    }
    let household_id = form.text("household_id").parse::<i64>().ok();
    if household_id.is_none() {
        errors.push(FieldError::new("household_id", "Choose the carer household"));
    }
    let fee_level = form.text("fee_level").parse::<u8>().ok();
    if fee_level.is_none() {
        errors.push(FieldError::new("fee_level", "Enter the fee level as a whole number (0 for no fee)"));
    }
    let (Some(placement_id), Some(household_id), Some(fee_level), true) = (placement_id, household_id, fee_level, errors.is_empty()) else {
        return fees_page(&state, chrome, &auth.principal, errors, form).await;
    };
    let new = NewFee {
        placement_id,
        household_id,
        fee_level,
        reason: form.text("reason"),
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::carer_fees::propose(cmd, &auth.can, &new).await
    })
    .await?
    {
        Ok(_) => Ok(Redirect::to("/finance/carer-fees#fees").into_response()),
        Err(errors) => fees_page(&state, chrome, &auth.principal, errors, form).await,
    }
}

/// POST /finance/carer-fees/{id}/decision: approves or rejects a fee.
pub async fn decide(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ApprovePayments>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let approve = form.text("approve") == "yes";
    let version = form.version();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::carer_fees::decide(cmd, &auth.can, id, version, approve).await
    })
    .await
    {
        Ok(Ok(())) => Ok(Redirect::to("/finance/carer-fees#fees").into_response()),
        Ok(Err(errors)) => fees_page(&state, chrome, &auth.principal, errors, form).await,
        Err(AppError::Conflict(message)) => {
            let errors = vec![FieldError::new("action", message)];
            let mut response = fees_page(&state, chrome, &auth.principal, errors, form).await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// Reads `from,to,amount` band lines and `level,amount` fee lines.
pub fn read_table(form: &FormData) -> Result<AllowanceTable, Vec<FieldError>> {
    let mut errors = Vec::new();
    let year_start = required_date(
        "year_start",
        "the first day of the year (1 April)",
        &form.text("year_start"),
        &mut errors,
    );
    let mut bands = Vec::new();
    for (number, line) in lines(&form.text("bands")) {
        let parts: Vec<&str> = line.split(',').map(str::trim).collect();
        match (parts.as_slice(), parts.get(2).map(|a| Money::parse(a))) {
            ([from, to, _], Some(Ok(weekly))) => match (from.parse::<u8>(), to.parse::<u8>()) {
                (Ok(age_from), Ok(age_to)) if age_from <= age_to => bands.push(AgeBand { age_from, age_to, weekly }),
                _ => errors.push(FieldError::new(
                    "bands",
                    format!("Band line {number}: give the ages as whole numbers, youngest first"),
                )),
            },
            _ => errors.push(FieldError::new(
                "bands",
                format!("Band line {number}: write it as from age, to age, weekly amount, for example 0,4,175.00"),
            )),
        }
    }
    let mut fee_levels = Vec::new();
    for (number, line) in lines(&form.text("fee_levels")) {
        let parts: Vec<&str> = line.split(',').map(str::trim).collect();
        match (parts.as_slice(), parts.get(1).map(|a| Money::parse(a))) {
            ([level, _], Some(Ok(weekly))) if level.parse::<u8>().is_ok_and(|l| l > 0) => fee_levels.push(FeeLevel {
                level: level.parse().unwrap_or_default(),
                weekly,
            }),
            _ => errors.push(FieldError::new(
                "fee_levels",
                format!("Fee line {number}: write it as level, weekly amount, for example 1,120.00"),
            )),
        }
    }
    match (year_start, errors.is_empty()) {
        (Some(year_start), true) => Ok(AllowanceTable {
            year_start,
            bands,
            fee_levels,
        }),
        _ => Err(errors),
    }
}

/// The non-blank lines of a text area, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| (i + 1, l))
}

/// POST /finance/allowances: saves a new year's table and carries it to
/// every live carer agreement.
pub async fn save_table(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let table = match read_table(&form) {
        Ok(table) => table,
        Err(errors) => return fees_page(&state, chrome, &auth.principal, errors, form).await,
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::carer_fees::save_table(cmd, &auth.can, &table).await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to("/finance/carer-fees#allowances").into_response()),
        Err(errors) => fees_page(&state, chrome, &auth.principal, errors, form).await,
    }
}
