//! Contract monitoring: how closely each placement is watched, by risk;
//! the reports a children's home owes; and one summary shape for external
//! placements and in-house foster carers, so the two compare side by side.
//!
//! Risk scores one point each for a weekly cost of £3,000 or more (two at
//! £5,000), a grade of requires improvement (two for inadequate, one for
//! not yet inspected or unregistered), each open concern (up to two), and
//! being out of the council's area. Four or more is high risk (visits every
//! 6 weeks), two or three medium (every 13 weeks), otherwise low (every 26).

use kernel::months::add_months;
use kernel::Money;
use providers::register::{Grade, Regulator, SettingType};
use serde::Serialize;
use time::{Date, Duration};

kernel::coded!(
    /// What a monitoring record is.
    EventKind {
        Visit = "visit", "Monitoring visit";
        Reg44 = "reg-44", "Regulation 44 independent visitor's report";
        Reg45 = "reg-45", "Regulation 45 quality-of-care review";
        RiReport = "ri-report", "CIW responsible individual's report";
        Concern = "concern", "Concern";
        Incident = "incident", "Incident";
        PerformanceNotice = "performance-notice", "Performance notice";
        SupervisoryVisit = "supervisory-visit", "Supervisory visit (in-house carers)";
        AnnualReview = "annual-review", "Annual review (in-house carers)";
    }
);

impl EventKind {
    /// Concerns, incidents and notices stay open until closed.
    pub fn is_issue(self) -> bool {
        matches!(self, EventKind::Concern | EventKind::Incident | EventKind::PerformanceNotice)
    }

    /// Kinds recorded against in-house carer households.
    pub fn is_in_house(self) -> bool {
        matches!(
            self,
            EventKind::SupervisoryVisit | EventKind::AnnualReview | EventKind::Concern | EventKind::Incident
        )
    }
}

kernel::coded!(
    /// How closely a placement is monitored.
    RiskLevel {
        Low = "low", "Low";
        Medium = "medium", "Medium";
        High = "high", "High";
    }
);

impl RiskLevel {
    pub fn visit_interval_weeks(self) -> i64 {
        match self {
            RiskLevel::High => 6,
            RiskLevel::Medium => 13,
            RiskLevel::Low => 26,
        }
    }
}

/// What the schedule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskFactors {
    pub weekly_cost: Money,
    pub grade: Grade,
    pub registered: bool,
    pub open_concerns: u32,
    pub out_of_area: bool,
}

/// The level, its score and the reasons, for the page to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub level: RiskLevel,
    pub score: u32,
    pub reasons: Vec<String>,
}

pub fn assess(f: &RiskFactors) -> Risk {
    let mut reasons = Vec::new();
    let mut score = 0;
    let mut add = |points: u32, reason: String| {
        if points > 0 {
            score += points;
            reasons.push(reason);
        }
    };
    let cost_points = match f.weekly_cost.pence() {
        p if p >= 500_000 => 2,
        p if p >= 300_000 => 1,
        _ => 0,
    };
    add(cost_points, format!("costs {} a week", f.weekly_cost));
    let grade_points = match (f.registered, f.grade) {
        (false, _) => 1,
        (true, Grade::Inadequate) => 2,
        (true, Grade::RequiresImprovement | Grade::NotInspected) => 1,
        _ => 0,
    };
    let grade_reason = if f.registered {
        format!("graded {}", f.grade.label().to_lowercase())
    } else {
        "not registered".to_owned()
    };
    add(grade_points, grade_reason);
    add(f.open_concerns.min(2), format!("{} open concerns", f.open_concerns));
    add(u32::from(f.out_of_area), "out of area".to_owned());
    let level = match score {
        s if s >= 4 => RiskLevel::High,
        2 | 3 => RiskLevel::Medium,
        _ => RiskLevel::Low,
    };
    Risk { level, score, reasons }
}

/// The next monitoring visit: an interval after the last one, or after
/// the placement started.
pub fn next_visit_due(level: RiskLevel, placed_on: Date, last_visit: Option<Date>) -> Date {
    last_visit.unwrap_or(placed_on) + Duration::weeks(level.visit_interval_weeks())
}

/// The reports a setting owes the placing council, with when each next
/// falls due: reg 44 monthly and reg 45 six-monthly from an Ofsted
/// children's home, the responsible individual's report quarterly from a
/// CIW one. `last` gives the date of the latest report of a kind.
pub fn reports_due(
    setting_type: SettingType,
    regulator: Regulator,
    since: Date,
    last: impl Fn(EventKind) -> Option<Date>,
) -> Vec<(EventKind, Date)> {
    if !setting_type.is_childrens_home() {
        return Vec::new();
    }
    let expected: &[(EventKind, u32)] = match regulator {
        Regulator::Ofsted => &[(EventKind::Reg44, 1), (EventKind::Reg45, 6)],
        Regulator::Ciw => &[(EventKind::RiReport, 3)],
        Regulator::None => &[],
    };
    expected
        .iter()
        .map(|(kind, months)| (*kind, add_months(last(*kind).unwrap_or(since), *months)))
        .collect()
}

