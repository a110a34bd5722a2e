//! Budgets by financial year and cost centre: the year's list with each
//! budget's holder, and the form a finance officer uses to set one or,
//! from the list, change one at the version read. Budget holders see only
//! the budgets they hold, as on the forecast.
//!
//! The rules (1 April year start, no negative amount, one budget per year
//! and cost centre, optimistic locking) are the store's; this module reads
//! the form and shows the store's refusals against the fields they name.

use askama::Template;
use authz::cap::{ManageFinance, ViewFinance};
use authz::{Permission, Principal};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::months::financial_year_start;
use kernel::{Money, UserId};
use serde::Deserialize;
use store::budgets::{year_label, Budget, Holder, NewBudget};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::forecast::Scope;
use crate::pages::{form_status, in_command, render, Chrome};
use crate::AppState;

/// `?year=2026-04-01` (any day of the year will do): the financial year
/// to show, this one by default.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Any ISO date in the financial year wanted (default: the current year).
    pub year: Option<String>,
    /// A cost centre whose budget to load into the form for a change.
    #[param(ignore)]
    pub cost_centre: Option<String>,
}

impl YearQuery {
    /// 1 April of the year asked for.
    pub fn year_start(&self, today: Date) -> Result<Date, AppError> {
        match self.year.as_deref().map(str::trim) {
            None | Some("") => Ok(financial_year_start(today)),
            Some(text) => crate::input::parse_date(text)
                .map(financial_year_start)
                .ok_or_else(|| AppError::invalid("year", "Enter a date in the financial year wanted, such as 2026-04-01")),
        }
    }
}

/// The budgets a person may see for a year: all of them, or a holder's own.
pub async fn visible(state: &AppState, scope: Scope, year_start: Date) -> Result<Vec<Budget>, AppError> {
    let all = store::budgets::budgets(&state.store, year_start).await?;
    Ok(match scope.holder() {
        None => all,
        Some(holder) => all.into_iter().filter(|b| b.holder_id == Some(holder)).collect(),
    })
}

#[derive(Template)]
#[template(path = "forecast/budgets.html")]
struct BudgetsPage {
    chrome: Chrome,
    year: String,
    year_iso: String,
    budgets: Vec<Budget>,
    total: Money,
    holder_view: bool,
    may_manage: bool,
    holders: Vec<Holder>,
    /// The years the form offers: this one, the next and the one shown.
    years: Vec<(String, String)>,
    form: FormData,
    errors: Vec<FieldError>,
}

impl BudgetsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    /// Whether the form is changing an existing budget.
    fn changing(&self) -> bool {
        !self.form.text("version").is_empty()
    }

    fn holder_chosen(&self, id: &UserId) -> bool {
        self.form.text("holder_id") == id.to_string()
    }

    /// The download links for the year shown.
    fn downloads(&self) -> crate::export::Downloads {
        let year = crate::pages::query_string(&[("year", &self.year_iso)]);
        crate::export::Downloads::new("these budgets", "/finance/budgets/export", &year)
    }
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    year_start: Date,
    form: FormData,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let scope = Scope::of(principal);
    let budgets = visible(state, scope, year_start).await?;
    let this_year = financial_year_start(state.clock.today());
    let next_year = kernel::months::add_months(this_year, 12);
    // The year shown is offered too, so a form for a past year posts back to it.
    let mut years = vec![this_year, next_year, year_start];
    years.sort();
    years.dedup();
    let page = BudgetsPage {
        chrome,
        year: year_label(year_start),
        year_iso: kernel::dates::format_iso_date(year_start),
        total: Money::sum(budgets.iter().map(|b| b.amount)).map_err(store::StoreError::from)?,
        budgets,
        holder_view: scope.is_holder(),
        may_manage: principal.holds(Permission::ManageFinance),
        holders: store::budgets::holders(&state.store).await?,
        years: years
            .into_iter()
            .map(|y| (kernel::dates::format_iso_date(y), year_label(y)))
            .collect(),
        form,
        errors,
    };
    Ok((form_status(&page.errors), render(&page)?).into_response())
}

/// GET /finance/budgets: the year's budgets and, for finance officers, the
/// form (filled from a budget when `cost_centre` names one to change).
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Query(query): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year_start = query.year_start(state.clock.today())?;
    let year = kernel::dates::format_iso_date(year_start);
    let chosen = query.cost_centre.as_deref().map(str::trim).unwrap_or_default().to_uppercase();
    let existing = store::budgets::budgets(&state.store, year_start)
        .await?
        .into_iter()
        .find(|b| !chosen.is_empty() && b.cost_centre == chosen);
    let form = match existing {
        Some(b) => FormData::from_pairs(vec![
            ("year_start".into(), year),
            ("cost_centre".into(), b.cost_centre),
            ("holder_id".into(), b.holder_id.map(|h| h.to_string()).unwrap_or_default()),
            // Bare pounds and pence, which the amount field reads back exactly.
            ("amount".into(), crate::pages::forecast::plain(b.amount)),
            ("version".into(), b.version.to_string()),
        ]),
        None => FormData::from_pairs(vec![("year_start".into(), year)]),
    };
    page(&state, chrome, &auth.principal, year_start, form, Vec::new()).await
}

/// Reads the budget form, or every field at fault.
fn new_budget(form: &FormData) -> Result<(NewBudget, Option<i64>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let year_start = crate::input::parse_date(&form.text("year_start"));
    if year_start.is_none() {
        errors.push(FieldError::new("year_start", "Choose the financial year"));
    }
    let amount = match Money::parse(&form.text("amount")) {
        Ok(amount) => Some(amount),
        Err(error) => {
            errors.push(FieldError::new("amount", format!("Budget amount: {error}")));
            None
        }
    };
    let holder_id = match form.text("holder_id").as_str() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(id) => Some(UserId::new(id)),
            Err(_) => {
                errors.push(FieldError::new("holder_id", "Choose the budget holder from the list"));
                None
            }
        },
    };
    let version = match form.text("version").as_str() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(version) => Some(version),
            Err(_) => {
                errors.push(FieldError::new("version", "Reload the page and make the change again"));
                None
            }
        },
    };
    match (year_start, amount) {
        (Some(year_start), Some(amount)) if errors.is_empty() => Ok((
            NewBudget {
                year_start,
                cost_centre: form.text("cost_centre"),
                holder_id,
                amount,
            },
            version,
        )),
        _ => Err(errors),
    }
}

/// POST /finance/budgets: sets or changes a budget, then shows the year.
pub async fn set(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let errors = match new_budget(&form) {
        Ok((new, version)) => match in_command(&state, auth.can.actor(), async |cmd| {
            store::budgets::set_budget(cmd, &auth.can, &new, version).await
        })
        .await?
        {
            Ok(_) => {
                let year = kernel::dates::format_iso_date(financial_year_start(new.year_start));
                return Ok(Redirect::to(&format!("/finance/budgets?year={year}")).into_response());
            }
            Err(errors) => errors,
        },
        Err(errors) => errors,
    };
    let today = state.clock.today();
    let year_start = crate::input::parse_date(&form.text("year_start")).map_or(financial_year_start(today), financial_year_start);
    page(&state, chrome, &auth.principal, year_start, form, errors).await
}
