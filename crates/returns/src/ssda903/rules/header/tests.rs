//! Tests of the header rules: one failing case per rule (the clean case is shared).
//!
//! The clean fixture's Header rows: 0 C1 (girl, 13), 1 C2 (UASC boy, 15),
//! 2 C3 (girl, 4, UN1, adopted), 3 C4 (care leaver, 19, no episodes),
//! 4 C5 (girl, 16, a mother). Episodes: 0-1 C1, 2 C2, 3-4 C3, 5 C5.

use crate::ssda903::model::{Return, Uasc};
use crate::ssda903::rules::testing::{clean, flags, flags_with, lookups, row};
use crate::ssda903::tables::TableKind::*;
use crate::ssda903::year::CollectionYear;
use crate::ssda903::Day;

fn day(text: &str) -> Day {
    Day::from_raw(Some(text.into()))
}

fn text(value: &str) -> Option<String> {
    Some(value.into())
}

fn this_year() -> Return {
    clean().0
}

#[test]
fn r101_sex_must_be_a_code_of_the_year() {
    let mut ret = this_year();
    ret.header[1].sex = text("1"); // 1/2 retired in 2024-25
    ret.header[2].sex = None;
    assert_eq!(flags("101", &ret), vec![(Header, 1), (Header, 2)]);
}

#[test]
fn r102_dob_must_be_a_real_date() {
    let mut ret = this_year();
    ret.header[0].dob = day("31/02/2012");
    assert_eq!(flags("102", &ret), vec![(Header, 0)]);
}

#[test]
fn r103_ethnicity_must_be_a_code() {
    let mut ret = this_year();
    ret.header[0].ethnic = text("CNHE"); // the SSD model's typo for CHNE
    ret.header[1].ethnic = None;
    ret.header[2].ethnic = text("CHNE");
    assert_eq!(flags("103", &ret), vec![(Header, 0), (Header, 1)]);
}

#[test]
fn r104_duc_must_be_a_real_date_in_the_year() {
    let mut ret = this_year();
    ret.uasc[0].duc = day("31/02/2026");
    assert_eq!(flags("104", &ret), vec![(Uasc, 0)]);
    ret.uasc[0].duc = day("01/03/2025"); // before 1 April 2025
    assert_eq!(flags("104", &ret), vec![(Uasc, 0)]);
    ret.uasc[0].duc = day("01/04/2025");
    assert!(flags("104", &ret).is_empty());
}

#[test]
fn r105_uasc_status_cannot_be_derived_without_a_child_id() {
    let mut ret = this_year();
    ret.header[3].child = None;
    assert_eq!(flags("105", &ret), vec![(Header, 3)]);
}

#[test]
fn r168_upn_must_be_well_formed() {
    use super::child::upn_ok;
    let mut ret = this_year();
    ret.header[0].upn = text("I123456789012"); // I is not a first letter
    ret.header[1].upn = text("UN6");
    ret.header[3].upn = text("C34567890123A"); // 11 digits and a letter
    assert_eq!(flags("168", &ret), vec![(Header, 0), (Header, 1)]);
    for good in ["A123456789012", "Z12345678901Q", "UN1", "UN5"] {
        assert!(upn_ok(good), "{good}");
    }
    for bad in [
        "S123456789012",
        "A12345678901",
        "A1234567890123",
        "A1234567890AB",
        "1123456789012",
        "UN0",
    ] {
        assert!(!upn_ok(bad), "{bad}");
    }
}

#[test]
fn r171_mc_dob_must_be_a_real_date() {
    let mut ret = this_year();
    ret.header[4].mc_dob = day("30/02/2025");
    assert_eq!(flags("171", &ret), vec![(Header, 4)]);
}

#[test]
fn r174_a_boy_has_no_mc_dob() {
    let mut ret = this_year();
    ret.header[1].mc_dob = day("01/01/2025");
    assert_eq!(flags("174", &ret), vec![(Header, 1)]);
    // Before 2024-25 a boy is "1".
    ret.year = CollectionYear::new(2024).unwrap();
    ret.header[1].sex = text("1");
    ret.header[4].sex = text("2");
    assert_eq!(flags_with("174", &ret, None, &lookups()), vec![(Header, 1)]);
}

