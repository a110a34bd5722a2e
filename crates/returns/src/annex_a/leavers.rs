//! Lists 9 (care leavers) and 10 (adoption).
//!
//! Hearth records no eligibility category, so list 9 derives it from the
//! care history as the Children (Leaving Care) Act 2000 defines it: at
//! least 13 weeks looked after since the 14th birthday, some of it at 16
//! or over (short breaks do not count). Such a young person is an
//! *eligible child* while still looked after at 16 or 17, a *relevant
//! child* once care ended at 16 or 17, and a *former relevant child* from
//! 18 to 21, or to 25 while the council is still recording contact (an
//! SSDA903 OC3 row for this or last collection year). Qualifying care
//! leavers (looked after after 16 but for less than 13 weeks, or under a
//! special guardianship order) need facts Hearth does not hold and are
//! not listed. Care ended by adoption, death, another authority taking
//! over, or an age assessment finding the young person an adult, ends
//! entitlement.

use children::care_history::{CareHistory, Period};
use children::codes::collection_year;
use children::identity::age_on;
use time::Date;

use super::{codes, common, months_before, uk_opt, Child};

const NOT_LEAVING_CARE: [&str; 5] = ["E11", "E12", "E2", "E3", "E15"];
const ADOPTED: [&str; 2] = ["E11", "E12"];
const PLACED_FOR_ADOPTION: [&str; 4] = ["A3", "A4", "A5", "A6"];
const FOSTERING_FOR_ADOPTION: [&str; 2] = ["U2", "U5"];

/// A birthday, 29 February falling on 28 February in other years.
fn birthday(dob: Date, age: i32) -> Date {
    let year = dob.year() + age;
    Date::from_calendar_date(year, dob.month(), dob.day())
        .or_else(|_| Date::from_calendar_date(year, dob.month(), 28))
        .unwrap_or(dob)
}

/// Whether the period's first legal status is a short break.
fn short_break(history: &CareHistory, period: &Period) -> bool {
    history
        .legal_statuses
        .iter()
        .filter(|s| s.start >= period.start && period.end.is_none_or(|e| s.start <= e))
        .min_by_key(|s| s.start)
        .is_some_and(|s| s.code == "V3" || s.code == "V4")
}

/// At least 13 weeks (91 days) looked after from the 14th birthday to
/// `through`, with some of it on or after the 16th birthday.
fn qualifies(history: &CareHistory, dob: Date, through: Date) -> bool {
    let (fourteen, sixteen) = (birthday(dob, 14), birthday(dob, 16));
    let mut days = 0;
    let mut after_sixteen = false;
    for period in history.periods.iter().filter(|p| !short_break(history, p)) {
        let from = period.start.max(fourteen);
        let to = period.end.unwrap_or(through).min(through);
        if to >= from {
            days += (to - from).whole_days() + 1;
            after_sixteen |= to >= sixteen;
        }
    }
    days >= 91 && after_sixteen
}

/// The eligibility category on `as_at`, or `None` if not a care leaver.
fn eligibility(child: &Child, as_at: Date) -> Option<&'static str> {
    let facts = &child.facts;
    let history = &facts.history;
    let age = age_on(facts.dob, as_at);
    let last = history.periods.iter().filter(|p| p.start <= as_at).max_by_key(|p| p.start)?;
    let in_care = last.end.is_none_or(|e| e > as_at);
    if in_care {
        return (matches!(age, 16 | 17) && qualifies(history, facts.dob, as_at)).then_some("d) Eligible child");
    }
    let ended = last.end?;
    if last.reason_ceased.as_deref().is_some_and(|r| NOT_LEAVING_CARE.contains(&r)) {
        return None;
    }
    if !qualifies(history, facts.dob, ended) {
        return None;
    }
    let year = collection_year(as_at);
    let recent_contact = facts
        .care_leaver
        .iter()
        .any(|(y, c)| (*y == year || *y == year - 1) && c.in_touch != "DIED");
    match age {
        16 | 17 => Some("a) Relevant child"),
        18..=20 => Some("b) Former relevant child"),
        21..=24 if recent_contact => Some("b) Former relevant child"),
        _ => None,
    }
}

