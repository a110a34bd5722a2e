//! Calendar-month arithmetic for "within 3 months" rules.
//!
//! A month after 31 January is the last day of February: regulations count
//! calendar months, and the due date never spills into the month after.

use time::{Date, Duration, Month};

/// `date` plus `months` calendar months, clamped to the end of the month.
pub fn add_months(date: Date, months: u32) -> Date {
    let zero_based = i64::from(date.month() as u8) - 1 + i64::from(months);
    let year = date.year() + i32::try_from(zero_based / 12).unwrap_or(0);
    let month = Month::try_from(u8::try_from(zero_based % 12 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// `date` plus whole weeks.
pub fn add_weeks(date: Date, weeks: u32) -> Date {
    date + Duration::weeks(i64::from(weeks))
}

/// The first day (1 April) of the UK public-sector financial year that
/// `date` falls in.
pub fn financial_year_start(date: Date) -> Date {
    let year = if date.month() as u8 >= 4 { date.year() } else { date.year() - 1 };
    Date::from_calendar_date(year, Month::April, 1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_clamp_to_the_end_of_short_months() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 08 - 31), 6), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 15), 3), date!(2027 - 02 - 15));
        assert_eq!(add_months(date!(2026 - 03 - 01), 12), date!(2027 - 03 - 01));
    }

    #[test]
    fn financial_years_start_on_the_first_of_april() {
        assert_eq!(financial_year_start(date!(2026 - 11 - 22)), date!(2026 - 04 - 01));
        assert_eq!(financial_year_start(date!(2026 - 04 - 01)), date!(2026 - 04 - 01));
        assert_eq!(financial_year_start(date!(2026 - 03 - 31)), date!(2025 - 04 - 01));
    }
}
