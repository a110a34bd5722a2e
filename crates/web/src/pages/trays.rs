//! Work trays: "my caseload" for a worker and "my team" for a manager,
//! listing every open statutory deadline with filters and sorting.

use std::collections::HashMap;

use askama::Template;
use authz::cap::RecordChildren;
use axum::extract::{Query, State};
use axum::response::Html;
use compliance::DeadlineStatus;
use kernel::ChildId;
use serde::Deserialize;
use store::children::{ChildQuery, ChildSummary};
use store::deadlines::DeadlineLine;
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::record::{status_tag, DeadlineView};
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct TrayParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    obligation: String,
    #[serde(default)]
    sort: String,
}

impl TrayParams {
    /// The filters and sort as a query string, for the download links.
    pub fn query(&self) -> String {
        crate::pages::query_string(&[("status", &self.status), ("obligation", &self.obligation), ("sort", &self.sort)])
    }
}

pub struct TrayLine {
    pub child: ChildSummary,
    pub deadline: DeadlineView,
    pub due_on: time::Date,
}

#[derive(Template)]
#[template(path = "trays.html")]
struct TrayPage {
    chrome: Chrome,
    title: &'static str,
    path: &'static str,
    params: TrayParams,
    children: usize,
    overdue: usize,
    due_soon: usize,
    upcoming: usize,
    lines: Vec<TrayLine>,
    obligations: Vec<(&'static str, &'static str)>,
}

impl TrayPage {
    /// The download links, keeping the filters and sort.
    fn downloads(&self) -> crate::export::Downloads {
        crate::export::Downloads::new("these deadlines", &format!("{}/export", self.path), &self.params.query())
    }
}

/// Which children a tray covers.
pub enum Scope {
    Mine,
    Team,
}

/// The children and their open deadlines for `scope`.
pub async fn tray_lines(
    state: &AppState,
    principal: &authz::Principal,
    scope: &Scope,
) -> Result<(Vec<ChildSummary>, Vec<DeadlineLine>), AppError> {
    let query = match scope {
        Scope::Mine => ChildQuery {
            allocated_worker: principal.actor.user_id(),
            ..Default::default()
        },
        Scope::Team => ChildQuery {
            teams: Some(principal.teams.clone()),
            ..Default::default()
        },
    };
    let children = store::children::search(&state.store, &query, PageRequest::new(1, 500)).await?.items;
    let ids: Vec<ChildId> = children.iter().map(|c| c.id).collect();
    let lines = store::deadlines::open_for_children(&state.store, &ids, &state.rules()).await?;
    Ok((children, lines))
}

/// What a tray shows: the counts and the lines its filters keep, in order.
pub struct Tray {
    pub children: usize,
    pub overdue: usize,
    pub due_soon: usize,
    pub upcoming: usize,
    pub lines: Vec<TrayLine>,
}

/// The tray for `scope` with the page's filters and sort, as the page and
/// its download show it.
pub async fn shown(state: &AppState, principal: &authz::Principal, scope: &Scope, params: &TrayParams) -> Result<Tray, AppError> {
    let (children, lines) = tray_lines(state, principal, scope).await?;
    let count = |status| lines.iter().filter(|l| l.status == status).count();
    let by_id: HashMap<ChildId, &ChildSummary> = children.iter().map(|c| (c.id, c)).collect();
    let obligations = store::deadlines::obligations();
    let mut shown: Vec<TrayLine> = lines
        .iter()
        .filter(|l| params.status.is_empty() || status_code(l.status) == params.status)
        .filter(|l| {
            params.obligation.is_empty()
                || obligations
                    .iter()
                    .any(|(o, code)| *o == l.deadline.obligation && *code == params.obligation)
        })
        .filter_map(|l| {
            by_id.get(&l.child_id).map(|child| TrayLine {
                child: (*child).clone(),
                due_on: l.deadline.due,
                deadline: DeadlineView {
                    obligation: l.deadline.obligation.label(),
                    due: kernel::dates::format_uk_date(l.deadline.due),
                    status: l.status.label(),
                    tag: status_tag(l.status),
                    met_on: String::new(),
                },
            })
        })
        .collect();
    if params.sort == "child" {
        shown.sort_by(|a, b| (&a.child.family_name, &a.child.given_names).cmp(&(&b.child.family_name, &b.child.given_names)));
    }
    Ok(Tray {
        children: children.len(),
        overdue: count(DeadlineStatus::Overdue),
        due_soon: count(DeadlineStatus::DueSoon),
        upcoming: count(DeadlineStatus::Upcoming),
        lines: shown,
    })
}

async fn tray(
    state: AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    scope: Scope,
    params: TrayParams,
) -> Result<Html<String>, AppError> {
    let tray = shown(&state, principal, &scope, &params).await?;
    let (title, path) = match scope {
        Scope::Mine => ("My caseload", "/trays/caseload"),
        Scope::Team => ("My team", "/trays/team"),
    };
    render(&TrayPage {
        chrome,
        title,
        path,
        params,
        children: tray.children,
        overdue: tray.overdue,
        due_soon: tray.due_soon,
        upcoming: tray.upcoming,
        lines: tray.lines,
        obligations: store::deadlines::obligations().iter().map(|(o, code)| (*code, o.label())).collect(),
    })
}

pub fn status_code(status: DeadlineStatus) -> &'static str {
    match status {
        DeadlineStatus::Overdue => "overdue",
        DeadlineStatus::DueSoon => "due-soon",
        DeadlineStatus::Upcoming => "upcoming",
        DeadlineStatus::CompletedLate => "completed-late",
        DeadlineStatus::CompletedOnTime => "completed",
    }
}

pub async fn caseload(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Query(params): Query<TrayParams>,
) -> Result<Html<String>, AppError> {
    tray(state, chrome, &auth.principal, Scope::Mine, params).await
}

pub async fn team(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Query(params): Query<TrayParams>,
) -> Result<Html<String>, AppError> {
    tray(state, chrome, &auth.principal, Scope::Team, params).await
}
