//! Calendar dates and date ranges.
//!
//! A [`DateRange`] runs from `start` up to but not including `end`, the date
//! something ceased (as SSDA903 records it: the next placement starts the
//! same day the last ended). An open range has no end yet. Using one
//! convention everywhere makes "days in placement" and "no overlaps" simple
//! to state and to test.

use serde::{Deserialize, Serialize};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, Month};

/// A start date and an optional exclusive end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    start: Date,
    end: Option<Date>,
}

/// A range whose end comes before its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the end date must be the same as or after the start date")]
pub struct DateRangeError;

impl DateRange {
    pub fn new(start: Date, end: Option<Date>) -> Result<DateRange, DateRangeError> {
        match end {
            Some(end) if end < start => Err(DateRangeError),
            _ => Ok(DateRange { start, end }),
        }
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn end(&self) -> Option<Date> {
        self.end
    }

    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    pub fn contains(&self, date: Date) -> bool {
        date >= self.start && self.end.is_none_or(|end| date < end)
    }

    /// Whether some day lies in both; zero-length ranges overlap nothing.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.intersection(other).is_some_and(|r| r.days() != Some(0))
    }

    /// The days in both, if any.
    pub fn intersection(&self, other: &DateRange) -> Option<DateRange> {
        let start = self.start.max(other.start);
        let end = match (self.end, other.end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        };
        match end {
            Some(end) if end <= start => None,
            _ => Some(DateRange { start, end }),
        }
    }

    /// Alias of [`DateRange::intersection`] for readability at call sites.
    pub fn clamp_to(&self, window: &DateRange) -> Option<DateRange> {
        self.intersection(window)
    }

    /// Number of days, or `None` when open.
    pub fn days(&self) -> Option<i64> {
        self.end.map(|end| (end - self.start).whole_days())
    }

    /// Days of the range that fall before `date` (exclusive), at least 0.
    pub fn days_until(&self, date: Date) -> i64 {
        let stop = self.end.map_or(date, |end| end.min(date));
        (stop - self.start).whole_days().max(0)
    }
}

const ISO: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");
const UK: &[FormatItem<'static>] = format_description!("[day]/[month]/[year]");

/// Text that is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a real date in the form YYYY-MM-DD")]
pub struct DateParseError(pub String);

/// Parses `YYYY-MM-DD`.
pub fn parse_iso_date(text: &str) -> Result<Date, DateParseError> {
    Date::parse(text.trim(), ISO).map_err(|_| DateParseError(text.to_owned()))
}

/// `2026-03-05`.
pub fn format_iso_date(date: Date) -> String {
    date.format(ISO).unwrap_or_default()
}

/// `05/03/2026`, the form SSDA903 and most councils use.
pub fn format_uk_date(date: Date) -> String {
    date.format(UK).unwrap_or_default()
}

/// `5 March 2026`, the GOV.UK style for pages.
pub fn format_long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), month_name(date.month()), date.year())
}

fn month_name(month: Month) -> &'static str {
    match month {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn range(start: Date, end: Option<Date>) -> DateRange {
        DateRange::new(start, end).unwrap()
    }

    #[test]
    fn end_is_exclusive() {
        let r = range(date!(2026 - 01 - 01), Some(date!(2026 - 01 - 08)));
        assert_eq!(r.days(), Some(7));
        assert!(r.contains(date!(2026 - 01 - 07)));
        assert!(!r.contains(date!(2026 - 01 - 08)));
        let next = range(date!(2026 - 01 - 08), None);
        assert!(!r.overlaps(&next), "a placement ending the day the next starts does not overlap it");
    }

    #[test]
    fn backwards_ranges_are_refused() {
        assert_eq!(
            DateRange::new(date!(2026 - 01 - 02), Some(date!(2026 - 01 - 01))),
            Err(DateRangeError)
        );
        assert!(DateRange::new(date!(2026 - 01 - 02), Some(date!(2026 - 01 - 02))).is_ok());
    }

    #[test]
    fn formats() {
        assert_eq!(format_uk_date(date!(2026 - 03 - 05)), "05/03/2026");
        assert_eq!(format_long_date(date!(2026 - 03 - 05)), "5 March 2026");
        assert_eq!(parse_iso_date("2028-02-29"), Ok(date!(2028 - 02 - 29)));
        assert!(parse_iso_date("2027-02-29").is_err());
    }

    #[test]
    fn days_until_counts_open_ranges() {
        let r = range(date!(2026 - 01 - 01), None);
        assert_eq!(r.days_until(date!(2026 - 01 - 11)), 10);
        assert_eq!(r.days_until(date!(2025 - 12 - 01)), 0);
    }

    fn arbitrary_range() -> impl Strategy<Value = DateRange> {
        (0i64..2000, proptest::option::of(0i64..400)).prop_map(|(start, length)| {
            let start = date!(2020 - 01 - 01) + time::Duration::days(start);
            DateRange::new(start, length.map(|l| start + time::Duration::days(l))).unwrap()
        })
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric(a in arbitrary_range(), b in arbitrary_range()) {
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
        }

        #[test]
        fn intersection_lies_in_both(a in arbitrary_range(), b in arbitrary_range(), probe in 0i64..2500) {
            let day = date!(2020 - 01 - 01) + time::Duration::days(probe);
            let both = a.contains(day) && b.contains(day);
            let in_intersection = a.intersection(&b).is_some_and(|i| i.contains(day));
            prop_assert_eq!(both, in_intersection);
        }
    }
}
