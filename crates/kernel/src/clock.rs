//! The clock, injected wherever the time matters.
//!
//! Deadlines, payment runs and sessions depend on "now". Taking it from a
//! `&dyn Clock` lets tests fix the date (including bank holidays, leap days
//! and the clocks changing) and lets a tidy test forbid reading the system
//! time anywhere else.

use std::sync::Mutex;

use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset, Weekday};

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;

    /// Today's date in the UK.
    fn today(&self) -> Date {
        uk_local_date(self.now())
    }
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        // The one place Hearth reads the system time.
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until told to move, for tests and demos.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<OffsetDateTime>,
}

impl FixedClock {
    pub fn at(now: OffsetDateTime) -> FixedClock {
        FixedClock { now: Mutex::new(now) }
    }

    /// Noon UTC on `date`: in the middle of the UK day whether or not
    /// summer time applies, so `today()` is `date` either way.
    pub fn on_date(date: Date) -> FixedClock {
        FixedClock::at(date.with_time(Time::MIDNIGHT + Duration::hours(12)).assume_utc())
    }

    // A poisoned lock only means another test thread panicked while holding
    // it; the instant inside is still a valid instant, so carry on with it.
    pub fn set(&self, now: OffsetDateTime) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = now;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The date in the UK at `instant`: UTC, or UTC+1 during British Summer
/// Time (01:00 UTC on the last Sunday of March to 01:00 UTC on the last
/// Sunday of October).
///
/// Computed from the statutory rule (Summer Time Act 1972 as amended)
/// rather than a time-zone database, which would be I/O; the rule has been
/// stable since 1998 and a change would need an Act of Parliament.
pub fn uk_local_date(instant: OffsetDateTime) -> Date {
    let utc = instant.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let starts = last_sunday(year, Month::March)
        .with_time(Time::MIDNIGHT + Duration::hours(1))
        .assume_utc();
    let ends = last_sunday(year, Month::October)
        .with_time(Time::MIDNIGHT + Duration::hours(1))
        .assume_utc();
    if utc >= starts && utc < ends {
        (utc + Duration::hours(1)).date()
    } else {
        utc.date()
    }
}

fn last_sunday(year: i32, month: Month) -> Date {
    let mut day = Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MIN);
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day().unwrap_or(day);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn british_summer_time_moves_the_date_late_in_the_evening() {
        assert_eq!(uk_local_date(datetime!(2026-06-30 23:30 UTC)), date!(2026 - 07 - 01));
        assert_eq!(uk_local_date(datetime!(2026-06-30 22:59:59 UTC)), date!(2026 - 06 - 30));
        assert_eq!(uk_local_date(datetime!(2026-12-31 23:30 UTC)), date!(2026 - 12 - 31));
    }

    #[test]
    fn the_changeover_instants() {
        // BST 2026 starts 29 March 01:00 UTC and ends 25 October 01:00 UTC.
        assert_eq!(uk_local_date(datetime!(2026-03-29 00:30 UTC)), date!(2026 - 03 - 29));
        assert_eq!(uk_local_date(datetime!(2026-03-28 23:30 UTC)), date!(2026 - 03 - 28));
        assert_eq!(uk_local_date(datetime!(2026-03-29 23:00 UTC)), date!(2026 - 03 - 30));
        assert_eq!(uk_local_date(datetime!(2026-10-24 23:30 UTC)), date!(2026 - 10 - 25));
        assert_eq!(uk_local_date(datetime!(2026-10-25 23:30 UTC)), date!(2026 - 10 - 25));
        // The last instant of BST and the first after it, an hour apart.
        assert_eq!(uk_local_date(datetime!(2026-10-25 00:59:59 UTC)), date!(2026 - 10 - 25));
        assert_eq!(uk_local_date(datetime!(2026-10-25 01:00 UTC)), date!(2026 - 10 - 25));
    }

    #[test]
    fn summer_time_starts_and_ends_on_the_last_sundays() {
        // 2027: last Sunday of March is 28th, of October 31st.
        assert_eq!(uk_local_date(datetime!(2027-03-27 23:30 UTC)), date!(2027 - 03 - 27));
        assert_eq!(uk_local_date(datetime!(2027-03-28 23:30 UTC)), date!(2027 - 03 - 29));
        assert_eq!(uk_local_date(datetime!(2027-10-30 23:30 UTC)), date!(2027 - 10 - 31));
        assert_eq!(uk_local_date(datetime!(2027-10-31 23:30 UTC)), date!(2027 - 10 - 31));
        // 2028 is a leap year: last Sundays are 26 March and 29 October.
        assert_eq!(last_sunday(2028, Month::March), date!(2028 - 03 - 26));
        assert_eq!(last_sunday(2028, Month::October), date!(2028 - 10 - 29));
    }

    #[test]
    fn instants_in_other_offsets_are_converted_first() {
        // 02:00 on 1 July in Tokyo is 17:00 on 30 June UTC, 18:00 in London.
        assert_eq!(uk_local_date(datetime!(2026-07-01 02:00 +9)), date!(2026 - 06 - 30));
        // 20:00 on 31 December in New York is 01:00 on 1 January in London.
        assert_eq!(uk_local_date(datetime!(2026-12-31 20:00 -5)), date!(2027 - 01 - 01));
    }

    #[test]
    fn fixed_clocks_move_only_when_told() {
        let clock = FixedClock::on_date(date!(2026 - 11 - 22));
        assert_eq!(clock.today(), date!(2026 - 11 - 22));
        assert_eq!(clock.now(), clock.now());
        clock.advance(Duration::days(1));
        assert_eq!(clock.today(), date!(2026 - 11 - 23));
        clock.set(datetime!(2027-01-01 09:00 UTC));
        assert_eq!(clock.now(), datetime!(2027-01-01 09:00 UTC));
        assert_eq!(clock.today(), date!(2027 - 01 - 01));
    }

    #[test]
    fn on_date_gives_that_date_in_summer_too() {
        let clock: &dyn Clock = &FixedClock::on_date(date!(2026 - 07 - 15));
        assert_eq!(clock.today(), date!(2026 - 07 - 15));
    }
}
