//! Personal API tokens: anyone can create a token that acts as them, with
//! their current roles, for their own scripts; it is shown once and can be
//! revoked at any time. Decisions made with it carry the person's name.

use askama::Template;
use authz::cap::UseHearth;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::ApiTokenId;
use store::api_tokens::ApiToken;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "my_tokens.html")]
struct MyTokensPage {
    chrome: Chrome,
    tokens: Vec<ApiToken>,
    errors: Vec<FieldError>,
    created: Option<String>,
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    auth: &Authorized<UseHearth>,
    errors: Vec<FieldError>,
    created: Option<String>,
) -> Result<Response, AppError> {
    let owner = auth.principal.actor.user_id().ok_or(AppError::Forbidden)?;
    let status = match (&created, errors.is_empty()) {
        (Some(_), _) => StatusCode::CREATED,
        (None, true) => StatusCode::OK,
        (None, false) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let view = MyTokensPage {
        chrome,
        tokens: store::api_tokens::list_personal(&state.store, owner).await?,
        errors,
        created,
    };
    Ok((status, render(&view)?).into_response())
}

/// GET /account/tokens
pub async fn list(State(state): State<AppState>, chrome: Chrome, auth: Authorized<UseHearth>) -> Result<Response, AppError> {
    page(&state, chrome, &auth, Vec::new(), None).await
}

/// POST /account/tokens
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<UseHearth>,
    form: FormData,
) -> Result<Response, AppError> {
    let name = form.text("name");
    if name.is_empty() || name.len() > 100 {
        let errors = vec![FieldError::new("name", "Enter what the token is for (up to 100 characters)")];
        return page(&state, chrome, &auth, errors, None).await;
    }
    let role = *auth.principal.roles.first().ok_or(AppError::Forbidden)?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let (_, secret) = store::api_tokens::create_personal(&mut cmd, &auth.can, &name, role).await?;
    cmd.commit().await?;
    page(&state, chrome, &auth, Vec::new(), Some(secret)).await
}

/// POST /account/tokens/{id}/revoke
pub async fn revoke(State(state): State<AppState>, auth: Authorized<UseHearth>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id: ApiTokenId = id.parse().map_err(|_| AppError::NotFound)?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::api_tokens::revoke_own(&mut cmd, &auth.can, id).await?;
    cmd.commit().await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
