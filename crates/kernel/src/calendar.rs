//! Working days: weekends, bank holidays and council closure days skipped.
//!
//! Statutory timescales are counted in working days (45 for a child and
//! family assessment, 20 for a first review). Bank holidays for England and
//! Wales are held as data (`data/bank-holidays-england-and-wales.txt`,
//! 2015–2030, from GOV.UK, including one-off days), so a reviewer can check
//! them against the published list. Years outside the data follow the
//! standard rules computed by [`standard_holidays`]. A council adds its own
//! closure days (for example between Christmas and New Year) through
//! configuration.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

const ENGLAND_AND_WALES: &str = include_str!("../data/bank-holidays-england-and-wales.txt");

/// First and last years the data file covers.
pub const DATA_YEARS: (i32, i32) = (2015, 2030);

/// The nation whose law and holidays apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nation {
    England,
    Wales,
}

impl Nation {
    /// The bank-holiday list for this nation. England and Wales share one
    /// list today; the mapping lets them diverge (Wales has debated a St
    /// David's Day holiday) without touching callers.
    fn holiday_data(self) -> &'static str {
        match self {
            Nation::England | Nation::Wales => ENGLAND_AND_WALES,
        }
    }
}

impl fmt::Display for Nation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Nation::England => "england",
            Nation::Wales => "wales",
        })
    }
}

/// A nation Hearth does not cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown nation '{0}'; expected england or wales")]
pub struct UnknownNation(pub String);

impl FromStr for Nation {
    type Err = UnknownNation;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "england" => Ok(Nation::England),
            "wales" => Ok(Nation::Wales),
            _ => Err(UnknownNation(s.to_owned())),
        }
    }
}

/// A working-day calendar for one nation and one council.
#[derive(Debug, Clone)]
pub struct WorkingDays {
    nation: Nation,
    /// Bank holidays from the data file, with their names.
    listed: Vec<(Date, String)>,
    closed: BTreeSet<Date>,
}

impl WorkingDays {
    pub fn new(nation: Nation, local_closures: impl IntoIterator<Item = Date>) -> WorkingDays {
        let listed = parse_data(nation.holiday_data());
        let mut closed: BTreeSet<Date> = listed.iter().map(|(d, _)| *d).collect();
        closed.extend(local_closures);
        WorkingDays { nation, listed, closed }
    }

    pub fn nation(&self) -> Nation {
        self.nation
    }

    fn is_bank_holiday(&self, date: Date) -> bool {
        if (DATA_YEARS.0..=DATA_YEARS.1).contains(&date.year()) {
            self.closed.contains(&date)
        } else {
            self.closed.contains(&date) || standard_holidays(date.year()).iter().any(|(d, _)| *d == date)
        }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.is_bank_holiday(date)
    }

    /// The date `n` working days after `from` (`from` itself is not counted).
    pub fn add(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date += Duration::days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The date `n` working days before `from`.
    pub fn subtract(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date -= Duration::days(1);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days `d` with `from < d <= to`; negative when `to < from`.
    pub fn count_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.count_between(to, from);
        }
        let mut count = 0;
        let mut date = from;
        while date < to {
            date += Duration::days(1);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }

    pub fn next_working_day_on_or_after(&self, date: Date) -> Date {
        let mut date = date;
        while !self.is_working_day(date) {
            date += Duration::days(1);
        }
        date
    }

    /// The bank holidays in `year`, with names, in date order.
    pub fn bank_holidays_in(&self, year: i32) -> Vec<(Date, String)> {
        if (DATA_YEARS.0..=DATA_YEARS.1).contains(&year) {
            self.listed.iter().filter(|(d, _)| d.year() == year).cloned().collect()
        } else {
            standard_holidays(year).into_iter().map(|(d, n)| (d, n.to_owned())).collect()
        }
    }
}

fn parse_data(text: &str) -> Vec<(Date, String)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (date, name) = line.split_once("  ")?;
            Some((crate::dates::parse_iso_date(date).ok()?, name.trim().to_owned()))
        })
        .collect()
}

/// The bank holidays the standard rules give for `year` in England and
/// Wales, with weekend substitutions. One-off changes (jubilees, state
/// occasions) are not predictable and live only in the data file.
pub fn standard_holidays(year: i32) -> Vec<(Date, &'static str)> {
    let date = |month, day| Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN);
    let mut holidays = Vec::new();
    let new_year = date(Month::January, 1);
    holidays.push(match new_year.weekday() {
        Weekday::Saturday => (new_year + Duration::days(2), "New Year's Day (substitute day)"),
        Weekday::Sunday => (new_year + Duration::days(1), "New Year's Day (substitute day)"),
        _ => (new_year, "New Year's Day"),
    });
    let easter = easter_sunday(year);
    holidays.push((easter - Duration::days(2), "Good Friday"));
    holidays.push((easter + Duration::days(1), "Easter Monday"));
    holidays.push((first_monday(year, Month::May), "Early May bank holiday"));
    holidays.push((last_monday(year, Month::May), "Spring bank holiday"));
    holidays.push((last_monday(year, Month::August), "Summer bank holiday"));
    let christmas = date(Month::December, 25);
    let (day27, day28) = (date(Month::December, 27), date(Month::December, 28));
    match christmas.weekday() {
        Weekday::Saturday => {
            holidays.push((day27, "Christmas Day (substitute day)"));
            holidays.push((day28, "Boxing Day (substitute day)"));
        }
        Weekday::Sunday => {
            holidays.push((date(Month::December, 26), "Boxing Day"));
            holidays.push((day27, "Christmas Day (substitute day)"));
        }
        Weekday::Friday => {
            holidays.push((christmas, "Christmas Day"));
            holidays.push((day28, "Boxing Day (substitute day)"));
        }
        _ => {
            holidays.push((christmas, "Christmas Day"));
            holidays.push((date(Month::December, 26), "Boxing Day"));
        }
    }
    holidays.sort();
    holidays
}

/// Easter Sunday by the anonymous Gregorian algorithm.
fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 { Month::March } else { Month::April };
    Date::from_calendar_date(year, month, u8::try_from(day).unwrap_or(1)).unwrap_or(Date::MIN)
}

fn first_monday(year: i32, month: Month) -> Date {
    let mut day = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
    while day.weekday() != Weekday::Monday {
        day += Duration::days(1);
    }
    day
}

fn last_monday(year: i32, month: Month) -> Date {
    let last = month.length(year);
    let mut day = Date::from_calendar_date(year, month, last).unwrap_or(Date::MIN);
    while day.weekday() != Weekday::Monday {
        day -= Duration::days(1);
    }
    day
}

#[cfg(test)]
mod tests;
