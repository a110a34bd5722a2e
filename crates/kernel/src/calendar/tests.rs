//! Tests for the working-day calendar on fixed dates and by property.

use super::*;
use proptest::prelude::*;
use time::macros::date;

fn england() -> WorkingDays {
    WorkingDays::new(Nation::England, [])
}

#[test]
fn the_data_matches_the_rules_except_the_one_off_days() {
    let one_offs_added = [
        date!(2020 - 05 - 08),
        date!(2022 - 06 - 02),
        date!(2022 - 06 - 03),
        date!(2022 - 09 - 19),
        date!(2023 - 05 - 08),
    ];
    let one_offs_removed = [date!(2020 - 05 - 04), date!(2022 - 05 - 30)];
    let calendar = england();
    for year in DATA_YEARS.0..=DATA_YEARS.1 {
        let listed: BTreeSet<Date> = calendar.bank_holidays_in(year).into_iter().map(|(d, _)| d).collect();
        let ruled: BTreeSet<Date> = standard_holidays(year).into_iter().map(|(d, _)| d).collect();
        let extra: Vec<_> = listed.difference(&ruled).filter(|d| !one_offs_added.contains(d)).collect();
        let missing: Vec<_> = ruled.difference(&listed).filter(|d| !one_offs_removed.contains(d)).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{year}: extra {extra:?}, missing {missing:?}"
        );
        assert!(listed.len() >= 8, "{year} has {} holidays", listed.len());
    }
}

#[test]
fn christmas_2026_and_its_substitute_day() {
    let calendar = england();
    // Thu 24 Dec; Fri 25 Christmas; Sat, Sun; Mon 28 Boxing Day substitute.
    assert_eq!(calendar.add(date!(2026 - 12 - 24), 1), date!(2026 - 12 - 29));
    assert!(!calendar.is_working_day(date!(2026 - 12 - 28)));
}

#[test]
fn easter_2025() {
    let calendar = england();
    assert!(!calendar.is_working_day(date!(2025 - 04 - 18)), "Good Friday");
    assert!(!calendar.is_working_day(date!(2025 - 04 - 21)), "Easter Monday");
    assert_eq!(calendar.add(date!(2025 - 04 - 17), 1), date!(2025 - 04 - 22));
}

#[test]
fn the_one_off_days_are_holidays() {
    let calendar = england();
    for day in [
        date!(2020 - 05 - 08),
        date!(2022 - 06 - 03),
        date!(2022 - 09 - 19),
        date!(2023 - 05 - 08),
    ] {
        assert!(!calendar.is_working_day(day), "{day}");
    }
    assert!(
        calendar.is_working_day(date!(2020 - 05 - 04)),
        "the 2020 early May holiday moved to VE day"
    );
}

#[test]
fn forty_five_working_days_from_a_referral() {
    // Referral Mon 2 Nov 2026: 20 working days to 30 Nov, 18 more to Thu 24 Dec,
    // then 25 and 28 Dec are holidays, 29-31 Dec make 41, Fri 1 Jan is New
    // Year's Day, and 4-7 Jan make 45: due Thu 7 Jan 2027.
    let calendar = england();
    assert_eq!(calendar.add(date!(2026 - 11 - 02), 45), date!(2027 - 01 - 07));
    assert_eq!(calendar.count_between(date!(2026 - 11 - 02), date!(2027 - 01 - 07)), 45);
}

#[test]
fn leap_days_are_ordinary_days() {
    let calendar = england();
    assert!(calendar.is_working_day(date!(2028 - 02 - 29)), "Tuesday 29 February 2028");
    assert_eq!(calendar.add(date!(2028 - 02 - 28), 1), date!(2028 - 02 - 29));
}

#[test]
fn local_closures_are_skipped() {
    let council = WorkingDays::new(Nation::Wales, [date!(2026 - 12 - 29), date!(2026 - 12 - 30), date!(2026 - 12 - 31)]);
    assert_eq!(council.add(date!(2026 - 12 - 24), 1), date!(2027 - 01 - 04));
    assert_eq!(england().add(date!(2026 - 12 - 24), 1), date!(2026 - 12 - 29));
}

#[test]
fn years_beyond_the_data_follow_the_rules() {
    let calendar = england();
    assert!(!calendar.is_working_day(date!(2031 - 12 - 25)), "Christmas 2031");
    assert!(!calendar.is_working_day(date!(2031 - 04 - 11)), "Good Friday 2031");
    assert_eq!(easter_sunday(2031), date!(2031 - 04 - 13));
    assert_eq!(easter_sunday(2026), date!(2026 - 04 - 05));
}

#[test]
fn nations_parse() {
    assert_eq!("Wales".parse::<Nation>(), Ok(Nation::Wales));
    assert!("scotland".parse::<Nation>().is_err());
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i64..(365 * 17)).prop_map(|offset| date!(2014 - 01 - 01) + Duration::days(offset))
}

proptest! {
    #[test]
    fn adding_then_counting_back_gives_n(start in any_date(), n in 0u32..400) {
        let calendar = england();
        let end = calendar.add(start, n);
        prop_assert_eq!(calendar.count_between(start, end), i64::from(n));
    }

    #[test]
    fn adding_lands_on_a_working_day(start in any_date(), n in 1u32..400) {
        let calendar = england();
        let end = calendar.add(start, n);
        prop_assert!(calendar.is_working_day(end));
        prop_assert!(!matches!(end.weekday(), Weekday::Saturday | Weekday::Sunday));
        prop_assert!(calendar.bank_holidays_in(end.year()).iter().all(|(d, _)| *d != end));
    }

    #[test]
    fn subtract_undoes_add_from_a_working_day(start in any_date(), n in 0u32..400) {
        let calendar = england();
        let from = calendar.next_working_day_on_or_after(start);
        prop_assert_eq!(calendar.subtract(calendar.add(from, n), n), from);
    }

    #[test]
    fn counting_is_antisymmetric(a in any_date(), b in any_date()) {
        let calendar = england();
        prop_assert_eq!(calendar.count_between(a, b), -calendar.count_between(b, a));
    }
}
