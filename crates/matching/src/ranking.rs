//! Explainable ranking: five scores from 0 to 100, each with its reason,
//! weighted by a fixed table into a total from 0 to 100.
//!
//! | Part      | Weight | 100 means                                         | Unknown gets |
//! |-----------|--------|---------------------------------------------------|--------------|
//! | Needs fit | 30     | every need the setting accepts is one the child has | 50         |
//! | Distance  | 25     | at home and at school; 0 at 100 km or more        | 50           |
//! | Quality   | 20     | Outstanding; Good 75, RI 35, Inadequate 0, not inspected 50 | 75 (households) |
//! | Stability | 15     | no earlier placement with it broke down           | 50           |
//! | Cost      | 10     | at or below the framework rate or approved cost   | 50           |
//!
//! Needs fit rewards specialism: the share of the setting's accepted needs
//! that the child actually has, so a home for children with autism ranks
//! above a home that lists every need for a child with autism. Distance is
//! what matters, not council boundaries. Money is compared in pence.
//!
//! The search computes the numbers only ([`Points`]); [`score`] adds the
//! reasons for the results someone looks at.

use kernel::Money;
use providers::register::Grade;
use serde::Serialize;

use crate::candidates::{Candidate, Source};
use crate::criteria::{distance_km, Criteria, Location, Query};
use crate::needs::NeedSet;

kernel::coded!(
    /// The parts of a score.
    Component {
        NeedsFit = "needs-fit", "Needs fit";
        Distance = "distance", "Distance from home and school";
        Quality = "quality", "Quality";
        Stability = "stability", "Stability with this provider";
        Cost = "cost", "Cost";
    }
);

/// How much each part counts, out of 100.
pub const WEIGHTS: [(Component, u8); 5] = [
    (Component::NeedsFit, 30),
    (Component::Distance, 25),
    (Component::Quality, 20),
    (Component::Stability, 15),
    (Component::Cost, 10),
];

/// At this distance or more the distance score is 0.
pub const DISTANCE_ZERO_AT_KM: u32 = 100;

/// The score a part gets when there is nothing to judge it by.
pub const NEUTRAL: u8 = 50;

/// A household's quality score when no supervision judgement is recorded:
/// the council approved and supervises it, so it counts as good.
pub const HOUSEHOLD_DEFAULT_QUALITY: u8 = 75;

const _: () = assert!(WEIGHTS[0].1 as u32 + WEIGHTS[1].1 as u32 + WEIGHTS[2].1 as u32 + WEIGHTS[3].1 as u32 + WEIGHTS[4].1 as u32 == 100);

/// One part of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub component: Component,
    pub name: &'static str,
    /// 0 to 100.
    pub points: u8,
    pub weight: u8,
    pub reason: String,
}

/// A candidate's score and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// 0 to 100: the parts' points weighted by [`WEIGHTS`].
    pub total: u32,
    pub parts: Vec<Part>,
}

/// The parts' points in the order of [`WEIGHTS`], without reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Points(pub [u8; 5]);

impl Points {
    /// The weighted total, rounded half up.
    pub fn total(self) -> u32 {
        let sum: u32 = self.0.iter().zip(WEIGHTS).map(|(p, (_, w))| u32::from(*p) * u32::from(w)).sum();
        (sum + 50) / 100
    }
}

fn grade_points(grade: Grade) -> u8 {
    match grade {
        Grade::Outstanding => 100,
        Grade::Good => 75,
        Grade::RequiresImprovement => 35,
        Grade::Inadequate => 0,
        Grade::NotInspected => 50,
    }
}

struct NeedsFit {
    child_has_none: bool,
    shared: u32,
    specialisms: u32,
    points: u8,
}

fn needs_fit(q: &Query, c: &Candidate) -> NeedsFit {
    let child: NeedSet = q.needs.union(q.risks);
    let shared = child.intersection(c.accepts).len();
    let specialisms = c.accepts.len();
    let points = match (child.is_empty(), specialisms) {
        (true, _) => NEUTRAL,
        (false, 0) => 0,
        // shared ≤ specialisms, so the share is at most 100.
        (false, n) => u8::try_from(shared * 100 / n).unwrap_or(100),
    };
    NeedsFit {
        child_has_none: child.is_empty(),
        shared,
        specialisms,
        points,
    }
}

struct Distance {
    home_km: Option<u32>,
    school_km: Option<u32>,
    points: u8,
}

fn closeness(km: u32) -> u32 {
    100 * (DISTANCE_ZERO_AT_KM - km.min(DISTANCE_ZERO_AT_KM)) / DISTANCE_ZERO_AT_KM
}

fn distance(q: &Query, c: &Candidate) -> Distance {
    let from = |place: Option<Location>| Some(distance_km(place?, c.location?));
    let home_km = from(q.home);
    let school_km = from(q.school);
    let points = match (home_km, school_km) {
        (Some(h), Some(s)) => (closeness(h) + closeness(s)) / 2,
        (Some(km), None) | (None, Some(km)) => closeness(km),
        (None, None) => u32::from(NEUTRAL),
    };
    Distance {
        home_km,
        school_km,
        points: u8::try_from(points).unwrap_or(100),
    }
}

