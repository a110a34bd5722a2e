//! Payment runs: the list with where each has got to, the form that
//! starts the next run of a cadence, and a run's page, where it is
//! calculated, approved by a second person, released once and exported,
//! with what each payee is paid (remittance advice) and the journal.
//!
//! Each step is one button and one command; the store refuses a step out of
//! order, an approval by the preparer and a second release.

use askama::Template;
use authz::cap::{ApprovePayments, ManageFinance, ViewFinance};
use authz::Permission;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use finance::ledger::Account;
use finance::runs::{Cadence, RunState};
use kernel::Money;
use store::payment_runs::{Advice, Posted, StoredRun};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{in_command, path_id, render, Chrome};
use crate::AppState;

/// The next run of a cadence, as the form offers it.
#[derive(Debug, Clone)]
pub struct NextRun {
    pub cadence: Cadence,
    pub first: Option<Date>,
}

#[derive(Template)]
#[template(path = "finance/runs.html")]
struct ListPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    runs: Vec<StoredRun>,
    next: Vec<NextRun>,
    may_manage: bool,
    form: FormData,
}

impl ListPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }
}

/// A state as a coloured tag class.
pub fn state_tag(state: &RunState) -> &'static str {
    match state {
        RunState::Draft => "govuk-tag--grey",
        RunState::Calculated => "govuk-tag--yellow",
        RunState::Approved => "govuk-tag--blue",
        RunState::Released => "govuk-tag--green",
        RunState::Exported => "govuk-tag--turquoise",
    }
}

async fn list_page(
    state: &AppState,
    chrome: Chrome,
    may_manage: bool,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let mut next = Vec::new();
    for cadence in Cadence::ALL {
        next.push(NextRun {
            cadence: *cadence,
            first: store::payment_runs::next_first(&mut conn, *cadence).await?,
        });
    }
    drop(conn);
    let page = ListPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        runs: store::payment_runs::list(&state.store).await?,
        next,
        may_manage,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/runs
pub async fn list(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewFinance>) -> Result<Response, AppError> {
    let may_manage = auth.principal.holds(Permission::ManageFinance);
    list_page(&state, chrome, may_manage, Vec::new(), FormData::default()).await
}

/// POST /finance/runs: starts the next run of a cadence.
pub async fn draft(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let cadence = form.text("cadence").parse::<Cadence>().ok();
    if cadence.is_none() {
        errors.push(FieldError::new("cadence", "Choose which payees the run pays"));
    }
    let first = required_date("first", "the first day the run pays for", &form.text("first"), &mut errors);
    let (Some(cadence), Some(first), true) = (cadence, first, errors.is_empty()) else {
        return list_page(&state, chrome, true, errors, form).await;
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::draft(cmd, &auth.can, cadence, first).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/finance/runs/{id}")).into_response()),
        Err(errors) => list_page(&state, chrome, true, errors, form).await,
    }
}

/// A cost centre's share of a run.
#[derive(Debug, Clone)]
pub struct CentreTotal {
    pub cost_centre: String,
    pub amount: Money,
}

#[derive(Template)]
#[template(path = "finance/run.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    stored: StoredRun,
    advice: Vec<Advice>,
    centres: Vec<CentreTotal>,
    journal: Vec<Posted>,
    may_manage: bool,
    may_approve: bool,
}

impl ShowPage {
    fn account(&self, account: &Account) -> String {
        match account {
            Account::Expenditure(centre) => format!("Expenditure {}", centre.as_str()),
            Account::Creditor(payee) => {
                let name = self
                    .advice
                    .iter()
                    .find(|a| a.remittance.payee == *payee)
                    .map(|a| a.payee_name.as_str());
                format!("Creditor {}", name.unwrap_or("(payee)"))
            }
        }
    }

    fn is(&self, code: &str) -> bool {
        self.stored.run.state.code() == code
    }
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    id: i64,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let stored = store::payment_runs::get(&state.store, id).await?;
    let lines = store::payment_runs::run_lines(&state.store, id).await?;
    let mut centres: Vec<CentreTotal> = Vec::new();
    for line in &lines {
        match centres.iter_mut().find(|c| c.cost_centre == line.cost_centre.as_str()) {
            Some(total) => {
                total.amount = total
                    .amount
                    .checked_add(line.amount)
                    .map_err(|e| AppError::Internal(e.to_string()))?
            }
            None => centres.push(CentreTotal {
                cost_centre: line.cost_centre.as_str().to_owned(),
                amount: line.amount,
            }),
        }
    }
    centres.sort_by(|a, b| a.cost_centre.cmp(&b.cost_centre));
    let page = ShowPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        advice: store::payment_runs::remittances(&state.store, id).await?,
        journal: store::payment_runs::journal(&state.store, Some(&format!("run:{id}"))).await?,
        centres,
        stored,
        may_manage: principal.holds(Permission::ManageFinance),
        may_approve: principal.holds(Permission::ApprovePayments),
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /finance/runs/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    show_page(&state, chrome, &auth.principal, path_id(&id)?, Vec::new()).await
}

/// The outcome of a step: back to the run, or the run with the refusal.
async fn after_step<T>(
    state: &AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    id: i64,
    outcome: Result<Result<T, Vec<FieldError>>, AppError>,
) -> Result<Response, AppError> {
    match outcome {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/finance/runs/{id}")).into_response()),
        Ok(Err(errors)) => show_page(state, chrome, principal, id, errors).await,
        Err(AppError::Conflict(_)) => {
            let errors = vec![FieldError::new(
                "action",
                "Someone else moved this run on after you opened it: check where it has got to",
            )];
            let mut response = show_page(state, chrome, principal, id, errors).await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// POST /finance/runs/{id}/calculate
pub async fn calculate(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::calculate(cmd, &auth.can, id, version).await
    })
    .await;
    after_step(&state, chrome, &auth.principal, id, outcome).await
}

/// POST /finance/runs/{id}/approve: a second person checks the run.
pub async fn approve(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ApprovePayments>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::approve(cmd, &auth.can, id, version).await
    })
    .await;
    after_step(&state, chrome, &auth.principal, id, outcome).await
}

/// POST /finance/runs/{id}/release: pays the run, once.
pub async fn release(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::release(cmd, &auth.can, id).await
    })
    .await;
    after_step(&state, chrome, &auth.principal, id, outcome).await
}

/// POST /finance/runs/{id}/export: the ledger file for a released run (a
/// POST because the first export moves the run on and every one is audited).
pub async fn export(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::payment_runs::export(cmd, &auth.can, id).await
    })
    .await?
    {
        Ok(csv) => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"payment-run-{id}.csv\""),
                ),
            ],
            csv,
        )
            .into_response()),
        Err(errors) => show_page(&state, chrome, &auth.principal, id, errors).await,
    }
}

#[derive(Template)]
#[template(path = "finance/remittance.html")]
struct RemittancePage {
    chrome: Chrome,
    stored: StoredRun,
    advice: Advice,
    today: Date,
}

/// GET /finance/runs/{id}/remittances/{payee}: one payee's advice, to print.
pub async fn remittance(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ViewFinance>,
    Path((id, payee)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let stored = store::payment_runs::get(&state.store, id).await?;
    let advice = store::payment_runs::remittances(&state.store, id)
        .await?
        .into_iter()
        .find(|a| a.remittance.payee.to_string() == payee)
        .ok_or(AppError::NotFound)?;
    let page = RemittancePage {
        chrome,
        stored,
        advice,
        today: state.clock.today(),
    };
    Ok(render(&page)?.into_response())
}
