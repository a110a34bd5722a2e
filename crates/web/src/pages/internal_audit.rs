//! Internal audit plans: every annual plan with its engagements, and (for
//! internal auditors) the forms to add a plan, approve one and add an
//! engagement to one.
//!
//! The rules (a plan's year starts on 1 April, one plan a year, an
//! engagement inside its plan's year, ending after it starts, a follow-up
//! only of a complete audit) are the store's; this module reads the forms
//! and shows the store's refusals against the fields they name. The plan
//! form's fields carry a `plan_` prefix so the two forms on the page never
//! share an id.

use askama::Template;
use assurance::Area;
use authz::cap::{ConductAudits, ViewAssurance};
use authz::{Permission, Role};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::UserId;
use serde::Serialize;
use store::internal_audit::{Engagement, EngagementState, NewEngagement, NewPlan, Plan};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::parse_date;
use crate::pages::{form_status, in_command, path_id, render, Chrome};
use crate::AppState;

/// A plan with its engagements, in start order.
#[derive(Debug, Clone, Serialize)]
pub struct PlanGroup {
    pub plan: Plan,
    pub year: String,
    pub engagements: Vec<Engagement>,
}

/// Every plan, latest year first, with its engagements.
pub async fn plan_groups(state: &AppState) -> Result<Vec<PlanGroup>, AppError> {
    let engagements = store::internal_audit::engagements(&state.store).await?;
    Ok(store::internal_audit::plans(&state.store)
        .await?
        .into_iter()
        .map(|plan| PlanGroup {
            year: plan.year_label(),
            engagements: engagements.iter().filter(|e| e.plan_id == plan.id).cloned().collect(),
            plan,
        })
        .collect())
}

/// Store errors shown against the page's own ids: `rename` maps a store
/// field to the form's.
pub fn renamed(errors: Vec<FieldError>, rename: impl Fn(&str) -> String) -> Vec<FieldError> {
    errors.into_iter().map(|e| FieldError::new(&rename(&e.field), e.message)).collect()
}

/// People who may lead or join an audit: the internal auditors.
pub async fn auditors(state: &AppState) -> Result<Vec<(i64, String)>, AppError> {
    Ok(store::users::list(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.active && u.roles.contains(&Role::InternalAuditor))
        .map(|u| (u.id.get(), u.display_name))
        .collect())
}

/// Complete engagements, which a new engagement may follow up.
pub fn complete(groups: &[PlanGroup]) -> Vec<(i64, String)> {
    groups
        .iter()
        .flat_map(|g| g.engagements.iter().map(move |e| (e, &g.year)))
        .filter(|(e, _)| e.state == EngagementState::Complete)
        .map(|(e, year)| (e.id, format!("{} ({year})", e.title)))
        .collect()
}

#[derive(Template)]
#[template(path = "audit_work/plans.html")]
struct PlansPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    groups: Vec<PlanGroup>,
    may_audit: bool,
    areas: Vec<(&'static str, &'static str)>,
    auditors: Vec<(i64, String)>,
    complete: Vec<(i64, String)>,
    form: FormData,
    today: Date,
}

impl PlansPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn approve_error(&self, plan: &i64) -> Option<String> {
        self.error_for(&format!("approve-{plan}"))
    }

    fn chose(&self, field: &str, value: &str) -> bool {
        self.form.chose(field, value)
    }

    fn chose_id(&self, field: &str, id: &i64) -> bool {
        self.form.chose(field, &id.to_string())
    }

    /// The next plan year to suggest: the year after the latest plan, else this one.
    fn next_year_start(&self) -> String {
        let this = kernel::months::financial_year_start(self.today);
        let latest = self.groups.iter().map(|g| g.plan.year_start).max();
        let next = latest.map_or(this, |y| y.replace_year(y.year() + 1).unwrap_or(this));
        if self.form.has("plan_year_start") {
            self.form.text("plan_year_start")
        } else {
            next.to_string()
        }
    }
}

