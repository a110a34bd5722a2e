//! Everyone's notifications tray: what needs their attention, newest first,
//! with a way to mark them all read.

use askama::Template;
use authz::cap::UseHearth;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::notifications::Notification;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{page_number, render, Chrome, Pagination};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct TrayPage {
    chrome: Chrome,
    notifications: Vec<Notification>,
    unread: i64,
    pagination: Pagination,
}

/// GET /notifications
pub async fn tray(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<UseHearth>,
    Query(params): Query<Params>,
) -> Result<Html<String>, AppError> {
    let user = auth.principal.actor.user_id().ok_or(AppError::Forbidden)?;
    let request = store::PageRequest::new(page_number(params.page), 50);
    let (items, total) = store::notifications::for_user(
        &state.store,
        user,
        i64::from(request.per_page),
        i64::from(request.page - 1) * i64::from(request.per_page),
    )
    .await?;
    let page = store::Page { items, total, request };
    render(&TrayPage {
        chrome,
        pagination: Pagination::new(&page, "/notifications", ""),
        unread: store::notifications::unread(&state.store, user).await?,
        notifications: page.items,
    })
}

/// POST /notifications/read
pub async fn mark_read(State(state): State<AppState>, auth: Authorized<UseHearth>) -> Result<Response, AppError> {
    let user = auth.principal.actor.user_id().ok_or(AppError::Forbidden)?;
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::notifications::mark_all_read(&mut cmd, user).await?;
    cmd.commit().await?;
    Ok(Redirect::to("/notifications").into_response())
}
