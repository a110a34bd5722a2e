//! Control exceptions: the list to work through (by control, area, state,
//! who has it; paged; CSV), and an exception's page with a link to the
//! record it is about, the assignment, and the resolution with evidence.

use askama::Template;
use assurance::{Area, ControlId};
use authz::cap::{ViewAssurance, WorkOnExceptions};
use authz::Permission;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::UserId;
use serde::Deserialize;
use store::controls::{Resolution, StoredException};
use store::{Page, PageRequest};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::pages::{in_command, page_number, path_id, query_string, render, Chrome, Pagination};
use crate::AppState;

/// The list's filters, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    pub control: Option<String>,
    pub area: Option<String>,
    /// `open` (the default), `resolved`, `cleared` or `all`.
    pub state: Option<String>,
    /// `me` keeps the exceptions assigned to the person looking.
    pub assigned: Option<String>,
    pub page: Option<u32>,
}

impl Filter {
    fn text(value: &Option<String>) -> &str {
        value.as_deref().unwrap_or_default()
    }

    pub fn control(&self) -> &str {
        Self::text(&self.control)
    }

    pub fn area(&self) -> &str {
        Self::text(&self.area)
    }

    pub fn state(&self) -> &str {
        self.state.as_deref().unwrap_or("open")
    }

    pub fn mine(&self) -> bool {
        self.assigned.as_deref() == Some("me")
    }

    fn keeps(&self, e: &StoredException, me: Option<UserId>) -> bool {
        (self.control().is_empty() || e.control.code() == self.control())
            && (self.area().is_empty() || e.control.control().area.code() == self.area())
            && (self.state() == "all" || e.state == self.state())
            && (!self.mine() || (me.is_some() && e.assigned_to == me))
    }

    pub fn query(&self) -> String {
        query_string(&[
            ("control", self.control()),
            ("area", self.area()),
            ("state", Self::text(&self.state)),
            ("assigned", Self::text(&self.assigned)),
        ])
    }
}

/// The exceptions the filter keeps, oldest first.
pub async fn filtered(state: &AppState, filter: &Filter, me: Option<UserId>) -> Result<Vec<StoredException>, AppError> {
    Ok(store::controls::exceptions(&state.store)
        .await?
        .into_iter()
        .filter(|e| filter.keeps(e, me))
        .collect())
}

#[derive(Template)]
#[template(path = "assurance/exceptions.html")]
struct ListPage {
    chrome: Chrome,
    page: Page<StoredException>,
    pagination: Pagination,
    filter: Filter,
    controls: Vec<(&'static str, &'static str)>,
    areas: Vec<(&'static str, &'static str)>,
    today: time::Date,
}

impl ListPage {
    fn days_open(&self, e: &StoredException) -> i64 {
        (self.today - e.since).whole_days()
    }
}

/// GET /assurance/exceptions
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewAssurance>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let me = auth.principal.actor.user_id();
    let page = Page::of(filtered(&state, &filter, me).await?, PageRequest::new(page_number(filter.page), 50));
    let page = ListPage {
        chrome,
        pagination: Pagination::new(&page, "/assurance/exceptions", &filter.query()),
        page,
        filter,
        controls: ControlId::choices(),
        areas: Area::choices(),
        today: state.clock.today(),
    };
    Ok(render(&page)?.into_response())
}

/// GET /assurance/exceptions/export?format=csv|xlsx: the list as filtered, every page.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<ViewAssurance>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "exception_id",
        "control",
        "area",
        "subject",
        "subject_id",
        "child_id",
        "detail",
        "since",
        "state",
        "assigned_to",
        "resolution",
        "evidence",
    ]);
    for e in filtered(&state, &filter, auth.principal.actor.user_id()).await? {
        table.row([
            e.id.to_string(),
            e.control.code().to_owned(),
            e.control.control().area.code().to_owned(),
            e.subject_kind.clone(),
            e.subject_id.to_string(),
            e.la_child_id.clone().unwrap_or_default(),
            e.detail.clone(),
            kernel::dates::format_iso_date(e.since),
            e.state.clone(),
            e.assigned_name.clone().unwrap_or_default(),
            e.resolution.clone().unwrap_or_default(),
            e.evidence.clone().unwrap_or_default(),
        ]);
    }
    table.into_download("control-exceptions", format)
}

#[derive(Template)]
#[template(path = "assurance/exception.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    exception: StoredException,
    record: Option<String>,
    people: Vec<(UserId, String)>,
    may_work: bool,
    form: FormData,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn is_assigned(&self, id: &UserId) -> bool {
        self.exception.assigned_to == Some(*id)
    }
}

/// People who may work on exceptions, for the assignment list.
async fn workers(state: &AppState) -> Result<Vec<(UserId, String)>, AppError> {
    Ok(store::users::list(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.active && u.roles.iter().any(|r| Permission::WorkOnExceptions.is_granted_to(*r)))
        .map(|u| (u.id, u.display_name))
        .collect())
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    may_work: bool,
    id: i64,
    status: Option<StatusCode>,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let exception = store::controls::exception(&state.store, id).await?;
    let page = ShowPage {
        chrome,
        status: status.unwrap_or_else(|| crate::pages::form_status(&errors)),
        errors,
        record: store::controls::record_path(&state.store, &exception).await?,
        exception,
        people: if may_work { workers(state).await? } else { Vec::new() },
        may_work,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /assurance/exceptions/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewAssurance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may_work = auth.principal.holds(Permission::WorkOnExceptions);
    show_page(&state, chrome, may_work, path_id(&id)?, None, Vec::new(), FormData::default()).await
}

/// What a change came to: back to the exception, its form again, or a
/// conflict that keeps what was typed.
async fn after_change(
    state: &AppState,
    chrome: Chrome,
    id: i64,
    outcome: Result<Result<(), Vec<FieldError>>, AppError>,
    form: FormData,
) -> Result<Response, AppError> {
    match outcome {
        Ok(Ok(())) => Ok(Redirect::to(&format!("/assurance/exceptions/{id}")).into_response()),
        Ok(Err(errors)) => show_page(state, chrome, true, id, None, errors, form).await,
        Err(AppError::Conflict(_)) => {
            let errors = vec![FieldError::new(
                "resolution",
                "Someone else changed this exception after you opened it: check it and try again (what you typed is below)",
            )];
            show_page(state, chrome, true, id, Some(StatusCode::CONFLICT), errors, form).await
        }
        Err(other) => Err(other),
    }
}

/// POST /assurance/exceptions/{id}/assign
pub async fn assign(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnExceptions>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let Some(to) = form.text("assigned_to").parse::<i64>().ok().map(UserId::new) else {
        let errors = vec![FieldError::new("assigned_to", "Choose who will put this right")];
        return show_page(&state, chrome, true, id, None, errors, form).await;
    };
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::controls::assign(cmd, &auth.can, id, version, to).await
    })
    .await;
    after_change(&state, chrome, id, outcome, form).await
}

/// POST /assurance/exceptions/{id}/resolve
pub async fn resolve(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnExceptions>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let how = Resolution {
        resolution: form.text("resolution"),
        evidence: form.text("evidence"),
    };
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::controls::resolve(cmd, &auth.can, id, version, &how).await
    })
    .await;
    after_change(&state, chrome, id, outcome, form).await
}
