//! Tests for the working-day calendar: the bundled data against the rules,
//! fixed dates people can check on a wall calendar, and properties that tie
//! `add`, `subtract` and `count_between` together.

use super::*;
use proptest::prelude::*;
use serde::de::value::{Error as ValueError, StrDeserializer};
use time::macros::date;

fn england() -> WorkingDays {
    WorkingDays::new(Nation::England, [])
}

/// Days GOV.UK lists that the standard rules do not give.
const ONE_OFFS_ADDED: [Date; 5] = [
    date!(2020 - 05 - 08),
    date!(2022 - 06 - 02),
    date!(2022 - 06 - 03),
    date!(2022 - 09 - 19),
    date!(2023 - 05 - 08),
];

/// Days the standard rules give that were moved away that year.
const ONE_OFFS_REMOVED: [Date; 2] = [date!(2020 - 05 - 04), date!(2022 - 05 - 30)];

#[test]
fn the_data_matches_the_rules_except_the_one_off_days() {
    let calendar = england();
    for year in DATA_YEARS.0..=DATA_YEARS.1 {
        let listed: BTreeSet<Date> = calendar.bank_holidays_in(year).into_iter().map(|(d, _)| d).collect();
        let ruled: BTreeSet<Date> = standard_holidays(year).into_iter().map(|(d, _)| d).collect();
        let extra: Vec<_> = listed.difference(&ruled).filter(|d| !ONE_OFFS_ADDED.contains(d)).collect();
        let missing: Vec<_> = ruled.difference(&listed).filter(|d| !ONE_OFFS_REMOVED.contains(d)).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{year}: extra {extra:?}, missing {missing:?}"
        );
    }
    // And the one-offs really are in the data, so the lists above are not stale.
    for day in ONE_OFFS_ADDED {
        assert!(calendar.is_bank_holiday(day), "{day} should be listed");
    }
    for day in ONE_OFFS_REMOVED {
        assert!(calendar.is_working_day(day), "{day} should be an ordinary working day");
    }
}

#[test]
fn the_data_file_is_well_formed() {
    let listed = parse_holiday_list(ENGLAND_AND_WALES).expect("the bundled list parses");
    let dates: Vec<Date> = listed.iter().map(|(d, _)| *d).collect();
    assert!(
        dates.windows(2).all(|pair| pair[0] < pair[1]),
        "dates must be in order with no repeats"
    );
    for (date, name) in &listed {
        assert!(in_data_years(date.year()), "{date} {name} is outside {DATA_YEARS:?}");
        assert!(!is_weekend(*date), "{date} {name} is at a weekend; list the substitute day instead");
    }
    for year in DATA_YEARS.0..=DATA_YEARS.1 {
        let count = dates.iter().filter(|d| d.year() == year).count();
        assert!((8..=10).contains(&count), "{year} has {count} bank holidays");
    }
    let lines = ENGLAND_AND_WALES.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    assert_eq!(lines.count(), listed.len(), "every data line is a holiday");
}

#[test]
fn the_one_off_days_have_their_gov_uk_names() {
    let calendar = england();
    let names: BTreeMap<Date, &str> = calendar.bank_holidays_in(2022).into_iter().collect();
    assert_eq!(names[&date!(2022 - 06 - 03)], "Platinum Jubilee bank holiday");
    assert_eq!(
        names[&date!(2022 - 09 - 19)],
        "Bank Holiday for the State Funeral of Queen Elizabeth II"
    );
    let names: BTreeMap<Date, &str> = calendar.bank_holidays_in(2023).into_iter().collect();
    assert_eq!(names[&date!(2023 - 05 - 08)], "Bank holiday for the coronation of King Charles III");
    let names: BTreeMap<Date, &str> = calendar.bank_holidays_in(2020).into_iter().collect();
    assert_eq!(names[&date!(2020 - 05 - 08)], "Early May bank holiday (VE day)");
}

#[test]
fn malformed_lists_are_refused_with_the_line_number() {
    assert_eq!(
        parse_holiday_list("# comment\n\n2026-01-01  New Year's Day\n2026-13-01  Nonsense\n"),
        Err(HolidayListError {
            line: 4,
            text: "2026-13-01  Nonsense".to_owned()
        })
    );
    assert!(parse_holiday_list("2026-01-01").is_err(), "a date with no name");
    assert!(parse_holiday_list("2026-01-01   ").is_err(), "a date with a blank name");
    assert!(parse_holiday_list("1 January 2026  New Year's Day").is_err());
    assert_eq!(
        parse_holiday_list("2026-01-01 New Year's Day"),
        Ok(vec![(date!(2026 - 01 - 01), "New Year's Day".to_owned())])
    );
}

#[test]
fn england_and_wales_share_a_list_today() {
    let wales = WorkingDays::new(Nation::Wales, []);
    for year in 2014..=2031 {
        assert_eq!(wales.bank_holidays_in(year), england().bank_holidays_in(year), "{year}");
    }
}

