//! Each statutory timescale on fixed dates, including bank holidays, leap
//! years and the clocks keyed to previous events.

use kernel::{Nation, WorkingDays};
use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::status::DeadlineStatus;

fn england() -> (Timescales, WorkingDays) {
    (Timescales::statutory(Nation::England), WorkingDays::new(Nation::England, []))
}

fn facts<'a>(start: Date, placements: &'a [PlacementFact], reviews: &'a [Date], visits: &'a [Date], health: &'a [Date]) -> CareFacts<'a> {
    CareFacts {
        date_of_birth: date!(2015 - 06 - 01),
        became_looked_after: start,
        ceased: None,
        placements,
        care_plan: None,
        reviews,
        visits,
        health_assessments: health,
        peps: &[],
    }
}

fn placement(start: Date, end: Option<Date>, long_term: bool) -> PlacementFact {
    PlacementFact {
        start,
        end,
        long_term,
        placement_plan: None,
    }
}

fn of(deadlines: &[Deadline], obligation: Obligation) -> Vec<Deadline> {
    deadlines.iter().filter(|d| d.obligation == obligation).cloned().collect()
}

#[test]
fn assessments_take_45_working_days_in_england_and_42_in_wales() {
    let (england, calendar) = england();
    // Referral Mon 2 Nov 2026: Christmas, the Boxing Day substitute and New Year's Day are skipped.
    assert_eq!(
        assessment_deadline(date!(2026 - 11 - 02), None, &england, &calendar).due,
        date!(2027 - 01 - 07)
    );
    let wales = Timescales::statutory(Nation::Wales);
    assert_eq!(
        assessment_deadline(date!(2026 - 11 - 02), None, &wales, &calendar).due,
        date!(2027 - 01 - 04)
    );
}

#[test]
fn first_review_in_20_working_days_then_3_months_then_6_keyed_to_the_last() {
    let (timescales, calendar) = england();
    let start = date!(2026 - 03 - 30);
    // 20 working days from Mon 30 March 2026 skip Good Friday (3 Apr) and Easter Monday (6 Apr).
    let none = all_deadlines(&facts(start, &[], &[], &[], &[]), &timescales, &calendar);
    assert_eq!(of(&none, Obligation::Review)[0].due, date!(2026 - 04 - 29));

    // The first review was held late, on 6 May; the second is due 3 months after it.
    let reviews = [date!(2026 - 05 - 06), date!(2026 - 08 - 01)];
    let held = all_deadlines(&facts(start, &[], &reviews, &[], &[]), &timescales, &calendar);
    let reviews_due = of(&held, Obligation::Review);
    assert_eq!(reviews_due.len(), 3);
    assert_eq!(
        DeadlineStatus::of(&reviews_due[0], date!(2026 - 11 - 22), &timescales),
        DeadlineStatus::CompletedLate
    );
    assert_eq!(reviews_due[1].due, date!(2026 - 08 - 06));
    assert_eq!(
        DeadlineStatus::of(&reviews_due[1], date!(2026 - 11 - 22), &timescales),
        DeadlineStatus::CompletedOnTime
    );
    assert_eq!(reviews_due[2].due, date!(2027 - 02 - 01), "6 months after the review of 1 August");
    assert_eq!(reviews_due[2].keyed_to, date!(2026 - 08 - 01));
}

#[test]
fn review_months_clamp_to_leap_february() {
    let (timescales, calendar) = england();
    let reviews = [date!(2027 - 05 - 10), date!(2027 - 08 - 31)];
    let deadlines = all_deadlines(&facts(date!(2027 - 04 - 12), &[], &reviews, &[], &[]), &timescales, &calendar);
    assert_eq!(of(&deadlines, Obligation::Review).last().unwrap().due, date!(2028 - 02 - 29));
}

#[test]
fn visits_are_keyed_to_each_placement_start() {
    let (timescales, calendar) = england();
    let placements = [
        placement(date!(2026 - 01 - 05), Some(date!(2026 - 06 - 01)), false),
        placement(date!(2026 - 06 - 01), None, false),
    ];
    let visits = [date!(2026 - 01 - 09), date!(2026 - 02 - 27), date!(2026 - 06 - 05)];
    let deadlines = all_deadlines(
        &facts(date!(2026 - 01 - 05), &placements, &[], &visits, &[]),
        &timescales,
        &calendar,
    );
    let due: Vec<(Date, Option<Date>)> = of(&deadlines, Obligation::Visit).iter().map(|d| (d.due, d.met_on)).collect();
    assert_eq!(
        due,
        [
            (date!(2026 - 01 - 12), Some(date!(2026 - 01 - 09))),
            (date!(2026 - 02 - 20), Some(date!(2026 - 02 - 27))),
            (date!(2026 - 04 - 10), None),
            (date!(2026 - 06 - 08), Some(date!(2026 - 06 - 05))),
            (date!(2026 - 07 - 17), None),
        ]
    );
    let open_in_first: Vec<_> = of(&deadlines, Obligation::Visit)
        .into_iter()
        .filter(|d| d.met_on.is_none())
        .collect();
    assert_eq!(
        DeadlineStatus::of(&open_in_first[0], date!(2026 - 05 - 01), &timescales),
        DeadlineStatus::Overdue
    );
}

