//! The council's own foster carer households: adding one (approval type,
//! capacity, ages, supervising social worker), and a household's page
//! with its approval standing (a connected person's temporary approval
//! runs 16 weeks, extendable), supervision due, and the supervisory
//! visits, annual reviews and concerns recorded against it — measured the
//! same way as the monitoring of external placements, so the two compare.

use askama::Template;
use authz::cap::{Commission, ViewProviders};
use authz::{Permission, Role};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use contracts::monitoring::EventKind;
use kernel::UserId;
use providers::foster::ApprovalType;
use store::households::{Household, NewHousehold};
use store::monitoring::{EventLite, Subject};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::monitoring::{event_from, MonitoringView};
use crate::pages::{in_command, render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "households/new.html")]
struct NewPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    approval_types: Vec<(&'static str, &'static str)>,
    needs: Vec<(&'static str, &'static str)>,
    workers: Vec<(UserId, String)>,
    today: String,
    form: FormData,
}

async fn new_page(state: &AppState, chrome: Chrome, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let workers = store::users::list(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.active && u.roles.iter().any(|r| matches!(r, Role::SocialWorker | Role::TeamManager)))
        .map(|u| (u.id, u.display_name))
        .collect();
    let page = NewPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        approval_types: ApprovalType::choices(),
        needs: providers::register::Need::choices(),
        workers,
        today: kernel::dates::format_iso_date(state.clock.today()),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /households/new
pub async fn new(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<Commission>) -> Result<Response, AppError> {
    new_page(&state, chrome, Vec::new(), FormData::default()).await
}

fn household_from(form: &FormData, errors: &mut Vec<FieldError>) -> Option<NewHousehold> {
    let approval_type = form
        .text("approval_type")
        .parse::<ApprovalType>()
        .map_err(|_| errors.push(FieldError::new("approval_type", "Choose the type of approval")))
        .ok();
    let approved_on = required_date("approved_on", "the date of approval", &form.text("approved_on"), errors);
    let mut whole = |field: &str, message: &str| {
        let parsed = form.text(field).parse::<u8>().ok();
        if parsed.is_none() {
            errors.push(FieldError::new(field, message));
        }
        parsed
    };
    let capacity = whole("capacity", "Enter the number of children the household is approved for");
    let age_min = whole("age_min", "Enter the youngest age, in whole years");
    let age_max = whole("age_max", "Enter the oldest age, in whole years");
    let worker = form.text("supervising_worker");
    let supervising_worker = match worker.as_str() {
        "" => None,
        text => match text.parse::<UserId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("supervising_worker", "Choose the supervising social worker"));
                None
            }
        },
    };
    let accepts = providers::register::parse_needs(&form.all("accepts").join(" "))
        .map_err(|_| errors.push(FieldError::new("accepts", "Choose the needs from the list")))
        .ok();
    Some(NewHousehold {
        accepts: accepts?,
        reference: form.text("reference"),
        name: form.text("name"),
        approval_type: approval_type?,
        approved_on: approved_on?,
        extended: form.text("extended") == "yes",
        capacity: u32::from(capacity?),
        age_min: age_min?,
        age_max: age_max?,
        supervising_worker,
        postcode: form.text("postcode"),
    })
}

/// POST /households: adds a household.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let (Some(household), true) = (household_from(&form, &mut errors), errors.is_empty()) else {
        return new_page(&state, chrome, errors, form).await;
    };
    let today = state.clock.today();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::households::create(cmd, &auth.can, &household, today).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(errors) => new_page(&state, chrome, errors, form).await,
    }
}

#[derive(Template)]
#[template(path = "households/show.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    household: Household,
    events: Vec<EventLite>,
    kinds: Vec<(&'static str, &'static str)>,
    may_commission: bool,
    today: String,
    form: FormData,
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    id: i64,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let household = MonitoringView::households(state)
        .await?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or(AppError::NotFound)?;
    let mut events = store::monitoring::household_events(&state.store)
        .await?
        .remove(&id)
        .unwrap_or_default();
    events.sort_by_key(|e| std::cmp::Reverse((e.on, e.id)));
    let page = ShowPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        household,
        events,
        kinds: EventKind::ALL
            .iter()
            .filter(|k| k.is_in_house())
            .map(|k| (k.code(), k.label()))
            .collect(),
        may_commission,
        today: kernel::dates::format_iso_date(state.clock.today()),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /households/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may = auth.principal.holds(Permission::Commission);
    show_page(&state, chrome, may, crate::pages::path_id(&id)?, Vec::new(), FormData::default()).await
}

/// POST /households/{id}/events: records a supervisory visit, an annual
/// review, a concern or an incident.
pub async fn record_event(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = crate::pages::path_id(&id)?;
    let mut errors = Vec::new();
    let Some(event) = event_from(&form, Subject::Household(id), &mut errors) else {
        return show_page(&state, chrome, true, id, errors, form).await;
    };
    let today = state.clock.today();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::monitoring::record_event(cmd, &auth.can, &event, today).await
    })
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(errors) => show_page(&state, chrome, true, id, errors, form).await,
    }
}
