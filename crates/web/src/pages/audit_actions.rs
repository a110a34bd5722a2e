//! Every agreed audit action with its status today: RAG (as a coloured tag
//! that also says Red, Amber or Green, so colour is never the only cue),
//! owner, original and revised targets, days overdue and whether it has
//! been escalated; filtered to open, overdue or escalated actions and
//! downloadable as CSV for the committee.
//!
//! The owner, a head of service or a director updates an action here: a
//! note, perhaps a revised target (the note is the reason) or completion.
//! The store decides who may; the form is only offered to them.

use askama::Template;
use assurance::actions::{Escalation, Rag};
use authz::cap::{RespondToAudits, ViewAssurance};
use authz::{Permission, Principal};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::audit_actions::{ActionUpdate, AuditAction};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::pages::{form_status, in_command, path_id, render, Chrome};
use crate::AppState;

/// Which actions to list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionFilter {
    /// `open`, `overdue` (open and past target), `escalated` (overdue long
    /// enough to go to a head of service or director), or empty for all.
    #[serde(default)]
    pub show: String,
}

impl ActionFilter {
    fn keeps(&self, action: &AuditAction) -> bool {
        match self.show.as_str() {
            "open" => action.completed_on.is_none(),
            "overdue" => action.days_overdue > 0,
            "escalated" => action.escalation != Escalation::NotEscalated,
            _ => true,
        }
    }

    fn is(&self, show: &str) -> bool {
        self.show == show
    }

    fn query(&self) -> String {
        crate::pages::query_string(&[("show", &self.show)])
    }
}

/// The actions the filter keeps, with their status today; overdue ones
/// most overdue first, since that is the escalation list.
pub async fn filtered(state: &AppState, filter: &ActionFilter) -> Result<Vec<AuditAction>, AppError> {
    let today = state.clock.today();
    let all = if filter.show == "overdue" || filter.show == "escalated" {
        store::audit_actions::overdue_actions(&state.store, today).await?
    } else {
        store::audit_actions::list(&state.store, today).await?
    };
    Ok(all.into_iter().filter(|a| filter.keeps(a)).collect())
}

/// The GOV.UK tag colour for a RAG status.
pub fn rag_class(rag: &Rag) -> &'static str {
    match rag {
        Rag::Red => "govuk-tag--red",
        Rag::Amber => "govuk-tag--orange",
        Rag::Green => "govuk-tag--green",
    }
}

#[derive(Template)]
#[template(path = "audit_work/actions.html")]
struct ActionsPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    filter: ActionFilter,
    actions: Vec<AuditAction>,
    principal: Principal,
    may_respond: bool,
    form: FormData,
}

impl ActionsPage {
    fn item_error(&self, name: &str, item: &i64) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == format!("{name}-{item}"))
            .map(|e| e.message.clone())
    }

    fn typed(&self, item: &i64, name: &str) -> String {
        if self.form.text("item") == item.to_string() {
            self.form.text(name)
        } else {
            String::new()
        }
    }

    fn may_update(&self, action: &AuditAction) -> bool {
        self.may_respond && action.completed_on.is_none() && store::audit_actions::may_update(&self.principal, action.owner.id)
    }

    fn rag_class(&self, rag: &Rag) -> &'static str {
        rag_class(rag)
    }
}

async fn actions_page(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    filter: ActionFilter,
    status: Option<StatusCode>,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let page = ActionsPage {
        chrome,
        status: status.unwrap_or_else(|| form_status(&errors)),
        errors,
        actions: filtered(state, &filter).await?,
        filter,
        principal: principal.clone(),
        may_respond: principal.holds(Permission::RespondToAudits),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /assurance/actions
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewAssurance>,
    Query(filter): Query<ActionFilter>,
) -> Result<Response, AppError> {
    actions_page(&state, chrome, &auth.principal, filter, None, Vec::new(), FormData::default()).await
}

/// GET /assurance/actions/export?format=csv|xlsx
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewAssurance>,
    Query(filter): Query<ActionFilter>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "Action",
        "Description",
        "Engagement",
        "Finding",
        "Rating",
        "Owner",
        "Original target",
        "Current target",
        "Completed",
        "RAG",
        "Days overdue",
        "Escalated to",
        "Updates",
    ]);
    for a in filtered(&state, &filter).await? {
        table.row([
            a.id.to_string(),
            a.description,
            a.engagement_title,
            a.finding_title,
            a.rating.map(|r| r.label().to_owned()).unwrap_or_default(),
            a.owner.name,
            a.original_target.to_string(),
            a.target.to_string(),
            a.completed_on.map(|d| d.to_string()).unwrap_or_default(),
            a.rag.label().to_owned(),
            a.days_overdue.to_string(),
            a.escalation.role().map(|_| a.escalation.label().to_owned()).unwrap_or_default(),
            a.updates.len().to_string(),
        ]);
    }
    table.into_download("audit-actions", format)
}

/// POST /assurance/actions/{id}/updates: a note, perhaps a revised target
/// or completion, at the version shown.
pub async fn update(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RespondToAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let revised = form.text("revised_target");
    let revised_target = match crate::input::parse_date(&revised) {
        None if !revised.is_empty() => {
            let errors = vec![FieldError::new(
                &format!("revised_target-{id}"),
                "Enter the revised target as a real date, or leave it empty",
            )];
            return actions_page(&state, chrome, &auth.principal, ActionFilter::default(), None, errors, form).await;
        }
        date => date,
    };
    let update = ActionUpdate {
        note: form.text("note"),
        revised_target,
        completed: form.text("completed") == "yes",
    };
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::audit_actions::add_update(cmd, &auth.can, &auth.principal, id, version, &update).await
    })
    .await;
    let (status, errors) = match outcome {
        Ok(Ok(())) => return Ok(Redirect::to(&format!("/assurance/actions#action-{id}")).into_response()),
        Ok(Err(errors)) => (
            None,
            errors
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "note" | "revised_target" => FieldError::new(&format!("{}-{id}", e.field), e.message),
                    _ => FieldError::new(&format!("update-{id}"), e.message),
                })
                .collect(),
        ),
        Err(AppError::Conflict(_)) => (
            Some(StatusCode::CONFLICT),
            crate::pages::engagement_page::conflict(&format!("update-{id}"), "action"),
        ),
        Err(other) => return Err(other),
    };
    actions_page(&state, chrome, &auth.principal, ActionFilter::default(), status, errors, form).await
}
