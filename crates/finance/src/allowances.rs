//! Foster carer allowances and fees.
//!
//! An in-house carer is paid an allowance for the child's keep, banded by
//! age (at least the national minimum allowance), and may be paid a fee for
//! their skills at one of the council's fee levels. The amounts change each
//! financial year, so tables are configuration with the year they start.

use kernel::Money;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::service::{Element, RateLine};

/// The weekly allowance for children aged `age_from` to `age_to` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBand {
    pub age_from: u8,
    pub age_to: u8,
    pub weekly: Money,
}

/// The weekly fee at one level (level 0, "no fee", needs no entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLevel {
    pub level: u8,
    pub weekly: Money,
}

/// One year's allowances and fees, in force from `year_start` until the
/// next table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceTable {
    pub year_start: Date,
    pub bands: Vec<AgeBand>,
    pub fee_levels: Vec<FeeLevel>,
}

/// Why no weekly amount can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AllowanceError {
    #[error("no allowance band covers age {age}")]
    NoBand { age: u8 },
    #[error("there is no fee level {level}")]
    UnknownFeeLevel { level: u8 },
    #[error("no allowance table is in force on that date")]
    NoTable,
    #[error("allowance bands overlap at age {age}")]
    Overlap { age: u8 },
}

/// The weekly allowance and fee for a child of `age` with a carer at
/// `fee_level` (0 for no fee).
pub fn weekly_for(table: &AllowanceTable, age: u8, fee_level: u8) -> Result<(Money, Money), AllowanceError> {
    let band = table
        .bands
        .iter()
        .find(|b| (b.age_from..=b.age_to).contains(&age))
        .ok_or(AllowanceError::NoBand { age })?;
    let fee = if fee_level == 0 {
        Money::ZERO
    } else {
        table
            .fee_levels
            .iter()
            .find(|f| f.level == fee_level)
            .ok_or(AllowanceError::UnknownFeeLevel { level: fee_level })?
            .weekly
    };
    Ok((band.weekly, fee))
}

/// Refuses a table whose bands overlap, which would make the allowance
/// depend on the order they were typed in.
pub fn check(table: &AllowanceTable) -> Result<(), AllowanceError> {
    for age in 0..=u8::MAX {
        if table.bands.iter().filter(|b| (b.age_from..=b.age_to).contains(&age)).count() > 1 {
            return Err(AllowanceError::Overlap { age });
        }
    }
    Ok(())
}

/// The table in force on `on`: the one with the latest start not after it.
pub fn table_on(tables: &[AllowanceTable], on: Date) -> Option<&AllowanceTable> {
    tables.iter().filter(|t| t.year_start <= on).max_by_key(|t| t.year_start)
}

/// Age in whole years on `on`; a child born on 29 February has a birthday
/// on 1 March in other years.
pub fn age_on(birth: Date, on: Date) -> u8 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    u8::try_from(years.max(0)).unwrap_or(u8::MAX)
}

