//! Deriving deadlines from what happened.
//!
//! Each function walks the recorded events in date order and produces one
//! [`Deadline`] per duty: the ones already met (on time or late) and the
//! next one still open. The rules, with their keys:
//! - reviews: the first within the first-review working days of becoming
//!   looked after; the second within the second-review months of the first
//!   as held; each later one within the later-review months of the one
//!   before;
//! - visits: within the first-visit days of each placement start; then
//!   within the first-year interval of the previous visit, or after the
//!   placement's first year the long-term interval (if the placement is
//!   intended to last until 18) or the other interval;
//! - health assessments: the first by the first review's deadline; then 6
//!   months (under five) or 12 months (five and over) after the previous;
//! - care plan: before the first placement or within the working days
//!   allowed after it; placement plan: likewise for every placement.

use kernel::WorkingDays;
use serde::Serialize;
use time::Date;

use crate::timescales::Timescales;
use kernel::months::{add_months, add_weeks};

/// A duty owed to a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Obligation {
    Assessment,
    CarePlan,
    PlacementPlan,
    Review,
    Visit,
    HealthAssessment,
    Pep,
}

impl Obligation {
    pub fn label(self) -> &'static str {
        match self {
            Obligation::Assessment => "Assessment",
            Obligation::CarePlan => "Care plan",
            Obligation::PlacementPlan => "Placement plan",
            Obligation::Review => "Looked-after review",
            Obligation::Visit => "Statutory visit",
            Obligation::HealthAssessment => "Health assessment",
            Obligation::Pep => "Personal education plan",
        }
    }
}

/// One duty's due date, and when (if ever) it was met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub obligation: Obligation,
    pub due: Date,
    pub met_on: Option<Date>,
    /// The event the deadline is keyed to, for the person reading it.
    pub keyed_to: Date,
}

impl Deadline {
    fn new(obligation: Obligation, keyed_to: Date, due: Date) -> Deadline {
        Deadline {
            obligation,
            due,
            met_on: None,
            keyed_to,
        }
    }
}

/// A placement as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacementFact {
    pub start: Date,
    /// Exclusive: the day the child left.
    pub end: Option<Date>,
    /// Intended to last until the child is 18 (changes the visit interval).
    pub long_term: bool,
    /// When the placement plan was agreed, if it was.
    pub placement_plan: Option<Date>,
}

/// Everything the rules need about one period of care. Event lists must be
/// in date order.
#[derive(Debug, Clone, Copy)]
pub struct CareFacts<'a> {
    pub date_of_birth: Date,
    pub became_looked_after: Date,
    /// Exclusive end of the period of care, if it ended.
    pub ceased: Option<Date>,
    pub placements: &'a [PlacementFact],
    pub care_plan: Option<Date>,
    pub reviews: &'a [Date],
    pub visits: &'a [Date],
    pub health_assessments: &'a [Date],
    /// Personal education plan meetings.
    pub peps: &'a [Date],
}

/// The assessment deadline for a referral on `referral`.
pub fn assessment_deadline(referral: Date, completed: Option<Date>, timescales: &Timescales, calendar: &WorkingDays) -> Deadline {
    let mut deadline = Deadline::new(
        Obligation::Assessment,
        referral,
        calendar.add(referral, timescales.assessment_working_days),
    );
    deadline.met_on = completed;
    deadline
}

/// Every deadline for one period of care, sorted by due date.
pub fn all_deadlines(facts: &CareFacts<'_>, timescales: &Timescales, calendar: &WorkingDays) -> Vec<Deadline> {
    let mut deadlines = Vec::with_capacity(8 + facts.reviews.len() + facts.visits.len());
    care_plan_deadline(facts, timescales, calendar, &mut deadlines);
    placement_plan_deadlines(facts, timescales, calendar, &mut deadlines);
    review_deadlines(facts, timescales, calendar, &mut deadlines);
    visit_deadlines(facts, timescales, &mut deadlines);
    health_deadlines(facts, timescales, calendar, &mut deadlines);
    pep_deadlines(facts, timescales, calendar, &mut deadlines);
    deadlines.sort_by_key(|d| (d.due, d.obligation));
    deadlines
}

fn care_plan_deadline(facts: &CareFacts<'_>, timescales: &Timescales, calendar: &WorkingDays, out: &mut Vec<Deadline>) {
    let Some(first) = facts.placements.first() else {
        return;
    };
    let mut deadline = Deadline::new(
        Obligation::CarePlan,
        first.start,
        calendar.add(first.start, timescales.care_plan_working_days),
    );
    deadline.met_on = facts.care_plan;
    out.push(deadline);
}

