//! A child's care history as intervals, the rules between them, and the
//! SSDA903 episodes derived from them.
//!
//! Three kinds of interval are recorded: periods of care, legal statuses and
//! placements. Ends are exclusive (the day something ceased, which is the day
//! the next began). The rules: no interval ends before it starts; intervals of
//! one kind never overlap; legal statuses and placements lie inside a period
//! of care and cover it from its first day to its last without gaps; only the
//! latest period may be open. Episodes are never stored: [`episodes`] splits
//! each period at every change of legal status or placement, the way the
//! DfE defines them.

use std::fmt;

use serde::Serialize;
use time::Date;

use crate::codes::CodeSets;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: Date,
    pub end: Option<Date>,
    /// SSDA903 REC code when the period ended.
    pub reason_ceased: Option<String>,
    /// SSDA903 CIN code (category of need), fixed for the period.
    pub category_of_need: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalStatus {
    pub code: String,
    pub start: Date,
    pub end: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// SSDA903 PLACE code.
    pub place: String,
    /// SSDA903 PLACE_PROVIDER code (PR0–PR5).
    pub provider_type: String,
    pub urn: Option<String>,
    pub postcode: Option<String>,
    pub start: Date,
    pub end: Option<Date>,
    /// SSDA903 REASON_PLACE_CHANGE, recorded on the placement that ended.
    pub reason_for_change: Option<String>,
}

/// Everything recorded about a child's time in care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CareHistory {
    pub periods: Vec<Period>,
    pub legal_statuses: Vec<LegalStatus>,
    pub placements: Vec<Placement>,
}

