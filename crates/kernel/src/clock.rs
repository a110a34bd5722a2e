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

    /// Noon UTC on `date`.
    pub fn on_date(date: Date) -> FixedClock {
        FixedClock::at(date.with_time(Time::MIDNIGHT + Duration::hours(12)).assume_utc())
    }

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
        assert_eq!(uk_local_date(datetime!(2026-12-31 23:30 UTC)), date!(2026 - 12 - 31));
    }

    #[test]
    fn the_changeover_instants() {
        // BST 2026 starts 29 March 01:00 UTC and ends 25 October 01:00 UTC.
        assert_eq!(uk_local_date(datetime!(2026-03-29 00:30 UTC)), date!(2026 - 03 - 29));
        assert_eq!(uk_local_date(datetime!(2026-03-28 23:30 UTC)), date!(2026 - 03 - 28));
        assert_eq!(uk_local_date(datetime!(2026-10-24 23:30 UTC)), date!(2026 - 10 - 25));
        assert_eq!(uk_local_date(datetime!(2026-10-25 23:30 UTC)), date!(2026 - 10 - 25));
    }

    #[test]
    fn fixed_clocks_move_only_when_told() {
        let clock = FixedClock::on_date(date!(2026 - 11 - 22));
        assert_eq!(clock.today(), date!(2026 - 11 - 22));
        clock.advance(Duration::days(1));
        assert_eq!(clock.today(), date!(2026 - 11 - 23));
        clock.set(datetime!(2027-01-01 09:00 UTC));
        assert_eq!(clock.today(), date!(2027 - 01 - 01));
    }
}
