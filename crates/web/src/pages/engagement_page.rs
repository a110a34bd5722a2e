//! One audit engagement's page: scope, team and stage; the tests with
//! their samples (and a check that each draws again the same); workpapers
//! with their evidence; findings with the controls they concern,
//! management's responses and the agreed actions; and the opinion beside
//! the one the findings indicate.
//!
//! Auditors get the forms that move the engagement on, link a follow-up,
//! draw samples, add workpapers and record findings; managers get the
//! forms to respond and agree actions (`engagement_forms` handles those
//! posts). Every form's fields have ids of their own (`test_title`,
//! `finding_title`, `response-7`…), so an error names one place on the page.

use askama::Template;
use assurance::opinion::{AuditOpinion, FindingRating, Findings};
use authz::cap::{ConductAudits, ViewAssurance};
use authz::{Permission, Principal};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use store::audit_actions::AuditAction;
use store::audit_findings::{Finding, FindingKind};
use store::audit_samples::{AuditTest, PopulationKind, Redraw, SampleMethod};
use store::audit_workpapers::Workpaper;
use store::internal_audit::{Closing, Engagement, EngagementState, Plan};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::internal_audit::renamed;
use crate::pages::{form_status, in_command, path_id, render, Chrome};
use crate::AppState;

/// An engagement with everything recorded under it (for the page and the API).
#[derive(Debug, Clone, Serialize)]
pub struct EngagementView {
    pub engagement: Engagement,
    pub plan: Plan,
    /// The findings' counts by rating, and the opinion they indicate.
    pub findings_count: Findings,
    pub indicative_opinion: AuditOpinion,
    pub tests: Vec<AuditTest>,
    pub workpapers: Vec<Workpaper>,
    pub findings: Vec<Finding>,
    pub actions: Vec<AuditAction>,
    /// Engagements that follow this one up: (id, title).
    pub follow_ups: Vec<(i64, String)>,
    pub today: Date,
}

impl EngagementView {
    pub async fn load(state: &AppState, id: i64) -> Result<EngagementView, AppError> {
        let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
        let engagement = store::internal_audit::engagement(&mut conn, id).await?;
        let plan = store::internal_audit::plan(&mut conn, engagement.plan_id).await?;
        let (findings_count, indicative_opinion) = store::internal_audit::indicative(&mut conn, id).await?;
        drop(conn);
        let today = state.clock.today();
        Ok(EngagementView {
            tests: store::audit_samples::tests_of(&state.store, id).await?,
            workpapers: store::audit_workpapers::of_engagement(&state.store, id).await?,
            findings: store::audit_findings::of_engagement(&state.store, id).await?,
            actions: store::audit_actions::of_engagement(&state.store, id, today).await?,
            follow_ups: store::internal_audit::follow_ups(&state.store, id).await?,
            engagement,
            plan,
            findings_count,
            indicative_opinion,
            today,
        })
    }
}

/// `?redraw=<test>`: draw that test's sample again and show the comparison.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    redraw: String,
}

