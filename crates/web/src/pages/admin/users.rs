//! Managing accounts: create, edit roles and teams, deactivate, reset password.
//!
//! Edits carry the version the administrator loaded; if someone else saved
//! in between, the save is refused with a clear message instead of silently
//! overwriting their change.

use std::str::FromStr;

use askama::Template;
use authz::cap::ManageUsers;
use authz::Role;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kernel::{TeamId, UserId};
use store::passwords;
use store::teams::Team;
use store::users::{User, UserUpdate};

use crate::accounts::{self, NewUserInput};
use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::{render, Chrome};
use crate::AppState;

struct RoleOption {
    code: &'static str,
    label: &'static str,
    checked: bool,
}

struct TeamOption {
    id: TeamId,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<User>,
    teams: Vec<Team>,
}

impl UsersPage {
    fn team_names(&self, user: &User) -> String {
        let names: Vec<&str> = user
            .teams
            .iter()
            .filter_map(|id| self.teams.iter().find(|t| t.id == *id).map(|t| t.name.as_str()))
            .collect();
        if names.is_empty() {
            "None".to_owned()
        } else {
            names.join(", ")
        }
    }
}

fn role_labels(user: &User) -> String {
    user.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
}

pub async fn list(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ManageUsers>) -> Result<Html<String>, AppError> {
    let page = UsersPage {
        chrome,
        users: store::users::list(&state.store).await?,
        teams: store::teams::list(&state.store).await?,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct UserForm {
    chrome: Chrome,
    editing: Option<(UserId, i64)>,
    errors: Vec<FieldError>,
    username: String,
    display_name: String,
    email: String,
    active: bool,
    roles: Vec<RoleOption>,
    teams: Vec<TeamOption>,
}

impl UserForm {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn role_options(selected: &[Role]) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|role| RoleOption {
            code: role.code(),
            label: role.label(),
            checked: selected.contains(&role),
        })
        .collect()
}

fn team_options(teams: Vec<Team>, selected: &[TeamId]) -> Vec<TeamOption> {
    teams
        .into_iter()
        .map(|team| TeamOption {
            checked: selected.contains(&team.id),
            id: team.id,
            name: team.name,
        })
        .collect()
}

pub async fn new_form(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ManageUsers>) -> Result<Html<String>, AppError> {
    let form = UserForm {
        chrome,
        editing: None,
        errors: Vec::new(),
        username: String::new(),
        display_name: String::new(),
        email: String::new(),
        active: true,
        roles: role_options(&[]),
        teams: team_options(store::teams::list(&state.store).await?, &[]),
    };
    render(&form)
}

/// The fields common to creating and editing, checked.
struct Submitted {
    display_name: String,
    email: Option<String>,
    roles: Vec<Role>,
    teams: Vec<TeamId>,
}

fn read_common(form: &FormData, errors: &mut Vec<FieldError>) -> Submitted {
    let display_name = form.text("display_name");
    accounts::check_display_name(&display_name, errors);
    let email = Some(form.text("email")).filter(|e| !e.is_empty());
    accounts::check_email(email.as_deref(), errors);
    let roles = accounts::parse_roles(&form.all("roles"), errors);
    let teams = form.all("teams").iter().filter_map(|id| id.parse::<TeamId>().ok()).collect();
    Submitted {
        display_name,
        email,
        roles,
        teams,
    }
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageUsers>,
    form: FormData,
) -> Result<Response, AppError> {
    let input = NewUserInput {
        username: form.text("username"),
        display_name: form.text("display_name"),
        email: Some(form.text("email")).filter(|e| !e.is_empty()),
        password: form.text("password"),
        roles: form.all("roles"),
        teams: form.all("teams").iter().filter_map(|id| id.parse().ok()).collect(),
    };
    let errors = match accounts::create_user(&state, &auth.can, input.clone()).await {
        Ok(_) => return Ok(Redirect::to("/admin/users").into_response()),
        Err(AppError::Invalid(errors)) => errors,
        Err(other) => return Err(other),
    };
    let roles: Vec<Role> = input.roles.iter().filter_map(|code| Role::from_str(code).ok()).collect();
    let teams: Vec<TeamId> = input.teams.iter().copied().map(TeamId::new).collect();
    let page = UserForm {
        chrome,
        editing: None,
        errors,
        username: input.username,
        display_name: input.display_name,
        email: input.email.unwrap_or_default(),
        active: true,
        roles: role_options(&roles),
        teams: team_options(store::teams::list(&state.store).await?, &teams),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ManageUsers>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id: UserId = id.parse().map_err(|_| AppError::NotFound)?;
    let user = store::users::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let form = UserForm {
        chrome,
        editing: Some((user.id, user.version)),
        errors: Vec::new(),
        roles: role_options(&user.roles),
        teams: team_options(store::teams::list(&state.store).await?, &user.teams),
        username: user.username,
        display_name: user.display_name,
        email: user.email.unwrap_or_default(),
        active: user.active,
    };
    render(&form)
}

pub async fn update(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageUsers>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id: UserId = id.parse().map_err(|_| AppError::NotFound)?;
    let existing = store::users::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let submitted = read_common(&form, &mut errors);
    let version: i64 = form.text("version").parse().unwrap_or(-1);
    let active = form.has("active");
    if auth.can.actor().user_id() == Some(id) && (!active || !submitted.roles.contains(&Role::Administrator)) {
        errors.push(FieldError::new(
            "roles",
            "You cannot remove your own administrator role or deactivate yourself; ask another administrator",
        ));
    }
    let new_password = form.text("password");
    if !new_password.is_empty() {
        if let Err(policy) = passwords::check_policy(&existing.username, &new_password) {
            errors.push(FieldError::new("password", policy.to_string()));
        }
    }
    if errors.is_empty() {
        let new_hash = if new_password.is_empty() {
            None
        } else {
            Some(
                tokio::task::spawn_blocking(move || passwords::hash(&new_password))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            )
        };
        let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
        let change = UserUpdate {
            display_name: submitted.display_name.clone(),
            email: submitted.email.clone(),
            active,
            roles: submitted.roles.clone(),
            teams: submitted.teams.clone(),
        };
        match store::users::update(&mut cmd, &auth.can, id, version, change).await {
            Ok(_) => {
                if let Some(hash) = new_hash {
                    store::users::set_password(&mut cmd, &auth.can, id, &hash).await?;
                }
                cmd.commit().await?;
                return Ok(Redirect::to("/admin/users").into_response());
            }
            Err(conflict @ store::StoreError::Conflict { .. }) => errors.push(FieldError::new("display_name", conflict.to_string())),
            Err(other) => return Err(other.into()),
        }
    }
    let page = UserForm {
        chrome,
        editing: Some((id, version)),
        errors,
        username: existing.username,
        display_name: submitted.display_name,
        email: submitted.email.unwrap_or_default(),
        active,
        roles: role_options(&submitted.roles),
        teams: team_options(store::teams::list(&state.store).await?, &submitted.teams),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
