//! The audit trail and access log, for internal auditors and administrators.
//!
//! Integrity is checked on request ("Check the chain"), because walking the
//! whole chain reads every event.

use askama::Template;
use audit_trail::Event;
use authz::cap::ViewAuditTrail;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use kernel::ChildId;
use serde::Deserialize;
use store::access_log::AccessEntry;
use store::audit::AuditFilter;
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Downloads, Format, Table};
use crate::pages::{page_number, query_string, render, Chrome, Pagination};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct EventParams {
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    actor: String,
    verify: Option<String>,
    page: Option<u32>,
}

impl EventParams {
    fn filter(&self) -> AuditFilter {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        AuditFilter {
            action: some(&self.action),
            entity: some(&self.entity),
            entity_id: some(&self.entity_id),
            actor: some(&self.actor),
        }
    }

    fn base_query(&self) -> String {
        query_string(&[
            ("action", &self.action),
            ("entity", &self.entity),
            ("entity_id", &self.entity_id),
            ("actor", &self.actor),
        ])
    }
}

/// The outcome of a chain check, for display.
pub struct ChainStatus {
    pub intact: bool,
    pub message: String,
}

#[derive(Template)]
#[template(path = "audit/events.html")]
struct EventsPage {
    chrome: Chrome,
    params: EventParams,
    events: Vec<Event>,
    pagination: Pagination,
    chain: Option<ChainStatus>,
    head_hash: String,
    downloads: Downloads,
}

pub async fn chain_status(state: &AppState) -> Result<ChainStatus, AppError> {
    Ok(match store::audit::verify(&state.store).await? {
        Ok(head) => ChainStatus {
            intact: true,
            message: format!("The chain is intact: {} events, each linked to the one before.", head.seq),
        },
        Err(broken) => ChainStatus {
            intact: false,
            message: format!("The chain is broken: {broken}. Report this to your information security lead."),
        },
    })
}

pub async fn events(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ViewAuditTrail>,
    Query(params): Query<EventParams>,
) -> Result<Html<String>, AppError> {
    let request = PageRequest::new(page_number(params.page), 50);
    let found = store::audit::list(&state.store, &params.filter(), request).await?;
    let chain = if params.verify.is_some() {
        Some(chain_status(&state).await?)
    } else {
        None
    };
    let head = store::audit::head(&state.store).await?;
    let page = EventsPage {
        chrome,
        pagination: Pagination::new(&found, "/audit", &params.base_query()),
        downloads: Downloads::new("these events", "/audit/export", &params.base_query()),
        events: found.items,
        chain,
        head_hash: head.hash,
        params,
    };
    render(&page)
}

pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewAuditTrail>,
    Query(params): Query<EventParams>,
) -> Result<Response, AppError> {
    let found = store::audit::list(&state.store, &params.filter(), PageRequest::new(1, 500)).await?;
    let mut table = Table::default();
    table.row([
        "seq",
        "at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]);
    // Up to 500 rows per page of the export; more via the API's paging.
    let mut rows = found.items;
    let mut next = 2;
    while i64::from(next - 1) * 500 < found.total && next <= 200 {
        rows.extend(
            store::audit::list(&state.store, &params.filter(), PageRequest::new(next, 500))
                .await?
                .items,
        );
        next += 1;
    }
    for event in &rows {
        table.row([
            event.seq.to_string().as_str(),
            &event.body.at,
            &event.body.actor,
            &event.body.action,
            &event.body.entity,
            &event.body.entity_id,
            event.body.before.as_deref().unwrap_or_default(),
            event.body.after.as_deref().unwrap_or_default(),
            &event.prev_hash,
            &event.hash,
        ]);
    }
    table.into_download("audit-trail", format)
}

#[derive(Debug, Default, Deserialize)]
pub struct AccessParams {
    #[serde(default)]
    child: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "audit/access_log.html")]
struct AccessPage {
    chrome: Chrome,
    child: String,
    entries: Vec<AccessEntry>,
    pagination: Pagination,
}

pub async fn access_log(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ViewAuditTrail>,
    Query(params): Query<AccessParams>,
) -> Result<Html<String>, AppError> {
    let child = match params.child.trim() {
        "" => None,
        text => Some(
            text.parse::<ChildId>()
                .map_err(|_| AppError::invalid("child", "Enter the child's Hearth record number, for example 42"))?,
        ),
    };
    let request = PageRequest::new(page_number(params.page), 50);
    let found = store::access_log::list(&state.store, child, request).await?;
    let page = AccessPage {
        chrome,
        pagination: Pagination::new(&found, "/audit/access-log", &query_string(&[("child", &params.child)])),
        entries: found.items,
        child: params.child,
    };
    render(&page)
}
