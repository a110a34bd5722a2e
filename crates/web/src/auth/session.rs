//! Establishing the caller on every request.
//!
//! Pages use the session cookie; `/api/` uses a bearer token only, so API
//! calls never ride on a browser's cookies (and need no CSRF token). A bad
//! bearer token is refused outright rather than treated as anonymous.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use store::sessions::{self, SessionLimits};

use crate::auth::{cookie, expired_cookie, Authenticated, SESSION_COOKIE};
use crate::error::AppError;
use crate::AppState;

pub fn limits(state: &AppState) -> SessionLimits {
    SessionLimits {
        idle: state.config.session_idle,
        absolute: state.config.session_absolute,
    }
}

pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // Copy what is needed out of the request first: the request itself is
    // not shared across awaits.
    let outcome = if request.uri().path().starts_with("/api/") {
        let header = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned).unwrap_or_default());
        from_bearer(&state, header).await
    } else {
        let token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
        from_session(&state, token).await
    };
    match outcome {
        Ok(Found::Caller(authenticated)) => {
            request.extensions_mut().insert(authenticated.clone());
            let mut response = next.run(request).await;
            // Lets the outer error renderer show the header for this person.
            response.extensions_mut().insert(authenticated);
            response
        }
        Ok(Found::Nobody) => next.run(request).await,
        Ok(Found::ExpiredSession) => {
            let mut response = next.run(request).await;
            if let Ok(value) = expired_cookie(SESSION_COOKIE).parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(error) => error.into_response(),
    }
}

enum Found {
    Caller(Authenticated),
    Nobody,
    ExpiredSession,
}

async fn from_session(state: &AppState, token: Option<String>) -> Result<Found, AppError> {
    let Some(token) = token else {
        return Ok(Found::Nobody);
    };
    let Some(session) = sessions::find(&state.store, &token).await? else {
        return Ok(Found::ExpiredSession);
    };
    let now = state.clock.now();
    if session.is_expired(now, limits(state)) {
        sessions::expire(&state.store, &session).await?;
        return Ok(Found::ExpiredSession);
    }
    let Some(principal) = store::users::principal(&state.store, session.user_id).await? else {
        sessions::expire(&state.store, &session).await?;
        return Ok(Found::ExpiredSession);
    };
    sessions::touch(&state.store, &session, now).await?;
    Ok(Found::Caller(Authenticated {
        principal,
        session: Some(session),
    }))
}

async fn from_bearer(state: &AppState, header: Option<String>) -> Result<Found, AppError> {
    let Some(value) = header else {
        return Ok(Found::Nobody);
    };
    let secret = value.strip_prefix("Bearer ").ok_or(AppError::SignInRequired)?;
    let principal = store::api_tokens::authenticate(&state.store, secret.trim(), state.clock.now())
        .await?
        .ok_or(AppError::SignInRequired)?;
    Ok(Found::Caller(Authenticated { principal, session: None }))
}
