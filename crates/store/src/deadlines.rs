//! A child's statutory deadlines, assembled from what the store holds and
//! worked out by the `compliance` crate. Nothing here is stored.

use compliance::{all_deadlines, assessment_deadline, CareFacts, Deadline, DeadlineStatus, Obligation, PlacementFact, Timescales};
use kernel::{ChildId, WorkingDays};
use serde::Serialize;
use time::Date;

use crate::casework::EventKind;
use crate::db::Store;
use crate::error::StoreError;

/// A deadline with its status on the day asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineLine {
    pub child_id: ChildId,
    pub deadline: Deadline,
    pub status: DeadlineStatus,
}

/// What the rules need beyond the store: the council's rules and today.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub timescales: &'a Timescales,
    pub calendar: &'a WorkingDays,
    /// Local timescale for placement needs assessments, in working days.
    pub placement_needs_working_days: u32,
    pub today: Date,
}

/// Every deadline of the child's latest period of care and assessments.
pub async fn for_child(store: &Store, child: ChildId, rules: &Rules<'_>) -> Result<Vec<DeadlineLine>, StoreError> {
    let Some(summary) = crate::children::find(store, child).await? else {
        return Err(StoreError::NotFound { entity: "child" });
    };
    let history = crate::care_history::history_of(store, child).await?;
    let events = crate::casework::events(store, child).await?;
    let mut deadlines = Vec::new();
    if let Some((_, period)) = history.periods.last() {
        let placements: Vec<PlacementFact> = history
            .placements
            .iter()
            .filter(|p| p.interval.start >= period.start)
            .map(|p| PlacementFact {
                start: p.interval.start,
                end: p.interval.end,
                long_term: p.long_term,
                placement_plan: p.placement_plan_on,
            })
            .collect();
        let dates = |kind: EventKind| -> Vec<Date> {
            events
                .iter()
                .filter(|e| e.kind == kind && e.occurred_on >= period.start)
                .map(|e| e.occurred_on)
                .collect()
        };
        let (reviews, visits, health, peps) = (
            dates(EventKind::Review),
            dates(EventKind::Visit),
            dates(EventKind::HealthAssessment),
            dates(EventKind::Pep),
        );
        let facts = CareFacts {
            date_of_birth: summary.date_of_birth,
            became_looked_after: period.start,
            ceased: period.end,
            placements: &placements,
            care_plan: dates(EventKind::CarePlan).first().copied(),
            reviews: &reviews,
            visits: &visits,
            health_assessments: &health,
            peps: &peps,
        };
        deadlines = all_deadlines(&facts, rules.timescales, rules.calendar);
    }
    for assessment in crate::assessments::for_child(store, child).await? {
        let local = Timescales {
            assessment_working_days: rules.placement_needs_working_days,
            ..*rules.timescales
        };
        let timescales = match assessment.kind {
            children::assessment::AssessmentKind::PlacementNeeds => &local,
            _ => rules.timescales,
        };
        deadlines.push(assessment_deadline(
            assessment.started_on,
            assessment.completed_on,
            timescales,
            rules.calendar,
        ));
    }
    deadlines.sort_by_key(|d| (d.due, d.obligation));
    Ok(deadlines
        .into_iter()
        .map(|deadline| DeadlineLine {
            child_id: child,
            status: DeadlineStatus::of(&deadline, rules.today, rules.timescales),
            deadline,
        })
        .collect())
}

/// Open deadlines, and ones completed late, for many children (work trays).
pub async fn open_for_children(store: &Store, children: &[ChildId], rules: &Rules<'_>) -> Result<Vec<DeadlineLine>, StoreError> {
    let mut lines = Vec::new();
    for child in children {
        lines.extend(for_child(store, *child, rules).await?.into_iter().filter(|l| l.status.is_open()));
    }
    lines.sort_by_key(|l| (l.status, l.deadline.due));
    Ok(lines)
}

/// Labels for the obligation filter.
pub fn obligations() -> [(Obligation, &'static str); 7] {
    [
        (Obligation::Assessment, "assessment"),
        (Obligation::CarePlan, "care-plan"),
        (Obligation::PlacementPlan, "placement-plan"),
        (Obligation::Review, "review"),
        (Obligation::Visit, "visit"),
        (Obligation::HealthAssessment, "health-assessment"),
        (Obligation::Pep, "pep"),
    ]
}
