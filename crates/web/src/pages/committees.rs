//! Committees: the meetings list, a meeting's page (agenda, resolutions,
//! what is due back, the packs generated for it) and the packs themselves.
//!
//! Members and leaders read (`ViewAggregates`); clerks keep meetings,
//! agendas and resolutions and generate packs (`ClerkCommittees`). A clerk
//! may be an administrator who holds no other view, so the reading pages
//! admit either permission ([`READERS`], declared as `RequiresAny` in the
//! route table) and show the clerk's forms only to clerks.
//!
//! `/committees/packs/{id}` serves a pack's print-ready HTML exactly as it
//! was generated, and `/committees/packs/{id}.xlsx` its workbook (the
//! router matches the whole last segment, so this one route reads the
//! suffix).

use askama::Template;
use authz::cap::ClerkCommittees;
use authz::{Permission, Principal};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use store::committees::{AgendaItem, Choice, Meeting, NewMeeting, NewResolution, PackSummary, Resolution};

use crate::auth::{Authenticated, Authorized};
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{form_status, in_command, path_id, render, Chrome};
use crate::AppState;

/// Who may read committee business.
pub const READERS: &[Permission] = &[Permission::ViewAggregates, Permission::ClerkCommittees];

/// The caller, once shown to hold one of [`READERS`].
#[derive(Debug)]
pub struct CommitteeReader {
    pub principal: Principal,
}

impl CommitteeReader {
    pub fn is_clerk(&self) -> bool {
        self.principal.holds(Permission::ClerkCommittees)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CommitteeReader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let authenticated = parts.extensions.get::<Authenticated>().ok_or(AppError::SignInRequired)?;
        if READERS.iter().any(|p| authenticated.principal.holds(*p)) {
            Ok(CommitteeReader {
                principal: authenticated.principal.clone(),
            })
        } else {
            Err(AppError::Forbidden)
        }
    }
}

#[derive(Template)]
#[template(path = "committees/list.html")]
struct ListPage {
    chrome: Chrome,
    meetings: Vec<Meeting>,
    is_clerk: bool,
    form: FormData,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }
}

async fn list_page(
    state: &AppState,
    chrome: Chrome,
    is_clerk: bool,
    form: FormData,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let page = ListPage {
        chrome,
        meetings: store::committees::meetings(&state.store).await?,
        is_clerk,
        form,
        errors,
    };
    Ok((form_status(&page.errors), render(&page)?).into_response())
}

/// GET /committees
pub async fn list(State(state): State<AppState>, chrome: Chrome, reader: CommitteeReader) -> Result<Response, AppError> {
    list_page(&state, chrome, reader.is_clerk(), FormData::default(), Vec::new()).await
}

/// POST /committees: schedules a meeting.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ClerkCommittees>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let meets_on = required_date("meets_on", "the meeting date", &form.text("meets_on"), &mut errors);
    if let (Some(meets_on), true) = (meets_on, errors.is_empty()) {
        let new = NewMeeting {
            committee: form.text("committee"),
            meets_on,
            title: form.text("title"),
        };
        match in_command(&state, auth.can.actor(), async |cmd| {
            store::committees::create_meeting(cmd, &auth.can, &new).await
        })
        .await?
        {
            Ok(id) => return Ok(Redirect::to(&format!("/committees/{id}")).into_response()),
            Err(refused) => errors = refused,
        }
    }
    list_page(&state, chrome, true, form, errors).await
}

#[derive(Template)]
#[template(path = "committees/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    meeting: Meeting,
    agenda: Vec<AgendaItem>,
    resolutions: Vec<Resolution>,
    due: Vec<Resolution>,
    packs: Vec<PackSummary>,
    is_clerk: bool,
    /// Meetings after this one, for "due back at".
    later: Vec<Meeting>,
    engagements: Vec<Choice>,
    actions: Vec<Choice>,
    form: FormData,
    errors: Vec<FieldError>,
}

impl MeetingPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn chose(&self, field: &str, id: &i64) -> bool {
        self.form.text(field) == id.to_string()
    }
}

