//! Panel meetings: the list of meetings to come and past, scheduling, and
//! each meeting's page with its agenda, papers, attendance, quorum and the
//! decisions made. Gateway officers schedule and record meetings; everyone
//! who works on requests can read them.

use askama::Template;
use authz::cap::{RunPanels, WorkOnRequests};
use authz::{Permission, Role};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::UserId;
use store::panels::{MeetingLine, MeetingRecord, PanelMeeting};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "panels/list.html")]
struct ListPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    upcoming: Vec<MeetingLine>,
    past: Vec<MeetingLine>,
    can_schedule: bool,
    form: FormData,
}

async fn list_page(
    state: &AppState,
    chrome: Chrome,
    can_schedule: bool,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let status = crate::pages::form_status(&errors);
    let page = ListPage {
        chrome,
        errors,
        upcoming: store::panels::list(&state.store, today, true, 50).await?,
        past: store::panels::list(&state.store, today, false, 50).await?,
        can_schedule,
        form,
    };
    Ok((status, render(&page)?).into_response())
}

/// GET /panels
pub async fn list(State(state): State<AppState>, chrome: Chrome, auth: Authorized<WorkOnRequests>) -> Result<Response, AppError> {
    let can_schedule = auth.principal.holds(Permission::RunPanels);
    list_page(&state, chrome, can_schedule, Vec::new(), FormData::default()).await
}

fn quorum(form: &FormData, errors: &mut Vec<FieldError>) -> u32 {
    form.text("quorum")
        .parse::<u32>()
        .ok()
        .filter(|q| (1..=20).contains(q))
        .unwrap_or_else(|| {
            errors.push(FieldError::new(
                "quorum",
                "Enter the quorum as a number of panel members from 1 to 20",
            ));
            0
        })
}

/// POST /panels: schedules a meeting.
pub async fn schedule(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RunPanels>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let meets_on = required_date("meets_on", "the meeting date", &form.text("meets_on"), &mut errors);
    let quorum = quorum(&form, &mut errors);
    if let Some(date) = meets_on.filter(|d| *d < state.clock.today()) {
        errors.push(FieldError::new(
            "meets_on",
            format!("The meeting date {date} has passed; schedule a meeting for today or later"),
        ));
    }
    let (Some(meets_on), true) = (meets_on, errors.is_empty()) else {
        return list_page(&state, chrome, true, errors, form).await;
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::panels::schedule(&mut cmd, &auth.can, meets_on, quorum, &form.text("papers")).await?;
    cmd.commit().await?;
    Ok(Redirect::to(&format!("/panels/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "panels/show.html")]
struct MeetingPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    meeting: PanelMeeting,
    can_record: bool,
    /// People who may attend: panel members and Gateway officers, with
    /// (id, username, name, roles).
    candidates: Vec<(UserId, String, String, String)>,
}

impl MeetingPage {
    fn attending(&self, user: &UserId) -> bool {
        self.meeting.attendees.iter().any(|a| a.user == *user)
    }
    fn chairing(&self, user: &UserId) -> bool {
        self.meeting.attendees.iter().any(|a| a.user == *user && a.chair)
    }
}

async fn meeting_page(state: &AppState, chrome: Chrome, can_record: bool, id: i64, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let meeting = store::panels::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let candidates = if can_record {
        store::users::list(&state.store)
            .await?
            .into_iter()
            .filter(|u| u.active && (u.roles.contains(&Role::PanelMember) || u.roles.contains(&Role::GatewayOfficer)))
            .map(|u| {
                let roles = u.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
                (u.id, u.username, u.display_name, roles)
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = crate::pages::form_status(&errors);
    let page = MeetingPage {
        chrome,
        errors,
        meeting,
        can_record,
        candidates,
    };
    Ok((status, render(&page)?).into_response())
}

/// GET /panels/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<WorkOnRequests>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    meeting_page(&state, chrome, auth.principal.holds(Permission::RunPanels), id, Vec::new()).await
}

/// POST /panels/{id}: records papers, minutes, quorum and attendance.
pub async fn record(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RunPanels>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let mut errors = Vec::new();
    let quorum = quorum(&form, &mut errors);
    let version: i64 = form
        .text("version")
        .parse()
        .map_err(|_| AppError::invalid("version", "The form is missing its version; reload the page"))?;
    let chair = form.text("chair");
    let mut attendees: Vec<(UserId, bool)> = Vec::new();
    for text in form.all("attendees") {
        let user = text
            .parse::<i64>()
            .map_err(|_| AppError::invalid("attendees", "Choose attendees from the list"))?;
        attendees.push((UserId::new(user), chair == text));
    }
    if !chair.is_empty() && !attendees.iter().any(|(_, c)| *c) {
        errors.push(FieldError::new("chair", "The chair must be one of the people who attended"));
    }
    if !errors.is_empty() {
        return meeting_page(&state, chrome, true, id, errors).await;
    }
    let record = MeetingRecord {
        quorum,
        papers: form.text("papers"),
        minutes: form.text("minutes"),
        attendees,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::panels::record(&mut cmd, &auth.can, id, version, &record).await?;
    cmd.commit().await?;
    Ok(Redirect::to(&format!("/panels/{id}")).into_response())
}

/// A panel outcome code as people read it.
pub fn outcome_label(code: &str) -> &'static str {
    match code {
        "panel-approve" => "Approved",
        "panel-decline" => "Declined",
        "panel-defer" => "Deferred",
        "panel-request-information" => "More information requested",
        "withdrawn" => "Withdrawn",
        _ => "Decided",
    }
}