/// The rate lines for a carer from `from` to `to` (inclusive): an allowance
/// and fee line from `from`, and again from each birthday and each new
/// table within the range, so the amounts follow the child's age band and
/// the year's rates without anyone re-keying them.
pub fn carer_lines(tables: &[AllowanceTable], birth: Date, fee_level: u8, from: Date, to: Date) -> Result<Vec<RateLine>, AllowanceError> {
    let mut changes = vec![from];
    for year in from.year()..=to.year() {
        let birthday = Date::from_calendar_date(year, birth.month(), birth.day())
            .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
            .unwrap_or(from);
        changes.push(birthday);
    }
    changes.extend(tables.iter().map(|t| t.year_start));
    changes.retain(|d| *d >= from && *d <= to);
    changes.sort_unstable();
    changes.dedup();
    let mut lines = Vec::with_capacity(changes.len() * 2);
    for day in changes {
        let table = table_on(tables, day).ok_or(AllowanceError::NoTable)?;
        let (allowance, fee) = weekly_for(table, age_on(birth, day), fee_level)?;
        lines.push(RateLine {
            element: Element::Allowance,
            weekly: allowance,
            from: day,
        });
        if fee_level != 0 {
            lines.push(RateLine {
                element: Element::CarerFee,
                weekly: fee,
                from: day,
            });
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn pounds(p: i64) -> Money {
        Money::from_pounds(p)
    }

    fn table(year_start: Date, uplift: i64) -> AllowanceTable {
        let band = |age_from, age_to, weekly: i64| AgeBand {
            age_from,
            age_to,
            weekly: pounds(weekly + uplift),
        };
        AllowanceTable {
            year_start,
            bands: vec![band(0, 4, 200), band(5, 10, 220), band(11, 15, 250), band(16, 17, 290)],
            fee_levels: vec![
                FeeLevel {
                    level: 1,
                    weekly: pounds(100),
                },
                FeeLevel {
                    level: 2,
                    weekly: pounds(200),
                },
            ],
        }
    }

    #[test]
    fn the_allowance_follows_the_age_band_and_the_fee_the_level() {
        let t = table(date!(2026 - 04 - 01), 0);
        assert_eq!(weekly_for(&t, 4, 0), Ok((pounds(200), Money::ZERO)));
        assert_eq!(weekly_for(&t, 5, 2), Ok((pounds(220), pounds(200))));
        assert_eq!(weekly_for(&t, 17, 1), Ok((pounds(290), pounds(100))));
        assert_eq!(weekly_for(&t, 18, 1), Err(AllowanceError::NoBand { age: 18 }));
        assert_eq!(weekly_for(&t, 3, 9), Err(AllowanceError::UnknownFeeLevel { level: 9 }));
        assert_eq!(check(&t), Ok(()));
        let mut overlapping = t;
        overlapping.bands[0].age_to = 5;
        assert_eq!(check(&overlapping), Err(AllowanceError::Overlap { age: 5 }));
    }

    #[test]
    fn each_year_has_its_own_table() {
        let tables = [table(date!(2026 - 04 - 01), 0), table(date!(2027 - 04 - 01), 10)];
        assert_eq!(table_on(&tables, date!(2027 - 03 - 31)).unwrap().year_start, date!(2026 - 04 - 01));
        assert_eq!(table_on(&tables, date!(2027 - 04 - 01)).unwrap().year_start, date!(2027 - 04 - 01));
        assert!(table_on(&tables, date!(2026 - 03 - 31)).is_none());
    }

    #[test]
    fn ages_count_whole_years_and_leap_day_birthdays_fall_on_1_march() {
        assert_eq!(age_on(date!(2016 - 06 - 15), date!(2026 - 06 - 14)), 9);
        assert_eq!(age_on(date!(2016 - 06 - 15), date!(2026 - 06 - 15)), 10);
        assert_eq!(age_on(date!(2016 - 02 - 29), date!(2027 - 02 - 28)), 10);
        assert_eq!(age_on(date!(2016 - 02 - 29), date!(2027 - 03 - 01)), 11);
        assert_eq!(age_on(date!(2030 - 01 - 01), date!(2026 - 01 - 01)), 0);
    }

    #[test]
    fn carer_lines_change_on_birthdays_and_new_years() {
        let tables = [table(date!(2026 - 04 - 01), 0), table(date!(2027 - 04 - 01), 10)];
        let lines = carer_lines(&tables, date!(2016 - 06 - 15), 1, date!(2026 - 05 - 01), date!(2027 - 05 - 01)).unwrap();
        let allowances: Vec<(Date, Money)> = lines
            .iter()
            .filter(|l| l.element == Element::Allowance)
            .map(|l| (l.from, l.weekly))
            .collect();
        assert_eq!(
            allowances,
            vec![
                (date!(2026 - 05 - 01), pounds(220)),
                (date!(2026 - 06 - 15), pounds(220)),
                (date!(2027 - 04 - 01), pounds(230)),
            ]
        );
        assert_eq!(lines.iter().filter(|l| l.element == Element::CarerFee).count(), 3);
        let turning_eleven = carer_lines(&tables, date!(2015 - 06 - 15), 0, date!(2026 - 05 - 01), date!(2026 - 07 - 01)).unwrap();
        assert_eq!(
            turning_eleven.last().map(|l| (l.from, l.weekly)),
            Some((date!(2026 - 06 - 15), pounds(250)))
        );
        assert_eq!(
            carer_lines(&tables, date!(2016 - 06 - 15), 0, date!(2025 - 05 - 01), date!(2025 - 06 - 01)),
            Err(AllowanceError::NoTable)
        );
    }
}