/// A quality score: 1 (inadequate) to 4 (outstanding).
pub fn check_quality_score(score: Option<u8>) -> Result<(), (&'static str, String)> {
    match score {
        Some(s) if !(1..=4).contains(&s) => Err((
            "quality_score",
            "A quality score is from 1 (inadequate) to 4 (outstanding)".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// One monitored thing (a placement or a carer household) for a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitored {
    pub visit_due: Date,
    /// The earliest report or review falling due, when any is expected.
    pub report_due: Option<Date>,
    pub quality_scores: Vec<u8>,
    pub open_issues: u32,
}

/// The comparison line for one side (external or in-house).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub count: usize,
    pub visits_in_date: usize,
    pub reports_expected: usize,
    pub reports_in_date: usize,
    /// Mean quality score in tenths (32 = 3.2), when any were given.
    pub average_quality_tenths: Option<u32>,
    pub open_issues: u32,
}

impl Summary {
    pub fn visits_percent(&self) -> u32 {
        percent(self.visits_in_date, self.count)
    }

    pub fn reports_percent(&self) -> u32 {
        percent(self.reports_in_date, self.reports_expected)
    }

    pub fn average_quality(&self) -> String {
        self.average_quality_tenths
            .map_or_else(|| "None recorded".to_owned(), |t| format!("{}.{}", t / 10, t % 10))
    }
}

fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    u32::try_from(part * 100 / whole).unwrap_or(100)
}

pub fn summarise(items: &[Monitored], today: Date) -> Summary {
    let scores: Vec<u32> = items.iter().flat_map(|i| i.quality_scores.iter().map(|s| u32::from(*s))).collect();
    let average_quality_tenths = u32::try_from(scores.len())
        .ok()
        .filter(|n| *n > 0)
        .map(|n| (scores.iter().sum::<u32>() * 10 + n / 2) / n);
    Summary {
        count: items.len(),
        visits_in_date: items.iter().filter(|i| i.visit_due >= today).count(),
        reports_expected: items.iter().filter(|i| i.report_due.is_some()).count(),
        reports_in_date: items.iter().filter(|i| i.report_due.is_some_and(|d| d >= today)).count(),
        average_quality_tenths,
        open_issues: items.iter().map(|i| i.open_issues).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn factors() -> RiskFactors {
        RiskFactors {
            weekly_cost: Money::from_pounds(1_000),
            grade: Grade::Good,
            registered: true,
            open_concerns: 0,
            out_of_area: false,
        }
    }

    #[test]
    fn risk_adds_up_from_its_factors() {
        assert_eq!(assess(&factors()).level, RiskLevel::Low);
        let out = RiskFactors {
            out_of_area: true,
            weekly_cost: Money::from_pounds(3_500),
            ..factors()
        };
        assert_eq!(assess(&out).level, RiskLevel::Medium);
        let high = RiskFactors {
            weekly_cost: Money::from_pounds(6_000),
            grade: Grade::Inadequate,
            open_concerns: 5,
            ..factors()
        };
        let risk = assess(&high);
        assert_eq!((risk.level, risk.score), (RiskLevel::High, 6));
        assert_eq!(risk.reasons, ["costs £6,000.00 a week", "graded inadequate", "5 open concerns"]);
    }

    #[test]
    fn visits_and_reports_fall_due_from_the_last_one() {
        let placed = date!(2026 - 01 - 10);
        assert_eq!(next_visit_due(RiskLevel::High, placed, None), date!(2026 - 02 - 21));
        assert_eq!(
            next_visit_due(RiskLevel::Low, placed, Some(date!(2026 - 06 - 01))),
            date!(2026 - 11 - 30)
        );
        let last = |k: EventKind| (k == EventKind::Reg44).then_some(date!(2026 - 10 - 31));
        assert_eq!(
            reports_due(SettingType::ChildrensHome, Regulator::Ofsted, placed, last),
            vec![(EventKind::Reg44, date!(2026 - 11 - 30)), (EventKind::Reg45, date!(2026 - 07 - 10))]
        );
        assert_eq!(
            reports_due(SettingType::ChildrensHome, Regulator::Ciw, placed, |_| None),
            vec![(EventKind::RiReport, date!(2026 - 04 - 10))]
        );
        assert!(reports_due(SettingType::FosteringAgency, Regulator::Ofsted, placed, |_| None).is_empty());
    }

    #[test]
    fn summaries_count_what_is_in_date() {
        let today = date!(2026 - 11 - 22);
        let items = [
            Monitored {
                visit_due: today,
                report_due: Some(date!(2026 - 11 - 01)),
                quality_scores: vec![3, 4],
                open_issues: 1,
            },
            Monitored {
                visit_due: date!(2026 - 11 - 21),
                report_due: None,
                quality_scores: vec![2],
                open_issues: 0,
            },
        ];
        let s = summarise(&items, today);
        assert_eq!((s.count, s.visits_in_date, s.reports_expected, s.reports_in_date), (2, 1, 1, 0));
        assert_eq!((s.average_quality(), s.visits_percent(), s.open_issues), ("3.0".to_owned(), 50, 1));
        assert_eq!(summarise(&[], today).average_quality(), "None recorded");
        assert_eq!(check_quality_score(Some(5)).unwrap_err().0, "quality_score");
    }
}