#[test]
fn r209_school_age_child_cannot_be_un1() {
    let mut ret = this_year();
    // 4 on 31 August 2024, the one before the year began.
    ret.header[2].dob = day("31/08/2020");
    assert_eq!(flags("209", &ret), vec![(Header, 2)]);
    ret.header[2].dob = day("01/09/2020");
    assert!(flags("209", &ret).is_empty());
}

#[test]
fn r210_un4_only_for_care_begun_in_the_last_week() {
    let mut ret = this_year();
    ret.header[4].upn = text("UN4"); // C5 came into care on 2 April 2025
    ret.header[0].upn = text("UN4"); // C1 since January 2024, moved in September
    assert_eq!(flags("210", &ret), vec![(Header, 0), (Header, 4), (Episodes, 0), (Episodes, 5)]);
    ret.header[0].upn = text("A123456789012");
    ret.episodes[5].decom = day("24/03/2026");
    assert!(flags("210", &ret).is_empty());
}

#[test]
fn r231_uasc_child_under_11_at_year_end() {
    let mut ret = this_year();
    ret.header[1].dob = day("01/04/2015"); // C2 (UASC) is 10 on 31 March 2026
    assert_eq!(flags("231", &ret), vec![(Header, 1)]);
    ret.header[1].dob = day("31/03/2015"); // 11 that day
    assert!(flags("231", &ret).is_empty(), "C3, 4, is not UASC");
}

#[test]
fn r232_sex_unknown_is_queried() {
    let mut ret = this_year();
    ret.header[3].sex = text("U");
    assert_eq!(flags("232", &ret), vec![(Header, 3)]);
}

#[test]
fn r234_no_custody_move_under_10() {
    let mut ret = this_year();
    ret.episodes[0].reason_place_change = text("CUSTOD"); // C1 is 13: allowed
    ret.episodes[3].reason_place_change = text("CUSTOD"); // C3 is 3
    assert_eq!(flags("234", &ret), vec![(Header, 2), (Episodes, 3)]);
}

#[test]
fn r301_dob_after_the_year() {
    let mut ret = this_year();
    ret.header[2].dob = day("01/04/2026");
    ret.header[0].dob = day("31/03/2026");
    assert_eq!(flags("301", &ret), vec![(Header, 2)]);
}

#[test]
fn r302_first_episode_before_birth() {
    let mut ret = this_year();
    ret.header[0].dob = day("11/01/2024"); // C1's first episode began 10 January
    assert_eq!(flags("302", &ret), vec![(Header, 0), (Episodes, 0)]);
    ret.header[0].dob = day("10/01/2024");
    assert!(flags("302", &ret).is_empty());
}

#[test]
fn r303_duc_needs_a_uasc_child_in_the_header() {
    let mut ret = this_year();
    ret.uasc[0].duc = day("01/03/2026"); // C2 is in the Header: status 1
    ret.uasc.push(row::<Uasc>(&["C9", "M", "01/01/2009", "01/02/2026"]));
    ret.uasc.push(row::<Uasc>(&["C8", "M", "01/01/2009", ""])); // no DUC
    assert_eq!(flags("303", &ret), vec![(Uasc, 1)]);
}

#[test]
fn r304_duc_by_the_18th_birthday() {
    let mut ret = this_year();
    ret.uasc[0].duc = day("04/03/2028"); // C2 is 18 on 3 March 2028
    assert_eq!(flags("304", &ret), vec![(Uasc, 0)]);
    ret.uasc[0].duc = day("03/03/2028");
    assert!(flags("304", &ret).is_empty());
}

#[test]
fn r351_over_25_at_the_start() {
    let mut ret = this_year();
    ret.header[3].dob = day("31/03/2000"); // 25 the day before 1 April 2025
    assert_eq!(flags("351", &ret), vec![(Header, 3)]);
    ret.header[3].dob = day("01/04/2000");
    assert!(flags("351", &ret).is_empty());
}

