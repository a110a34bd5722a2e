//! The invoice exception queue: open exceptions oldest first with their age
//! in days (those waiting more than 30 days tagged), filtered by kind, and
//! the form on an invoice's page that resolves one.
//!
//! Resolving is maker-checker: the store refuses the person who entered
//! the invoice and a stale version, and the refusal is shown beside the
//! exception's form with what the person typed kept.

use askama::Template;
use authz::cap::{ManageFinance, ViewFinance};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::invoices::{ExceptionKind, Outcome, QueueItem};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::invoices::show_page;
use crate::pages::{in_command, path_id, render, Chrome};
use crate::AppState;

/// Exceptions open longer than this are tagged as overdue in the queue.
pub const OVERDUE_AFTER_DAYS: i64 = 30;

/// The queue's filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// An exception kind: overbilled, days-after-end, duplicate or no-agreement.
    #[serde(default)]
    pub kind: String,
    /// `all` includes resolved exceptions; otherwise only open ones.
    #[serde(default)]
    pub show: String,
}

impl QueueParams {
    pub fn open_only(&self) -> bool {
        self.show != "all"
    }

    /// The filters as a query string, for the download links.
    pub fn query(&self) -> String {
        crate::pages::query_string(&[("kind", &self.kind), ("show", &self.show)])
    }

    fn keeps(&self, item: &QueueItem) -> bool {
        self.kind.is_empty() || item.exception.kind.code() == self.kind
    }

    fn is_kind(&self, code: &&str) -> bool {
        self.kind == *code
    }
}

/// The exceptions the filters keep, oldest first.
pub async fn queue_items(state: &AppState, params: &QueueParams) -> Result<Vec<QueueItem>, AppError> {
    Ok(store::invoices::exceptions(&state.store, params.open_only(), state.clock.today())
        .await?
        .into_iter()
        .filter(|item| params.keeps(item))
        .collect())
}

#[derive(Template)]
#[template(path = "invoices/exceptions.html")]
struct QueuePage {
    chrome: Chrome,
    params: QueueParams,
    items: Vec<QueueItem>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl QueuePage {
    fn overdue(&self, item: &QueueItem) -> bool {
        item.exception.is_open() && item.age_days > OVERDUE_AFTER_DAYS
    }

    fn filtered(&self) -> bool {
        !self.params.kind.is_empty() || !self.params.open_only()
    }
}

/// GET /finance/exceptions
pub async fn queue(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ViewFinance>,
    Query(params): Query<QueueParams>,
) -> Result<Response, AppError> {
    let page = QueuePage {
        chrome,
        items: queue_items(&state, &params).await?,
        params,
        kinds: ExceptionKind::choices(),
    };
    Ok(render(&page)?.into_response())
}

/// POST /finance/exceptions/{id}/resolve: accepts or rejects one exception
/// at the version shown, with a reason.
pub async fn resolve(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageFinance>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let exception = store::invoices::exception(&state.store, id).await?;
    let invoice = exception.invoice_id;
    // Every problem is shown against this exception's own form, by the ids
    // its inputs carry, since the page has a form per open exception.
    let outcome_field = format!("outcome-{id}");
    let reason_field = format!("reason-{id}");
    let form = with_exception(form, id);
    let Ok(outcome) = form.text("outcome").parse::<Outcome>() else {
        let errors = vec![FieldError::new(&outcome_field, "Choose whether to accept or reject the exception")];
        return show_page(&state, chrome, &auth.principal, invoice, None, errors, form).await;
    };
    let version = form.version();
    let reason = form.text("reason");
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::invoices::resolve(cmd, &auth.can, id, version, outcome, &reason).await
    })
    .await;
    let errors = match outcome {
        Ok(Ok(_)) => return Ok(Redirect::to(&format!("/finance/invoices/{invoice}#exceptions")).into_response()),
        Ok(Err(errors)) => errors
            .into_iter()
            .map(|e| {
                let field = if e.field == "reason" { &reason_field } else { &outcome_field };
                FieldError::new(field, e.message)
            })
            .collect(),
        Err(AppError::Conflict(_)) => {
            let errors = vec![FieldError::new(
                &outcome_field,
                "Someone else changed this exception after you opened it; nothing has been saved. Check it and decide again",
            )];
            return show_page(&state, chrome, &auth.principal, invoice, Some(StatusCode::CONFLICT), errors, form).await;
        }
        Err(other) => return Err(other),
    };
    show_page(&state, chrome, &auth.principal, invoice, None, errors, form).await
}

/// The form as submitted, marked with the exception it was for, so the
/// page puts the person's choice and reason back in the right form.
fn with_exception(form: FormData, id: i64) -> FormData {
    let mut pairs = vec![("exception".to_owned(), id.to_string())];
    for name in ["outcome", "reason", "version"] {
        pairs.push((name.to_owned(), form.text(name)));
    }
    FormData::from_pairs(pairs)
}
