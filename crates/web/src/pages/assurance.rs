//! The state of control: every control in the library with its owner,
//! what it tests, the latest pass's population, exceptions and rate, the
//! indicative assurance level of each area on the council's scale (with
//! the thresholds shown), and the trend over recent passes.

use askama::Template;
use assurance::opinion::{level_for, Level, Scale};
use assurance::{Area, ControlId};
use authz::cap::{ViewAssurance, WorkOnExceptions};
use authz::Permission;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use store::controls::TrendPoint;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{render, Chrome};
use crate::AppState;

/// One control as the library table shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ControlLine {
    pub id: ControlId,
    pub title: &'static str,
    pub area: Area,
    pub owner: String,
    pub statement: &'static str,
    pub population_text: &'static str,
    pub population: i64,
    pub exceptions: i64,
    pub open: usize,
    /// Exceptions in each of the recent passes, oldest first.
    pub trend: Vec<i64>,
}

/// One area with its level on the scale.
#[derive(Debug, Clone, Serialize)]
pub struct AreaLine {
    pub area: Area,
    pub population: i64,
    pub exceptions: i64,
    pub rate: Option<String>,
    pub level: Option<String>,
    /// 0 best; used to colour the level.
    pub rank: Option<usize>,
}

/// Everything the page and the API show.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub last_pass: Option<String>,
    pub controls: Vec<ControlLine>,
    pub areas: Vec<AreaLine>,
    pub scale: Vec<Level>,
}

/// A rate in basis points as a percentage with two decimals.
pub fn percent(bp: u32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Builds the overview from the last passes and the open exceptions.
pub async fn overview(state: &AppState) -> Result<Overview, AppError> {
    let trend = store::controls::trend(&state.store, 10).await?;
    let latest_run = trend.iter().map(|t| t.run_id).max();
    let exceptions = store::controls::exceptions(&state.store).await?;
    let controls: Vec<ControlLine> = ControlId::ALL
        .iter()
        .map(|id| control_line(*id, &trend, latest_run, &exceptions))
        .collect();
    let areas = Area::ALL
        .iter()
        .map(|area| area_line(*area, &controls, &state.config.opinion_scale))
        .collect();
    let last_pass = store::controls::last_pass(&state.store).await?.map(|(_, _, at)| at);
    Ok(Overview {
        last_pass,
        controls,
        areas,
        scale: state.config.opinion_scale.levels().to_vec(),
    })
}

fn control_line(
    id: ControlId,
    trend: &[TrendPoint],
    latest_run: Option<i64>,
    exceptions: &[store::controls::StoredException],
) -> ControlLine {
    let control = id.control();
    let mine: Vec<&TrendPoint> = trend.iter().filter(|t| t.control == id).collect();
    let latest = mine.iter().find(|t| Some(t.run_id) == latest_run);
    ControlLine {
        id,
        title: id.label(),
        area: control.area,
        owner: control.owner.label().to_owned(),
        statement: control.statement,
        population_text: control.population,
        population: latest.map_or(0, |t| t.population),
        exceptions: latest.map_or(0, |t| t.exceptions),
        open: exceptions.iter().filter(|e| e.control == id && e.state == "open").count(),
        trend: mine.iter().map(|t| t.exceptions).collect(),
    }
}

fn area_line(area: Area, controls: &[ControlLine], scale: &Scale) -> AreaLine {
    let mine = controls.iter().filter(|c| c.area == area);
    let population: i64 = mine.clone().map(|c| c.population).sum();
    let exceptions: i64 = mine.map(|c| c.exceptions).sum();
    let graded = level_for(
        usize::try_from(population).unwrap_or(0),
        usize::try_from(exceptions).unwrap_or(0),
        scale,
    );
    AreaLine {
        area,
        population,
        exceptions,
        rate: graded.map(|g| percent(g.rate_bp)),
        level: graded.map(|g| g.level.name.clone()),
        rank: graded.map(|g| g.rank),
    }
}

#[derive(Template)]
#[template(path = "assurance/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    overview: Overview,
    may_run: bool,
}

impl OverviewPage {
    fn tag(&self, rank: &Option<usize>) -> &'static str {
        match rank {
            Some(0) => "govuk-tag--green",
            Some(1) => "govuk-tag--blue",
            Some(2) => "govuk-tag--orange",
            Some(_) => "govuk-tag--red",
            None => "govuk-tag--grey",
        }
    }

    fn threshold(&self, level: &Level) -> String {
        level
            .up_to_bp
            .map_or_else(|| "any higher rate".to_owned(), |bp| format!("up to {}", percent(bp)))
    }

    fn trend_text(&self, trend: &[i64]) -> String {
        trend.iter().map(ToString::to_string).collect::<Vec<_>>().join(" → ")
    }
}

/// GET /assurance
pub async fn show(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewAssurance>) -> Result<Response, AppError> {
    let page = OverviewPage {
        chrome,
        overview: overview(&state).await?,
        may_run: auth.principal.holds(Permission::WorkOnExceptions),
    };
    Ok(render(&page)?.into_response())
}

/// POST /assurance/run: a pass now, rather than waiting for the hourly one.
pub async fn run(State(state): State<AppState>, _auth: Authorized<WorkOnExceptions>) -> Result<Response, AppError> {
    crate::assurance_pass::run_pass(&state).await?;
    Ok(Redirect::to("/assurance").into_response())
}
