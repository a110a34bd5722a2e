//! Calendar dates and date ranges.
//!
//! A [`DateRange`] runs from `start` up to but not including `end`, the date
//! something ceased (as SSDA903 records it: the next placement starts the
//! same day the last ended). An open range has no end yet. Using one
//! convention everywhere makes "days in placement" and "no overlaps" simple
//! to state and to test.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// A start date and an optional exclusive end date.
///
/// Deserializing checks the same rule as [`DateRange::new`], so a range read
/// from JSON or a form can never run backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedDateRange")]
pub struct DateRange {
    start: Date,
    end: Option<Date>,
}

/// A range whose end comes before its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the end date must be the same as or after the start date")]
pub struct DateRangeError;

/// The serialized shape of a [`DateRange`], before its dates are checked.
#[derive(Deserialize)]
struct UncheckedDateRange {
    start: Date,
    end: Option<Date>,
}

impl TryFrom<UncheckedDateRange> for DateRange {
    type Error = DateRangeError;

    fn try_from(fields: UncheckedDateRange) -> Result<Self, Self::Error> {
        DateRange::new(fields.start, fields.end)
    }
}

impl DateRange {
    /// A range from `start` up to but not including `end`. `end == start` is
    /// allowed: something that began and ceased on the same day lasted zero
    /// days, and SSDA903 records such episodes.
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

    /// Whether some day lies in both. Ranges that merely touch (one ends the
    /// day the other starts) do not overlap, and zero-length ranges overlap
    /// nothing, because they contain no day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.intersection(other).is_some()
    }

    /// The days in both, or `None` if they share no day (the result is
    /// never zero-length).
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

    /// The part of `self` inside `window` (a year, a reporting period), or
    /// `None` if none of it is. The same as [`DateRange::intersection`],
    /// named for call sites that cut a range down to a window.
    pub fn clamp_to(&self, window: &DateRange) -> Option<DateRange> {
        self.intersection(window)
    }

    /// Number of days, or `None` when open.
    pub fn days(&self) -> Option<i64> {
        self.end.map(|end| (end - self.start).whole_days())
    }

    /// Days of the range that fall before `date` (exclusive), at least 0:
    /// "days in placement so far" for an open placement.
    pub fn days_until(&self, date: Date) -> i64 {
        let stop = self.end.map_or(date, |end| end.min(date));
        (stop - self.start).whole_days().max(0)
    }
}

/// Text that is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a real date in the form YYYY-MM-DD")]
pub struct DateParseError(pub String);

