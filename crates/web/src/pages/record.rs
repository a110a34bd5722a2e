//! A child's record: identity, deadlines, care history and episodes,
//! assessments, events, allocations, addresses and relationships, with the
//! forms to record more. Restricted records show only that they exist,
//! unless the person is in a named team or breaks the glass.

use askama::Template;
use authz::cap::ViewChildRecord;
use authz::{Permission, Principal, Role};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use children::care_history::Period;
use children::episodes::Episode;
use compliance::DeadlineStatus;
use kernel::ChildId;
use store::access_log::AccessKind;
use store::assessments::Assessment;
use store::care_history::RecordedPlacement;
use store::casework::{Address, Allocation, CareEvent, EventKind, Relationship};
use store::child_records::ChildRecord;
use store::deadlines::DeadlineLine;
use store::teams::Team;
use store::users::User;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::pages::{render, Chrome};
use crate::AppState;

pub fn parse_child_id(text: &str) -> Result<ChildId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// A choice for a select box.
pub struct Choice {
    pub code: String,
    pub label: String,
}

fn choices(state: &AppState, set: &str) -> Vec<Choice> {
    state
        .codes
        .current(set, state.clock.today())
        .into_iter()
        .map(|c| Choice {
            code: c.code.clone(),
            label: format!("{} – {}", c.code, c.label),
        })
        .collect()
}

pub struct DeadlineView {
    pub obligation: &'static str,
    pub due: String,
    pub status: &'static str,
    pub tag: &'static str,
    pub met_on: String,
}

pub fn deadline_view(line: &DeadlineLine) -> DeadlineView {
    DeadlineView {
        obligation: line.deadline.obligation.label(),
        due: kernel::dates::format_uk_date(line.deadline.due),
        status: line.status.label(),
        tag: status_tag(line.status),
        met_on: line.deadline.met_on.map(kernel::dates::format_uk_date).unwrap_or_default(),
    }
}

pub fn status_tag(status: DeadlineStatus) -> &'static str {
    match status {
        DeadlineStatus::Overdue => "govuk-tag--red",
        DeadlineStatus::DueSoon => "govuk-tag--yellow",
        DeadlineStatus::Upcoming => "govuk-tag--blue",
        DeadlineStatus::CompletedLate => "govuk-tag--orange",
        DeadlineStatus::CompletedOnTime => "govuk-tag--green",
    }
}

#[derive(Template)]
#[template(path = "children/record.html")]
struct RecordPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    record: ChildRecord,
    age: i32,
    restricted_teams: Vec<String>,
    open_deadlines: Vec<DeadlineView>,
    past_deadlines: Vec<DeadlineView>,
    periods: Vec<Period>,
    legal_statuses: Vec<(String, String, String)>,
    placements: Vec<RecordedPlacement>,
    episodes: Vec<Episode>,
    assessments: Vec<Assessment>,
    events: Vec<CareEvent>,
    allocations: Vec<Allocation>,
    addresses: Vec<Address>,
    relationships: Vec<Relationship>,
    in_care: bool,
    can_record: bool,
    can_restrict: bool,
    is_manager: bool,
    me: i64,
    today: String,
    event_kinds: Vec<(&'static str, &'static str)>,
    legal_codes: Vec<Choice>,
    place_codes: Vec<Choice>,
    provider_codes: Vec<Choice>,
    /// The register, so a placement names its provider (and is refused
    /// there when the provider is not accredited).
    providers: Vec<store::providers::Provider>,
    need_codes: Vec<Choice>,
    /// Open control exceptions about this child, for those who see assurance.
    control_exceptions: Vec<store::controls::StoredException>,
    /// The child's errors in this year's SSDA903 return, worked out from
    /// the record as it is now.
    ssda903_errors: Vec<crate::ssda903::Flagged>,
    ssda903_year: String,
    ceased_codes: Vec<Choice>,
    change_codes: Vec<Choice>,
    relationship_codes: Vec<Choice>,
    reason_codes: Vec<Choice>,
    categories: Vec<(&'static str, &'static str)>,
    workers: Vec<User>,
    teams: Vec<Team>,
    /// The care-history form's values, when filled in for the user.
    care: crate::form::FormData,
}

#[derive(Template)]
#[template(path = "children/restricted.html")]
struct RestrictedPage {
    chrome: Chrome,
    child_id: ChildId,
    la_child_id: String,
    errors: Vec<FieldError>,
}

/// The record page, or the restricted notice; `errors` come from a failed form.
pub async fn render_record(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    id: ChildId,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    render_with_care(state, chrome, principal, id, errors, crate::form::FormData::default()).await
}