/// The rows of list 9: young people entitled to leaving-care services on
/// `as_at`.
pub fn list_9(children: &[Child], as_at: Date) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for child in children {
        let Some(category) = eligibility(child, as_at) else { continue };
        let facts = &child.facts;
        // The latest OC3 contact recorded up to the as-at year.
        let contact = facts
            .care_leaver
            .iter()
            .filter(|(y, _)| *y <= collection_year(as_at))
            .max_by_key(|(y, _)| *y)
            .map(|(_, c)| c);
        let (accommodation, suitability) = contact.map_or_else(Default::default, |c| codes::accommodation(&c.accommodation));
        let mut cells: Vec<String> = common(facts, as_at).into();
        cells.extend([
            codes::yes_no(facts.uasc),
            child.extra.disability(),
            child.extra.team.clone().unwrap_or_default(),
            child.extra.worker.clone().unwrap_or_default(),
            // Personal advisers, pathway plan reviews and the date of the
            // latest contact are not recorded.
            String::new(),
            category.to_owned(),
            String::new(),
            contact.map(|c| codes::in_touch(&c.in_touch)).unwrap_or_default(),
            String::new(),
            accommodation,
            suitability,
            contact.map(|c| codes::activity(&c.activity)).unwrap_or_default(),
        ]);
        rows.push(cells);
    }
    rows
}

/// The rows of list 10: children with a should-be-placed-for-adoption
/// decision who, in the 12 months to `as_at`, were adopted, had the
/// decision reversed, or are still waiting.
pub fn list_10(children: &[Child], as_at: Date) -> Vec<Vec<String>> {
    let year_ago = months_before(as_at, 12);
    let within = |d: Date| d >= year_ago && d <= as_at;
    let mut rows = Vec::new();
    for child in children {
        let facts = &child.facts;
        let history = &facts.history;
        // The latest decision made by the as-at date.
        let latest = facts
            .adoption_decisions
            .iter()
            .filter(|d| d.decided_on <= as_at)
            .max_by_key(|d| d.decided_on);
        let decided = latest
            .map(|d| d.decided_on)
            .or_else(|| facts.adoption.as_ref().and_then(|a| a.should_be_placed_on).filter(|d| *d <= as_at));
        let Some(decided) = decided else { continue };
        let reversed = latest.and_then(|d| d.ceased_on).filter(|d| *d <= as_at);
        let period = history.periods.iter().filter(|p| p.start <= decided).max_by_key(|p| p.start);
        let in_period = |start: Date| period.is_some_and(|p| start >= p.start && p.end.is_none_or(|e| start <= e));
        let adopted = period
            .filter(|p| p.reason_ceased.as_deref().is_some_and(|r| ADOPTED.contains(&r)))
            .and_then(|p| p.end)
            .filter(|d| *d <= as_at);
        let listed = match (adopted, reversed) {
            (Some(order), _) => within(order),
            (None, Some(reversed)) => within(reversed),
            (None, None) => true,
        };
        if !listed {
            continue;
        }
        let first_placement = |codes: &[&str]| {
            history
                .placements
                .iter()
                .filter(|p| codes.contains(&p.place.as_str()) && in_period(p.start) && p.start <= as_at)
                .map(|p| p.start)
                .min()
        };
        let placement_order = history
            .legal_statuses
            .iter()
            .filter(|s| (s.code == "E1" || s.code == "D1") && in_period(s.start) && s.start <= as_at)
            .map(|s| s.start)
            .min();
        let matched = facts.adoption.as_ref().and_then(|a| a.matched_on).filter(|d| *d <= as_at);
        let [id, gender, ethnicity, dob, age] = common(facts, as_at);
        rows.push(vec![
            id,
            // Adoptive families are not recorded in Hearth.
            String::new(),
            gender,
            ethnicity,
            dob,
            age,
            child.extra.disability(),
            uk_opt(period.map(|p| p.start)),
            super::uk(decided),
            uk_opt(placement_order),
            uk_opt(matched),
            uk_opt(first_placement(&PLACED_FOR_ADOPTION)),
            uk_opt(adopted),
            uk_opt(reversed),
            reversed
                .and(latest.and_then(|d| d.reason_ceased.as_deref()))
                .map(codes::no_longer_placed)
                .unwrap_or_default(),
            uk_opt(first_placement(&FOSTERING_FOR_ADOPTION)),
        ]);
    }
    rows
}