async fn plans_page(
    state: &AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let groups = plan_groups(state).await?;
    let page = PlansPage {
        chrome,
        status: form_status(&errors),
        errors,
        may_audit: principal.holds(Permission::ConductAudits),
        areas: Area::choices(),
        auditors: auditors(state).await?,
        complete: complete(&groups),
        groups,
        form,
        today: state.clock.today(),
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /assurance/audits
pub async fn list(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewAssurance>) -> Result<Response, AppError> {
    plans_page(&state, chrome, &auth.principal, Vec::new(), FormData::default()).await
}

/// POST /assurance/audits/plans: adds a year's plan.
pub async fn create_plan(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    form: FormData,
) -> Result<Response, AppError> {
    let Some(year_start) = parse_date(&form.text("plan_year_start")) else {
        let errors = vec![FieldError::new(
            "plan_year_start",
            "Enter the day the plan's year starts, such as 1/4/2027",
        )];
        return plans_page(&state, chrome, &auth.principal, errors, form).await;
    };
    let new = NewPlan {
        year_start,
        title: form.text("plan_title"),
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::internal_audit::create_plan(cmd, &auth.can, &new).await
    })
    .await?
    {
        Ok(_) => Ok(Redirect::to("/assurance/audits").into_response()),
        Err(errors) => {
            let errors = renamed(errors, |field| format!("plan_{field}"));
            plans_page(&state, chrome, &auth.principal, errors, form).await
        }
    }
}

/// POST /assurance/audits/plans/{id}/approve: records the committee's
/// approval of the plan at the version shown.
pub async fn approve_plan(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let version = form.version();
    let field = format!("approve-{id}");
    let errors = match in_command(&state, auth.can.actor(), async |cmd| {
        store::internal_audit::approve_plan(cmd, &auth.can, id, version).await
    })
    .await
    {
        Ok(Ok(())) => return Ok(Redirect::to(&format!("/assurance/audits#plan-{id}")).into_response()),
        Ok(Err(errors)) => renamed(errors, |_| field.clone()),
        Err(AppError::Conflict(_)) => vec![FieldError::new(
            &field,
            "Someone else changed this plan after you opened it; check it and approve it again",
        )],
        Err(other) => return Err(other),
    };
    plans_page(&state, chrome, &auth.principal, errors, form).await
}

/// The engagement form as the store wants it, or the fields that could
/// not be read.
fn new_engagement(form: &FormData) -> Result<NewEngagement, Vec<FieldError>> {
    let mut errors = Vec::new();
    let plan_id = form.text("plan_id").parse::<i64>().ok();
    if plan_id.is_none() {
        errors.push(FieldError::new("plan_id", "Choose the plan this engagement belongs to"));
    }
    let area = form.text("area").parse::<Area>().ok();
    if area.is_none() {
        errors.push(FieldError::new("area", "Choose the area the audit covers"));
    }
    let starts_on = crate::input::required_date("starts_on", "the start date", &form.text("starts_on"), &mut errors);
    let ends_on = crate::input::required_date("ends_on", "the end date", &form.text("ends_on"), &mut errors);
    let user = |text: String| text.parse::<i64>().ok().filter(|id| *id > 0).map(UserId::new);
    let team: Vec<UserId> = form.all("team").into_iter().filter_map(user).collect();
    let follow_up_of = form.text("follow_up_of").parse::<i64>().ok();
    match (plan_id, area, starts_on, ends_on) {
        (Some(plan_id), Some(area), Some(starts_on), Some(ends_on)) if errors.is_empty() => Ok(NewEngagement {
            plan_id,
            title: form.text("title"),
            area,
            scope: form.text("scope"),
            starts_on,
            ends_on,
            lead: user(form.text("lead")),
            team,
            follow_up_of,
        }),
        _ => Err(errors),
    }
}

/// POST /assurance/audits: adds an engagement to a plan.
pub async fn create_engagement(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    form: FormData,
) -> Result<Response, AppError> {
    let new = match new_engagement(&form) {
        Ok(new) => new,
        Err(errors) => return plans_page(&state, chrome, &auth.principal, errors, form).await,
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::internal_audit::create_engagement(cmd, &auth.can, &new).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/assurance/audits/{id}")).into_response()),
        Err(errors) => plans_page(&state, chrome, &auth.principal, errors, form).await,
    }
}
