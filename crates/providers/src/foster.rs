//! The council's own foster carer households: approval type, the limit on
//! temporary approval of connected persons, and when supervision is due.
//!
//! England allows temporary approval of a connected person for up to 16
//! weeks, extendable once by up to 8 weeks (CPPCR regs 24–25); Wales allows
//! up to 24 weeks (reg 26, as amended 2021). A household is supervised by
//! its supervising social worker, by default every 6 weeks, and reviewed
//! every year — the in-house side of contract monitoring.

use kernel::months::add_months;
use kernel::Nation;
use serde::Serialize;
use time::{Date, Duration};

kernel::coded!(
    /// How a household is approved.
    ApprovalType {
        Mainstream = "mainstream", "Mainstream foster carers";
        KinshipTemporary = "kinship-temporary", "Connected person (temporary approval)";
        Kinship = "kinship", "Connected person (full approval)";
        LongTerm = "long-term", "Long-term (permanence) carers";
    }
);

/// The last day of a temporary approval granted on `approved_on`.
pub fn temporary_approval_ends(approved_on: Date, nation: Nation, extended: bool) -> Date {
    let weeks = match (nation, extended) {
        (Nation::England, false) => 16,
        (Nation::England, true) => 24,
        (Nation::Wales, _) => 24,
    };
    approved_on + Duration::weeks(weeks) - Duration::days(1)
}

/// Where a household's approval stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum ApprovalStanding {
    Approved,
    /// Temporary, ending on `ends_on` (inclusive).
    Temporary {
        ends_on: Date,
        days_left: i64,
    },
    /// Temporary approval ran out: the placement must end or full approval
    /// be given.
    Lapsed {
        ended_on: Date,
    },
}

impl ApprovalStanding {
    pub fn label(&self) -> String {
        match self {
            ApprovalStanding::Approved => "Approved".to_owned(),
            ApprovalStanding::Temporary { days_left, .. } => format!("Temporary: {days_left} days left"),
            ApprovalStanding::Lapsed { .. } => "Temporary approval lapsed".to_owned(),
        }
    }

    pub fn is_lapsed(&self) -> bool {
        matches!(self, ApprovalStanding::Lapsed { .. })
    }
}

/// The household's standing on `today`.
pub fn standing(approval: ApprovalType, approved_on: Date, nation: Nation, extended: bool, today: Date) -> ApprovalStanding {
    if approval != ApprovalType::KinshipTemporary {
        return ApprovalStanding::Approved;
    }
    let ends_on = temporary_approval_ends(approved_on, nation, extended);
    if today > ends_on {
        ApprovalStanding::Lapsed { ended_on: ends_on }
    } else {
        ApprovalStanding::Temporary {
            ends_on,
            days_left: (ends_on - today).whole_days(),
        }
    }
}

/// When the next supervisory visit and the next annual review are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SupervisionDue {
    pub visit_due: Date,
    pub review_due: Date,
}

/// Visits every `visit_weeks` from the last (or from approval); reviews a
/// year after the last (or after approval).
pub fn supervision_due(approved_on: Date, last_visit: Option<Date>, last_review: Option<Date>, visit_weeks: u32) -> SupervisionDue {
    SupervisionDue {
        visit_due: last_visit.unwrap_or(approved_on) + Duration::weeks(i64::from(visit_weeks)),
        review_due: add_months(last_review.unwrap_or(approved_on), 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn temporary_approval_runs_sixteen_weeks_in_england() {
        let on = date!(2026 - 09 - 01);
        assert_eq!(temporary_approval_ends(on, Nation::England, false), date!(2026 - 12 - 21));
        assert_eq!(temporary_approval_ends(on, Nation::England, true), date!(2027 - 02 - 15));
        assert_eq!(temporary_approval_ends(on, Nation::Wales, false), date!(2027 - 02 - 15));
    }

    #[test]
    fn standing_counts_down_and_then_lapses() {
        let on = date!(2026 - 09 - 01);
        let t = ApprovalType::KinshipTemporary;
        assert_eq!(
            standing(t, on, Nation::England, false, date!(2026 - 12 - 21)),
            ApprovalStanding::Temporary {
                ends_on: date!(2026 - 12 - 21),
                days_left: 0
            }
        );
        assert!(standing(t, on, Nation::England, false, date!(2026 - 12 - 22)).is_lapsed());
        assert!(!standing(t, on, Nation::England, true, date!(2026 - 12 - 22)).is_lapsed());
        assert_eq!(
            standing(ApprovalType::Mainstream, on, Nation::England, false, date!(2030 - 01 - 01)),
            ApprovalStanding::Approved
        );
    }

    #[test]
    fn supervision_runs_from_the_last_visit_and_review() {
        let due = supervision_due(date!(2025 - 01 - 10), Some(date!(2026 - 10 - 01)), None, 6);
        assert_eq!(due.visit_due, date!(2026 - 11 - 12));
        assert_eq!(due.review_due, date!(2026 - 01 - 10));
    }
}
