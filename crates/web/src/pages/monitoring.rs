//! Contract monitoring: the schedule of every current external placement
//! by risk, with visits and reports overdue and out-of-area placements
//! awaiting notice to the host authority; in-house carers measured the
//! same way beside them; and a placement's monitoring page where the
//! responsible officer takes it on and records visits, reports, concerns
//! and notices.

use askama::Template;
use authz::cap::{Commission, ViewProviders};
use authz::Permission;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use contracts::monitoring::{EventKind, Summary};
use serde::Serialize;
use store::households::Household;
use store::monitoring::{NewEvent, ScheduleLine, Subject};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::{parse_date, required_date};
use crate::pages::{in_command, render, Chrome};
use crate::AppState;

/// Supervisory visits to in-house carers are due every 6 weeks.
pub const SUPERVISORY_VISIT_WEEKS: u32 = 6;

/// The schedule, the households and the two summaries.
#[derive(Debug, Clone, Serialize)]
pub struct MonitoringView {
    pub schedule: Vec<ScheduleLine>,
    pub households: Vec<Household>,
    pub external: Summary,
    pub in_house: Summary,
}

impl MonitoringView {
    pub async fn load(state: &AppState) -> Result<MonitoringView, AppError> {
        let today = state.clock.today();
        let schedule = store::monitoring::schedule(&state.store, &state.config.home_authority, today).await?;
        let households = Self::households(state).await?;
        let (external, in_house) = store::monitoring::comparison(&schedule, &households, today);
        Ok(MonitoringView {
            schedule,
            households,
            external,
            in_house,
        })
    }

    /// The in-house households with their standing and supervision today.
    pub async fn households(state: &AppState) -> Result<Vec<Household>, AppError> {
        let today = state.clock.today();
        Ok(store::households::list(&state.store, state.calendar.nation(), SUPERVISORY_VISIT_WEEKS, today).await?)
    }
}

#[derive(Template)]
#[template(path = "monitoring/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    view: MonitoringView,
    visits_overdue: usize,
    reports_overdue: usize,
    host_notices: usize,
    unassigned: usize,
    may_commission: bool,
}

/// GET /monitoring
pub async fn overview(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewProviders>) -> Result<Response, AppError> {
    let view = MonitoringView::load(&state).await?;
    let page = OverviewPage {
        chrome,
        may_commission: auth.principal.holds(Permission::Commission),
        visits_overdue: view.schedule.iter().filter(|l| l.visit_overdue).count(),
        reports_overdue: view.schedule.iter().filter(|l| l.report_overdue()).count(),
        host_notices: view.schedule.iter().filter(|l| l.needs_host_notice()).count(),
        unassigned: view.schedule.iter().filter(|l| l.officer_id.is_none()).count(),
        view,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "monitoring/placement.html")]
struct PlacementPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    line: ScheduleLine,
    may_commission: bool,
    kinds: Vec<(&'static str, &'static str)>,
    today: String,
    form: FormData,
}

async fn placement_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    id: i64,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let line = store::monitoring::schedule(&state.store, &state.config.home_authority, today)
        .await?
        .into_iter()
        .find(|l| l.placement_id == id)
        .ok_or(AppError::NotFound)?;
    let page = PlacementPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        line,
        may_commission,
        kinds: EventKind::ALL
            .iter()
            .filter(|k| !k.is_in_house() || k.is_issue())
            .map(|k| (k.code(), k.label()))
            .collect(),
        today: kernel::dates::format_iso_date(today),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /monitoring/placements/{id}
pub async fn placement(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may = auth.principal.holds(Permission::Commission);
    placement_page(&state, chrome, may, crate::pages::path_id(&id)?, Vec::new(), FormData::default()).await
}

/// A visit, report, concern or notice from the form, about `subject`.
pub fn event_from(form: &FormData, subject: Subject, errors: &mut Vec<FieldError>) -> Option<NewEvent> {
    let occurred_on = required_date("occurred_on", "the date", &form.text("occurred_on"), errors);
    let kind = form
        .text("kind")
        .parse::<EventKind>()
        .map_err(|_| errors.push(FieldError::new("kind", "Choose what kind of record this is")))
        .ok();
    let quality_score = match form.text("quality_score").as_str() {
        "" => None,
        text => {
            let parsed = text.parse::<u8>().ok();
            if parsed.is_none() {
                errors.push(FieldError::new("quality_score", "Choose a quality score from 1 to 4"));
            }
            parsed
        }
    };
    let (Some(occurred_on), Some(kind), true) = (occurred_on, kind, errors.is_empty()) else {
        return None;
    };
    Some(NewEvent {
        subject,
        kind,
        occurred_on,
        quality_score,
        summary: form.text("summary"),
        action: form.text("action"),
        action_due: parse_date(&form.text("action_due")),
    })
}

/// POST /monitoring/placements/{id}/events: records a visit, report, concern or notice.
pub async fn record_event(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = crate::pages::path_id(&id)?;
    let mut errors = Vec::new();
    let Some(event) = event_from(&form, Subject::Placement(id), &mut errors) else {
        return placement_page(&state, chrome, true, id, errors, form).await;
    };
    let today = state.clock.today();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::monitoring::record_event(cmd, &auth.can, &event, today).await
    })
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/monitoring/placements/{id}")).into_response()),
        Err(errors) => placement_page(&state, chrome, true, id, errors, form).await,
    }
}

/// POST /monitoring/placements/{id}/assign: the signed-in officer takes
/// responsibility, recording the host authority (and the day it was told).
pub async fn assign(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = crate::pages::path_id(&id)?;
    let Some(officer) = auth.principal.actor.user_id() else {
        return Err(AppError::Forbidden);
    };
    let notified = form.text("host_notified_on");
    let notified_on = match notified.trim() {
        "" => None,
        text => match parse_date(text) {
            Some(on) => Some(on),
            None => {
                let errors = vec![FieldError::new(
                    "host_notified_on",
                    "Enter the date the host authority was told, such as 2026-11-20",
                )];
                return placement_page(&state, chrome, true, id, errors, form).await;
            }
        },
    };
    let host = form.text("host_authority");
    let today = state.clock.today();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::monitoring::assign(cmd, &auth.can, id, officer, Some(host.as_str())).await?;
        match notified_on {
            Some(on) => store::monitoring::host_notified(cmd, &auth.can, id, on, today).await,
            None => Ok(()),
        }
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/monitoring/placements/{id}")).into_response()),
        Err(errors) => placement_page(&state, chrome, true, id, errors, form).await,
    }
}