#[test]
fn r352_no_care_start_at_18() {
    let mut ret = this_year();
    ret.header[4].dob = day("02/04/2007"); // C5 started 2 April 2025, her 18th birthday
    assert_eq!(flags("352", &ret), vec![(Episodes, 5)]);
    ret.header[4].dob = day("03/04/2007");
    assert!(flags("352", &ret).is_empty());
}

#[test]
fn r358_youth_justice_status_needs_10() {
    let mut ret = this_year();
    ret.episodes[3].ls = text("J1"); // C3 is 3
    ret.episodes[1].ls = text("J2"); // C1 is 13
    assert_eq!(flags("358", &ret), vec![(Header, 2), (Episodes, 3)]);
}

#[test]
fn r359_over_18_in_care_must_be_v2_in_k2() {
    let mut ret = this_year();
    ret.header[1].dob = day("01/01/2008"); // C2 is 18 in January, V2 in K2
    assert!(flags("359", &ret).is_empty());
    ret.episodes[2].place = text("K1");
    assert_eq!(flags("359", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r371_supported_accommodation_needs_16() {
    let mut ret = this_year();
    ret.episodes[5].place = text("K3"); // C5 is 15 on 2 April 2025
    assert_eq!(flags("371", &ret), vec![(Episodes, 5)]);
    ret.header[4].dob = day("02/04/2009");
    assert!(flags("371", &ret).is_empty());
}

#[test]
fn r372_custody_placement_needs_10() {
    let mut ret = this_year();
    ret.episodes[1].place = text("R5"); // C1 is 13
    ret.episodes[4].place = text("R5"); // C3 is 3
    assert_eq!(flags("372", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r373_school_placement_needs_4() {
    let mut ret = this_year();
    ret.episodes[1].place = text("S1");
    ret.episodes[4].place = text("S1");
    assert_eq!(flags("373", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r374_residential_employment_needs_14() {
    let mut ret = this_year();
    ret.episodes[1].place = text("P3"); // C1 is 13 on 5 September 2025
    ret.episodes[5].place = text("P3"); // C5 is 15
    assert_eq!(flags("374", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r375_hospital_stay_over_six_weeks() {
    let mut ret = this_year();
    ret.episodes[3].place = text("T1");
    ret.episodes[3].decom = day("03/05/2025"); // 43 days to 15 June
    assert_eq!(flags("375", &ret), vec![(Episodes, 3)]);
    ret.episodes[3].decom = day("04/05/2025"); // 42 days
    assert!(flags("375", &ret).is_empty());
}

#[test]
fn r376_carer_holiday_over_three_weeks() {
    let mut ret = this_year();
    ret.episodes[3].place = text("T3");
    ret.episodes[3].decom = day("24/05/2025"); // 22 days to 15 June
    assert_eq!(flags("376", &ret), vec![(Episodes, 3)]);
    ret.episodes[3].decom = day("25/05/2025");
    assert!(flags("376", &ret).is_empty());
}

#[test]
fn r379_other_temporary_over_seven_days() {
    let mut ret = this_year();
    ret.episodes[3].place = text("T4");
    ret.episodes[3].decom = day("07/06/2025"); // 8 days to 15 June
    ret.episodes[1].place = text("T4"); // open: no DEC to measure
    assert_eq!(flags("379", &ret), vec![(Episodes, 3)]);
    ret.episodes[3].decom = day("08/06/2025");
    assert!(flags("379", &ret).is_empty());
}

#[test]
fn r386_adopted_at_18() {
    let mut ret = this_year();
    ret.header[2].dob = day("20/01/2008"); // C3 adopted on her 18th birthday
    assert_eq!(flags("386", &ret), vec![(Episodes, 4)]);
    ret.header[2].dob = day("21/01/2008");
    assert!(flags("386", &ret).is_empty());
}

#[test]
fn r387_independent_living_under_14() {
    let mut ret = this_year();
    ret.episodes[4].rec = text("E5");
    assert_eq!(flags("387", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r389_adult_social_care_under_16() {
    let mut ret = this_year();
    ret.episodes[4].rec = text("E7");
    assert_eq!(flags("389", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r393_girl_in_care_needs_mother() {
    let mut ret = this_year();
    ret.header[0].mother = None;
    ret.header[2].mother = None; // C3 only on short breaks: not asked
    ret.episodes[3].ls = text("V3");
    ret.episodes[4].ls = text("V4");
    ret.header[3].mother = None; // a boy
    assert_eq!(flags("393", &ret), vec![(Header, 0)]);
}

#[test]
fn r407_special_guardianship_at_18() {
    let mut ret = this_year();
    ret.episodes[4].rec = text("E45");
    ret.header[2].dob = day("20/01/2008");
    assert_eq!(flags("407", &ret), vec![(Header, 2), (Episodes, 4)]);
    ret.header[2].dob = day("21/01/2008");
    assert!(flags("407", &ret).is_empty());
}

#[test]
fn r442_child_in_care_needs_upn() {
    let mut ret = this_year();
    ret.header[0].upn = None;
    ret.header[3].upn = None; // C4 has no episodes
    assert_eq!(flags("442", &ret), vec![(Header, 0)]);
}

#[test]
fn r444_real_upns_are_unique() {
    let mut ret = this_year();
    ret.header[3].upn = text("A123456789012"); // C1's
    ret.header[4].upn = text("UN1"); // as C3: unknown codes may repeat
    assert_eq!(flags("444", &ret), vec![(Header, 0), (Header, 3)]);
}

#[test]
fn r460_stayed_put_under_18() {
    let mut ret = this_year();
    ret.episodes[4].rec = text("E17");
    assert_eq!(flags("460", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r607_girl_leaving_care_needs_mother() {
    let mut ret = this_year();
    ret.header[2].mother = None; // C3 adopted in January
    ret.header[0].mother = None; // C1 only moved (X1)
    assert_eq!(flags("607", &ret), vec![(Header, 2), (Episodes, 4)]);
}

#[test]
fn r611_mother_needs_mc_dob() {
    let mut ret = this_year();
    ret.header[4].mc_dob = Day::blank();
    assert_eq!(flags("611", &ret), vec![(Header, 4)]);
}

#[test]
fn r612_mc_dob_needs_mother() {
    let mut ret = this_year();
    ret.header[4].mother = text("0");
    assert_eq!(flags("612", &ret), vec![(Header, 4)]);
    ret.header[4].mother = None;
    assert_eq!(flags("612", &ret), vec![(Header, 4)]);
}

#[test]
fn r620_mother_under_11() {
    let mut ret = this_year();
    ret.header[4].dob = day("02/04/2014"); // 10 on 1 April 2025
    assert_eq!(flags("620", &ret), vec![(Header, 4)]);
    ret.header[4].dob = day("01/04/2014");
    assert!(flags("620", &ret).is_empty());
}

#[test]
fn r621_mother_older_than_her_child() {
    let mut ret = this_year();
    ret.header[4].mc_dob = day("05/01/2010"); // C5's own DOB
    assert_eq!(flags("621", &ret), vec![(Header, 4)]);
}

#[test]
fn r625_mc_dob_after_the_year_or_leaving_care() {
    let mut ret = this_year();
    ret.header[4].mc_dob = day("01/04/2026");
    assert_eq!(flags("625", &ret), vec![(Header, 4), (Episodes, 5)]);

    let mut ret = this_year();
    ret.header[2].mother = text("1"); // C3 left care on 20 January 2026
    ret.header[2].mc_dob = day("21/01/2026");
    // C1 moved on 5 September (X1) and is still in care: no flag.
    ret.header[0].mother = text("1");
    ret.header[0].mc_dob = day("01/10/2025");
    assert_eq!(flags("625", &ret), vec![(Header, 2), (Episodes, 4)]);
}
