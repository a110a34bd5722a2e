//! Tests of the adoption rules: one failing case per rule (the clean case is shared).
//!
//! In the clean return C3 is adopted: episodes 3 (E1, U6, from 10/10/2024)
//! and 4 (A6 from 15/06/2025, E11 on 20/01/2026), AD1 row 0 (decision
//! 10/10/2024, match 01/06/2025) and PlacedAdoption row 0 (10/10/2024, open).

use crate::ssda903::model::PlacedAdoption as Decision;
use crate::ssda903::rules::testing::{clean, flags, row};
use crate::ssda903::tables::TableKind::*;
use crate::ssda903::Day;

fn day(text: &str) -> Day {
    Day::from_raw(Some(text.into()))
}

fn decision(cells: &[&str]) -> Decision {
    row(cells)
}

/// C3's decision reversed on `date` for reason RD4.
fn reverse(ret: &mut crate::ssda903::Return, date: &str) {
    ret.placed_adoption[0].date_placed_ceased = day(date);
    ret.placed_adoption[0].reason_placed_ceased = Some("RD4".into());
}

#[test]
fn r112_date_int_must_be_a_real_date() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_int = day("31/09/2024");
    assert_eq!(flags("112", &ret), vec![(Ad1, 0)]);
    ret.ad1[0].date_int = Day::blank(); // blank is 151's business
    assert!(flags("112", &ret).is_empty());
}

#[test]
fn r113_date_match_must_be_a_real_date() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_match = day("2025-06-01");
    assert_eq!(flags("113", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r114_foster_care_is_0_or_1() {
    let (mut ret, ..) = clean();
    ret.ad1[0].foster_care = Some("2".into());
    assert_eq!(flags("114", &ret), vec![(Ad1, 0)]);
    ret.ad1[0].foster_care = Some("1".into());
    assert!(flags("114", &ret).is_empty());
}

#[test]
fn r151_ad1_items_all_or_none() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = None;
    ret.ad1.push(row(&["C5", "05/01/2010", "", "", "", "", "", ""])); // all blank: fine
    assert_eq!(flags("151", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r175_nb_adoptr_is_1_or_2() {
    let (mut ret, ..) = clean();
    ret.ad1[0].nb_adoptr = Some("3".into());
    assert_eq!(flags("175", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r176_sex_adoptr_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.ad1[0].sex_adoptr = Some("M".into());
    assert_eq!(flags("176", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r177_ls_adoptr_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = Some("L1".into());
    assert_eq!(flags("177", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r115_date_placed_must_be_a_real_date() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].date_placed = day("10/13/2024");
    assert_eq!(flags("115", &ret), vec![(PlacedAdoption, 0)]);
}

#[test]
fn r116_date_placed_ceased_must_be_a_real_date() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "32/12/2025");
    assert_eq!(flags("116", &ret), vec![(PlacedAdoption, 0)]);
}

#[test]
fn r117_decision_dates_after_leaving_care_or_the_year() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "21/01/2026"); // C3 was adopted on 20/01/2026
    assert_eq!(flags("117", &ret), vec![(Episodes, 4), (PlacedAdoption, 0)]);

    let (mut ret, ..) = clean();
    ret.placed_adoption.push(decision(&["C1", "15/06/2012", "01/04/2026", "", ""]));
    assert_eq!(flags("117", &ret), vec![(Episodes, 1), (PlacedAdoption, 1)]);
    ret.placed_adoption[1].date_placed = day("31/03/2026"); // on the last day: fine
    assert!(flags("117", &ret).is_empty());
}

#[test]
fn r118_reversal_before_the_year() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "31/03/2025");
    assert_eq!(flags("118", &ret), vec![(Episodes, 3), (PlacedAdoption, 0)]);
    reverse(&mut ret, "01/04/2025");
    assert!(flags("118", &ret).is_empty());
}

#[test]
fn r119_reversal_date_and_reason_together() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].reason_placed_ceased = Some("RD1".into());
    assert_eq!(flags("119", &ret), vec![(PlacedAdoption, 0)]);
    reverse(&mut ret, "01/12/2025");
    assert!(flags("119", &ret).is_empty());
}

#[test]
fn r120_reason_placed_ceased_must_be_a_code() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "01/12/2025");
    ret.placed_adoption[0].reason_placed_ceased = Some("RD5".into());
    assert_eq!(flags("120", &ret), vec![(PlacedAdoption, 0)]);
}

#[test]
fn r184_decision_before_birth() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].date_placed = day("19/07/2021"); // born 20/07/2021
    assert_eq!(flags("184", &ret), vec![(PlacedAdoption, 0)]);
    ret.placed_adoption[0].date_placed = day("20/07/2021");
    assert!(flags("184", &ret).is_empty());
}