async fn meeting_page(
    state: &AppState,
    chrome: Chrome,
    is_clerk: bool,
    id: i64,
    form: FormData,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let meeting = store::committees::meeting(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let mut later: Vec<Meeting> = store::committees::meetings(&state.store)
        .await?
        .into_iter()
        .filter(|m| m.meets_on > meeting.meets_on)
        .collect();
    later.reverse();
    let (engagements, actions) = if is_clerk {
        (
            store::committees::engagement_choices(&state.store).await?,
            store::committees::action_choices(&state.store).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let page = MeetingPage {
        chrome,
        agenda: store::committees::agenda(&state.store, id).await?,
        resolutions: store::committees::resolutions(&state.store, id).await?,
        due: store::committees::resolutions_due(&state.store, id).await?,
        packs: store::committees::packs(&state.store, id).await?,
        meeting,
        is_clerk,
        later,
        engagements,
        actions,
        form,
        errors,
    };
    Ok((form_status(&page.errors), render(&page)?).into_response())
}

/// GET /committees/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    reader: CommitteeReader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    meeting_page(&state, chrome, reader.is_clerk(), path_id(&id)?, FormData::default(), Vec::new()).await
}

/// An optional id from a select box: empty is none.
pub fn optional_id(form: &FormData, field: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match form.text(field).as_str() {
        "" => None,
        text => text.parse::<i64>().ok().filter(|id| *id > 0).or_else(|| {
            errors.push(FieldError::new(field, "Choose from the list"));
            None
        }),
    }
}

/// POST /committees/{id}/agenda: adds an item to the agenda.
pub async fn add_agenda_item(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let mut errors = Vec::new();
    let engagement = optional_id(&form, "engagement_id", &mut errors);
    if errors.is_empty() {
        match in_command(&state, auth.can.actor(), async |cmd| {
            store::committees::add_agenda_item(cmd, &auth.can, id, &form.text("title"), engagement).await
        })
        .await?
        {
            Ok(_) => return Ok(Redirect::to(&format!("/committees/{id}#agenda")).into_response()),
            Err(refused) => errors = refused,
        }
    }
    meeting_page(&state, chrome, true, id, form, errors).await
}

/// Reads the resolution form, or every field at fault.
pub fn new_resolution(form: &FormData) -> Result<NewResolution, Vec<FieldError>> {
    let mut errors = Vec::new();
    let new = NewResolution {
        text: form.text("text"),
        agenda_item_id: optional_id(form, "agenda_item_id", &mut errors),
        action_id: optional_id(form, "action_id", &mut errors),
        due_meeting_id: optional_id(form, "due_meeting_id", &mut errors),
    };
    if errors.is_empty() {
        Ok(new)
    } else {
        Err(errors)
    }
}

/// POST /committees/{id}/resolutions: records a resolution.
pub async fn add_resolution(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let errors = match new_resolution(&form) {
        Ok(new) => match in_command(&state, auth.can.actor(), async |cmd| {
            store::committees::add_resolution(cmd, &auth.can, id, &new).await
        })
        .await?
        {
            Ok(_) => return Ok(Redirect::to(&format!("/committees/{id}#resolutions")).into_response()),
            Err(refused) => refused,
        },
        Err(errors) => errors,
    };
    meeting_page(&state, chrome, true, id, form, errors).await
}

/// POST /committees/resolutions/{id}/done: marks a resolution done, from
/// the version the clerk read; back to the meeting that made it.
pub async fn complete_resolution(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let version = form
        .text("version")
        .parse::<i64>()
        .map_err(|_| AppError::invalid("version", "Reload the page and try again"))?;
    let meeting = form.text("meeting_id").parse::<i64>().unwrap_or(0);
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::committees::complete_resolution(cmd, &auth.can, id, version).await
    })
    .await?
    {
        Ok(()) if meeting > 0 => Ok(Redirect::to(&format!("/committees/{meeting}#resolutions")).into_response()),
        Ok(()) => Ok(Redirect::to("/committees").into_response()),
        Err(errors) => Err(AppError::Invalid(errors)),
    }
}

/// POST /committees/{id}/packs: generates and keeps a pack.
pub async fn generate_pack(
    State(state): State<AppState>,
    auth: Authorized<ClerkCommittees>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let pack = generate(&state, &auth, id).await?;
    Ok(Redirect::to(&format!("/committees/packs/{pack}")).into_response())
}

/// Generates a pack for meeting `id` in one command; returns its id.
pub async fn generate(state: &AppState, auth: &Authorized<ClerkCommittees>, id: i64) -> Result<i64, AppError> {
    generate_as(state, &auth.can, id).await
}

/// Generates a pack for meeting `id` as whoever `can` names (the pages,
/// the API, and the demo, which makes one for its November meeting).
pub async fn generate_as(state: &AppState, can: &authz::Can<ClerkCommittees>, id: i64) -> Result<i64, AppError> {
    let meeting = store::committees::meeting(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let made = crate::pages::committee_pack::build(state, &meeting).await?;
    let mut cmd = state.store.begin(can.actor(), state.clock.as_ref()).await?;
    let pack = store::committees::save_pack(&mut cmd, can, id, &made.html, &made.xlsx, &made.figures).await?;
    cmd.commit().await?;
    Ok(pack)
}

/// The workbook's content type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// GET /committees/packs/{id} (HTML) and /committees/packs/{id}.xlsx.
pub async fn pack(State(state): State<AppState>, _reader: CommitteeReader, Path(segment): Path<String>) -> Result<Response, AppError> {
    let (id, workbook) = match segment.strip_suffix(".xlsx") {
        Some(id) => (path_id(id)?, true),
        None => (path_id(&segment)?, false),
    };
    let pack = store::committees::pack(&state.store, id).await?.ok_or(AppError::NotFound)?;
    if workbook {
        let disposition = format!("attachment; filename=\"committee-pack-{id}.xlsx\"");
        return Ok((
            [(header::CONTENT_TYPE, XLSX.to_owned()), (header::CONTENT_DISPOSITION, disposition)],
            pack.xlsx,
        )
            .into_response());
    }
    Ok(Html(pack.html).into_response())
}

/// "22/11/2026 10:00 UTC" from a stored instant.
pub fn instant_label(text: impl AsRef<str>) -> String {
    let text = text.as_ref();
    match (text.get(..10).and_then(crate::input::parse_date), text.get(11..16)) {
        (Some(day), Some(time)) => format!("{} {time} UTC", crate::pages::uk_date(day)),
        _ => text.to_owned(),
    }
}
