//! The "my work" home page: what each person needs first, by role.

use askama::Template;
use authz::cap::UseHearth;
use authz::{Permission, Role};
use axum::extract::State;
use axum::response::Html;
use store::children::{ChildQuery, ChildSummary};
use store::stats::{MixLine, SystemCounts};
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    council_name: String,
    first_name: String,
    roles_label: String,
    today: String,
    caseload: Option<ChildList>,
    team: Option<ChildList>,
    mix: Option<MixSummary>,
    system: Option<SystemCounts>,
    audit_tools: bool,
    aggregates: bool,
    notifications: Vec<store::notifications::Notification>,
    tray: Option<compliance::Tray>,
}

struct ChildList {
    total: i64,
    children: Vec<ChildSummary>,
}

struct MixSummary {
    lines: Vec<MixLine>,
    children: i64,
    weekly_cost: kernel::Money,
}

pub async fn show(State(state): State<AppState>, chrome: Chrome, auth: Authorized<UseHearth>) -> Result<Html<String>, AppError> {
    let principal = &auth.principal;
    let roles = &principal.roles;
    let today = state.clock.today();
    let caseload = if roles.contains(&Role::SocialWorker) {
        let query = ChildQuery {
            allocated_worker: principal.actor.user_id(),
            ..Default::default()
        };
        Some(first_children(&state, &query).await?)
    } else {
        None
    };
    let team = if roles.contains(&Role::TeamManager) {
        let query = ChildQuery {
            teams: Some(principal.teams.clone()),
            ..Default::default()
        };
        Some(first_children(&state, &query).await?)
    } else {
        None
    };
    let mix = if principal.holds(Permission::SearchChildren) && caseload.is_none() && team.is_none() {
        let lines = store::stats::placement_mix(&state.store, today).await?;
        let children = lines.iter().map(|l| l.children).sum();
        let weekly_cost = kernel::Money::sum(lines.iter().map(|l| l.weekly_cost)).map_err(|e| AppError::Internal(e.to_string()))?;
        Some(MixSummary {
            lines,
            children,
            weekly_cost,
        })
    } else {
        None
    };
    let system = if principal.holds(Permission::ManageUsers) || principal.holds(Permission::ViewAuditTrail) {
        Some(store::stats::system_counts(&state.store).await?)
    } else {
        None
    };
    let notifications = match principal.actor.user_id() {
        Some(user) => store::notifications::notifications(&state.store, user, 5).await?,
        None => Vec::new(),
    };
    let tray = if roles.contains(&Role::SocialWorker) {
        let (_, lines) = crate::pages::trays::tray_lines(&state, principal, &crate::pages::trays::Scope::Mine).await?;
        let rules = state.rules();
        Some(compliance::Tray::count(
            lines.iter().map(|l| &l.deadline),
            rules.today,
            rules.timescales,
        ))
    } else {
        None
    };
    let page = HomePage {
        notifications,
        tray,
        council_name: state.config.council_name.clone(),
        first_name: principal.display_name.split_whitespace().next().unwrap_or_default().to_owned(),
        roles_label: principal.roles_label(),
        today: kernel::dates::format_long_date(today),
        caseload,
        team,
        mix,
        system,
        audit_tools: principal.holds(Permission::ViewAuditTrail),
        aggregates: principal.holds(Permission::ViewAggregates),
        chrome,
    };
    render(&page)
}

/// The first ten children matching `query`, with the total.
async fn first_children(state: &AppState, query: &ChildQuery) -> Result<ChildList, AppError> {
    let page = store::children::search(&state.store, query, PageRequest::new(1, 10)).await?;
    Ok(ChildList {
        total: page.total,
        children: page.items,
    })
}