#[test]
fn r331_match_after_the_adoption_episode_began() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_match = day("16/06/2025"); // the A6 episode began 15/06/2025
    assert_eq!(flags("331", &ret), vec![(Episodes, 4), (Ad1, 0)]);
    ret.ad1[0].date_match = day("15/06/2025");
    assert!(flags("331", &ret).is_empty());
}

#[test]
fn r333_decision_after_the_match() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_int = day("02/06/2025"); // matched 01/06/2025
    assert_eq!(flags("333", &ret), vec![(Ad1, 0)]);
    ret.ad1[0].date_int = Day::blank();
    assert_eq!(flags("333", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r334_decision_before_the_latest_period_of_care() {
    let (mut ret, ..) = clean();
    ret.episodes[3].rne = Some("S".into());
    ret.episodes[3].decom = day("11/10/2024");
    assert_eq!(flags("334", &ret), vec![(Episodes, 3), (Ad1, 0)]);
    ret.episodes[3].decom = day("10/10/2024");
    assert!(flags("334", &ret).is_empty());
}

#[test]
fn r335_foster_care_agrees_with_the_adoption_placement() {
    let (mut ret, ..) = clean();
    ret.ad1[0].foster_care = Some("1".into()); // but A6: not the foster carer
    assert_eq!(flags("335", &ret), vec![(Episodes, 4), (Ad1, 0)]);
    ret.episodes[4].place = Some("A5".into());
    assert!(flags("335", &ret).is_empty());
    ret.ad1[0].foster_care = Some("0".into());
    assert_eq!(flags("335", &ret), vec![(Episodes, 4), (Ad1, 0)]);
}

#[test]
fn r511_two_adopters_are_a_couple() {
    let (mut ret, ..) = clean();
    ret.ad1[0].sex_adoptr = Some("F1".into());
    assert_eq!(flags("511", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r514_single_adopter_is_m1_or_f1() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = Some("L0".into()); // sex MF
    assert_eq!(flags("514", &ret), vec![(Ad1, 0)]);
    ret.ad1[0].sex_adoptr = Some("F1".into());
    assert!(flags("514", &ret).is_empty());
}

#[test]
fn r517_l3_is_mf() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = Some("L3".into());
    ret.ad1[0].sex_adoptr = Some("FF".into());
    assert_eq!(flags("517", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r518_l4_is_mm_or_ff() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = Some("L4".into()); // sex MF
    assert_eq!(flags("518", &ret), vec![(Ad1, 0)]);
    ret.ad1[0].sex_adoptr = Some("MM".into());
    assert!(flags("518", &ret).is_empty());
}

#[test]
fn r519_civil_partners_are_a_couple() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = Some("L2".into());
    ret.ad1[0].sex_adoptr = Some("M1".into());
    assert_eq!(flags("519", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r520_l11_is_mf() {
    let (mut ret, ..) = clean();
    ret.ad1[0].sex_adoptr = Some("FF".into()); // L11
    assert_eq!(flags("520", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r524_l12_is_mm_or_ff() {
    let (mut ret, ..) = clean();
    ret.ad1[0].ls_adoptr = Some("L12".into()); // sex MF
    assert_eq!(flags("524", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r521_decision_after_the_adoption_placement() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_int = day("16/06/2025"); // A6 from 15/06/2025
    assert_eq!(flags("521", &ret), vec![(Episodes, 4), (Ad1, 0)]);
}

#[test]
fn r522_decision_after_its_reversal() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "09/10/2024"); // decided 10/10/2024
    assert_eq!(flags("522", &ret), vec![(PlacedAdoption, 0)]);
    reverse(&mut ret, "10/10/2024");
    assert!(flags("522", &ret).is_empty());
}

#[test]
fn r523_decision_dates_agree() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_int = day("11/10/2024");
    assert_eq!(flags("523", &ret), vec![(Ad1, 0), (PlacedAdoption, 0)]);

    // An earlier, reversed decision need not match.
    let (mut ret, ..) = clean();
    ret.placed_adoption
        .push(decision(&["C3", "20/07/2021", "01/03/2024", "01/06/2024", "RD1"]));
    assert!(flags("523", &ret).is_empty());
}

#[test]
fn r525_reversed_decision_but_adopted() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "01/12/2025");
    assert_eq!(flags("525", &ret), vec![(Ad1, 0), (PlacedAdoption, 0)]);

    // Reversed, then decided again: fine.
    let (mut ret, ..) = clean();
    ret.placed_adoption
        .push(decision(&["C3", "20/07/2021", "01/03/2024", "01/06/2024", "RD1"]));
    assert!(flags("525", &ret).is_empty());
}

#[test]
fn r551_adoption_placement_without_a_decision() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].date_placed = Day::blank();
    assert_eq!(flags("551", &ret), vec![(Episodes, 4)]);
    ret.placed_adoption.clear();
    assert_eq!(flags("551", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r552_decision_after_the_adoption_placement() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].date_placed = day("16/06/2025"); // A6 from 15/06/2025
    assert_eq!(flags("552", &ret), vec![(Episodes, 4), (PlacedAdoption, 0)]);
    ret.placed_adoption[0].date_placed = day("15/06/2025");
    assert!(flags("552", &ret).is_empty());
}

#[test]
fn r553_placement_order_without_an_open_decision() {
    let (mut ret, ..) = clean();
    ret.placed_adoption.clear();
    assert_eq!(flags("553", &ret), vec![(Episodes, 3), (Episodes, 4)]);

    // C1 under an open placement order, her only decision reversed.
    let (mut ret, ..) = clean();
    ret.episodes[1].ls = Some("E1".into());
    ret.placed_adoption
        .push(decision(&["C1", "15/06/2012", "01/09/2025", "01/12/2025", "RD1"]));
    assert_eq!(flags("553", &ret), vec![(PlacedAdoption, 1)]);
    ret.placed_adoption.push(decision(&["C1", "15/06/2012", "01/02/2026", "", ""]));
    assert!(flags("553", &ret).is_empty());
}

#[test]
fn r554_decision_after_the_placement_order() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].date_placed = day("11/10/2024"); // E1 from 10/10/2024
    assert_eq!(flags("554", &ret), vec![(Episodes, 3), (PlacedAdoption, 0)]);
}

#[test]
fn r557_left_care_not_adopted_with_an_open_decision() {
    let (mut ret, ..) = clean();
    ret.episodes[4].rec = Some("E13".into());
    assert_eq!(flags("557", &ret), vec![(Episodes, 4), (PlacedAdoption, 0)]);
    reverse(&mut ret, "15/01/2026");
    assert!(flags("557", &ret).is_empty());
    ret.placed_adoption.clear();
    assert_eq!(flags("557", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r558_adopted_but_latest_decision_reversed() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "01/12/2025");
    assert_eq!(flags("558", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r563_reversal_without_a_decision_date() {
    let (mut ret, ..) = clean();
    reverse(&mut ret, "01/12/2025");
    ret.placed_adoption[0].date_placed = Day::blank();
    assert_eq!(flags("563", &ret), vec![(PlacedAdoption, 0)]);
}

#[test]
fn r579_decisions_must_not_overlap() {
    let (mut ret, ..) = clean();
    ret.placed_adoption.push(decision(&["C3", "20/07/2021", "01/12/2025", "", ""]));
    assert_eq!(flags("579", &ret), vec![(PlacedAdoption, 1)]); // row 0 still open
    reverse(&mut ret, "01/11/2025");
    assert!(flags("579", &ret).is_empty());
    ret.placed_adoption[1].date_placed = day("31/10/2025"); // before row 0 ceased
    assert_eq!(flags("579", &ret), vec![(PlacedAdoption, 1)]);
}

#[test]
fn r582_adopted_on_the_day_of_the_match() {
    let (mut ret, ..) = clean();
    ret.ad1[0].date_match = day("20/01/2026");
    assert_eq!(flags("582", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r583_earlier_decision_not_ceased() {
    let (mut ret, ..) = clean();
    ret.placed_adoption.push(decision(&["C3", "20/07/2021", "01/03/2024", "", ""]));
    assert_eq!(flags("583", &ret), vec![(PlacedAdoption, 1)]);
    ret.placed_adoption[1].date_placed_ceased = day("01/06/2024");
    assert!(flags("583", &ret).is_empty());
}

#[test]
fn r601_adopted_needs_complete_ad1() {
    let (mut ret, ..) = clean();
    ret.ad1[0].foster_care = None;
    assert_eq!(flags("601", &ret), vec![(Episodes, 4), (Ad1, 0)]);
    ret.ad1.clear();
    assert_eq!(flags("601", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r602_ad1_without_an_adoption_in_the_year() {
    let (mut ret, ..) = clean();
    ret.episodes[4].rec = Some("E13".into());
    assert_eq!(flags("602", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r1003_decision_before_care_began() {
    let (mut ret, ..) = clean();
    ret.episodes[3].rne = Some("S".into());
    ret.episodes[3].decom = day("11/10/2024"); // decided 10/10/2024
    assert_eq!(flags("1003", &ret), vec![(Episodes, 3), (PlacedAdoption, 0)]);
}
