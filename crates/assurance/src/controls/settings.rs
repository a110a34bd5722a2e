//! [`Settings`]: the thresholds a council may set for its controls.
//!
//! Every default is the figure the control's statement quotes, so a council
//! that changes nothing gets the controls as documented. Thresholds are
//! whole days and pence: no floats, and nothing to round.

use kernel::Money;
use serde::{Deserialize, Serialize};
use time::macros::date;
use time::Date;

/// The day the ban on placing under-16s in unregulated settings ("other
/// arrangements") took effect in England: 9 September 2021 (Care
/// Planning, Placement and Case Review (England) (Amendment) Regulations 2021).
pub const ENGLAND_UNREGULATED_BAN_FROM: Date = date!(2021 - 09 - 09);

/// The thresholds the controls test against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Days after a placement starts by which its agreement must be signed
    /// by both parties (default 0: by the start).
    pub agreement_grace_days: u32,
    /// The weekly cost from which a placement is high-cost (default £5,000).
    pub high_cost_weekly: Money,
    /// The longest a high-cost placement may go between reviews, counted
    /// from its start or last review (default 91 days, thirteen weeks).
    pub high_cost_review_days: u32,
    /// The longest an invoice exception may stay open (default 30 days).
    pub invoice_exception_days: u32,
    /// Calendar days after an emergency placement starts by which the
    /// Gateway must ratify it (default 5).
    pub ratification_days: u32,
    /// The day from which a child under 16 may not live in an unregulated
    /// setting; `None` where no such ban applies (default: England's,
    /// [`ENGLAND_UNREGULATED_BAN_FROM`]).
    pub unregulated_under_16_from: Option<Date>,
    /// The first day of placements the decision controls (Gateway
    /// approval, ratification, signed agreement) test: the day Hearth went
    /// live. Placements made before then were decided under the old
    /// process and are not this system's evidence (default: none, every
    /// placement).
    pub decisions_from: Option<Date>,
}

impl Settings {
    /// Whether a placement starting on `start` is one the decision
    /// controls test.
    pub fn tests_decision_on(&self, start: Date) -> bool {
        self.decisions_from.is_none_or(|from| start >= from)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            agreement_grace_days: 0,
            high_cost_weekly: Money::from_pounds(5_000),
            high_cost_review_days: 91,
            invoice_exception_days: 30,
            ratification_days: 5,
            unregulated_under_16_from: Some(ENGLAND_UNREGULATED_BAN_FROM),
            decisions_from: None,
        }
    }
}

/// A setting that would make a control meaningless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("the high-cost threshold must be more than £0.00 a week")]
    HighCostNotPositive,
    #[error("the high-cost review interval must be at least 1 day")]
    ReviewIntervalZero,
}

impl Settings {
    /// Checks the thresholds; the controls run with any values, but a zero
    /// threshold would make every placement high-cost and every review late.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.high_cost_weekly <= Money::ZERO {
            return Err(SettingsError::HighCostNotPositive);
        }
        if self.high_cost_review_days == 0 {
            return Err(SettingsError::ReviewIntervalZero);
        }
        Ok(())
    }
}

/// `date` plus `days`, saturating at the calendar's end rather than failing:
/// a threshold so large it leaves the calendar simply never falls due.
pub(crate) fn days_after(date: Date, days: u32) -> Date {
    date.checked_add(time::Duration::days(i64::from(days))).unwrap_or(Date::MAX)
}

/// The day after `date` (the calendar's last day stays put).
pub(crate) fn day_after(date: Date) -> Date {
    date.next_day().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_figures() {
        let settings = Settings::default();
        assert_eq!(settings.high_cost_weekly, Money::from_pence(500_000));
        assert_eq!(settings.high_cost_review_days, 91);
        assert_eq!(settings.invoice_exception_days, 30);
        assert_eq!(settings.ratification_days, 5);
        assert_eq!(settings.agreement_grace_days, 0);
        assert_eq!(settings.unregulated_under_16_from, Some(date!(2021 - 09 - 09)));
        assert_eq!(settings.validate(), Ok(()));
    }

    #[test]
    fn meaningless_thresholds_are_refused() {
        let zero_cost = Settings {
            high_cost_weekly: Money::ZERO,
            ..Settings::default()
        };
        assert_eq!(zero_cost.validate(), Err(SettingsError::HighCostNotPositive));
        let zero_interval = Settings {
            high_cost_review_days: 0,
            ..Settings::default()
        };
        assert_eq!(zero_interval.validate(), Err(SettingsError::ReviewIntervalZero));
    }

    #[test]
    fn missing_settings_take_their_defaults() {
        let settings: Settings = serde_json::from_str(r#"{"ratification_days": 3}"#).unwrap();
        assert_eq!(settings.ratification_days, 3);
        assert_eq!(settings.high_cost_review_days, 91);
    }

    #[test]
    fn huge_thresholds_never_fall_due() {
        assert_eq!(days_after(Date::MAX, 1), Date::MAX);
        assert_eq!(day_after(Date::MAX), Date::MAX);
    }
}
