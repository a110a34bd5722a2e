//! Placement requests through the Gateway: the social worker's request
//! form, the Gateway queue, and the request page where each person sees
//! the steps they may take.

use askama::Template;
use authz::cap::{RecordChildren, WorkOnRequests};
use authz::Principal;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gateway::request::{Participant, RequestAction, RequestState};
use kernel::Money;
use serde::Deserialize;
use store::requests::{NewRequest, Request, StepContext};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::record::{parse_child_id, sentence};
use crate::pages::{render, Chrome};
use crate::AppState;

fn participant(principal: &Principal) -> Participant {
    Participant {
        actor: principal.actor,
        roles: principal.roles.clone(),
    }
}

pub fn state_label(state: RequestState) -> &'static str {
    state.label()
}

#[derive(Template)]
#[template(path = "requests/form.html")]
struct RequestForm {
    chrome: Chrome,
    child_id: String,
    la_child_id: String,
    errors: Vec<FieldError>,
    categories: Vec<(&'static str, &'static str)>,
}

pub async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let child_id = parse_child_id(&id)?;
    let child = store::children::find(&state.store, child_id).await?.ok_or(AppError::NotFound)?;
    render(&RequestForm {
        chrome,
        child_id: child_id.to_string(),
        la_child_id: child.la_child_id,
        errors: Vec::new(),
        categories: placements::PlacementCategory::ALL.iter().map(|c| (c.code(), c.label())).collect(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let child_id = parse_child_id(&id)?;
    let child = store::children::find(&state.store, child_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let category = form
        .text("category")
        .parse::<placements::PlacementCategory>()
        .map_err(|_| errors.push(FieldError::new("category", "Select the type of placement")))
        .ok();
    let weekly_cost = Money::parse(&form.text("weekly_cost"))
        .map_err(|e| errors.push(FieldError::new("weekly_cost", sentence(&format!("weekly cost: {e}")))))
        .ok();
    let urgency = form.text("urgency");
    if !["today", "within-5-days", "planned"].contains(&urgency.as_str()) {
        errors.push(FieldError::new("urgency", "Say how urgently the placement is needed"));
    }
    let (needs, justification) = (form.text("needs"), form.text("justification"));
    if needs.is_empty() {
        errors.push(FieldError::new("needs", "Describe the child's needs and risks"));
    }
    if justification.is_empty() {
        errors.push(FieldError::new(
            "justification",
            "Explain why this placement and cost are justified",
        ));
    }
    let (Some(category), Some(weekly_cost), true) = (category, weekly_cost, errors.is_empty()) else {
        let page = RequestForm {
            chrome,
            child_id: child_id.to_string(),
            la_child_id: child.la_child_id,
            errors,
            categories: placements::PlacementCategory::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let new = NewRequest {
        child: child_id,
        urgency,
        category,
        weekly_cost,
        out_of_area: form.has("out_of_area"),
        at_distance: form.has("at_distance"),
        unregistered: form.has("unregistered"),
        needs,
        justification,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::requests::create_draft(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    state: String,
}

#[derive(Template)]
#[template(path = "requests/queue.html")]
struct QueuePage {
    chrome: Chrome,
    requests: Vec<Request>,
    state: String,
}

pub async fn queue(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<WorkOnRequests>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, AppError> {
    let filter = serde_json::from_value::<RequestState>(serde_json::Value::String(params.state.clone())).ok();
    let requests = store::requests::list(&state.store, filter).await?;
    render(&QueuePage {
        chrome,
        requests,
        state: params.state,
    })
}

#[derive(Template)]
#[template(path = "requests/show.html")]
struct RequestPage {
    chrome: Chrome,
    request: Request,
    errors: Vec<FieldError>,
    actions: Vec<(&'static str, &'static str)>,
    needs_reasons: bool,
    can_approve: bool,
    next_role: Option<&'static str>,
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

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    id: i64,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let actions = available(&request, principal);
    let needs_reasons = actions
        .iter()
        .any(|(code, _)| ["approve", "decline", "defer", "information"].contains(code));
    let next_role = request.required.get(request.approvals.len()).copied();
    let can_approve = request.state == RequestState::AwaitingApproval
        && next_role.is_some_and(|r| principal.roles.contains(&r))
        && principal.actor.user_id() != Some(request.requester)
        && !request.approvals.iter().any(|(u, _)| Some(*u) == principal.actor.user_id());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = RequestPage {
        chrome,
        request,
        errors,
        actions,
        needs_reasons,
        can_approve,
        next_role: next_role.map(|r| r.label()),
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

fn action_from(code: &str) -> Option<RequestAction> {
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
    let context = StepContext {
        matrix: &state.config.matrix,
        nation: state.calendar.nation(),
        today: state.clock.today(),
        reasons: Some(reasons.as_str()),
        conditions: Some(conditions.as_str()),
        agreed_weekly_cost: match form.text("agreed_weekly_cost").as_str() {
            "" => None,
            text => Some(
                Money::parse(text).map_err(|e| AppError::invalid("agreed_weekly_cost", sentence(&format!("agreed weekly cost: {e}"))))?,
            ),
        },
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::requests::act(&mut cmd, id, &participant(&auth.principal), action, &context).await {
        Ok(_) => {
            cmd.commit().await?;
            Ok(Redirect::to(&format!("/requests/{id}")).into_response())
        }
        Err(store::StoreError::Rejected(messages)) => {
            drop(cmd);
            let errors = messages.into_iter().map(|m| FieldError::new("action", sentence(&m))).collect();
            show_page(&state, chrome, &auth.principal, id, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::requests::approve(&mut cmd, id, &participant(&auth.principal)).await {
        Ok(_) => {
            cmd.commit().await?;
            Ok(Redirect::to(&format!("/requests/{id}")).into_response())
        }
        Err(store::StoreError::Rejected(messages)) => {
            drop(cmd);
            let errors = messages.into_iter().map(|m| FieldError::new("action", sentence(&m))).collect();
            show_page(&state, chrome, &auth.principal, id, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "requests/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    by_state: Vec<(&'static str, i64)>,
    waiting: usize,
    oldest_waiting: i64,
    decided: usize,
    median_decision: i64,
    requested: Money,
    agreed: Money,
    approved: i64,
    high_cost: usize,
    high_cost_overdue: usize,
}

fn median(days: &[i64]) -> i64 {
    days.get(days.len() / 2).copied().unwrap_or(0)
}

/// GET /gateway: requests by state, waiting times, decision times, cost
/// agreed against cost requested, and high-cost review status.
pub async fn dashboard(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<WorkOnRequests>) -> Result<Html<String>, AppError> {
    let today = state.clock.today();
    let board = store::requests::dashboard(&state.store, today).await?;
    let high_cost = store::high_cost::lines(&state.store, &state.config.high_cost, today).await?;
    render(&DashboardPage {
        chrome,
        by_state: board.by_state.iter().map(|(s, n)| (s.label(), *n)).collect(),
        waiting: board.waiting_days.len(),
        oldest_waiting: board.waiting_days.last().copied().unwrap_or(0),
        decided: board.decision_days.len(),
        median_decision: median(&board.decision_days),
        requested: board.requested_weekly,
        agreed: board.agreed_weekly,
        approved: board.approved,
        high_cost_overdue: high_cost.iter().filter(|l| l.overdue).count(),
        high_cost: high_cost.len(),
    })
}