#[derive(Template)]
#[template(path = "audit_work/engagement.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    view: EngagementView,
    may_audit: bool,
    may_respond: bool,
    redraw: Option<Redraw>,
    form: FormData,
    kinds: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    ratings: Vec<(&'static str, &'static str)>,
    opinions: Vec<(&'static str, &'static str)>,
    controls: Vec<(&'static str, &'static str)>,
    owners: Vec<(i64, String)>,
    complete: Vec<(i64, String)>,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    /// The error shown beside item `item`'s form field `name`.
    fn item_error(&self, name: &str, item: &i64) -> Option<String> {
        self.error_for(&format!("{name}-{item}"))
    }

    /// What the person typed into item `item`'s form, when that form came back.
    fn typed(&self, item: &i64, name: &str) -> String {
        if self.form.text("item") == item.to_string() {
            self.form.text(name)
        } else {
            String::new()
        }
    }

    fn chose(&self, field: &str, value: &str) -> bool {
        self.form.chose(field, value)
    }

    fn next_state(&self) -> Option<EngagementState> {
        self.view.engagement.state.next()
    }

    fn completing(&self) -> bool {
        self.next_state() == Some(EngagementState::Complete)
    }

    fn actions_for(&self, finding: &i64) -> Vec<&AuditAction> {
        self.view.actions.iter().filter(|a| a.finding_id == *finding).collect()
    }

    fn team_names(&self) -> String {
        let names: Vec<&str> = self.view.engagement.team.iter().map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            "No one else".to_owned()
        } else {
            names.join(", ")
        }
    }

    fn population_text(&self, test: &AuditTest) -> String {
        let d = &test.definition;
        let kind = d.kind.label().split(" (").next().unwrap_or_default().to_owned();
        match (d.from, d.to) {
            (Some(from), Some(to)) => format!("{kind}, {} to {}", crate::pages::uk_date(from), crate::pages::uk_date(to)),
            _ => format!("{kind}, on {}", crate::pages::uk_date(d.as_of)),
        }
    }

    fn sample_text(&self, test: &AuditTest) -> String {
        self.sample_text_of(&test.sample)
    }

    fn sample_text_of(&self, ids: &[i64]) -> String {
        ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
    }

    fn follows(&self, original: &i64) -> bool {
        self.view.engagement.follow_up_of == Some(*original)
    }

    fn test_title(&self, test: &Option<i64>) -> String {
        test.and_then(|id| self.view.tests.iter().find(|t| t.id == id))
            .map(|t| t.title.clone())
            .unwrap_or_default()
    }

    fn stratum_label(&self, key: &str) -> String {
        key.parse::<placements::PlacementCategory>()
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|_| key.to_owned())
    }

    fn findings_text(&self) -> String {
        let f = &self.view.findings_count;
        format!(
            "{} significant, {} moderate and {} minor findings; {} areas of strength",
            f.significant, f.moderate, f.minor, f.strengths
        )
    }

    fn file_size(&self, bytes: &i64) -> String {
        match *bytes {
            b if b >= 1024 * 1024 => {
                let tenths = b * 10 / (1024 * 1024);
                format!("{}.{} MB", tenths / 10, tenths % 10)
            }
            b if b >= 1024 => format!("{} KB", (b + 1023) / 1024),
            b => format!("{b} bytes"),
        }
    }

    fn rag_class(&self, rag: &assurance::actions::Rag) -> &'static str {
        crate::pages::audit_actions::rag_class(rag)
    }

    fn rating_class(&self, finding: &Finding) -> &'static str {
        rating_class(finding.rating, finding.kind)
    }
}

/// People who may own an action: anyone who may respond to audits.
pub async fn owners(state: &AppState) -> Result<Vec<(i64, String)>, AppError> {
    Ok(store::users::list(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.active && u.roles.iter().any(|r| Permission::RespondToAudits.is_granted_to(*r)))
        .map(|u| (u.id.get(), u.display_name))
        .collect())
}

/// How the page is shown: fresh, with a redraw's result, or again after a
/// form with its errors and what was typed.
#[derive(Debug, Default)]
pub struct Shown {
    pub status: Option<StatusCode>,
    pub errors: Vec<FieldError>,
    pub form: FormData,
    pub redraw: Option<Redraw>,
}

impl Shown {
    /// The form again with `errors` (and `status` when not the usual 422).
    pub fn again(status: Option<StatusCode>, errors: Vec<FieldError>, form: FormData) -> Shown {
        Shown {
            status,
            errors,
            form,
            redraw: None,
        }
    }
}

