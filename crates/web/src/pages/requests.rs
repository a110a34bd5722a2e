//! Placement requests through the Gateway: the queue, the request page where
//! each person sees the steps they may take, the approval chain, and the
//! Gateway dashboard. The form itself is in [`super::request_form`].

use askama::Template;
use authz::cap::WorkOnRequests;
use authz::{Permission, Principal};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gateway::panel::Ratification;
use gateway::request::{Participant, RequestAction, RequestState};
use kernel::Money;
use serde::Deserialize;
use store::panels::MeetingLine;
use store::request_steps::StepContext;
use store::requests::{Filter, Request};
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::pages::record::sentence;
use crate::pages::{page_number, query_string, render, Chrome, Pagination};
use crate::AppState;

pub fn participant(principal: &Principal) -> Participant {
    Participant {
        actor: principal.actor,
        roles: principal.roles.clone(),
    }
}

pub fn state_label(state: RequestState) -> &'static str {
    state.label()
}

pub fn state_code(state: RequestState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    state: String,
    #[serde(default)]
    emergencies: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "requests/queue.html")]
struct QueuePage {
    chrome: Chrome,
    requests: Vec<Request>,
    state: String,
    emergencies: bool,
    states: Vec<(String, &'static str)>,
    pagination: Pagination,
    export_query: String,
}

pub async fn queue(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<WorkOnRequests>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, AppError> {
    let filter = Filter {
        state: serde_json::from_value(serde_json::Value::String(params.state.clone())).ok(),
        emergencies_only: params.emergencies == "1",
        ..Filter::default()
    };
    let page = store::requests::list(&state.store, &filter, PageRequest::new(page_number(params.page), 50)).await?;
    let base = query_string(&[("state", &params.state), ("emergencies", &params.emergencies)]);
    render(&QueuePage {
        chrome,
        pagination: Pagination::new(&page, "/requests", &base),
        export_query: base.clone(),
        requests: page.items,
        state: params.state,
        emergencies: filter.emergencies_only,
        states: RequestState::ALL.iter().map(|s| (state_code(*s), s.label())).collect(),
    })
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct RequestPage {
    chrome: Chrome,
    request: Request,
    /// The proposed provider's name, when the request names one.
    provider: Option<String>,
    errors: Vec<FieldError>,
    actions: Vec<(&'static str, &'static str)>,
    needs_reasons: bool,
    needs_meeting: bool,
    meetings: Vec<MeetingLine>,
    can_approve: bool,
    can_edit: bool,
    can_vary: bool,
    /// Approved, and this person searches for placements.
    can_search: bool,
    /// Placement searches for this request, newest first.
    searches: Vec<store::placement_search::Search>,
    next_role: Option<&'static str>,
    ratification: Option<String>,
    listed_on: Option<i64>,
}

/// The actions this person could take now, by trying each against the rules.
fn available(request: &Request, principal: &Principal) -> Vec<(&'static str, &'static str)> {
    let who = participant(principal);
    let requester = authz::Actor::User(request.requester);
    [
        (RequestAction::Submit, "submit", "Submit to team manager"),
        (RequestAction::Endorse, "endorse", "Endorse"),
        (RequestAction::ReturnToWorker, "return", "Return to social worker"),
        (RequestAction::Triage, "triage", "Start triage"),
        (RequestAction::ListForPanel, "list", "List for panel"),
        (RequestAction::PanelApprove, "approve", "Panel approves"),
        (RequestAction::PanelDecline, "decline", "Panel declines"),
        (RequestAction::PanelDefer, "defer", "Panel defers"),
        (RequestAction::PanelRequestInformation, "information", "Panel asks for information"),
        (RequestAction::ProvideInformation, "provide", "Information provided"),
        (RequestAction::Withdraw, "withdraw", "Withdraw request"),
    ]
    .into_iter()
    .filter(|(action, _, _)| gateway::request::next(request.state, *action, requester, &who).is_ok())
    .map(|(_, code, label)| (code, label))
    .collect()
}

/// The approval step this person could give now.
pub fn may_approve(request: &Request, principal: &Principal) -> bool {
    let next_role = request.required.get(request.approvals.len()).copied();
    request.state == RequestState::AwaitingApproval
        && next_role.is_some_and(|r| principal.roles.contains(&r))
        && principal.actor.user_id() != Some(request.requester)
        && !request.approvals.iter().any(|a| Some(a.user) == principal.actor.user_id())
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    id: i64,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let today = state.clock.today();
    let actions = available(&request, principal);
    let needs_reasons = actions
        .iter()
        .any(|(code, _)| ["approve", "decline", "defer", "information"].contains(code));
    let needs_meeting = actions.iter().any(|(code, _)| *code == "list");
    let meetings = if needs_meeting {
        store::panels::list(&state.store, today, true, 12).await?
    } else {
        Vec::new()
    };
    let ratification = match request.emergency_placed_on {
        Some(_) => store::gateway_board::emergencies(&state.store, today)
            .await?
            .into_iter()
            .find(|e| e.request_id == id)
            .map(|e| e.status.label())
            .or_else(|| Some(Ratification::Ratified.label())),
        None => None,
    };
    let is_requester = principal.actor.user_id() == Some(request.requester);
    let status = crate::pages::form_status(&errors);
    let provider = match request.details.provider {
        Some(id) => {
            let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
            Some(store::providers::details(&mut conn, id).await?.organisation.legal_name)
        }
        None => None,
    };
    let page = RequestPage {
        provider,
        chrome,
        can_approve: may_approve(&request, principal),
        can_edit: is_requester && matches!(request.state, RequestState::Draft | RequestState::InformationRequested),
        can_vary: request.state == RequestState::Approved && principal.holds(Permission::RecordChildren),
        can_search: request.state == RequestState::Approved && principal.holds(Permission::SearchPlacements),
        searches: if principal.holds(Permission::SearchPlacements) {
            store::placement_search::for_request(&state.store, id).await?
        } else {
            Vec::new()
        },
        next_role: request.required.get(request.approvals.len()).map(|r| r.label()),
        listed_on: store::panels::listing_of(&state.store, id).await?,
        request,
        errors,
        actions,
        needs_reasons,
        needs_meeting,
        meetings,
        ratification,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    show_page(&state, chrome, &auth.principal, id, Vec::new()).await
}

pub fn action_from(code: &str) -> Option<RequestAction> {
    Some(match code {
        "submit" => RequestAction::Submit,
        "endorse" => RequestAction::Endorse,
        "return" => RequestAction::ReturnToWorker,
        "triage" => RequestAction::Triage,
        "list" => RequestAction::ListForPanel,
        "approve" => RequestAction::PanelApprove,
        "decline" => RequestAction::PanelDecline,
        "defer" => RequestAction::PanelDefer,
        "information" => RequestAction::PanelRequestInformation,
        "provide" => RequestAction::ProvideInformation,
        "withdraw" => RequestAction::Withdraw,
        _ => return None,
    })
}

/// Reads an optional amount in pounds, naming the field when it is wrong.
pub fn optional_money(field: &str, label: &str, text: &str) -> Result<Option<Money>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => Money::parse(text)
            .map(Some)
            .map_err(|e| AppError::invalid(field, sentence(&format!("{label}: {e}")))),
    }
}

/// The matrix in force: the approved version, or the configured one.
pub async fn matrix_in_force(state: &AppState) -> Result<gateway::matrix::Matrix, AppError> {
    Ok(store::matrices::in_force(&state.store, &state.config.matrix).await?)
}

/// Runs a store step in one command; rule refusals re-render the page.
async fn run_step(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    id: i64,
    step: impl AsyncFnOnce(&mut store::Command) -> Result<Request, store::StoreError>,
) -> Result<Response, AppError> {
    let mut cmd = state.store.begin(principal.actor, state.clock.as_ref()).await?;
    match step(&mut cmd).await {
        Ok(_) => {
            cmd.commit().await?;
            Ok(Redirect::to(&format!("/requests/{id}")).into_response())
        }
        Err(error @ (store::StoreError::Rejected(_) | store::StoreError::Invalid(_))) => {
            drop(cmd);
            let errors = match AppError::from(error) {
                AppError::Invalid(fields) => fields,
                _ => Vec::new(),
            };
            show_page(state, chrome, principal, id, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn act(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let action = action_from(&form.text("action")).ok_or_else(|| AppError::invalid("action", "Choose what to do"))?;
    let (reasons, conditions) = (form.text("reasons"), form.text("conditions"));
    let matrix = matrix_in_force(&state).await?;
    let meeting = match form.text("meeting").as_str() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| AppError::invalid("meeting", "Choose a panel meeting from the list"))?,
        ),
    };
    let context = StepContext {
        matrix: &matrix,
        nation: state.calendar.nation(),
        today: state.clock.today(),
        reasons: Some(reasons.as_str()),
        conditions: Some(conditions.as_str()),
        agreed_weekly_cost: optional_money("agreed_weekly_cost", "agreed weekly cost", &form.text("agreed_weekly_cost"))?,
        meeting,
    };
    let who = participant(&auth.principal);
    run_step(&state, chrome, &auth.principal, id, async |cmd| {
        store::request_steps::act(cmd, id, &who, action, &context).await
    })
    .await
}

pub async fn approve(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let who = participant(&auth.principal);
    run_step(&state, chrome, &auth.principal, id, async |cmd| {
        store::request_steps::approve(cmd, id, &who).await
    })
    .await
}

/// GET /requests/export?format=csv|xlsx: the filtered queue as a spreadsheet, every
/// page of it, with child ids but no names.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<WorkOnRequests>,
    Query(params): Query<QueueParams>,
) -> Result<Response, AppError> {
    let filter = Filter {
        state: serde_json::from_value(serde_json::Value::String(params.state.clone())).ok(),
        emergencies_only: params.emergencies == "1",
        ..Filter::default()
    };
    let mut table = Table::default();
    table.row([
        "request",
        "child_id",
        "state",
        "urgency",
        "category",
        "weekly_cost",
        "agreed_weekly_cost",
        "submitted_on",
        "decided_on",
        "emergency_placed_on",
        "variation_of",
        "requester",
    ]);
    let mut page_number = 1;
    loop {
        let page = store::requests::list(&state.store, &filter, PageRequest::new(page_number, 500)).await?;
        for r in &page.items {
            let date = |d: Option<time::Date>| d.map(kernel::dates::format_iso_date).unwrap_or_default();
            table.row([
                r.id.to_string(),
                r.la_child_id.clone(),
                state_code(r.state),
                r.details.urgency.code().to_owned(),
                r.details.category.code().to_owned(),
                r.weekly_cost.to_string(),
                r.agreed_weekly_cost.map(|m| m.to_string()).unwrap_or_default(),
                date(r.submitted_on),
                date(r.decided_on),
                date(r.emergency_placed_on),
                r.variation.map(|v| v.of.to_string()).unwrap_or_default(),
                r.requester_name.clone(),
            ]);
        }
        if page_number >= page.page_count() {
            break;
        }
        page_number += 1;
    }
    table.into_download("placement-requests", format)
}