#[test]
fn christmas_2026_and_its_substitute_day() {
    let calendar = england();
    // Thu 24 Dec; Fri 25 Christmas; Sat, Sun; Mon 28 Boxing Day substitute.
    assert_eq!(calendar.add(date!(2026 - 12 - 24), 1), date!(2026 - 12 - 29));
    assert!(!calendar.is_working_day(date!(2026 - 12 - 28)));
    assert_eq!(calendar.subtract(date!(2026 - 12 - 29), 1), date!(2026 - 12 - 24));
    assert_eq!(calendar.next_working_day_on_or_after(date!(2026 - 12 - 26)), date!(2026 - 12 - 29));
    assert_eq!(
        calendar.latest_working_day_on_or_before(date!(2026 - 12 - 28)),
        date!(2026 - 12 - 24)
    );
    assert_eq!(calendar.count_between(date!(2026 - 12 - 29), date!(2026 - 12 - 24)), -1);
}

#[test]
fn easter_2025() {
    let calendar = england();
    assert!(!calendar.is_working_day(date!(2025 - 04 - 18)), "Good Friday");
    assert!(!calendar.is_working_day(date!(2025 - 04 - 21)), "Easter Monday");
    assert_eq!(calendar.add(date!(2025 - 04 - 17), 1), date!(2025 - 04 - 22));
    assert_eq!(calendar.count_between(date!(2025 - 04 - 17), date!(2025 - 04 - 22)), 1);
}

#[test]
fn forty_five_working_days_from_a_referral() {
    // Referral Mon 2 Nov 2026: 20 working days to 30 Nov, 18 more to Thu 24 Dec,
    // then 25 and 28 Dec are holidays, 29-31 Dec make 41, Fri 1 Jan is New
    // Year's Day, and 4-7 Jan make 45: due Thu 7 Jan 2027.
    let calendar = england();
    assert_eq!(calendar.add(date!(2026 - 11 - 02), 45), date!(2027 - 01 - 07));
    assert_eq!(calendar.count_between(date!(2026 - 11 - 02), date!(2027 - 01 - 07)), 45);
    // A referral on a Saturday counts from the Monday's working day onwards.
    assert_eq!(calendar.add(date!(2026 - 10 - 31), 1), date!(2026 - 11 - 02));
}

#[test]
fn adding_nothing_stays_put_even_on_a_holiday() {
    let calendar = england();
    assert_eq!(calendar.add(date!(2026 - 12 - 25), 0), date!(2026 - 12 - 25));
    assert_eq!(calendar.subtract(date!(2026 - 12 - 25), 0), date!(2026 - 12 - 25));
}

#[test]
fn leap_days_are_ordinary_days() {
    let calendar = england();
    assert!(calendar.is_working_day(date!(2028 - 02 - 29)), "Tuesday 29 February 2028");
    assert_eq!(calendar.add(date!(2028 - 02 - 28), 1), date!(2028 - 02 - 29));
    assert_eq!(calendar.add(date!(2028 - 02 - 25), 2), date!(2028 - 02 - 29));
}

#[test]
fn local_closures_are_skipped_but_are_not_bank_holidays() {
    let closures = [date!(2026 - 12 - 29), date!(2026 - 12 - 30), date!(2026 - 12 - 31)];
    let council = WorkingDays::new(Nation::Wales, closures);
    assert_eq!(council.add(date!(2026 - 12 - 24), 1), date!(2027 - 01 - 04));
    assert_eq!(england().add(date!(2026 - 12 - 24), 1), date!(2026 - 12 - 29));
    assert!(!council.is_bank_holiday(date!(2026 - 12 - 29)));
    assert!(council.bank_holidays_in(2026).iter().all(|(d, _)| !closures.contains(d)));
}

#[test]
fn years_beyond_the_data_follow_the_rules() {
    let calendar = england();
    assert!(!calendar.is_working_day(date!(2031 - 12 - 25)), "Christmas 2031");
    assert!(!calendar.is_working_day(date!(2031 - 04 - 11)), "Good Friday 2031");
    // 2032: Christmas on a Saturday, so both days move to Mon 27 and Tue 28.
    let holidays: Vec<Date> = calendar.bank_holidays_in(2032).into_iter().map(|(d, _)| d).collect();
    assert_eq!(
        holidays,
        [
            date!(2032 - 01 - 01),
            date!(2032 - 03 - 26),
            date!(2032 - 03 - 29),
            date!(2032 - 05 - 03),
            date!(2032 - 05 - 31),
            date!(2032 - 08 - 30),
            date!(2032 - 12 - 27),
            date!(2032 - 12 - 28),
        ]
    );
    // 2010, before the data: New Year on a Friday, Christmas on a Saturday.
    let holidays: Vec<Date> = calendar.bank_holidays_in(2010).into_iter().map(|(d, _)| d).collect();
    assert_eq!(
        holidays,
        [
            date!(2010 - 01 - 01),
            date!(2010 - 04 - 02),
            date!(2010 - 04 - 05),
            date!(2010 - 05 - 03),
            date!(2010 - 05 - 31),
            date!(2010 - 08 - 30),
            date!(2010 - 12 - 27),
            date!(2010 - 12 - 28),
        ]
    );
}

