//! Account services shared by the administration pages and the API.
//!
//! Both surfaces hand the same [`NewUserInput`] to [`create_user`], so the
//! validation rules and messages are identical wherever an account is made.

use std::str::FromStr;

use authz::cap::ManageUsers;
use authz::{Can, Role};
use kernel::TeamId;
use serde::Deserialize;
use store::passwords;
use store::users::{NewUser, User};

use crate::error::{AppError, FieldError};
use crate::AppState;

/// What a person or system submits to create an account.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    /// 3 to 64 characters: lower-case letters, numbers, dots, hyphens, underscores.
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// At least 12 characters.
    pub password: String,
    /// Role codes such as `social-worker`.
    pub roles: Vec<String>,
    /// Team ids.
    #[serde(default)]
    pub teams: Vec<i64>,
}

/// Checked account details, ready to store (password not yet hashed).
struct ValidNewUser {
    username: String,
    display_name: String,
    email: Option<String>,
    password: String,
    roles: Vec<Role>,
    teams: Vec<TeamId>,
}

pub fn check_display_name(name: &str, errors: &mut Vec<FieldError>) {
    if name.trim().is_empty() || name.len() > 100 {
        errors.push(FieldError::new(
            "display_name",
            "Enter the person's full name (up to 100 characters)",
        ));
    }
}

pub fn check_email(email: Option<&str>, errors: &mut Vec<FieldError>) {
    if email.is_some_and(|e| !e.contains('@') || e.len() > 254 || e.contains(char::is_whitespace)) {
        errors.push(FieldError::new(
            "email",
            "Enter an email address in the correct format, like name@council.gov.uk",
        ));
    }
}

pub fn parse_roles(codes: &[String], errors: &mut Vec<FieldError>) -> Vec<Role> {
    let mut roles = Vec::new();
    for code in codes {
        match Role::from_str(code) {
            Ok(role) => roles.push(role),
            Err(unknown) => errors.push(FieldError::new("roles", unknown.to_string())),
        }
    }
    if codes.is_empty() {
        errors.push(FieldError::new("roles", "Select at least one role"));
    }
    roles
}

fn validate(input: NewUserInput) -> Result<ValidNewUser, Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = store::users::normalise_username(&input.username).unwrap_or_else(|bad| {
        errors.push(FieldError::new("username", bad.to_string()));
        String::new()
    });
    check_display_name(&input.display_name, &mut errors);
    let email = input.email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
    check_email(email.as_deref(), &mut errors);
    if let Err(policy) = passwords::check_policy(&username, &input.password) {
        errors.push(FieldError::new("password", policy.to_string()));
    }
    let roles = parse_roles(&input.roles, &mut errors);
    if errors.is_empty() {
        Ok(ValidNewUser {
            username,
            display_name: input.display_name.trim().to_owned(),
            email,
            password: input.password,
            roles,
            teams: input.teams.into_iter().map(TeamId::new).collect(),
        })
    } else {
        Err(errors)
    }
}

/// Validates, hashes the password off the async threads, and creates the
/// account in one audited command.
pub async fn create_user(state: &AppState, can: &Can<ManageUsers>, input: NewUserInput) -> Result<User, AppError> {
    let valid = validate(input).map_err(AppError::Invalid)?;
    let password = valid.password.clone();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut cmd = state.store.begin(can.actor(), state.clock.as_ref()).await?;
    let user = store::users::create(
        &mut cmd,
        can,
        NewUser {
            username: valid.username,
            display_name: valid.display_name,
            email: valid.email,
            password_hash: hash,
            roles: valid.roles,
            teams: valid.teams,
        },
    )
    .await
    .map_err(|error| match error {
        store::StoreError::NotFound { entity: "team" } => AppError::invalid("teams", "One of the teams does not exist"),
        other => other.into(),
    })?;
    cmd.commit().await?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> NewUserInput {
        NewUserInput {
            username: "Amy.Jones".into(),
            display_name: "Amy Jones".into(),
            email: None,
            password: "a long pass phrase".into(),
            roles: vec!["social-worker".into()],
            teams: vec![],
        }
    }

    #[test]
    fn valid_input_is_normalised() {
        let valid = validate(input()).ok().unwrap();
        assert_eq!(valid.username, "amy.jones");
        assert_eq!(valid.roles, vec![Role::SocialWorker]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = validate(NewUserInput {
            username: "a b".into(),
            display_name: " ".into(),
            email: Some("nope".into()),
            password: "short".into(),
            roles: vec!["wizard".into()],
            teams: vec![],
        })
        .err()
        .unwrap();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "display_name", "email", "password", "roles"]);
    }
}
