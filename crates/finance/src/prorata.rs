//! The cost of a weekly rate over days.
//!
//! Care is priced by the week and paid by the day. Rounding each range on
//! its own (`weekly × days ÷ 7`, to the nearest penny) would make a month
//! paid as four weekly runs differ from the same month paid at once, and a
//! backdated correction would never quite cancel. So the rule here is:
//!
//! > The amount owed from the epoch (Julian day 0) up to the start of day
//! > `d` is `⌊weekly × d ÷ 7⌋` pence. The cost of a range is the difference
//! > between the amounts at its ends.
//!
//! Splitting a range anywhere therefore sums to exactly the same total (the
//! pieces telescope), a whole week always costs exactly the weekly rate, and
//! a part-week is within a penny of the exact share. Leap years and month
//! lengths need no special handling: only the count of days matters.

use kernel::money::MoneyError;
use kernel::Money;
use time::Date;

/// The day number used for pro-rata arithmetic (the Julian day).
pub fn day_number(date: Date) -> i64 {
    i64::from(date.to_julian_day())
}

/// Pence owed at `weekly` from the epoch up to the start of day `day`,
/// rounded down (towards minus infinity, so credits follow the same rule).
fn cumulative(weekly: i64, day: i64) -> i128 {
    (i128::from(weekly) * i128::from(day)).div_euclid(7)
}

/// The cost at `weekly` of the days `[from_day, until_day)`, by day number.
///
/// An empty or reversed range costs nothing.
pub fn cost_of_days(weekly: Money, from_day: i64, until_day: i64) -> Result<Money, MoneyError> {
    if until_day <= from_day {
        return Ok(Money::ZERO);
    }
    let pence = cumulative(weekly.pence(), until_day) - cumulative(weekly.pence(), from_day);
    i64::try_from(pence).map(Money::from_pence).map_err(|_| MoneyError::Overflow)
}

/// The cost at `weekly` of every day from `first` to `last`, both included.
pub fn cost(weekly: Money, first: Date, last: Date) -> Result<Money, MoneyError> {
    cost_of_days(weekly, day_number(first), day_number(last) + 1)
}

/// Days from `first` to `last`, both included (zero when `last < first`).
pub fn days_inclusive(first: Date, last: Date) -> i64 {
    (day_number(last) - day_number(first) + 1).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;
    use time::Duration;

    fn pence(p: i64) -> Money {
        Money::from_pence(p)
    }

    #[test]
    fn a_whole_week_costs_the_weekly_rate_from_any_weekday() {
        for offset in 0..7 {
            let first = date!(2026 - 04 - 01) + Duration::days(offset);
            assert_eq!(cost(pence(100_001), first, first + Duration::days(6)), Ok(pence(100_001)));
        }
    }

    #[test]
    fn part_weeks_are_within_a_penny_of_the_exact_share() {
        let weekly = pence(100_000);
        let first = date!(2026 - 04 - 01);
        let three = cost(weekly, first, first + Duration::days(2)).unwrap();
        let four = cost(weekly, first + Duration::days(3), first + Duration::days(6)).unwrap();
        assert!((three.pence() - 42_857).abs() <= 1, "{three:?}");
        assert!((four.pence() - 57_143).abs() <= 1, "{four:?}");
        assert_eq!(three.checked_add(four), Ok(weekly));
    }

    #[test]
    fn leap_years_cost_one_more_day_and_nothing_else() {
        let weekly = pence(70_000); // £100 a day, so every figure is exact.
        assert_eq!(cost(weekly, date!(2028 - 02 - 01), date!(2028 - 02 - 29)), Ok(pence(290_000)));
        assert_eq!(cost(weekly, date!(2027 - 02 - 01), date!(2027 - 02 - 28)), Ok(pence(280_000)));
        assert_eq!(cost(weekly, date!(2027 - 04 - 01), date!(2028 - 03 - 31)), Ok(pence(3_660_000)));
        assert_eq!(cost(weekly, date!(2028 - 04 - 01), date!(2029 - 03 - 31)), Ok(pence(3_650_000)));
        assert_eq!(days_inclusive(date!(2028 - 02 - 28), date!(2028 - 03 - 01)), 3);
    }

    #[test]
    fn empty_ranges_and_credits() {
        let day = date!(2026 - 05 - 05);
        assert_eq!(cost(pence(700), day, day - Duration::days(1)), Ok(Money::ZERO));
        assert_eq!(days_inclusive(day, day - Duration::days(3)), 0);
        // A credit follows the same rule, so a rate and its negation cancel.
        let up = cost(pence(100_001), day, day + Duration::days(2)).unwrap();
        let down = cost(pence(-100_001), day, day + Duration::days(2)).unwrap();
        assert!((up.pence() + down.pence()).abs() <= 1);
        assert_eq!(
            cost(pence(i64::MAX), date!(2026 - 01 - 01), date!(2027 - 01 - 01)),
            Err(MoneyError::Overflow)
        );
    }

    fn any_day() -> impl Strategy<Value = Date> {
        // 2020 to 2040: several leap years and a non-leap century-free span.
        (0i64..7_300).prop_map(|d| date!(2020 - 01 - 01) + Duration::days(d))
    }

    proptest! {
        #[test]
        fn splitting_a_range_anywhere_gives_the_same_total(
            weekly in -10_000_000i64..10_000_000,
            first in any_day(),
            len in 0i64..800,
            cuts in proptest::collection::vec(0i64..800, 0..6),
        ) {
            let weekly = pence(weekly);
            let last = first + Duration::days(len);
            let whole = cost(weekly, first, last).unwrap();
            let mut cuts: Vec<i64> = cuts.into_iter().map(|c| c % (len + 1)).collect();
            cuts.sort_unstable();
            cuts.dedup();
            let mut total = Money::ZERO;
            let mut start = first;
            for cut in cuts {
                let end = first + Duration::days(cut);
                if end < start { continue; }
                total = total.checked_add(cost(weekly, start, end).unwrap()).unwrap();
                start = end + Duration::days(1);
            }
            total = total.checked_add(cost(weekly, start, last).unwrap()).unwrap();
            prop_assert_eq!(total, whole);
        }

        #[test]
        fn any_range_is_within_a_penny_of_the_exact_share(
            weekly in 0i64..10_000_000,
            first in any_day(),
            len in 0i64..800,
        ) {
            let last = first + Duration::days(len);
            let days = days_inclusive(first, last);
            let paid = cost(pence(weekly), first, last).unwrap();
            // |paid × 7 − weekly × days| < 7, i.e. under a penny out.
            let error = i128::from(paid.pence()) * 7 - i128::from(weekly) * i128::from(days);
            prop_assert!(error.abs() < 7);
        }

        #[test]
        fn a_year_costs_52_weeks_and_one_or_two_days(weekly in 0i64..10_000_000, year in 2020i32..2040) {
            let first = Date::from_calendar_date(year, time::Month::April, 1).unwrap();
            let last = Date::from_calendar_date(year + 1, time::Month::March, 31).unwrap();
            let leap = time::util::is_leap_year(year + 1);
            let extra_days = if leap { 2 } else { 1 };
            let paid = cost(pence(weekly), first, last).unwrap();
            let extra = cost(pence(weekly), first + Duration::weeks(52), last).unwrap();
            prop_assert_eq!(paid.pence(), weekly * 52 + extra.pence());
            prop_assert_eq!(days_inclusive(first + Duration::weeks(52), last), extra_days);
        }
    }
}
