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

use std::collections::{BTreeMap, BTreeSet};
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
    /// The nation's listed bank holidays (the data years only), with names.
    listed: BTreeMap<Date, String>,
    /// Days the council's offices are shut on top of bank holidays.
    local_closures: BTreeSet<Date>,
}

impl WorkingDays {
    /// The calendar for `nation` plus the council's own closure days (from
    /// its configuration, for example the days between Christmas and New
    /// Year).
    pub fn new(nation: Nation, local_closures: impl IntoIterator<Item = Date>) -> WorkingDays {
        // The list is compiled in and checked by the tests in `tests.rs`, so
        // a failure here is a broken build, not bad input.
        let listed = parse_holiday_list(nation.holiday_data())
            .unwrap_or_else(|error| panic!("the bundled bank-holiday list for {nation} is malformed: {error}"));
        WorkingDays {
            nation,
            listed: listed.into_iter().collect(),
            local_closures: local_closures.into_iter().collect(),
        }
    }

    pub fn nation(&self) -> Nation {
        self.nation
    }

    /// Whether `date` is a bank holiday: from the data in the data years,
    /// by the standard rules outside them.
    pub fn is_bank_holiday(&self, date: Date) -> bool {
        if in_data_years(date.year()) {
            self.listed.contains_key(&date)
        } else {
            standard_holidays(date.year()).iter().any(|(holiday, _)| *holiday == date)
        }
    }

    /// Not a Saturday or Sunday, not a bank holiday, not a council closure.
    pub fn is_working_day(&self, date: Date) -> bool {
        !is_weekend(date) && !self.local_closures.contains(&date) && !self.is_bank_holiday(date)
    }

    /// The date `n` working days after `from` (`from` itself is not counted,
    /// so a referral on a Friday plus one working day is the next working
    /// day after it). `n = 0` gives `from` itself, working day or not.
    ///
    /// Panics only if the answer would lie beyond the dates `time` can hold.
    pub fn add(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        for _ in 0..n {
            date = self.next_working_day_on_or_after(next_day(date));
        }
        date
    }

    /// The date `n` working days before `from` (`from` itself is not
    /// counted); `n = 0` gives `from`.
    pub fn subtract(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        for _ in 0..n {
            date = self.latest_working_day_on_or_before(previous_day(date));
        }
        date
    }

    /// The number of working days `d` with `from < d <= to`, or minus the
    /// number with `to < d <= from` when `to` is earlier; so
    /// `count_between(a, add(a, n)) == n`.
    pub fn count_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.count_between(to, from);
        }
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = next_day(date);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }

    /// `date` if it is a working day, otherwise the first one after it.
    pub fn next_working_day_on_or_after(&self, date: Date) -> Date {
        let mut date = date;
        while !self.is_working_day(date) {
            date = next_day(date);
        }
        date
    }

    /// `date` if it is a working day, otherwise the last one before it.
    pub fn latest_working_day_on_or_before(&self, date: Date) -> Date {
        let mut date = date;
        while !self.is_working_day(date) {
            date = previous_day(date);
        }
        date
    }

    /// The bank holidays in `year`, with names, in date order (council
    /// closures are not bank holidays and are not included).
    pub fn bank_holidays_in(&self, year: i32) -> Vec<(Date, &str)> {
        if in_data_years(year) {
            self.listed
                .iter()
                .filter(|(date, _)| date.year() == year)
                .map(|(date, name)| (*date, name.as_str()))
                .collect()
        } else {
            standard_holidays(year)
        }
    }
}

fn in_data_years(year: i32) -> bool {
    (DATA_YEARS.0..=DATA_YEARS.1).contains(&year)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn next_day(date: Date) -> Date {
    date.next_day()
        .expect("working-day arithmetic ran past the last date time can hold")
}

fn previous_day(date: Date) -> Date {
    date.previous_day()
        .expect("working-day arithmetic ran past the first date time can hold")
}

/// A line of a bank-holiday list that is not `YYYY-MM-DD  Name`, a comment or
/// blank.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: expected `YYYY-MM-DD  Name`, found '{text}'")]
pub struct HolidayListError {
    pub line: usize,
    pub text: String,
}

/// Parses a bank-holiday list: one `YYYY-MM-DD  Name` per line, `#`
/// comments and blank lines ignored. Strict, so a typo in the data cannot
/// silently drop a holiday.
pub fn parse_holiday_list(text: &str) -> Result<Vec<(Date, String)>, HolidayListError> {
    let mut holidays = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let error = || HolidayListError {
            line: index + 1,
            text: raw.to_owned(),
        };
        let (date, name) = line.split_once(char::is_whitespace).ok_or_else(error)?;
        let date = crate::dates::parse_iso_date(date).map_err(|_| error())?;
        let name = name.trim();
        if name.is_empty() {
            return Err(error());
        }
        holidays.push((date, name.to_owned()));
    }
    Ok(holidays)
}

/// The bank holidays the standard rules give for `year` in England and
/// Wales, in date order: New Year's Day, Good Friday, Easter Monday, the
/// first Monday of May, the last Mondays of May and August, Christmas Day
/// and Boxing Day, with a holiday that falls at a weekend moved to the next
/// weekday not already a holiday.
///
/// One-off changes (jubilees, state occasions, a moved early May holiday)
/// cannot be predicted and live only in the data file. The rules are those
/// in force since 1978; earlier years get them too, which is historically
/// wrong but never matters, since no deadline Hearth computes falls then.
pub fn standard_holidays(year: i32) -> Vec<(Date, &'static str)> {
    let mut holidays = Vec::with_capacity(8);
    let new_year = calendar_date(year, Month::January, 1);
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
    let december = |day| calendar_date(year, Month::December, day);
    // Christmas and Boxing Day move together: whichever lands at a weekend
    // takes the next weekday the other has not already taken.
    match december(25).weekday() {
        Weekday::Friday => {
            holidays.push((december(25), "Christmas Day"));
            holidays.push((december(28), "Boxing Day (substitute day)"));
        }
        Weekday::Saturday => {
            holidays.push((december(27), "Christmas Day (substitute day)"));
            holidays.push((december(28), "Boxing Day (substitute day)"));
        }
        Weekday::Sunday => {
            holidays.push((december(26), "Boxing Day"));
            holidays.push((december(27), "Christmas Day (substitute day)"));
        }
        _ => {
            holidays.push((december(25), "Christmas Day"));
            holidays.push((december(26), "Boxing Day"));
        }
    }
    holidays.sort();
    holidays
}

/// Builds a date from parts the callers here know to be valid (the first
/// of a month, 25–28 December, Easter's March or April day).
fn calendar_date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).expect("day and month are valid in every year")
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
/// Euclidean division keeps every step non-negative, so even the proleptic
/// years `time` allows give a date in March or April rather than a panic.
fn easter_sunday(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month_and_day = h + l - 7 * m + 114;
    let month = if month_and_day / 31 == 3 { Month::March } else { Month::April };
    let day = u8::try_from(month_and_day % 31 + 1).expect("Easter falls on day 1 to 31");
    calendar_date(year, month, day)
}

fn first_monday(year: i32, month: Month) -> Date {
    let first = calendar_date(year, month, 1);
    let days_to_monday = (7 - i64::from(first.weekday().number_days_from_monday())) % 7;
    first + Duration::days(days_to_monday)
}

fn last_monday(year: i32, month: Month) -> Date {
    let last = calendar_date(year, month, month.length(year));
    last - Duration::days(i64::from(last.weekday().number_days_from_monday()))
}

#[cfg(test)]
mod tests;
