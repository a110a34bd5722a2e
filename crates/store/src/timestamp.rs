//! Instants and dates as fixed-format TEXT, identical on both backends.
//!
//! Fixed width means text order equals time order, so `ORDER BY at` and
//! range comparisons work the same in SQLite and PostgreSQL.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::error::StoreError;

const INSTANT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
const DATE: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// `2026-11-22T09:15:00.000000Z`.
pub fn instant_text(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(INSTANT)
        .unwrap_or_else(|_| unreachable_format())
}

pub fn parse_instant(text: &str) -> Result<OffsetDateTime, StoreError> {
    PrimitiveDateTime::parse(text, INSTANT)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| StoreError::corrupt(format!("instant '{text}': {e}")))
}

/// `2026-11-22`.
pub fn date_text(date: Date) -> String {
    date.format(DATE).unwrap_or_else(|_| unreachable_format())
}

pub fn parse_date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text, DATE).map_err(|e| StoreError::corrupt(format!("date '{text}': {e}")))
}

pub fn parse_optional_date(text: Option<&str>) -> Result<Option<Date>, StoreError> {
    text.map(parse_date).transpose()
}

// Formatting a valid value with a static description cannot fail; an empty
// string would be caught by the parse on read.
fn unreachable_format() -> String {
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn instants_round_trip_and_sort_as_text() {
        let a = datetime!(2026-03-29 00:30:00.123456 UTC);
        let b = datetime!(2026-11-22 09:05:00 UTC);
        assert_eq!(parse_instant(&instant_text(a)).unwrap(), a);
        assert!(instant_text(a) < instant_text(b));
        assert_eq!(instant_text(b), "2026-11-22T09:05:00.000000Z");
    }

    #[test]
    fn dates_round_trip() {
        let d = date!(2028 - 02 - 29);
        assert_eq!(parse_date(&date_text(d)).unwrap(), d);
        assert!(parse_date("2027-02-29").is_err());
    }
}