fn quality(c: &Candidate) -> u8 {
    match (c.is_in_house(), c.supervision) {
        (true, Some(judgement)) => grade_points(judgement),
        (true, None) => HOUSEHOLD_DEFAULT_QUALITY,
        (false, _) => grade_points(c.grade),
    }
}

fn stability(c: &Candidate) -> u8 {
    let placements = c.previous_placements;
    if placements == 0 {
        return NEUTRAL;
    }
    let held = placements - c.previous_breakdowns.min(placements);
    u8::try_from(u64::from(held) * 100 / u64::from(placements)).unwrap_or(100)
}

struct Cost {
    price: Option<Money>,
    reference: Option<Money>,
    /// Whole percent above the reference, rounded down; 0 within it.
    percent_over: i128,
    points: u8,
}

/// What the price is measured against: the framework rate for framework
/// providers, otherwise the cost the Gateway approved.
fn reference(q: &Query, c: &Candidate) -> Option<Money> {
    match c.source {
        Source::Framework { rate, .. } => Some(rate),
        _ => q.max_weekly,
    }
    .filter(|m| m.pence() > 0)
}

fn cost(q: &Query, c: &Candidate) -> Cost {
    let price = c.effective_price();
    let reference = reference(q, c);
    let percent_over = match (price, reference) {
        (Some(p), Some(r)) if p > r => (i128::from(p.pence()) - i128::from(r.pence())) * 100 / i128::from(r.pence()),
        _ => 0,
    };
    let points = match (price, reference) {
        // Proportionally less for each percent above; 0 at double or more.
        (Some(_), Some(_)) => u8::try_from(100 - percent_over.min(100)).unwrap_or(0),
        _ => NEUTRAL,
    };
    Cost {
        price,
        reference,
        percent_over,
        points,
    }
}

/// The numbers only: the search's hot path.
pub(crate) fn points(q: &Query, c: &Candidate) -> Points {
    Points([
        needs_fit(q, c).points,
        distance(q, c).points,
        quality(c),
        stability(c),
        cost(q, c).points,
    ])
}

fn needs_reason(fit: &NeedsFit) -> String {
    if fit.child_has_none {
        "the child has no recorded needs or risks to match; neutral".to_owned()
    } else if fit.specialisms == 0 {
        "its statement of purpose lists no needs".to_owned()
    } else {
        format!("{} of the {} needs it specialises in are the child's", fit.shared, fit.specialisms)
    }
}

fn distance_reason(q: &Query, c: &Candidate, d: &Distance) -> String {
    match (d.home_km, d.school_km) {
        (Some(h), Some(s)) => format!("{h} km from home, {s} km from school"),
        (Some(h), None) => format!("{h} km from home (school not known)"),
        (None, Some(s)) => format!("{s} km from school (home not known)"),
        (None, None) if c.location.is_none() => "distance unknown: the setting has no known postcode; neutral".to_owned(),
        (None, None) => {
            debug_assert!(q.home.is_none() && q.school.is_none());
            "distance unknown: the child's home and school are not known; neutral".to_owned()
        }
    }
}

fn quality_reason(c: &Candidate) -> String {
    match (c.is_in_house(), c.supervision) {
        (true, Some(judgement)) => format!("supervision judged {}", judgement.label()),
        (true, None) => "the council's own household, no supervision judgement recorded: counted as Good".to_owned(),
        (false, _) => format!("{}: {}", c.regulator.label(), c.grade.label()),
    }
}

fn stability_reason(c: &Candidate) -> String {
    match (c.previous_placements, c.previous_breakdowns.min(c.previous_placements)) {
        (0, _) => "no earlier placements with this provider; neutral".to_owned(),
        (n, 0) => format!("none of {n} earlier placements broke down"),
        (n, b) => format!("{b} of {n} earlier placements broke down"),
    }
}

fn cost_reason(c: &Candidate, cost: &Cost) -> String {
    let against = match c.source {
        Source::Framework { .. } => "the framework rate",
        _ => "the approved cost",
    };
    match (cost.price, cost.reference) {
        (None, _) => "price not known; neutral".to_owned(),
        (Some(p), None) => format!("{p} a week, with no rate or approved cost to compare; neutral"),
        (Some(p), Some(r)) if p <= r => format!("{p} a week, within {against} of {r}"),
        (Some(p), Some(r)) => format!("{p} a week, {}% above {against} of {r}", cost.percent_over),
    }
}

/// The candidate's score with a reason for every part. Works for any
/// candidate, excluded or not.
pub fn score(criteria: &Criteria, candidate: &Candidate) -> Score {
    score_query(&Query::new(criteria), candidate)
}

pub(crate) fn score_query(q: &Query, c: &Candidate) -> Score {
    let fit = needs_fit(q, c);
    let d = distance(q, c);
    let money = cost(q, c);
    let points = points(q, c);
    let reasons = [
        needs_reason(&fit),
        distance_reason(q, c, &d),
        quality_reason(c),
        stability_reason(c),
        cost_reason(c, &money),
    ];
    let parts = WEIGHTS
        .iter()
        .zip(points.0)
        .zip(reasons)
        .map(|(((component, weight), points), reason)| Part {
            component: *component,
            name: component.label(),
            points,
            weight: *weight,
            reason,
        })
        .collect();
    Score {
        total: points.total(),
        parts,
    }
}

#[cfg(test)]
#[path = "ranking_tests.rs"]
mod tests;
