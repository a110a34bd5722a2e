//! High-cost placements: every current placement above the council's
//! weekly threshold, when it was last reviewed, when the next review is
//! due, and a form to record a review's outcome and actions.

use askama::Template;
use authz::cap::WorkOnRequests;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gateway::high_cost::Outcome;
use store::high_cost::HighCostLine;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::record::sentence;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "high_cost.html")]
struct HighCostPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    lines: Vec<HighCostLine>,
    overdue: usize,
    threshold: kernel::Money,
    months: u32,
    outcomes: Vec<(&'static str, &'static str)>,
    today: String,
}

async fn page(state: &AppState, chrome: Chrome, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let policy = state.config.high_cost;
    let today = state.clock.today();
    let lines = store::high_cost::lines(&state.store, &policy, today).await?;
    let status = crate::pages::form_status(&errors);
    let page = HighCostPage {
        chrome,
        errors,
        overdue: lines.iter().filter(|l| l.overdue).count(),
        lines,
        threshold: policy.weekly_threshold,
        months: policy.interval_months,
        outcomes: Outcome::ALL.iter().map(|o| (o.code(), o.label())).collect(),
        today: kernel::dates::format_iso_date(today),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn list(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<WorkOnRequests>) -> Result<Response, AppError> {
    page(&state, chrome, Vec::new()).await
}

pub async fn review(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let placement: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let mut errors = Vec::new();
    let on = required_date("reviewed_on", "the date of the review", &form.text("reviewed_on"), &mut errors);
    let outcome = form
        .text("outcome")
        .parse::<Outcome>()
        .map_err(|e| errors.push(FieldError::new("outcome", sentence(&e))))
        .ok();
    let (Some(on), Some(outcome)) = (on, outcome) else {
        return page(&state, chrome, errors).await;
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::high_cost::record_review(
        &mut cmd,
        &auth.can,
        placement,
        on,
        outcome,
        &form.text("actions"),
        state.clock.today(),
    )
    .await
    {
        Ok(()) => {
            cmd.commit().await?;
            Ok(Redirect::to("/high-cost").into_response())
        }
        Err(store::StoreError::Rejected(messages)) => {
            drop(cmd);
            page(
                &state,
                chrome,
                messages.into_iter().map(|m| FieldError::new("actions", sentence(&m))).collect(),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
