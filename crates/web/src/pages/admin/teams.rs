//! Teams: list with their members, and create new ones.

use askama::Template;
use authz::cap::ManageUsers;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use store::teams::Team;
use store::users::User;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::{render, Chrome};
use crate::AppState;

struct TeamRow {
    team: Team,
    members: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    teams: Vec<TeamRow>,
    errors: Vec<FieldError>,
    name: String,
}

async fn page(state: &AppState, chrome: Chrome, errors: Vec<FieldError>, name: String) -> Result<TeamsPage, AppError> {
    let users: Vec<User> = store::users::list(&state.store).await?;
    let teams = store::teams::list(&state.store)
        .await?
        .into_iter()
        .map(|team| TeamRow {
            members: users
                .iter()
                .filter(|u| u.active && u.teams.contains(&team.id))
                .map(|u| u.display_name.clone())
                .collect(),
            team,
        })
        .collect();
    Ok(TeamsPage {
        chrome,
        teams,
        errors,
        name,
    })
}

pub async fn list(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ManageUsers>) -> Result<Html<String>, AppError> {
    render(&page(&state, chrome, Vec::new(), String::new()).await?)
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageUsers>,
    form: FormData,
) -> Result<Response, AppError> {
    let name = form.text("name");
    let mut errors = Vec::new();
    if name.is_empty() || name.len() > 100 {
        errors.push(FieldError::new("name", "Enter the team's name (up to 100 characters)"));
    } else {
        let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
        match store::teams::create(&mut cmd, &auth.can, &name).await {
            Ok(_) => {
                cmd.commit().await?;
                return Ok(Redirect::to("/admin/teams").into_response());
            }
            Err(store::StoreError::Duplicate { field, message }) => errors.push(FieldError::new(field, message)),
            Err(other) => return Err(other.into()),
        }
    }
    let page = page(&state, chrome, errors, name).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
