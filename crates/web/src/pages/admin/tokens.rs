//! API tokens for service accounts: create (secret shown once), list, revoke.

use std::str::FromStr;

use askama::Template;
use authz::cap::ManageApiTokens;
use authz::Role;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kernel::ApiTokenId;
use store::api_tokens::ApiToken;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<ApiToken>,
    roles: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
    name: String,
    created: Option<(String, String)>,
}

fn when(at: &time::OffsetDateTime) -> String {
    let date = kernel::dates::format_uk_date(at.date());
    format!("{date} {:02}:{:02} UTC", at.hour(), at.minute())
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    errors: Vec<FieldError>,
    name: String,
    created: Option<(String, String)>,
) -> Result<TokensPage, AppError> {
    Ok(TokensPage {
        chrome,
        tokens: store::api_tokens::list(&state.store).await?,
        roles: Role::ALL.into_iter().map(|r| (r.code(), r.label())).collect(),
        errors,
        name,
        created,
    })
}

pub async fn list(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ManageApiTokens>) -> Result<Html<String>, AppError> {
    render(&page(&state, chrome, Vec::new(), String::new(), None).await?)
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageApiTokens>,
    form: FormData,
) -> Result<Response, AppError> {
    let name = form.text("name");
    let mut errors = Vec::new();
    if name.is_empty() || name.len() > 100 {
        errors.push(FieldError::new(
            "name",
            "Enter a name for the token that says which system uses it (up to 100 characters)",
        ));
    }
    let role = Role::from_str(&form.text("role"));
    if let Err(unknown) = &role {
        errors.push(FieldError::new("role", format!("Select the role the token acts as ({unknown})")));
    }
    match (errors.is_empty(), role) {
        (true, Ok(role)) => {
            let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
            let (token, secret) = store::api_tokens::create(&mut cmd, &auth.can, &name, role).await?;
            cmd.commit().await?;
            let page = page(&state, chrome, Vec::new(), String::new(), Some((token.name, secret))).await?;
            Ok((StatusCode::CREATED, render(&page)?).into_response())
        }
        _ => {
            let page = page(&state, chrome, errors, name, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    auth: Authorized<ManageApiTokens>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: ApiTokenId = id.parse().map_err(|_| AppError::NotFound)?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::api_tokens::revoke(&mut cmd, &auth.can, id).await?;
    cmd.commit().await?;
    Ok(Redirect::to("/admin/api-tokens").into_response())
}