/// Parses exactly `YYYY-MM-DD` (surrounding whitespace ignored), refusing
/// impossible dates such as 29 February in a common year. Written by hand
/// rather than with `time`'s parser, which also accepts a leading sign
/// ("+2026-03-05"), a form no person or system here should send.
pub fn parse_iso_date(text: &str) -> Result<Date, DateParseError> {
    let invalid = || DateParseError(text.to_owned());
    let trimmed = text.trim().as_bytes();
    let shape_ok = trimmed.len() == 10
        && trimmed.iter().enumerate().all(|(index, byte)| {
            if index == 4 || index == 7 {
                *byte == b'-'
            } else {
                byte.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(invalid());
    }
    let number = |from: usize, to: usize| {
        trimmed[from..to]
            .iter()
            .fold(0u16, |total, digit| total * 10 + u16::from(digit - b'0'))
    };
    let month = u8::try_from(number(5, 7))
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(invalid)?;
    let day = u8::try_from(number(8, 10)).map_err(|_| invalid())?;
    Date::from_calendar_date(i32::from(number(0, 4)), month, day).map_err(|_| invalid())
}

/// `2026-03-05`, for machines (APIs, exports, form values).
pub fn format_iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// `05/03/2026`, the form SSDA903 and most councils use.
pub fn format_uk_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), u8::from(date.month()), date.year())
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
    use serde::de::value::{Error as ValueError, MapDeserializer, SeqDeserializer};
    use time::macros::date;

    fn range(start: Date, end: Option<Date>) -> DateRange {
        DateRange::new(start, end).unwrap()
    }

    #[test]
    fn end_is_exclusive() {
        let r = range(date!(2026 - 01 - 01), Some(date!(2026 - 01 - 08)));
        assert_eq!(r.days(), Some(7));
        assert!(!r.contains(date!(2025 - 12 - 31)));
        assert!(r.contains(date!(2026 - 01 - 01)));
        assert!(r.contains(date!(2026 - 01 - 07)));
        assert!(!r.contains(date!(2026 - 01 - 08)));
        let next = range(date!(2026 - 01 - 08), None);
        assert!(!r.overlaps(&next), "a placement ending the day the next starts does not overlap it");
        assert_eq!(r.intersection(&next), None);
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
    fn zero_length_ranges_hold_no_day() {
        let day = date!(2026 - 05 - 01);
        let same_day = range(day, Some(day));
        let around = range(date!(2026 - 04 - 01), None);
        assert_eq!(same_day.days(), Some(0));
        assert!(!same_day.contains(day));
        assert!(!same_day.overlaps(&around));
        assert!(!around.overlaps(&same_day));
        assert!(!same_day.overlaps(&same_day));
        assert_eq!(same_day.clamp_to(&around), None);
    }

    #[test]
    fn open_ranges() {
        let open = range(date!(2026 - 01 - 01), None);
        assert!(open.is_open());
        assert_eq!(open.days(), None);
        assert!(open.contains(date!(2099 - 12 - 31)));
        let year = range(date!(2026 - 01 - 01), Some(date!(2027 - 01 - 01)));
        let later = range(date!(2026 - 07 - 01), None);
        assert_eq!(
            later.clamp_to(&year),
            Some(range(date!(2026 - 07 - 01), Some(date!(2027 - 01 - 01))))
        );
        assert_eq!(open.intersection(&later), Some(later));
    }

    #[test]
    fn days_until_counts_open_and_closed_ranges() {
        let open = range(date!(2026 - 01 - 01), None);
        assert_eq!(open.days_until(date!(2026 - 01 - 11)), 10);
        assert_eq!(open.days_until(date!(2025 - 12 - 01)), 0);
        let closed = range(date!(2026 - 01 - 01), Some(date!(2026 - 01 - 05)));
        assert_eq!(closed.days_until(date!(2026 - 01 - 03)), 2);
        assert_eq!(closed.days_until(date!(2026 - 02 - 01)), 4);
    }

    #[test]
    fn formats() {
        assert_eq!(format_iso_date(date!(2026 - 03 - 05)), "2026-03-05");
        assert_eq!(format_uk_date(date!(2026 - 03 - 05)), "05/03/2026");
        assert_eq!(format_long_date(date!(2026 - 03 - 05)), "5 March 2026");
        assert_eq!(format_long_date(date!(2026 - 12 - 25)), "25 December 2026");
    }

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(parse_iso_date("2028-02-29"), Ok(date!(2028 - 02 - 29)));
        assert_eq!(parse_iso_date(" 2026-03-05\n"), Ok(date!(2026 - 03 - 05)));
        for bad in [
            "2027-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-3-5",
            "+2026-03-05",
            "-2026-03-05",
            "05/03/2026",
            "2026-03-05T00:00",
            "",
            "2026_03_05",
            "２０２６-03-05",
        ] {
            assert_eq!(parse_iso_date(bad), Err(DateParseError(bad.to_owned())), "{bad:?}");
        }
        assert_eq!(
            parse_iso_date("2026-02-30").unwrap_err().to_string(),
            "'2026-02-30' is not a real date in the form YYYY-MM-DD"
        );
    }

    #[test]
    fn deserializing_checks_the_dates() {
        // Serde reads an `UncheckedDateRange` and converts it with `try_from`;
        // the conversion is where backwards ranges are refused.
        let unchecked = |start, end| UncheckedDateRange { start, end: Some(end) };
        assert_eq!(
            DateRange::try_from(unchecked(date!(2026 - 01 - 02), date!(2026 - 01 - 01))),
            Err(DateRangeError)
        );
        assert_eq!(
            DateRange::try_from(unchecked(date!(2026 - 01 - 01), date!(2026 - 01 - 02))),
            Ok(range(date!(2026 - 01 - 01), Some(date!(2026 - 01 - 02))))
        );
        // And serde does go through it: an open range from a map, with the
        // date in time's compact (year, day of year) form, which it reads
        // whether or not its human-readable serde feature is on.
        let start = date!(2026 - 03 - 01);
        let compact = SeqDeserializer::<_, ValueError>::new([i64::from(start.year()), i64::from(start.ordinal())].into_iter());
        let open = DateRange::deserialize(MapDeserializer::<_, ValueError>::new([("start", compact)].into_iter()));
        assert_eq!(open, Ok(range(start, None)));
    }

    fn arbitrary_range() -> impl Strategy<Value = DateRange> {
        (0i64..2000, proptest::option::of(0i64..400)).prop_map(|(start, length)| {
            let start = date!(2020 - 01 - 01) + time::Duration::days(start);
            DateRange::new(start, length.map(|l| start + time::Duration::days(l))).unwrap()
        })
    }

    fn arbitrary_day() -> impl Strategy<Value = Date> {
        (0i64..2500).prop_map(|offset| date!(2020 - 01 - 01) + time::Duration::days(offset))
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric(a in arbitrary_range(), b in arbitrary_range()) {
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
            prop_assert_eq!(a.intersection(&b), b.intersection(&a));
        }

        #[test]
        fn intersection_holds_exactly_the_days_in_both(a in arbitrary_range(), b in arbitrary_range(), day in arbitrary_day()) {
            let in_both = a.contains(day) && b.contains(day);
            let in_intersection = a.intersection(&b).is_some_and(|i| i.contains(day));
            prop_assert_eq!(in_both, in_intersection);
            if in_both {
                prop_assert!(a.overlaps(&b));
            }
        }

        #[test]
        fn intersection_lies_inside_both(a in arbitrary_range(), b in arbitrary_range()) {
            if let Some(both) = a.intersection(&b) {
                for range in [a, b] {
                    prop_assert!(both.start() >= range.start());
                    if let Some(end) = range.end() {
                        prop_assert!(both.end().is_some_and(|e| e <= end));
                    }
                }
                prop_assert!(both.days() != Some(0));
                prop_assert!(a.overlaps(&b));
            } else {
                prop_assert!(!a.overlaps(&b));
            }
        }

        #[test]
        fn days_until_counts_the_contained_days(r in arbitrary_range(), day in arbitrary_day()) {
            let mut counted = 0;
            let mut d = r.start();
            while d < day {
                if r.contains(d) {
                    counted += 1;
                }
                d += time::Duration::days(1);
            }
            prop_assert_eq!(r.days_until(day), counted);
            if let Some(days) = r.days() {
                prop_assert!(r.days_until(day) <= days);
            }
        }

        #[test]
        fn iso_dates_round_trip(day in arbitrary_day()) {
            prop_assert_eq!(parse_iso_date(&format_iso_date(day)), Ok(day));
        }
    }
}
