//! List 8: children in care, one row per child, describing the child's
//! latest period of care that touches the window.

use children::care_history::{LegalStatus, Period, Placement};
use time::Date;

use super::{codes, common, latest_between, months_before, uk, uk_opt, Child};

/// Short breaks are not care for Annex A.
const SHORT_BREAKS: [&str; 2] = ["V3", "V4"];

/// Whether `[start, end]` touches `[from, to]` (an open end runs on).
fn touches(start: Date, end: Option<Date>, from: Date, to: Date) -> bool {
    start <= to && end.is_none_or(|e| e >= from)
}

/// The latest legal status in force within `period` on or before `on`.
fn status_on<'a>(statuses: &'a [LegalStatus], period: &Period, on: Date) -> Option<&'a LegalStatus> {
    statuses
        .iter()
        .filter(|s| s.start <= on && s.start >= period.start && period.end.is_none_or(|e| s.start <= e))
        .max_by_key(|s| s.start)
}

/// The latest placement within `period` started on or before `on`.
fn placement_on<'a>(placements: &'a [Placement], period: &Period, on: Date) -> Option<&'a Placement> {
    placements
        .iter()
        .filter(|p| p.start <= on && p.start >= period.start && period.end.is_none_or(|e| p.start <= e))
        .max_by_key(|p| p.start)
}

/// The rows of list 8 for an inspection starting on `as_at`: children
/// looked after on that day or at any time from `window_start`.
pub fn list_8(children: &[Child], as_at: Date, window_start: Date) -> Vec<Vec<String>> {
    children.iter().filter_map(|child| row(child, as_at, window_start)).collect()
}

fn row(child: &Child, as_at: Date, window_start: Date) -> Option<Vec<String>> {
    let facts = &child.facts;
    let history = &facts.history;
    let year_ago = months_before(as_at, 12);
    let period = history
        .periods
        .iter()
        .filter(|p| touches(p.start, p.end, window_start, as_at))
        .max_by_key(|p| p.start)?;
    // As seen on the as-at day: an end after it has not happened yet.
    let ceased = period.end.filter(|e| *e <= as_at);
    let last_day = ceased.unwrap_or(as_at);
    let status = status_on(&history.legal_statuses, period, last_day);
    if status.is_some_and(|s| SHORT_BREAKS.contains(&s.code.as_str())) {
        return None;
    }
    let earlier_period = history
        .periods
        .iter()
        .any(|p| p.start < period.start && touches(p.start, p.end, year_ago, as_at));
    let uasc = facts.uasc && facts.uasc_ceased.is_none_or(|c| c >= year_ago);
    let placement = placement_on(&history.placements, period, last_day);
    let placements = history
        .placements
        .iter()
        .filter(|p| touches(p.start, p.end, year_ago, as_at))
        .count();
    let missing = |kind: &str| {
        facts
            .missing
            .iter()
            .filter(|m| m.kind == kind && m.start >= year_ago && m.start <= as_at)
            .count()
            .to_string()
    };
    let review = latest_between(facts.reviews.iter().map(|(d, _)| *d), period.start, last_day);
    let visit = latest_between(child.extra.visits.iter().copied(), period.start, last_day);
    let health = latest_between(child.extra.health_assessments.iter().copied(), period.start, last_day);

    let mut cells: Vec<String> = common(facts, as_at).into();
    cells.extend([
        codes::yes_no(uasc),
        child.extra.disability(),
        uk(period.start),
        codes::category_of_need(&period.category_of_need),
        codes::yes_no(earlier_period),
        uk_opt(status.map(|s| s.start)),
        status.map(|s| codes::legal_status(&s.code)).unwrap_or_default(),
        uk_opt(review),
        uk_opt(visit),
        // The permanence plan and the IRO's contacts are not recorded.
        String::new(),
        String::new(),
        uk_opt(health),
        // Dental checks are recorded as a yes or no per year, not dated.
        String::new(),
        placements.to_string(),
        uk_opt(ceased),
        ceased
            .and(period.reason_ceased.as_deref())
            .map(codes::reason_ceased)
            .unwrap_or_default(),
        uk_opt(placement.map(|p| p.start)),
        placement.map(|p| codes::placement_type(&p.place)).unwrap_or_default(),
        placement.map(|p| codes::provider(&p.provider_type)).unwrap_or_default(),
        placement.and_then(|p| p.postcode.clone()).unwrap_or_default(),
        placement.and_then(|p| p.urn.clone()).unwrap_or_default(),
        // In or out of the council's area and the placement's authority
        // need the postcode directory, which Hearth does not hold.
        String::new(),
        String::new(),
        missing("M"),
        missing("A"),
        // Return interviews are not recorded.
        String::new(),
        String::new(),
        child.extra.team.clone().unwrap_or_default(),
        child.extra.worker.clone().unwrap_or_default(),
    ]);
    Some(cells)
}
