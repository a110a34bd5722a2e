//! Casework for the demo county: legal statuses covering each period of
//! care, and the reviews, visits, health assessments, education plans,
//! care plans and assessments a real caseload has, mostly on time and
//! sometimes late, so trays and dashboards have something true to show.

use time::{Date, Duration};

use crate::plan::{ChildPlan, Options};
use crate::random::Random;

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// Adds legal statuses and (when asked) casework to a planned child.
pub fn add_casework(random: &mut Random, options: &Options, child: &mut ChildPlan) {
    let start = child.placements[0].start;
    // A child placed with parents is on a care order, never section 20.
    let with_parents = child
        .placements
        .iter()
        .any(|p| p.category == placements::PlacementCategory::WithParents);
    child.legal_statuses = legal_statuses(random, start, options.today, with_parents);
    child.restricted = random.chance(1) && child.team == 4;
    if !options.casework {
        return;
    }
    let today = options.today;
    let mut events = vec![("care-plan", start + days(random.between(0, 14)))];
    // Reviews: first about 20 working days in, then 3 months, then 6-monthly;
    // about one in eight is late.
    let mut review = start + days(26 + late(random, 20));
    let mut count = 0;
    while review < today {
        events.push(("review", review));
        count += 1;
        let gap = if count == 1 { 88 } else { 178 };
        review += days(gap + late(random, 30));
    }
    // Visits within a week of each placement start, then about six-weekly.
    for placement in &child.placements {
        let end = placement.end.unwrap_or(today);
        let mut visit = placement.start + days(random.between(1, 6) + late(random, 10));
        while visit < end && visit < today {
            events.push(("visit", visit));
            visit += days(35 + random.between(0, 7) + late(random, 14));
        }
    }
    let mut health = start + days(20 + late(random, 25));
    while health < today {
        events.push(("health-assessment", health));
        health += days(330 + late(random, 60));
    }
    let mut pep = start + days(8 + late(random, 15));
    while pep < today {
        if children::age_on(child.date_of_birth, pep) >= 3 {
            events.push(("pep", pep));
        }
        pep += days(95 + late(random, 40));
    }
    events.retain(|(_, on)| *on <= today && *on >= start);
    events.sort_by_key(|(_, on)| *on);
    child.events = events;
    if random.chance(12) {
        let started = today - days(random.between(5, 70));
        let state = *random.pick(&["started", "started", "submitted", "authorised"]);
        child.assessment = Some(("child-and-family", started, state));
    }
}

/// Extra days for a late event, one time in eight.
fn late(random: &mut Random, up_to: i64) -> i64 {
    if random.chance(12) {
        random.between(up_to / 2, up_to * 2)
    } else {
        0
    }
}

/// Legal statuses covering [start, open): section 20, or an interim care
/// order followed by a full care order, sometimes a placement order.
fn legal_statuses(random: &mut Random, start: Date, today: Date, with_parents: bool) -> Vec<(&'static str, Date, Option<Date>)> {
    let span = (today - start).whole_days();
    let section_20 = random.chance(22);
    if (section_20 && !with_parents) || span < 120 {
        let code = if span < 120 && (random.chance(50) || with_parents) {
            "C1"
        } else {
            "V2"
        };
        return vec![(code, start, None)];
    }
    let full_order = start + days(random.between(60, 110.min(span - 10)));
    let mut statuses = vec![("C1", start, Some(full_order))];
    if random.chance(12) && (today - full_order).whole_days() > 200 {
        let placement_order = full_order + days(random.between(90, (today - full_order).whole_days() - 30));
        statuses.push(("C2", full_order, Some(placement_order)));
        statuses.push(("E1", placement_order, None));
    } else {
        statuses.push(("C2", full_order, None));
    }
    statuses
}
