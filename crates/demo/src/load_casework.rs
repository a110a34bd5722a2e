//! Loading the planned casework: periods of care, legal statuses, events,
//! allocations, assessments and restrictions.

use std::str::FromStr;

use authz::cap::{RecordChildren, RestrictRecords, WorkOnRequests};
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
/// from April 2024, and Z11–Z14 replaced Z1 from April 2025.
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
        for (kind, on) in &child.events {
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
        load_gateway(cmd, county, child_ids, user_ids).await?;
    }
    let restrict = Can::<RestrictRecords>::system();
    for (child, id) in county.children.iter().zip(child_ids) {
        if child.restricted {
            store::restrictions::set_restriction(cmd, &restrict, *id, &[team_ids[child.team]]).await?;
        }
    }
    Ok(())
}

/// Requests in every state, and reviews of the high-cost placements (the
/// last one late for some), so the Gateway pages have content.
async fn load_gateway(cmd: &mut Command, county: &County, child_ids: &[ChildId], user_ids: &[UserId]) -> Result<(), StoreError> {
    use gateway::request::RequestState as S;
    let states = [
        S::Draft,
        S::Submitted,
        S::Endorsed,
        S::InTriage,
        S::AtPanel,
        S::InformationRequested,
        S::Deferred,
        S::AwaitingApproval,
        S::Approved,
        S::Approved,
        S::Declined,
        S::Withdrawn,
    ];
    let matrix = gateway::matrix::Matrix::standard();
    let mut requests = Vec::new();
    for (n, (child, id)) in county
        .children
        .iter()
        .zip(child_ids)
        .enumerate()
        .filter(|(n, _)| n % 23 == 5)
        .take(36)
    {
        let current = child
            .placements
            .last()
            .map(|p| p.category)
            .unwrap_or(PlacementCategory::InHouseFoster);
        let category = if current == PlacementCategory::InHouseFoster {
            PlacementCategory::IndependentFoster
        } else {
            current
        };
        let weekly = child
            .placements
            .last()
            .map(|p| p.weekly_cost)
            .unwrap_or(kernel::Money::from_pounds(900));
        let facts = gateway::matrix::RequestFacts {
            weekly_cost: weekly,
            category,
            out_of_area: n % 3 == 0,
            at_distance: n % 9 == 0,
            unregistered: false,
            nation: kernel::Nation::England,
            provider_for_profit: true,
            start: county.children[0].placements[0].start.max(date!(2026 - 01 - 01)),
        };
        let new = store::requests::NewRequest {
            child: *id,
            urgency: ["planned", "within-5-days", "today"][n % 3].to_owned(),
            category,
            weekly_cost: weekly,
            out_of_area: facts.out_of_area,
            at_distance: facts.at_distance,
            unregistered: false,
            needs: "Needs and risks as set out in the placement needs assessment".to_owned(),
            justification: "Matching in-house and framework options considered first".to_owned(),
        };
        requests.push((
            new,
            user_ids[child.worker],
            states[requests.len() % states.len()],
            matrix.required_chain(&facts).0,
        ));
    }
    store::requests::insert_bulk(cmd, &Can::<RecordChildren>::system(), &requests).await?;

    let policy = gateway::high_cost::Policy::default();
    let reviewer = Can::<WorkOnRequests>::system();
    let today = county.today;
    for (placement, start) in store::high_cost::open_above_threshold(cmd, &policy).await? {
        let mut due = policy.next_due(start, None);
        // About a third have let their latest review slip.
        let keep_up = placement % 3 != 0;
        while due < today && (keep_up || policy.next_due(due, None) < today) {
            let outcome = if placement % 5 == 0 {
                gateway::high_cost::Outcome::Renegotiate
            } else {
                gateway::high_cost::Outcome::Continue
            };
            store::high_cost::record_review(
                cmd,
                &reviewer,
                placement,
                due,
                outcome,
                "Costs and outcomes checked against the care plan",
                today,
            )
            .await?;
            due = policy.next_due(due, Some(due));
        }
    }
    Ok(())
}
