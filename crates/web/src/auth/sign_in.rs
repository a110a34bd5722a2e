//! Signing in and out.
//!
//! One generic failure message whatever went wrong (unknown user, wrong
//! password, deactivated account), a dummy hash check for unknown users so
//! timing reveals nothing, throttling by username and by client address, and
//! a brand-new session on every sign-in.

use askama::Template;
use authz::cap::UseHearth;
use authz::Actor;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use store::{login_attempts, passwords, sessions};

use crate::auth::{cookie, expired_cookie, secure_cookie, Authorized, ClientAddr, ANONYMOUS_CSRF_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, FieldError};
use crate::pages::{render, Chrome};
use crate::AppState;

const FAILURE: &str = "Enter a correct username and password";

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    username: String,
    next: String,
    demo_accounts: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn show(State(state): State<AppState>, chrome: Chrome, Query(query): Query<NextQuery>) -> Result<Response, AppError> {
    if chrome.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let page = SignInPage {
        chrome,
        errors: Vec::new(),
        username: String::new(),
        next: safe_next(query.next.as_deref()),
        demo_accounts: state.config.demo_accounts.clone(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let username = form.username.trim().to_ascii_lowercase();
    let mut keys = vec![login_attempts::key("user", &username)];
    if let Some(address) = address {
        keys.push(login_attempts::key("ip", &address.to_string()));
    }
    if is_throttled(&state, &keys, now).await? {
        tracing::warn!("sign-in throttled");
        return failure_page(
            &state,
            chrome,
            &form,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. Wait 15 minutes and try again",
        );
    }

    let credentials = store::users::credentials(&state.store, &username).await?;
    let password = form.password.clone();
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => passwords::verify(&password, &hash),
        None => {
            // Same work as a real check, so timing does not reveal whether
            // the account exists.
            let _ = passwords::verify(&password, passwords::dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;

    let user = match credentials {
        Some(c) if matches && c.active => c.id,
        _ => {
            login_attempts::record(&state.store, &keys, now, false).await?;
            return failure_page(&state, chrome, &form, StatusCode::UNAUTHORIZED, FAILURE);
        }
    };

    let mut cmd = state.store.begin(Actor::User(user), state.clock.as_ref()).await?;
    let new = sessions::create(&mut cmd, user, cookie(&headers, SESSION_COOKIE)).await?;
    cmd.commit().await?;
    login_attempts::record(&state.store, &keys, now, true).await?;

    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    let cookies = response.headers_mut();
    let max_age = state.config.session_absolute.whole_seconds();
    if let Ok(value) = secure_cookie(SESSION_COOKIE, &new.token, Some(max_age)).parse() {
        cookies.append(header::SET_COOKIE, value);
    }
    if let Ok(value) = expired_cookie(ANONYMOUS_CSRF_COOKIE).parse() {
        cookies.append(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn is_throttled(state: &AppState, keys: &[String], now: time::OffsetDateTime) -> Result<bool, AppError> {
    let window = state.config.login_window;
    let max = state.config.login_max_failures;
    let user_failures = login_attempts::recent_failures(&state.store, &keys[0], now, window).await?;
    // An address is allowed more failures, because offices share addresses.
    let address_failures = match keys.get(1) {
        Some(key) => login_attempts::recent_failures(&state.store, key, now, window).await?,
        None => 0,
    };
    Ok(user_failures >= max || address_failures >= max * 4)
}

fn failure_page(state: &AppState, chrome: Chrome, form: &SignInForm, status: StatusCode, message: &str) -> Result<Response, AppError> {
    let page = SignInPage {
        chrome,
        errors: vec![FieldError::new("username", message)],
        username: form.username.trim().to_owned(),
        next: safe_next(form.next.as_deref()),
        demo_accounts: state.config.demo_accounts.clone(),
    };
    Ok((status, render(&page)?).into_response())
}

/// Only local paths are followed after sign-in, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/".to_owned(),
    }
}

pub async fn sign_out(State(state): State<AppState>, auth: Authorized<UseHearth>) -> Result<Response, AppError> {
    if let Some(session) = &auth.session {
        let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
        sessions::end(&mut cmd, session).await?;
        cmd.commit().await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(value) = expired_cookie(SESSION_COOKIE).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/children?q=a")), "/children?q=a");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
