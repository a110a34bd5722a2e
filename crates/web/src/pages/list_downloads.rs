//! CSV and XLSX downloads of list pages whose modules build no table of
//! their own: high-cost placements, panel meetings, the monitoring
//! schedule, in-house households, training records, accounts and the
//! access log.
//!
//! Each download reads what its page reads, with the page's filters, and
//! its route requires the page's permission (see `routes/export_routes.rs`);
//! the columns are the page's columns, so a download shows nothing the
//! page does not. None of these pages' views is audited, so neither are
//! their downloads.

use authz::cap::{ManageTraining, ManageUsers, ViewAuditTrail, ViewProviders, WorkOnRequests};
use axum::extract::{Query, State};
use axum::response::Response;
use kernel::dates::format_iso_date as iso;
use kernel::ChildId;
use serde::Deserialize;
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Format, Table};
use crate::pages::monitoring::MonitoringView;
use crate::pages::training::TeamQuery;
use crate::AppState;

/// The most meetings of each kind (to come, past) a download holds.
const MEETINGS: i64 = 100_000;

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// GET /high-cost/export?format=csv|xlsx: every current placement above the
/// threshold, most overdue first, as the page lists them.
pub async fn high_cost(State(state): State<AppState>, format: Format, _auth: Authorized<WorkOnRequests>) -> Result<Response, AppError> {
    let lines = store::high_cost::lines(&state.store, &state.config.high_cost, state.clock.today()).await?;
    let mut table = Table::default();
    table.row([
        "child_id",
        "placement_id",
        "placement_type",
        "provider",
        "weekly_cost",
        "last_review",
        "last_outcome",
        "next_due",
        "overdue",
    ]);
    for l in lines {
        table.row([
            l.la_child_id,
            l.placement_id.to_string(),
            l.category.label().to_owned(),
            l.provider.unwrap_or_default(),
            l.weekly_cost.to_string(),
            l.last_review.map(iso).unwrap_or_default(),
            l.last_outcome.map(|o| o.label().to_owned()).unwrap_or_default(),
            iso(l.due),
            yes_no(l.overdue).to_owned(),
        ]);
    }
    table.into_download("high-cost-placements", format)
}

/// GET /panels/export?format=csv|xlsx: the meetings to come, soonest first,
/// then the past ones, newest first.
pub async fn panels(State(state): State<AppState>, format: Format, _auth: Authorized<WorkOnRequests>) -> Result<Response, AppError> {
    let today = state.clock.today();
    let mut table = Table::default();
    table.row(["meeting_id", "meets_on", "when", "quorum", "attended", "on_the_agenda", "decided"]);
    for (upcoming, when) in [(true, "to come"), (false, "past")] {
        for m in store::panels::list(&state.store, today, upcoming, MEETINGS).await? {
            table.row([
                m.id.to_string(),
                iso(m.meets_on),
                when.to_owned(),
                m.quorum.to_string(),
                if upcoming { String::new() } else { m.attending.to_string() },
                m.items.to_string(),
                if upcoming { String::new() } else { m.decided.to_string() },
            ]);
        }
    }
    table.into_download("panel-meetings", format)
}

/// GET /monitoring/export?format=csv|xlsx: the monitoring schedule of
/// current external placements, highest risk first.
pub async fn monitoring(State(state): State<AppState>, format: Format, _auth: Authorized<ViewProviders>) -> Result<Response, AppError> {
    let today = state.clock.today();
    let schedule = store::monitoring::schedule(&state.store, &state.config.home_authority, today).await?;
    let mut table = Table::default();
    table.row([
        "child_id",
        "placement_id",
        "provider",
        "setting",
        "risk",
        "risk_reasons",
        "officer",
        "next_visit_due",
        "visit_overdue",
        "out_of_area",
        "host_authority",
        "host_notified_on",
    ]);
    for l in schedule {
        table.row([
            l.la_child_id.clone(),
            l.placement_id.to_string(),
            l.provider.clone(),
            l.setting.clone().unwrap_or_default(),
            l.risk.level.label().to_owned(),
            l.risk.reasons.join("; "),
            l.officer.clone().unwrap_or_default(),
            iso(l.next_visit_due),
            yes_no(l.visit_overdue).to_owned(),
            yes_no(l.out_of_area).to_owned(),
            l.host_authority.clone().unwrap_or_default(),
            l.host_notified_on.map(iso).unwrap_or_default(),
        ]);
    }
    table.into_download("monitoring-schedule", format)
}