/// A rule the history breaks, said so a social worker can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryProblem {
    EndsBeforeItStarts { what: &'static str, start: Date },
    Overlap { what: &'static str, first: Date, second: Date },
    OpenNotLatest { what: &'static str, start: Date },
    OutsideCare { what: &'static str, start: Date },
    Gap { what: &'static str, from: Date, to: Date },
    NotCoveredToTheEnd { what: &'static str, period_start: Date },
    NoReasonCeased { end: Date },
    BadCode { message: String },
}

fn uk(date: Date) -> String {
    kernel::dates::format_uk_date(date)
}

impl fmt::Display for HistoryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryProblem::EndsBeforeItStarts { what, start } => write!(f, "the {what} starting {} must end after it starts", uk(*start)),
            HistoryProblem::Overlap { what, first, second } => {
                write!(
                    f,
                    "the {what} starting {} overlaps the one starting {}; end the first before the second starts",
                    uk(*first),
                    uk(*second)
                )
            }
            HistoryProblem::OpenNotLatest { what, start } => {
                write!(f, "the {what} starting {} has no end date but a later one exists", uk(*start))
            }
            HistoryProblem::OutsideCare { what, start } => write!(f, "the {what} starting {} is not within a period of care", uk(*start)),
            HistoryProblem::Gap { what, from, to } => {
                write!(
                    f,
                    "there is no {what} from {} to {}; every day in care needs one",
                    uk(*from),
                    uk(*to)
                )
            }
            HistoryProblem::NotCoveredToTheEnd { what, period_start } => {
                write!(
                    f,
                    "the period of care starting {} has no {what} for its last days",
                    uk(*period_start)
                )
            }
            HistoryProblem::NoReasonCeased { end } => write!(f, "the period of care ending {} needs a reason it ended", uk(*end)),
            HistoryProblem::BadCode { message } => f.write_str(message),
        }
    }
}

/// An interval of any kind, for the shared checks.
trait Interval {
    const WHAT: &'static str;
    fn start(&self) -> Date;
    fn end(&self) -> Option<Date>;
}

impl Interval for Period {
    const WHAT: &'static str = "period of care";
    fn start(&self) -> Date {
        self.start
    }
    fn end(&self) -> Option<Date> {
        self.end
    }
}

impl Interval for LegalStatus {
    const WHAT: &'static str = "legal status";
    fn start(&self) -> Date {
        self.start
    }
    fn end(&self) -> Option<Date> {
        self.end
    }
}

impl Interval for Placement {
    const WHAT: &'static str = "placement";
    fn start(&self) -> Date {
        self.start
    }
    fn end(&self) -> Option<Date> {
        self.end
    }
}

fn sorted<T: Interval>(items: &[T]) -> Vec<&T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by_key(|i| i.start());
    sorted
}

/// Ends after starts, no overlaps, at most one open and it is the latest.
fn check_sequence<T: Interval>(items: &[T], problems: &mut Vec<HistoryProblem>) {
    let sorted = sorted(items);
    for item in &sorted {
        if item.end().is_some_and(|end| end <= item.start()) {
            problems.push(HistoryProblem::EndsBeforeItStarts {
                what: T::WHAT,
                start: item.start(),
            });
        }
    }
    for pair in sorted.windows(2) {
        match pair[0].end() {
            None => problems.push(HistoryProblem::OpenNotLatest {
                what: T::WHAT,
                start: pair[0].start(),
            }),
            Some(end) if end > pair[1].start() => problems.push(HistoryProblem::Overlap {
                what: T::WHAT,
                first: pair[0].start(),
                second: pair[1].start(),
            }),
            Some(_) => {}
        }
    }
}

/// Within each period, `items` must run from its first day to its end.
fn check_coverage<T: Interval>(periods: &[&Period], items: &[T], problems: &mut Vec<HistoryProblem>) {
    let sorted = sorted(items);
    for item in &sorted {
        let inside = periods.iter().any(|p| {
            item.start() >= p.start
                && match (p.end, item.end()) {
                    (None, _) => true,
                    (Some(period_end), Some(end)) => end <= period_end,
                    (Some(_), None) => false,
                }
        });
        if !inside {
            problems.push(HistoryProblem::OutsideCare {
                what: T::WHAT,
                start: item.start(),
            });
        }
    }
    for period in periods {
        let within: Vec<&&T> = sorted
            .iter()
            .filter(|i| i.start() >= period.start && period.end.is_none_or(|end| i.start() < end))
            .collect();
        let mut covered_to = period.start;
        for item in &within {
            if item.start() > covered_to {
                problems.push(HistoryProblem::Gap {
                    what: T::WHAT,
                    from: covered_to,
                    to: item.start(),
                });
            }
            match item.end() {
                Some(end) => covered_to = covered_to.max(end),
                None => covered_to = Date::MAX,
            }
        }
        let reaches_end = match period.end {
            Some(end) => covered_to >= end,
            None => covered_to == Date::MAX,
        };
        if !reaches_end && !within.is_empty() {
            problems.push(HistoryProblem::NotCoveredToTheEnd {
                what: T::WHAT,
                period_start: period.start,
            });
        }
        if within.is_empty() {
            problems.push(HistoryProblem::Gap {
                what: T::WHAT,
                from: period.start,
                to: period.end.unwrap_or(period.start),
            });
        }
    }
}

/// Every rule the history breaks; empty when it is sound.
pub fn validate(history: &CareHistory, codes: &CodeSets) -> Vec<HistoryProblem> {
    let mut problems = Vec::new();
    check_sequence(&history.periods, &mut problems);
    check_sequence(&history.legal_statuses, &mut problems);
    check_sequence(&history.placements, &mut problems);
    let periods = sorted(&history.periods);
    check_coverage(&periods, &history.legal_statuses, &mut problems);
    check_coverage(&periods, &history.placements, &mut problems);
    for period in &periods {
        if let Some(end) = period.end {
            match &period.reason_ceased {
                None => problems.push(HistoryProblem::NoReasonCeased { end }),
                Some(code) => push_code(codes.check("reason-ceased", code, end), &mut problems),
            }
        }
        push_code(
            codes.check("category-of-need", &period.category_of_need, period.start),
            &mut problems,
        );
    }
    for status in &history.legal_statuses {
        push_code(codes.check("legal-status", &status.code, status.start), &mut problems);
    }
    for placement in &history.placements {
        push_code(codes.check("place", &placement.place, placement.start), &mut problems);
        push_code(
            codes.check("place-provider", &placement.provider_type, placement.start),
            &mut problems,
        );
        if let Some(reason) = &placement.reason_for_change {
            push_code(
                codes.check("reason-place-change", reason, placement.end.unwrap_or(placement.start)),
                &mut problems,
            );
        }
    }
    problems
}

fn push_code(result: Result<(), String>, problems: &mut Vec<HistoryProblem>) {
    if let Err(message) = result {
        problems.push(HistoryProblem::BadCode { message });
    }
}

pub use crate::episodes::{episodes, Episode};

#[cfg(test)]
mod tests;