/// The record with the care-history form filled in from `care` (a
/// placement chosen in a search), opened ready to record.
pub async fn render_with_care(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    id: ChildId,
    errors: Vec<FieldError>,
    care: crate::form::FormData,
) -> Result<Response, AppError> {
    let record = store::child_records::find_record(&state.store, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if !store::restrictions::may_see(&state.store, principal, id, now).await? {
        let page = RestrictedPage {
            chrome,
            child_id: id,
            la_child_id: record.summary.la_child_id.clone(),
            errors,
        };
        return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
    }
    store::access_log::record(&state.store, principal.actor, id, AccessKind::View, None, now).await?;
    let status = crate::pages::form_status(&errors);
    let mut page = build(state, chrome, principal, record, errors).await?;
    page.care = care;
    Ok((status, render(&page)?).into_response())
}

async fn build(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    record: ChildRecord,
    errors: Vec<FieldError>,
) -> Result<RecordPage, AppError> {
    let id = record.summary.id;
    let rules = state.rules();
    let deadlines = store::deadlines::for_child(&state.store, id, &rules).await?;
    let (open, past): (Vec<_>, Vec<_>) = deadlines.iter().partition(|l| l.status.is_open());
    let stored = store::care_history::history_of(&state.store, id).await?;
    let history = stored.history();
    let teams = store::teams::list(&state.store).await?;
    let restricted_ids = store::restrictions::restricted_to(&state.store, id).await?;
    let workers = store::users::list(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.active && u.roles.contains(&Role::SocialWorker))
        .collect();
    Ok(RecordPage {
        chrome,
        errors,
        age: children::age_on(record.summary.date_of_birth, rules.today),
        restricted_teams: teams
            .iter()
            .filter(|t| restricted_ids.contains(&t.id))
            .map(|t| t.name.clone())
            .collect(),
        open_deadlines: open.into_iter().map(deadline_view).collect(),
        past_deadlines: past.into_iter().rev().map(deadline_view).collect(),
        in_care: history.periods.iter().any(|p| p.end.is_none()),
        periods: history.periods.clone(),
        legal_statuses: history
            .legal_statuses
            .iter()
            .map(|s| {
                (
                    format!("{} – {}", s.code, state.codes.label("legal-status", &s.code)),
                    kernel::dates::format_uk_date(s.start),
                    s.end.map(kernel::dates::format_uk_date).unwrap_or_else(|| "Current".to_owned()),
                )
            })
            .collect(),
        episodes: children::episodes::episodes(&history),
        placements: stored.placements,
        assessments: store::assessments::for_child(&state.store, id).await?,
        events: store::casework::events(&state.store, id).await?,
        allocations: store::casework::allocations(&state.store, id).await?,
        addresses: store::casework::addresses(&state.store, id).await?,
        relationships: store::casework::relationships(&state.store, id).await?,
        can_record: principal.holds(Permission::RecordChildren),
        can_restrict: principal.holds(Permission::RestrictRecords),
        is_manager: principal.roles.contains(&Role::TeamManager),
        me: principal.actor.user_id().map_or(0, |u| u.get()),
        today: kernel::dates::format_iso_date(rules.today),
        event_kinds: EventKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        legal_codes: choices(state, "legal-status"),
        place_codes: choices(state, "place"),
        provider_codes: choices(state, "place-provider"),
        providers: store::providers::list(&state.store).await?,
        need_codes: choices(state, "category-of-need"),
        control_exceptions: if principal.holds(authz::Permission::ViewAssurance) {
            store::controls::open_for_child(&state.store, id).await?
        } else {
            Vec::new()
        },
        ssda903_errors: crate::ssda903::child_errors(state, id).await?,
        ssda903_year: crate::ssda903::current_year(rules.today).to_string(),
        ceased_codes: choices(state, "reason-ceased"),
        change_codes: choices(state, "reason-place-change"),
        relationship_codes: choices(state, "relationship"),
        reason_codes: choices(state, "worker-change-reason"),
        categories: placements::PlacementCategory::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        workers,
        teams,
        care: crate::form::FormData::default(),
        record,
    })
}

pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    render_record(&state, chrome, &auth.principal, id, Vec::new()).await
}

pub async fn break_glass(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
    form: crate::form::FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::restrictions::break_glass(&mut cmd, &auth.can, id, &form.text("reason")).await {
        Ok(_) => {
            cmd.commit().await?;
            Ok(axum::response::Redirect::to(&format!("/children/{id}")).into_response())
        }
        Err(store::StoreError::Rejected(messages)) => {
            drop(cmd);
            let errors = messages.into_iter().map(|m| FieldError::new("reason", sentence(&m))).collect();
            render_record(&state, chrome, &auth.principal, id, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One line of a child's chronology.
pub struct ChronologyLine {
    pub date: time::Date,
    pub what: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "children/chronology.html")]
struct ChronologyPage {
    chrome: Chrome,
    record: ChildRecord,
    lines: Vec<ChronologyLine>,
}

pub async fn chronology(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let record = store::child_records::find_record(&state.store, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !store::restrictions::may_see(&state.store, &auth.principal, id, state.clock.now()).await? {
        return render_record(&state, chrome, &auth.principal, id, Vec::new()).await;
    }
    store::access_log::record(
        &state.store,
        auth.can.actor(),
        id,
        AccessKind::View,
        Some("chronology"),
        state.clock.now(),
    )
    .await?;
    let lines = crate::pages::chronology::lines(&state, &record).await?;
    Ok(render(&ChronologyPage { chrome, record, lines })?.into_response())
}
