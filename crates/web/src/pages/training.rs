//! Staff training records: every record by person (filtered by team), the
//! courses expired or expiring within 30 days, and the form managers use
//! to record a completed course. The rules (expiry not before completion,
//! no completion in the future, an active account) are the store's.

use askama::Template;
use authz::cap::ManageTraining;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::{TeamId, UserId};
use serde::Deserialize;
use store::teams::Team;
use store::training::{NewTraining, Trainee, TrainingRecord, REQUIRED_COURSES};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::{parse_date, required_date};
use crate::pages::{form_status, in_command, render, Chrome};
use crate::AppState;

/// `?team=` to show one team's members only.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// A team's id.
    pub team: Option<String>,
}

impl TeamQuery {
    pub fn team(&self) -> Result<Option<TeamId>, AppError> {
        match self.team.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(|id| Some(TeamId::new(id)))
                .ok_or_else(|| AppError::invalid("team", "Choose a team from the list")),
        }
    }
}

/// The records to show: one team's members' or everyone's.
pub async fn records(state: &AppState, team: Option<TeamId>) -> Result<Vec<TrainingRecord>, AppError> {
    Ok(match team {
        Some(team) => store::training::for_team(&state.store, team).await?,
        None => store::training::records(&state.store).await?,
    })
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    chrome: Chrome,
    today: Date,
    records: Vec<TrainingRecord>,
    /// The records that count: each person's latest of each course.
    latest: std::collections::BTreeSet<i64>,
    expiring: Vec<TrainingRecord>,
    teams: Vec<Team>,
    team: Option<TeamId>,
    trainees: Vec<Trainee>,
    courses: Vec<&'static str>,
    form: FormData,
    errors: Vec<FieldError>,
}

impl TrainingPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn team_chosen(&self, id: &TeamId) -> bool {
        self.team == Some(*id)
    }

    fn trainee_chosen(&self, id: &UserId) -> bool {
        self.form.text("user_id") == id.to_string()
    }

    fn standing(&self, record: &TrainingRecord) -> (&'static str, &'static str) {
        if !self.latest.contains(&record.id) {
            return ("Refreshed since", "govuk-tag--grey");
        }
        let standing = record.standing(self.today);
        let tag = match standing {
            store::training::Standing::Expired => "hearth-tag--overdue",
            store::training::Standing::ExpiringSoon => "hearth-tag--due",
            store::training::Standing::InDate => "hearth-tag--ok",
        };
        (standing.label(), tag)
    }
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    team: Option<TeamId>,
    form: FormData,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let records = records(state, team).await?;
    let page = TrainingPage {
        chrome,
        today,
        latest: store::training::latest(&records).into_iter().map(|r| r.id).collect(),
        records,
        expiring: store::training::expiring(&state.store, today).await?,
        teams: store::teams::list(&state.store).await?,
        team,
        trainees: store::training::trainees(&state.store).await?,
        courses: REQUIRED_COURSES.to_vec(),
        form,
        errors,
    };
    Ok((form_status(&page.errors), render(&page)?).into_response())
}

/// GET /training
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ManageTraining>,
    Query(query): Query<TeamQuery>,
) -> Result<Response, AppError> {
    page(&state, chrome, query.team()?, FormData::default(), Vec::new()).await
}

/// Reads the training form, or every field at fault.
pub fn new_training(form: &FormData) -> Result<NewTraining, Vec<FieldError>> {
    let mut errors = Vec::new();
    let user = form.text("user_id").parse::<i64>().ok().filter(|id| *id > 0);
    if user.is_none() {
        errors.push(FieldError::new("user_id", "Choose the member of staff"));
    }
    let completed = required_date(
        "completed_on",
        "the day the course was completed",
        &form.text("completed_on"),
        &mut errors,
    );
    let expires = match form.text("expires_on").as_str() {
        "" => None,
        text => {
            let date = parse_date(text);
            if date.is_none() {
                errors.push(FieldError::new(
                    "expires_on",
                    "Enter the expiry as a real date, for example 27/3/2028",
                ));
            }
            date
        }
    };
    match (user, completed) {
        (Some(user), Some(completed_on)) if errors.is_empty() => Ok(NewTraining {
            user_id: UserId::new(user),
            course: form.text("course"),
            completed_on,
            expires_on: expires,
        }),
        _ => Err(errors),
    }
}

/// POST /training: records a completed course.
pub async fn record(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageTraining>,
    form: FormData,
) -> Result<Response, AppError> {
    let errors = match new_training(&form) {
        Ok(new) => match in_command(&state, auth.can.actor(), async |cmd| {
            store::training::record(cmd, &auth.can, &new).await
        })
        .await?
        {
            Ok(_) => return Ok(Redirect::to("/training#records").into_response()),
            Err(refused) => refused,
        },
        Err(errors) => errors,
    };
    page(&state, chrome, None, form, errors).await
}
