//! The rule sets: statutory limits for England and Wales, and a council's
//! tighter local limits.
//!
//! Sources (see the project's domain notes, section 2): Care Planning,
//! Placement and Case Review (England) Regulations 2010 regs 4, 9, 28, 32-33
//! and statutory guidance; Care Planning, Placement and Case Review (Wales)
//! Regulations 2015 regs 4, 10, 31, 40-42; Working Together for the 45
//! working-day assessment; the Wales safeguarding procedures' 42 working
//! days. A council may shorten any limit; lengthening one is refused.

use kernel::Nation;
use serde::{Deserialize, Serialize};

/// Every timescale Hearth tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timescales {
    /// Child and family assessment (England), care and support assessment (Wales).
    pub assessment_working_days: u32,
    /// Care plan, if not in place before the first placement.
    pub care_plan_working_days: u32,
    /// Placement plan, if not in place before the placement.
    pub placement_plan_working_days: u32,
    pub first_review_working_days: u32,
    pub second_review_months: u32,
    pub later_review_months: u32,
    /// First visit after any placement starts.
    pub first_visit_days: u32,
    /// Visits in a placement's first year.
    pub visit_weeks_first_year: u32,
    /// Visits after the first year in a placement intended to last to 18.
    pub visit_months_long_term: u32,
    /// Visits after the first year in any other placement.
    pub visit_weeks_after_first_year: u32,
    /// Initial health assessment: by the first review.
    pub initial_health_working_days: u32,
    pub health_months_under_five: u32,
    pub health_months_five_and_over: u32,
    /// Initial personal education plan (local practice: 10 working days).
    pub initial_pep_working_days: u32,
    /// How many days ahead a deadline counts as "due soon" in work trays.
    pub due_soon_days: u32,
}

impl Timescales {
    /// The statutory limits for `nation`.
    pub fn statutory(nation: Nation) -> Timescales {
        let assessment_working_days = match nation {
            Nation::England => 45,
            Nation::Wales => 42,
        };
        Timescales {
            assessment_working_days,
            care_plan_working_days: 10,
            placement_plan_working_days: 5,
            first_review_working_days: 20,
            second_review_months: 3,
            later_review_months: 6,
            first_visit_days: 7,
            visit_weeks_first_year: 6,
            visit_months_long_term: 3,
            visit_weeks_after_first_year: 6,
            initial_health_working_days: 20,
            health_months_under_five: 6,
            health_months_five_and_over: 12,
            initial_pep_working_days: 10,
            due_soon_days: 10,
        }
    }

    /// Applies named local limits (as in the council's configuration file),
    /// refusing unknown names and any limit looser than statute.
    pub fn with_overrides(self, overrides: &std::collections::BTreeMap<String, u32>) -> Result<Timescales, TimescalesError> {
        let mut local = self;
        for (name, value) in overrides {
            let field = match name.as_str() {
                "assessment_working_days" => &mut local.assessment_working_days,
                "care_plan_working_days" => &mut local.care_plan_working_days,
                "placement_plan_working_days" => &mut local.placement_plan_working_days,
                "first_review_working_days" => &mut local.first_review_working_days,
                "second_review_months" => &mut local.second_review_months,
                "later_review_months" => &mut local.later_review_months,
                "first_visit_days" => &mut local.first_visit_days,
                "visit_weeks_first_year" => &mut local.visit_weeks_first_year,
                "visit_months_long_term" => &mut local.visit_months_long_term,
                "visit_weeks_after_first_year" => &mut local.visit_weeks_after_first_year,
                "initial_health_working_days" => &mut local.initial_health_working_days,
                "health_months_under_five" => &mut local.health_months_under_five,
                "health_months_five_and_over" => &mut local.health_months_five_and_over,
                "initial_pep_working_days" => &mut local.initial_pep_working_days,
                "due_soon_days" => &mut local.due_soon_days,
                _ => return Err(TimescalesError::Unknown { name: name.clone() }),
            };
            *field = *value;
        }
        self.tightened(&local)
    }

    /// Applies a council's local limits, refusing any looser than statute.
    pub fn tightened(self, local: &Timescales) -> Result<Timescales, TimescalesError> {
        let pairs = [
            (
                "assessment_working_days",
                self.assessment_working_days,
                local.assessment_working_days,
            ),
            ("care_plan_working_days", self.care_plan_working_days, local.care_plan_working_days),
            (
                "placement_plan_working_days",
                self.placement_plan_working_days,
                local.placement_plan_working_days,
            ),
            (
                "first_review_working_days",
                self.first_review_working_days,
                local.first_review_working_days,
            ),
            ("second_review_months", self.second_review_months, local.second_review_months),
            ("later_review_months", self.later_review_months, local.later_review_months),
            ("first_visit_days", self.first_visit_days, local.first_visit_days),
            ("visit_weeks_first_year", self.visit_weeks_first_year, local.visit_weeks_first_year),
            ("visit_months_long_term", self.visit_months_long_term, local.visit_months_long_term),
            (
                "visit_weeks_after_first_year",
                self.visit_weeks_after_first_year,
                local.visit_weeks_after_first_year,
            ),
            (
                "initial_health_working_days",
                self.initial_health_working_days,
                local.initial_health_working_days,
            ),
            (
                "health_months_under_five",
                self.health_months_under_five,
                local.health_months_under_five,
            ),
            (
                "health_months_five_and_over",
                self.health_months_five_and_over,
                local.health_months_five_and_over,
            ),
            (
                "initial_pep_working_days",
                self.initial_pep_working_days,
                local.initial_pep_working_days,
            ),
        ];
        for (name, statutory, proposed) in pairs {
            if proposed > statutory {
                return Err(TimescalesError::LooserThanStatute { name, statutory, proposed });
            }
            if proposed == 0 {
                return Err(TimescalesError::Zero { name });
            }
        }
        Ok(*local)
    }
}

/// A local rule the council may not set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimescalesError {
    #[error("{name} cannot be {proposed}: the statutory limit is {statutory}, and a council may only shorten it")]
    LooserThanStatute { name: &'static str, statutory: u32, proposed: u32 },
    #[error("{name} cannot be zero")]
    Zero { name: &'static str },
    #[error("'{name}' is not a timescale Hearth knows")]
    Unknown { name: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn england_and_wales_differ_on_assessments() {
        assert_eq!(Timescales::statutory(Nation::England).assessment_working_days, 45);
        assert_eq!(Timescales::statutory(Nation::Wales).assessment_working_days, 42);
    }

    #[test]
    fn councils_may_tighten_but_not_loosen() {
        let statutory = Timescales::statutory(Nation::England);
        let tighter = Timescales {
            first_review_working_days: 15,
            ..statutory
        };
        assert_eq!(statutory.tightened(&tighter).unwrap().first_review_working_days, 15);
        let looser = Timescales {
            later_review_months: 7,
            ..statutory
        };
        let overrides = std::collections::BTreeMap::from([("later_review_months".to_owned(), 4)]);
        assert_eq!(statutory.with_overrides(&overrides).unwrap().later_review_months, 4);
        let unknown = std::collections::BTreeMap::from([("tea_breaks".to_owned(), 4)]);
        assert!(statutory.with_overrides(&unknown).is_err());
        let err = statutory.tightened(&looser).unwrap_err();
        assert_eq!(
            err.to_string(),
            "later_review_months cannot be 7: the statutory limit is 6, and a council may only shorten it"
        );
    }
}
