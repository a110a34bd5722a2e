//! The collection year: the year a return ends. "2026" is 2025-26, which runs
//! from 1 April 2025 to 31 March 2026.

use std::fmt;

use time::{Date, Month};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CollectionYear(i32);

/// Why a collection year was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the year must be the year the return ends, such as 2026, 2025/26 or 2025-26 (got \"{0}\")")]
pub struct YearError(pub String);

impl CollectionYear {
    /// The first and last years Hearth has rule packs for (2022-23 to 2026-27).
    pub const FIRST: i32 = 2023;
    pub const LAST: i32 = 2027;

    pub fn new(ending: i32) -> Result<CollectionYear, YearError> {
        if (CollectionYear::FIRST..=CollectionYear::LAST).contains(&ending) {
            Ok(CollectionYear(ending))
        } else {
            Err(YearError(ending.to_string()))
        }
    }

    /// Accepts "2026", "2025/26" and "2025-26"; the last two name the year
    /// by where it starts, so they are read as the year after.
    pub fn parse(text: &str) -> Result<CollectionYear, YearError> {
        let text = text.trim();
        let bad = || YearError(text.to_owned());
        let ending = match text.split_once(['/', '-']) {
            None => text.parse::<i32>().map_err(|_| bad())?,
            Some((start, end)) => {
                let start: i32 = start.parse().map_err(|_| bad())?;
                let end: i32 = end.parse().map_err(|_| bad())?;
                if end % 100 != (start + 1) % 100 {
                    return Err(bad());
                }
                start + 1
            }
        };
        CollectionYear::new(ending).map_err(|_| bad())
    }

    /// The year a date's return belongs to.
    pub fn containing(date: Date) -> i32 {
        children::codes::collection_year(date)
    }

    pub fn ending(self) -> i32 {
        self.0
    }

    /// 1 April of the year before.
    pub fn start(self) -> Date {
        Date::from_calendar_date(self.0 - 1, Month::April, 1).expect("1 April exists")
    }

    /// 31 March.
    pub fn end(self) -> Date {
        Date::from_calendar_date(self.0, Month::March, 31).expect("31 March exists")
    }

    /// The year before, for the continuity rules.
    pub fn previous(self) -> CollectionYear {
        CollectionYear(self.0 - 1)
    }

    /// The rule pack's name, as the reference names it: lac2025_26.
    pub fn pack(self) -> String {
        format!("lac{}_{:02}", self.0 - 1, self.0 % 100)
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0 - 1, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_year_is_named_by_its_end() {
        let year = CollectionYear::parse("2026").unwrap();
        assert_eq!(year.start(), date!(2025 - 04 - 01));
        assert_eq!(year.end(), date!(2026 - 03 - 31));
        assert_eq!(year.pack(), "lac2025_26");
        assert_eq!(year.to_string(), "2025-26");
        assert_eq!(CollectionYear::parse("2025/26").unwrap(), year);
        assert_eq!(CollectionYear::parse("2025-26").unwrap(), year);
    }

    #[test]
    fn years_without_a_pack_are_refused() {
        assert!(CollectionYear::parse("2021").is_err());
        assert!(CollectionYear::parse("2028").is_err());
        assert!(CollectionYear::parse("2025/27").is_err());
        assert!(CollectionYear::parse("twenty").is_err());
    }
}
