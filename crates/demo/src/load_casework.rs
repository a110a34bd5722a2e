//! Loading the planned casework: periods of care, legal statuses, events,
//! allocations, assessments and restrictions.

use std::str::FromStr;

use authz::cap::{RecordChildren, RestrictRecords};
use authz::Can;
use children::assessment::{AssessmentKind, AssessmentState};
use children::care_history::{LegalStatus, Period};
use kernel::{ChildId, TeamId, UserId};
use placements::PlacementCategory;
use store::assessments::ImportedAssessment;
use store::casework::EventKind;
use store::{Command, StoreError};
use time::macros::date;
use time::Date;

use crate::plan::County;

/// The placement code valid when the placement started: K3 replaced H5
/// from April 2024, and Z11–Z14 replaced Z1 from April 2025. (A placement
/// still open across the change keeps its old code: recoding it needs a
/// new placement interval, which the demo does not plan yet.)
pub fn place_code_for(category: PlacementCategory, start: Date) -> &'static str {
    match category.usual_place_code() {
        "K3" if start < date!(2024 - 04 - 01) => "H5",
        "Z13" | "Z14" if start < date!(2025 - 04 - 01) => "Z1",
        code => code,
    }
}

pub async fn load_casework(
    cmd: &mut Command,
    county: &County,
    child_ids: &[ChildId],
    user_ids: &[UserId],
    team_ids: &[TeamId],
) -> Result<(), StoreError> {
    let records = Can::<RecordChildren>::system();
    let mut periods = Vec::with_capacity(county.children.len());
    let mut statuses = Vec::new();
    let mut events = Vec::new();
    let mut allocations = Vec::new();
    let mut assessments = Vec::new();
    let mut plans = Vec::new();
    for (child, id) in county.children.iter().zip(child_ids) {
        if !child.events.is_empty() {
            // Most placement plans are agreed on the day; one in ten a week late.
            for (n, placement) in child.placements.iter().enumerate() {
                let late = if (id.get() + n as i64) % 10 == 0 { 9 } else { 0 };
                plans.push((*id, placement.start, placement.start + time::Duration::days(late)));
            }
        }
        let start = child.placements[0].start;
        periods.push((
            *id,
            Period {
                start,
                end: None,
                reason_ceased: None,
                category_of_need: child.category_of_need.to_owned(),
            },
        ));
        for (code, from, to) in &child.legal_statuses {
            statuses.push((
                *id,
                LegalStatus {
                    code: (*code).to_owned(),
                    start: *from,
                    end: *to,
                },
            ));
        }
        // Reviews are written with their participation by load_returns.
        for (kind, on) in child.events.iter().filter(|(kind, _)| *kind != "review") {
            if let Ok(kind) = EventKind::from_str(kind) {
                events.push((*id, kind, *on, String::new()));
            }
        }
        allocations.push((
            *id,
            user_ids[child.worker],
            Some(team_ids[child.team]),
            start,
            "allocation".to_owned(),
        ));
        if let Some((kind, started, state)) = child.assessment {
            let state = AssessmentState::from_str(state).map_err(StoreError::Corrupt)?;
            let submitted = (state != AssessmentState::Started).then(|| started + time::Duration::days(20));
            assessments.push(ImportedAssessment {
                child: *id,
                kind: AssessmentKind::from_str(kind).map_err(StoreError::Corrupt)?,
                started_on: started,
                state,
                author: user_ids[child.worker],
                summary: "Needs and risks since the last review".to_owned(),
                submitted_on: submitted,
                completed_on: (state == AssessmentState::Authorised).then(|| started + time::Duration::days(30)),
            });
        }
    }
    store::care_history::insert_intervals(cmd, &records, &periods, &statuses).await?;
    if !events.is_empty() || !allocations.is_empty() {
        store::casework::insert_bulk(cmd, &records, &events, &allocations, &plans).await?;
    }
    if !assessments.is_empty() {
        store::assessments::insert_bulk(cmd, &records, &assessments).await?;
    }
    if county.children.iter().any(|c| !c.events.is_empty()) {
        crate::load_gateway::load_gateway(cmd, county, child_ids, user_ids).await?;
    }
    let restrict = Can::<RestrictRecords>::system();
    for (child, id) in county.children.iter().zip(child_ids) {
        if child.restricted {
            store::restrictions::set_restriction(cmd, &restrict, *id, &[team_ids[child.team]]).await?;
        }
    }
    Ok(())
}
