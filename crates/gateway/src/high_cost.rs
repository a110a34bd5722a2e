//! High-cost placement reviews: every placement above a weekly threshold is
//! reviewed at a fixed interval, each review keyed to the last one.

use std::str::FromStr;

use kernel::months::add_months;
use kernel::Money;
use serde::{Deserialize, Serialize};
use time::Date;

/// The council's policy (defaults: above £5,000 a week, every 3 months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub weekly_threshold: Money,
    pub interval_months: u32,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            weekly_threshold: Money::from_pounds(5_000),
            interval_months: 3,
        }
    }
}

impl Policy {
    /// Whether a placement at `weekly` is high-cost (strictly above the threshold).
    pub fn is_high_cost(&self, weekly: Money) -> bool {
        weekly > self.weekly_threshold
    }

    /// When the next review is due: the interval after the last review, or
    /// after the placement started if it has never been reviewed.
    pub fn next_due(&self, placement_start: Date, last_review: Option<Date>) -> Date {
        add_months(last_review.unwrap_or(placement_start), self.interval_months)
    }
}

/// What a review decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Continue,
    StepDown,
    Renegotiate,
    End,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::Continue, Outcome::StepDown, Outcome::Renegotiate, Outcome::End];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Continue => "continue",
            Outcome::StepDown => "step-down",
            Outcome::Renegotiate => "renegotiate",
            Outcome::End => "end",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Continue => "Continue as it is",
            Outcome::StepDown => "Plan a step down",
            Outcome::Renegotiate => "Renegotiate the cost",
            Outcome::End => "End the placement",
        }
    }
}

impl FromStr for Outcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.code() == s)
            .ok_or_else(|| format!("'{s}' is not a review outcome"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_threshold_is_strictly_above() {
        let policy = Policy::default();
        assert!(!policy.is_high_cost(Money::from_pounds(5_000)));
        assert!(policy.is_high_cost(Money::from_pence(500_001)));
    }

    #[test]
    fn reviews_are_keyed_to_the_last_one() {
        let policy = Policy::default();
        assert_eq!(policy.next_due(date!(2026 - 01 - 31), None), date!(2026 - 04 - 30));
        assert_eq!(
            policy.next_due(date!(2026 - 01 - 31), Some(date!(2026 - 05 - 10))),
            date!(2026 - 08 - 10)
        );
        let monthly = Policy {
            interval_months: 1,
            ..policy
        };
        assert_eq!(monthly.next_due(date!(2027 - 12 - 15), None), date!(2028 - 01 - 15));
    }

    #[test]
    fn outcomes_round_trip() {
        for outcome in Outcome::ALL {
            assert_eq!(outcome.code().parse::<Outcome>(), Ok(outcome));
        }
    }
}