/// Renders the page, with any errors against the form fields that caused them.
pub async fn show_page(state: &AppState, chrome: Chrome, principal: &Principal, id: i64, shown: Shown) -> Result<Response, AppError> {
    let Shown {
        status,
        errors,
        form,
        redraw,
    } = shown;
    let view = EngagementView::load(state, id).await?;
    let groups = crate::pages::internal_audit::plan_groups(state).await?;
    let page = ShowPage {
        chrome,
        status: status.unwrap_or_else(|| form_status(&errors)),
        errors,
        may_audit: principal.holds(Permission::ConductAudits),
        may_respond: principal.holds(Permission::RespondToAudits),
        redraw,
        form,
        kinds: PopulationKind::choices(),
        methods: SampleMethod::choices(),
        ratings: FindingRating::choices(),
        opinions: AuditOpinion::choices(),
        controls: assurance::library().iter().map(|c| (c.id.code(), c.id.label())).collect(),
        owners: owners(state).await?,
        complete: crate::pages::internal_audit::complete(&groups)
            .into_iter()
            .filter(|(other, _)| *other != id)
            .collect(),
        view,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /assurance/audits/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewAssurance>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let redraw = match query.redraw.parse::<i64>() {
        Ok(test) => {
            // Only this engagement's tests are checked on its page.
            let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
            if store::audit_samples::test(&mut conn, test).await?.engagement_id != id {
                return Err(AppError::NotFound);
            }
            drop(conn);
            Some(store::audit_samples::redraw_matches(&state.store, test).await?)
        }
        Err(_) => None,
    };
    let shown = Shown {
        redraw,
        ..Shown::default()
    };
    show_page(&state, chrome, &auth.principal, id, shown).await
}

/// A conflict as an error against `field`, shown on the page with 409.
pub fn conflict(field: &str, what: &str) -> Vec<FieldError> {
    vec![FieldError::new(
        field,
        format!("Someone else changed this {what} after you opened it; nothing has been saved. Check it and try again"),
    )]
}

/// POST /assurance/audits/{id}/state: one step on; completing it records
/// the opinion (with a reason when it differs from the indicative one).
pub async fn advance(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let closing = form.text("opinion").parse::<AuditOpinion>().ok().map(|opinion| Closing {
        opinion,
        reason: form.text("opinion_reason"),
    });
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::internal_audit::advance(cmd, &auth.can, id, version, closing.as_ref()).await
    })
    .await;
    let (status, errors) = match outcome {
        Ok(Ok(_)) => return Ok(Redirect::to(&format!("/assurance/audits/{id}")).into_response()),
        Ok(Err(errors)) => (None, errors),
        Err(AppError::Conflict(_)) => (Some(StatusCode::CONFLICT), conflict("state", "engagement")),
        Err(other) => return Err(other),
    };
    show_page(&state, chrome, &auth.principal, id, Shown::again(status, errors, form)).await
}

/// POST /assurance/audits/{id}/follow-up: links (or, with no choice,
/// unlinks) the complete engagement this one follows up.
pub async fn follow_up(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let original = form.text("follow_up_of").parse::<i64>().ok();
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::internal_audit::set_follow_up(cmd, &auth.can, id, version, original).await
    })
    .await;
    let (status, errors) = match outcome {
        Ok(Ok(())) => return Ok(Redirect::to(&format!("/assurance/audits/{id}")).into_response()),
        Ok(Err(errors)) => (None, renamed(errors, |_| "follow_up_of".to_owned())),
        Err(AppError::Conflict(_)) => (Some(StatusCode::CONFLICT), conflict("follow_up_of", "engagement")),
        Err(other) => return Err(other),
    };
    show_page(&state, chrome, &auth.principal, id, Shown::again(status, errors, form)).await
}

/// The tag colour class for a finding's rating.
pub fn rating_class(rating: Option<FindingRating>, kind: FindingKind) -> &'static str {
    match (kind, rating) {
        (FindingKind::Strength, _) => "govuk-tag--green",
        (_, Some(FindingRating::Significant)) => "govuk-tag--red",
        (_, Some(FindingRating::Moderate)) => "govuk-tag--orange",
        _ => "govuk-tag--yellow",
    }
}