fn placement_plan_deadlines(facts: &CareFacts<'_>, timescales: &Timescales, calendar: &WorkingDays, out: &mut Vec<Deadline>) {
    for placement in facts.placements {
        let due = calendar.add(placement.start, timescales.placement_plan_working_days);
        let mut deadline = Deadline::new(Obligation::PlacementPlan, placement.start, due);
        deadline.met_on = placement.placement_plan;
        out.push(deadline);
    }
}

fn is_open_on(facts: &CareFacts<'_>, date: Date) -> bool {
    facts.ceased.is_none_or(|end| date < end)
}

fn review_deadlines(facts: &CareFacts<'_>, timescales: &Timescales, calendar: &WorkingDays, out: &mut Vec<Deadline>) {
    let start = facts.became_looked_after;
    let mut keyed_to = start;
    let mut due = calendar.add(start, timescales.first_review_working_days);
    for (index, held) in facts.reviews.iter().enumerate() {
        out.push(Deadline {
            obligation: Obligation::Review,
            due,
            met_on: Some(*held),
            keyed_to,
        });
        let months = if index == 0 {
            timescales.second_review_months
        } else {
            timescales.later_review_months
        };
        keyed_to = *held;
        due = add_months(*held, months);
    }
    if is_open_on(facts, due) {
        out.push(Deadline::new(Obligation::Review, keyed_to, due));
    }
}

fn visit_deadlines(facts: &CareFacts<'_>, timescales: &Timescales, out: &mut Vec<Deadline>) {
    for placement in facts.placements {
        let within = |date: Date| date >= placement.start && placement.end.is_none_or(|end| date < end);
        let first_year_ends = add_months(placement.start, 12);
        let mut keyed_to = placement.start;
        let mut due = placement.start + time::Duration::days(i64::from(timescales.first_visit_days));
        for visit in facts.visits.iter().copied().filter(|v| within(*v)) {
            out.push(Deadline {
                obligation: Obligation::Visit,
                due,
                met_on: Some(visit),
                keyed_to,
            });
            keyed_to = visit;
            due = if visit < first_year_ends {
                add_weeks(visit, timescales.visit_weeks_first_year)
            } else if placement.long_term {
                add_months(visit, timescales.visit_months_long_term)
            } else {
                add_weeks(visit, timescales.visit_weeks_after_first_year)
            };
        }
        if within(due) && is_open_on(facts, due) {
            out.push(Deadline::new(Obligation::Visit, keyed_to, due));
        }
    }
}

fn health_deadlines(facts: &CareFacts<'_>, timescales: &Timescales, calendar: &WorkingDays, out: &mut Vec<Deadline>) {
    let start = facts.became_looked_after;
    let mut keyed_to = start;
    let mut due = calendar.add(start, timescales.initial_health_working_days);
    for held in facts.health_assessments {
        out.push(Deadline {
            obligation: Obligation::HealthAssessment,
            due,
            met_on: Some(*held),
            keyed_to,
        });
        let under_five = children::age_on(facts.date_of_birth, *held) < 5;
        let months = if under_five {
            timescales.health_months_under_five
        } else {
            timescales.health_months_five_and_over
        };
        keyed_to = *held;
        due = add_months(*held, months);
    }
    if is_open_on(facts, due) {
        out.push(Deadline::new(Obligation::HealthAssessment, keyed_to, due));
    }
}

/// Personal education plans: for children aged 3 to 17, the first within
/// the initial working days of becoming looked after, then one in every
/// school term (due by 31 December, 31 March and 31 July), each keyed to
/// the previous plan.
fn pep_deadlines(facts: &CareFacts<'_>, timescales: &Timescales, calendar: &WorkingDays, out: &mut Vec<Deadline>) {
    let in_education = |day: Date| (3..18).contains(&children::age_on(facts.date_of_birth, day));
    let start = facts.became_looked_after;
    let mut keyed_to = start;
    let mut due = calendar.add(start, timescales.initial_pep_working_days);
    for held in facts.peps {
        if in_education(due) {
            out.push(Deadline {
                obligation: Obligation::Pep,
                due,
                met_on: Some(*held),
                keyed_to,
            });
        }
        keyed_to = *held;
        due = end_of_next_term(*held);
    }
    if in_education(due) && is_open_on(facts, due) {
        out.push(Deadline::new(Obligation::Pep, keyed_to, due));
    }
}

/// The last day of the school term after the one `date` falls in. Terms
/// are taken as autumn (September to December), spring (January to March)
/// and summer (April to August, holidays included).
pub fn end_of_next_term(date: Date) -> Date {
    use time::Month::{December, July, March};
    let year = date.year();
    let on = |y: i32, month: time::Month, day: u8| Date::from_calendar_date(y, month, day).unwrap_or(date);
    match date.month() as u8 {
        1..=3 => on(year, July, 31),
        4..=8 => on(year, December, 31),
        _ => on(year + 1, March, 31),
    }
}

#[cfg(test)]
mod tests;