#[test]
fn after_a_year_long_term_placements_are_visited_three_monthly() {
    let (timescales, calendar) = england();
    let placements = [placement(date!(2025 - 01 - 06), None, true)];
    let visits = [date!(2025 - 01 - 08), date!(2026 - 01 - 20)];
    let deadlines = all_deadlines(
        &facts(date!(2025 - 01 - 06), &placements, &[], &visits, &[]),
        &timescales,
        &calendar,
    );
    assert_eq!(of(&deadlines, Obligation::Visit).last().unwrap().due, date!(2026 - 04 - 20));
    let short = [placement(date!(2025 - 01 - 06), None, false)];
    let deadlines = all_deadlines(&facts(date!(2025 - 01 - 06), &short, &[], &visits, &[]), &timescales, &calendar);
    assert_eq!(
        of(&deadlines, Obligation::Visit).last().unwrap().due,
        date!(2026 - 03 - 03),
        "6 weekly otherwise"
    );
}

#[test]
fn health_assessments_are_six_monthly_under_five_and_yearly_after() {
    let (timescales, calendar) = england();
    let mut young = facts(date!(2026 - 01 - 05), &[], &[], &[], &[]);
    young.date_of_birth = date!(2024 - 02 - 29);
    let held = [date!(2026 - 01 - 20)];
    young.health_assessments = &held;
    let deadlines = all_deadlines(&young, &timescales, &calendar);
    assert_eq!(
        of(&deadlines, Obligation::HealthAssessment).last().unwrap().due,
        date!(2026 - 07 - 20)
    );
    let mut older = young;
    older.date_of_birth = date!(2019 - 01 - 01);
    let deadlines = all_deadlines(&older, &timescales, &calendar);
    assert_eq!(
        of(&deadlines, Obligation::HealthAssessment).last().unwrap().due,
        date!(2027 - 01 - 20)
    );
}

#[test]
fn plans_are_due_within_working_days_of_placement() {
    let (timescales, calendar) = england();
    let mut first = placement(date!(2026 - 12 - 23), None, false);
    first.placement_plan = Some(date!(2026 - 12 - 23));
    let placements = [first];
    let deadlines = all_deadlines(&facts(date!(2026 - 12 - 23), &placements, &[], &[], &[]), &timescales, &calendar);
    // 10 working days from Wed 23 Dec 2026 skip Christmas, Boxing Day (substitute 28 Dec) and New Year's Day.
    assert_eq!(of(&deadlines, Obligation::CarePlan)[0].due, date!(2027 - 01 - 11));
    let plan = &of(&deadlines, Obligation::PlacementPlan)[0];
    assert_eq!(plan.due, date!(2027 - 01 - 04));
    assert_eq!(
        DeadlineStatus::of(plan, date!(2027 - 02 - 01), &timescales),
        DeadlineStatus::CompletedOnTime
    );
}

#[test]
fn nothing_falls_due_after_care_ends() {
    let (timescales, calendar) = england();
    let mut ended = facts(date!(2026 - 01 - 05), &[], &[], &[], &[]);
    ended.ceased = Some(date!(2026 - 01 - 20));
    let deadlines = all_deadlines(&ended, &timescales, &calendar);
    assert!(of(&deadlines, Obligation::Review).is_empty());
}

#[test]
fn statuses_on_fixed_dates() {
    let (timescales, _) = england();
    let open = Deadline::new(Obligation::Review, date!(2026 - 11 - 01), date!(2026 - 11 - 30));
    assert_eq!(
        DeadlineStatus::of(&open, date!(2026 - 11 - 10), &timescales),
        DeadlineStatus::Upcoming
    );
    assert_eq!(
        DeadlineStatus::of(&open, date!(2026 - 11 - 20), &timescales),
        DeadlineStatus::DueSoon
    );
    assert_eq!(
        DeadlineStatus::of(&open, date!(2026 - 11 - 30), &timescales),
        DeadlineStatus::DueSoon
    );
    assert_eq!(
        DeadlineStatus::of(&open, date!(2026 - 12 - 01), &timescales),
        DeadlineStatus::Overdue
    );
}

proptest! {
    #[test]
    fn each_review_is_due_after_the_event_it_is_keyed_to(offsets in proptest::collection::vec(1i64..300, 0..8)) {
        let (timescales, calendar) = england();
        let start = date!(2024 - 01 - 08);
        let mut reviews = Vec::new();
        let mut day = start;
        for offset in offsets {
            day += time::Duration::days(offset);
            reviews.push(day);
        }
        let deadlines = all_deadlines(&facts(start, &[], &reviews, &[], &[]), &timescales, &calendar);
        let due = of(&deadlines, Obligation::Review);
        prop_assert_eq!(due.len(), reviews.len() + 1);
        for deadline in &due {
            prop_assert!(deadline.due > deadline.keyed_to);
        }
        for pair in due.windows(2) {
            prop_assert_eq!(Some(pair[1].keyed_to), pair[0].met_on);
        }
    }
}

#[test]
fn education_plans_are_termly_for_school_age_children() {
    let (timescales, calendar) = england();
    let peps = [date!(2026 - 01 - 20), date!(2026 - 05 - 11)];
    let mut school_age = facts(date!(2026 - 01 - 05), &[], &[], &[], &[]);
    school_age.peps = &peps;
    let deadlines = all_deadlines(&school_age, &timescales, &calendar);
    let due: Vec<Date> = of(&deadlines, Obligation::Pep).iter().map(|d| d.due).collect();
    // 10 working days from 5 January; then the end of the next term after each plan.
    assert_eq!(due, [date!(2026 - 01 - 19), date!(2026 - 07 - 31), date!(2026 - 12 - 31)]);
    let mut baby = school_age;
    baby.date_of_birth = date!(2025 - 06 - 01);
    assert!(of(&all_deadlines(&baby, &timescales, &calendar), Obligation::Pep).is_empty());
}