#[test]
fn easter_sunday_on_known_years() {
    for expected in [
        date!(2000 - 04 - 23),
        date!(2008 - 03 - 23),
        date!(2011 - 04 - 24),
        date!(2019 - 04 - 21),
        date!(2024 - 03 - 31),
        date!(2026 - 04 - 05),
        date!(2031 - 04 - 13),
        date!(2038 - 04 - 25),
        date!(2285 - 03 - 22),
    ] {
        assert_eq!(easter_sunday(expected.year()), expected);
    }
}

#[test]
fn nations_parse_display_and_deserialize() {
    assert_eq!("Wales".parse::<Nation>(), Ok(Nation::Wales));
    assert_eq!("england".parse::<Nation>(), Ok(Nation::England));
    assert_eq!(
        "scotland".parse::<Nation>().unwrap_err().to_string(),
        "unknown nation 'scotland'; expected england or wales"
    );
    assert_eq!(Nation::Wales.to_string(), "wales");
    assert_eq!(Nation::deserialize(StrDeserializer::<ValueError>::new("wales")), Ok(Nation::Wales));
    assert!(Nation::deserialize(StrDeserializer::<ValueError>::new("Wales")).is_err());
}

fn any_date() -> impl Strategy<Value = Date> {
    // 1 January 2014 to 31 December 2031: the data years and one either side.
    (0i64..6574).prop_map(|offset| date!(2014 - 01 - 01) + Duration::days(offset))
}

/// England or Wales, with a few council closure days scattered about.
fn any_calendar() -> impl Strategy<Value = WorkingDays> {
    (any::<bool>(), proptest::collection::vec(any_date(), 0..20))
        .prop_map(|(wales, closures)| WorkingDays::new(if wales { Nation::Wales } else { Nation::England }, closures))
}

proptest! {
    #[test]
    fn every_year_has_eight_weekday_holidays_by_the_rules(year in -9999i32..=9999) {
        let holidays = standard_holidays(year);
        prop_assert_eq!(holidays.len(), 8);
        prop_assert!(holidays.windows(2).all(|pair| pair[0].0 < pair[1].0));
        prop_assert!(holidays.iter().all(|(d, _)| d.year() == year && !is_weekend(*d)));
    }

    #[test]
    fn adding_then_counting_back_gives_n(calendar in any_calendar(), start in any_date(), n in 0u32..400) {
        let end = calendar.add(start, n);
        prop_assert_eq!(calendar.count_between(start, end), i64::from(n));
        prop_assert_eq!(calendar.count_between(end, start), -i64::from(n));
    }

    #[test]
    fn adding_lands_on_the_first_day_that_reaches_n(calendar in any_calendar(), start in any_date(), n in 1u32..400) {
        let end = calendar.add(start, n);
        prop_assert!(!is_weekend(end));
        prop_assert!(calendar.bank_holidays_in(end.year()).iter().all(|(d, _)| *d != end));
        prop_assert!(calendar.is_working_day(end));
        prop_assert_eq!(calendar.count_between(start, previous_day(end)), i64::from(n) - 1);
    }

    #[test]
    fn subtracting_after_adding_finds_the_latest_working_day_on_or_before(
        calendar in any_calendar(),
        start in any_date(),
        n in 1u32..400,
    ) {
        let back = calendar.subtract(calendar.add(start, n), n);
        prop_assert!(back <= start);
        prop_assert!(calendar.is_working_day(back));
        prop_assert_eq!(calendar.count_between(back, start), 0, "no working day after {} up to {}", back, start);
        prop_assert_eq!(back, calendar.latest_working_day_on_or_before(start));
    }

    #[test]
    fn subtracting_counts_the_working_days_before(calendar in any_calendar(), start in any_date(), n in 1u32..400) {
        let back = calendar.subtract(start, n);
        prop_assert!(calendar.is_working_day(back));
        // Working days strictly between `back` and `start`: n - 1.
        prop_assert_eq!(calendar.count_between(back, previous_day(start)), i64::from(n) - 1);
    }

    #[test]
    fn the_next_working_day_skips_only_non_working_days(calendar in any_calendar(), start in any_date()) {
        let next = calendar.next_working_day_on_or_after(start);
        prop_assert!(next >= start);
        prop_assert!(calendar.is_working_day(next));
        prop_assert_eq!(calendar.count_between(previous_day(start), previous_day(next)), 0);
    }

    #[test]
    fn counting_is_additive_and_antisymmetric(calendar in any_calendar(), a in any_date(), b in any_date(), c in any_date()) {
        prop_assert_eq!(calendar.count_between(a, b), -calendar.count_between(b, a));
        prop_assert_eq!(calendar.count_between(a, b) + calendar.count_between(b, c), calendar.count_between(a, c));
    }
}