/// GET /households/export?format=csv|xlsx: the in-house carer households
/// as the monitoring page lists them (by reference: the page shows no
/// carer's name, so neither does the download).
pub async fn households(State(state): State<AppState>, format: Format, _auth: Authorized<ViewProviders>) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "household_id",
        "reference",
        "places",
        "age_min",
        "age_max",
        "approval",
        "standing",
        "supervising_worker",
        "next_supervisory_visit",
        "annual_review_due",
    ]);
    for h in MonitoringView::households(&state).await? {
        table.row([
            h.id.to_string(),
            h.household.reference.clone(),
            h.household.capacity.to_string(),
            h.household.age_min.to_string(),
            h.household.age_max.to_string(),
            h.household.approval_type.label().to_owned(),
            h.standing.label().to_owned(),
            h.supervising_worker_name.clone().unwrap_or_default(),
            iso(h.due.visit_due),
            iso(h.due.review_due),
        ]);
    }
    table.into_download("foster-households", format)
}

/// GET /training/export?format=csv|xlsx[&team=]: the training records by
/// person, with the status the page gives each.
pub async fn training(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ManageTraining>,
    Query(query): Query<TeamQuery>,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let records = crate::pages::training::records(&state, query.team()?).await?;
    let latest: std::collections::BTreeSet<i64> = store::training::latest(&records).into_iter().map(|r| r.id).collect();
    let mut table = Table::default();
    table.row(["person", "teams", "course", "completed_on", "expires_on", "status"]);
    for r in &records {
        let status = if latest.contains(&r.id) {
            r.standing(today).label()
        } else {
            "Refreshed since"
        };
        table.row([
            r.user_name.clone(),
            r.teams.join(", "),
            r.course.clone(),
            iso(r.completed_on),
            r.expires_on.map(iso).unwrap_or_default(),
            status.to_owned(),
        ]);
    }
    table.into_download("training-records", format)
}

/// GET /admin/users/export?format=csv|xlsx: every account, as the
/// administrators' list shows it.
pub async fn users(State(state): State<AppState>, format: Format, _auth: Authorized<ManageUsers>) -> Result<Response, AppError> {
    let teams = store::teams::list(&state.store).await?;
    let mut table = Table::default();
    table.row(["username", "name", "roles", "teams", "status"]);
    for u in store::users::list(&state.store).await? {
        let roles: Vec<&str> = u.roles.iter().map(|r| r.label()).collect();
        let team_names: Vec<&str> = u
            .teams
            .iter()
            .filter_map(|id| teams.iter().find(|t| t.id == *id).map(|t| t.name.as_str()))
            .collect();
        table.row([
            u.username.as_str(),
            &u.display_name,
            &roles.join(", "),
            &team_names.join(", "),
            if u.active { "Active" } else { "Deactivated" },
        ]);
    }
    table.into_download("users", format)
}

/// `?child=` on the access log: one child's record number.
#[derive(Debug, Default, Deserialize)]
pub struct AccessQuery {
    #[serde(default)]
    child: String,
}

/// GET /audit/access-log/export?format=csv|xlsx[&child=]: the access log,
/// newest first, every page (up to 100,000 entries).
pub async fn access_log(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewAuditTrail>,
    Query(query): Query<AccessQuery>,
) -> Result<Response, AppError> {
    let child = match query.child.trim() {
        "" => None,
        text => Some(
            text.parse::<ChildId>()
                .map_err(|_| AppError::invalid("child", "Enter the child's Hearth record number, for example 42"))?,
        ),
    };
    let mut table = Table::default();
    table.row(["at", "who", "child_id", "how", "reason"]);
    let mut page = 1;
    loop {
        let found = store::access_log::list(&state.store, child, PageRequest::new(page, 500)).await?;
        for e in &found.items {
            table.row([
                e.at.as_str(),
                &e.actor,
                &e.la_child_id,
                &e.kind,
                e.reason.as_deref().unwrap_or_default(),
            ]);
        }
        if page >= found.page_count() || page >= 200 {
            break;
        }
        page += 1;
    }
    table.into_download("access-log", format)
}
