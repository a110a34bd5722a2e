//! Small-number suppression for committee reports.
//!
//! Committee papers are public. A count of one to four children, or a
//! percentage of a handful, can identify a child in a small council, so
//! such figures are withheld: counts 1–4 show as "fewer than 5", and a
//! percentage is withheld when its base is under 5. A percentage is also
//! withheld when its own count is withheld, because with the base shown it
//! would give the count straight back (2 of 40 shown as 5%).

use std::fmt;

use serde::Serialize;

/// Counts below this (other than zero) are withheld.
pub const SUPPRESS_BELOW: u64 = 5;

/// A count as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Suppressed {
    Shown(u64),
    FewerThanFive,
}

impl fmt::Display for Suppressed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Suppressed::Shown(count) => write!(f, "{count}"),
            Suppressed::FewerThanFive => f.write_str("fewer than 5"),
        }
    }
}

/// `count` as it may be published: zero is shown (it identifies no one),
/// 1 to 4 are withheld.
pub fn count(count: u64) -> Suppressed {
    if (1..SUPPRESS_BELOW).contains(&count) {
        Suppressed::FewerThanFive
    } else {
        Suppressed::Shown(count)
    }
}

/// A percentage as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Percentage {
    /// Whole per cent, rounded half up.
    Shown(u64),
    Withheld,
}

impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Percentage::Shown(percent) => write!(f, "{percent}%"),
            Percentage::Withheld => f.write_str("withheld"),
        }
    }
}

/// `part` of `base` as a whole percentage, or withheld when the base is
/// under 5 or the part is itself withheld (1 to 4).
pub fn percentage(part: u64, base: u64) -> Percentage {
    if base < SUPPRESS_BELOW || count(part) == Suppressed::FewerThanFive {
        return Percentage::Withheld;
    }
    // Integer rounding half up: (200·part + base) / (2·base); u128 cannot overflow.
    let (part, base) = (u128::from(part), u128::from(base));
    let percent = (200 * part + base) / (2 * base);
    Percentage::Shown(u64::try_from(percent).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_one_to_four_are_withheld() {
        let shown: Vec<String> = (0..7).map(|n| count(n).to_string()).collect();
        assert_eq!(
            shown,
            ["0", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5", "5", "6"]
        );
        assert_eq!(count(1_234), Suppressed::Shown(1_234));
    }

    #[test]
    fn percentages_of_small_bases_are_withheld() {
        assert_eq!(percentage(0, 4), Percentage::Withheld);
        assert_eq!(percentage(4, 4), Percentage::Withheld);
        assert_eq!(percentage(5, 5).to_string(), "100%");
        assert_eq!(percentage(0, 5).to_string(), "0%");
        assert_eq!(percentage(5, 8).to_string(), "63%", "62.5 rounds half up");
        assert_eq!(percentage(10, 30).to_string(), "33%");
        assert_eq!(percentage(u64::MAX, u64::MAX), Percentage::Shown(100));
    }

    #[test]
    fn a_withheld_count_is_not_given_back_by_its_percentage() {
        assert_eq!(percentage(2, 40), Percentage::Withheld);
        assert_eq!(percentage(2, 40).to_string(), "withheld");
    }

    #[test]
    fn published_figures_serialize_plainly() {
        assert_eq!(serde_json::to_string(&count(3)).unwrap(), r#""fewer-than-five""#);
        assert_eq!(serde_json::to_string(&count(12)).unwrap(), r#"{"shown":12}"#);
        assert_eq!(serde_json::to_string(&percentage(2, 3)).unwrap(), r#""withheld""#);
    }
}
