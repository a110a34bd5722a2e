//! CSV and XLSX downloads of the remaining list pages that build no table
//! of their own: committee meetings, internal audit plans and their
//! engagements, frameworks, teams, API tokens, a person's notifications and
//! the caseload and team trays.
//!
//! Each download reads what its page reads, with the page's filters, and
//! its route requires the page's permission (see `routes/export_routes.rs`);
//! the columns are the page's columns, so a download shows nothing the page
//! does not. The API token download never holds a secret or its hash (the
//! store keeps no secret, and the hash is not read into `ApiToken`).

use authz::cap::{ManageApiTokens, ManageUsers, RecordChildren, UseHearth, ViewAssurance, ViewProviders};
use axum::extract::{Query, State};
use axum::response::Response;
use kernel::dates::format_iso_date as iso;
use time::OffsetDateTime;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Format, Table};
use crate::pages::committees::CommitteeReader;
use crate::pages::trays::{Scope, TrayParams};
use crate::AppState;

/// The most notifications a download holds.
const NOTIFICATIONS: i64 = 100_000;

/// A moment as `2026-04-01 09:30 UTC`, as the token list shows it.
fn at(moment: &OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", iso(moment.date()), moment.hour(), moment.minute())
}

/// GET /committees/export?format=csv|xlsx: every meeting, latest first.
pub async fn committees(State(state): State<AppState>, format: Format, _reader: CommitteeReader) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row(["meeting_id", "meets_on", "committee", "meeting"]);
    for m in store::committees::meetings(&state.store).await? {
        table.row([m.id.to_string(), iso(m.meets_on), m.committee, m.title]);
    }
    table.into_download("committee-meetings", format)
}

/// GET /assurance/audits/export?format=csv|xlsx: each plan's engagements,
/// latest plan first (a plan with none is one row of its own).
pub async fn audits(State(state): State<AppState>, format: Format, _auth: Authorized<ViewAssurance>) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "plan_year",
        "plan",
        "plan_approved_on",
        "engagement_id",
        "engagement",
        "area",
        "starts_on",
        "ends_on",
        "stage",
        "opinion",
        "follows_up",
    ]);
    for g in crate::pages::internal_audit::plan_groups(&state).await? {
        let plan = [
            g.year.clone(),
            g.plan.title.clone(),
            g.plan.approved_on.map(iso).unwrap_or_default(),
        ];
        if g.engagements.is_empty() {
            table.row(plan.iter().map(String::as_str).chain(["", "", "", "", "", "", "", ""]));
        }
        for e in &g.engagements {
            let engagement = [
                e.id.to_string(),
                e.title.clone(),
                e.area.label().to_owned(),
                iso(e.starts_on),
                iso(e.ends_on),
                e.state.label().to_owned(),
                e.opinion.map_or("Not given", |o| o.label()).to_owned(),
                e.follow_up_of.map(|id| id.to_string()).unwrap_or_default(),
            ];
            table.row(plan.iter().chain(engagement.iter()));
        }
    }
    table.into_download("internal-audit-plans", format)
}

/// GET /frameworks/export?format=csv|xlsx: every framework, with its lots
/// and how many providers are members today.
pub async fn frameworks(State(state): State<AppState>, format: Format, _auth: Authorized<ViewProviders>) -> Result<Response, AppError> {
    let today = state.clock.today();
    let mut table = Table::default();
    table.row(["framework_id", "framework", "let_by", "starts_on", "ends_on", "lots", "members_now"]);
    for f in store::frameworks::list(&state.store).await? {
        let members = crate::pages::frameworks::current_members(&f, today);
        table.row([
            f.id.to_string(),
            f.name.clone(),
            f.scope.label().to_owned(),
            iso(f.starts_on),
            f.ends_on.map(iso).unwrap_or_default(),
            f.lots.len().to_string(),
            members.to_string(),
        ]);
    }
    table.into_download("frameworks", format)
}

/// GET /admin/teams/export?format=csv|xlsx: every team with its active
/// members, as the administrators' list shows them.
pub async fn teams(State(state): State<AppState>, format: Format, _auth: Authorized<ManageUsers>) -> Result<Response, AppError> {
    let users = store::users::list(&state.store).await?;
    let mut table = Table::default();
    table.row(["team", "members", "who"]);
    for team in store::teams::list(&state.store).await? {
        let members: Vec<&str> = users
            .iter()
            .filter(|u| u.active && u.teams.contains(&team.id))
            .map(|u| u.display_name.as_str())
            .collect();
        table.row([team.name.clone(), members.len().to_string(), members.join(", ")]);
    }
    table.into_download("teams", format)
}

/// GET /admin/api-tokens/export?format=csv|xlsx: every token, newest
/// first, by the system that uses it: never its secret or hash.
pub async fn api_tokens(State(state): State<AppState>, format: Format, _auth: Authorized<ManageApiTokens>) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row(["system", "acts_as", "created", "last_used", "status"]);
    for token in store::api_tokens::list(&state.store).await? {
        table.row([
            token.name.clone(),
            token.role.label().to_owned(),
            at(&token.created_at),
            token.last_used_at.as_ref().map_or_else(|| "Never".to_owned(), at),
            if token.revoked_at.is_some() { "Revoked" } else { "Active" }.to_owned(),
        ]);
    }
    table.into_download("api-tokens", format)
}

/// GET /notifications/export?format=csv|xlsx: the signed-in person's own
/// notifications, newest first, every page.
pub async fn notifications(State(state): State<AppState>, format: Format, auth: Authorized<UseHearth>) -> Result<Response, AppError> {
    let user = auth.principal.actor.user_id().ok_or(AppError::Forbidden)?;
    let (items, _total) = store::notifications::for_user(&state.store, user, NOTIFICATIONS, 0).await?;
    let mut table = Table::default();
    table.row(["notification", "link", "when", "status"]);
    for n in items {
        table.row([
            n.subject,
            n.link,
            iso(n.created_at.date()),
            if n.read { "Read" } else { "New" }.to_owned(),
        ]);
    }
    table.into_download("notifications", format)
}

async fn tray(
    state: &AppState,
    principal: &authz::Principal,
    scope: Scope,
    params: &TrayParams,
    format: Format,
) -> Result<Response, AppError> {
    let stem = match scope {
        Scope::Mine => "my-caseload",
        Scope::Team => "my-team",
    };
    let tray = crate::pages::trays::shown(state, principal, &scope, params).await?;
    let mut table = Table::default();
    table.row(["record", "family_name", "given_names", "duty", "due", "status"]);
    for line in tray.lines {
        table.row([
            line.child.id.to_string(),
            line.child.family_name,
            line.child.given_names,
            line.deadline.obligation.to_owned(),
            iso(line.due_on),
            line.deadline.status.to_owned(),
        ]);
    }
    table.into_download(stem, format)
}

/// GET /trays/caseload/export?format=csv|xlsx[&status=][&obligation=][&sort=]:
/// the open deadlines of the worker's own children, as the tray lists them.
pub async fn caseload(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<RecordChildren>,
    Query(params): Query<TrayParams>,
) -> Result<Response, AppError> {
    tray(&state, &auth.principal, Scope::Mine, &params, format).await
}

/// GET /trays/team/export?format=csv|xlsx[&status=][&obligation=][&sort=]:
/// the open deadlines of the manager's teams' children.
pub async fn team(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<RecordChildren>,
    Query(params): Query<TrayParams>,
) -> Result<Response, AppError> {
    tray(&state, &auth.principal, Scope::Team, &params, format).await
}
