//! Tests of the outcomes rules: one failing case per rule (the clean case is shared).

use crate::ssda903::model::{Ad1, Episode, Header, Oc2, Return, Uasc};
use crate::ssda903::rules::testing::{clean, flags, flags_with, lookups, row};
use crate::ssda903::tables::TableKind::*;
use crate::ssda903::year::CollectionYear;
use crate::ssda903::Day;

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn day(v: &str) -> Day {
    Day::from_raw(s(v))
}

/// An episode of C4 (a care leaver with no episodes this year in the clean return).
fn episode(child: &str, decom: &str, dec: &str, rec: &str) -> Episode {
    row(&[
        child, decom, "S", "C2", "N1", "U4", "PR1", dec, rec, "", "ME14 1AA", "ME15 6AA", "1234567",
    ])
}

/// C5, who came into care in April, so is not in the OC2 cohort.
fn oc2_for_c5(cells: &[&str]) -> Oc2 {
    let mut all = vec!["C5", "05/01/2010"];
    all.extend_from_slice(cells);
    row(&all)
}

#[test]
fn r131_in_touch_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.oc3[0].in_touch = s("MAYBE");
    assert_eq!(flags("131", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r132_activ_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.oc3[0].activ = s("F3");
    assert_eq!(flags("132", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r133_accom_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.oc3[0].accom = s("Z3");
    assert_eq!(flags("133", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r134_a_care_leaver_has_no_adoption_data() {
    let (mut ret, ..) = clean();
    ret.oc3.push(row(&["C3", "20/07/2021", "YES", "F5", "U1"]));
    assert_eq!(flags("134", &ret), vec![(Ad1, 0)]);
}

#[test]
fn r153_care_leaver_items_all_or_none() {
    let (mut ret, ..) = clean();
    ret.oc3[0].accom = None;
    assert_eq!(flags("153", &ret), vec![(Oc3, 0)]);
    ret.oc3[0].in_touch = None;
    ret.oc3[0].activ = None;
    assert_eq!(flags("153", &ret), vec![]);
}

#[test]
fn r157_sdq1_is_for_children_outside_4_to_16() {
    let (mut ret, ..) = clean();
    ret.oc2[0].sdq_score = None;
    ret.oc2[0].sdq_reason = s("SDQ1");
    assert_eq!(flags("157", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].dob = day("01/01/2009"); // 17 on 1 January 2026
    assert_eq!(flags("157", &ret), vec![]);
}

#[test]
fn r158_intervention_received_means_offered_is_blank() {
    let (mut ret, ..) = clean();
    ret.oc2[0].substance_misuse = s("1");
    ret.oc2[0].intervention_received = s("1");
    ret.oc2[0].intervention_offered = s("0");
    assert_eq!(flags("158", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r159_intervention_not_received_needs_offered() {
    let (mut ret, ..) = clean();
    ret.oc2[0].substance_misuse = s("1");
    ret.oc2[0].intervention_received = s("0");
    assert_eq!(flags("159", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].intervention_offered = s("1");
    assert_eq!(flags("159", &ret), vec![]);
}

#[test]
fn r165_mother_is_0_or_1_for_girls_only() {
    let (mut ret, ..) = clean();
    ret.header[0].mother = None; // a girl in care this year
    ret.header[1].mother = s("0"); // a boy
    ret.header[3].mother = s("1"); // a boy, a care leaver
    ret.header[4].mother = s("2");
    assert_eq!(
        flags("165", &ret),
        vec![(Header, 0), (Header, 1), (Header, 3), (Header, 4), (Oc3, 0)]
    );
}

#[test]
fn r165_uses_the_sex_codes_of_the_year() {
    let mut ret = Return::complete(CollectionYear::new(2024).unwrap());
    ret.header = vec![
        row::<Header>(&["G1", "2", "01/05/2012", "WBRI", "A123456789012", "", ""]),
        row(&["G2", "1", "01/05/2012", "WBRI", "A123456789013", "0", ""]),
        row(&["G3", "F", "01/05/2012", "WBRI", "A123456789014", "", ""]),
    ];
    ret.episodes = ["G1", "G2", "G3"].iter().map(|c| episode(c, "01/06/2023", "", "")).collect();
    assert_eq!(flags_with("165", &ret, None, &lookups()), vec![(Header, 0), (Header, 1)]);
}

#[test]
fn r180_sdq_score_is_0_to_40() {
    let (mut ret, ..) = clean();
    ret.oc2[0].sdq_score = s("41");
    assert_eq!(flags("180", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].sdq_score = s("12.0");
    assert_eq!(flags("180", &ret), vec![]);
    ret.oc2[0].sdq_score = s("twelve");
    assert_eq!(flags("180", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r181_twelve_month_items_are_0_or_1() {
    let (mut ret, ..) = clean();
    ret.oc2[0].immunisations = s("2");
    assert_eq!(flags("181", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r182_core_items_or_nothing() {
    let (mut ret, ..) = clean();
    ret.oc2[0].teeth_check = None;
    assert_eq!(flags("182", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r185_no_sdq_score_outside_the_cohort() {
    let (mut ret, ..) = clean();
    let n = ret.oc2.len();
    ret.oc2.push(oc2_for_c5(&["10", "", "", "", "", "", "", "", "", ""]));
    assert_eq!(flags("185", &ret), vec![(Oc2, n)]);
}

#[test]
fn r186_cohort_child_of_4_to_16_needs_an_sdq() {
    let (mut ret, ..) = clean();
    ret.oc2[0].sdq_score = None;
    assert_eq!(flags("186", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].sdq_reason = s("SDQ2");
    assert_eq!(flags("186", &ret), vec![]);
}

#[test]
fn r187_cohort_child_has_no_adoption_or_care_leaver_data() {
    let (mut ret, ..) = clean();
    let (n3, na) = (ret.oc3.len(), ret.ad1.len());
    ret.oc3.push(row(&["C1", "15/06/2012", "YES", "F5", "U1"]));
    ret.ad1
        .push(row::<Ad1>(&["C1", "15/06/2012", "10/10/2024", "01/06/2025", "0", "2", "MF", "L11"]));
    assert_eq!(flags("187", &ret), vec![(Oc3, n3), (Ad1, na)]);
}

#[test]
fn r188_no_sdq_under_4() {
    let (mut ret, ..) = clean();
    ret.oc2[0].dob = day("01/06/2022");
    assert_eq!(flags("188", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r189_no_sdq_at_17_on_1_april() {
    let (mut ret, ..) = clean();
    ret.oc2[0].dob = day("01/03/2008");
    assert_eq!(flags("189", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].dob = day("01/04/2008"); // 17 on 1 April: in the year (197B)
    assert_eq!(flags("189", &ret), vec![]);
}

#[test]
fn r190_no_twelve_month_items_outside_the_cohort() {
    let (mut ret, ..) = clean();
    let n = ret.oc2.len();
    ret.oc2.push(oc2_for_c5(&["", "", "0", "", "", "", "", "", "", ""]));
    assert_eq!(flags("190", &ret), vec![(Oc2, n)]);
}

#[test]
fn r191_cohort_child_needs_the_core_items() {
    let (mut ret, ..) = clean();
    ret.oc2[0].immunisations = None;
    assert_eq!(flags("191", &ret), vec![(Oc2, 0)]);
    ret.oc2.clear(); // not in OC2 at all: her first episode
    assert_eq!(flags("191", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r192_substance_misuse_needs_intervention_received() {
    let (mut ret, ..) = clean();
    ret.oc2[0].substance_misuse = s("1");
    assert_eq!(flags("192", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r193_no_intervention_items_without_substance_misuse() {
    let (mut ret, ..) = clean();
    ret.oc2[0].intervention_received = s("1");
    assert_eq!(flags("193", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r196_sdq_reason_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.oc2[0].sdq_score = None;
    ret.oc2[0].sdq_reason = s("SDQ6");
    assert_eq!(flags("196", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r197b_sdq_needed_at_a_4th_or_17th_birthday() {
    let (mut ret, ..) = clean();
    ret.oc2[0].dob = day("01/10/2008"); // 17 in October
    ret.oc2[0].sdq_score = None;
    assert_eq!(flags("197B", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].dob = day("15/06/2012");
    assert_eq!(flags("197B", &ret), vec![]);
}

#[test]
fn r197a_no_sdq_reason_with_a_score() {
    let (mut ret, ..) = clean();
    ret.oc2[0].sdq_reason = s("SDQ4");
    assert_eq!(flags("197a", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r198_no_sdq_reason_outside_the_cohort() {
    let (mut ret, ..) = clean();
    let n = ret.oc2.len();
    ret.oc2.push(oc2_for_c5(&["", "SDQ2", "", "", "", "", "", "", "", ""]));
    assert_eq!(flags("198", &ret), vec![(Oc2, n)]);
}

#[test]
fn r215_care_leaver_has_no_twelve_month_items() {
    let (mut ret, ..) = clean();
    let n = ret.oc2.len();
    ret.oc2.push(row(&["C4", "10/09/2006", "", "", "0", "", "", "", "", "", "", ""]));
    assert_eq!(flags("215", &ret), vec![(Oc2, n), (Oc3, 0)]);
}

#[test]
fn r344_died_or_home_means_no_activity_or_accommodation() {
    let (mut ret, ..) = clean();
    ret.oc3[0].in_touch = s("DIED");
    assert_eq!(flags("344", &ret), vec![(Oc3, 0)]);
    ret.oc3[0].activ = s("0");
    ret.oc3[0].accom = s("0");
    assert_eq!(flags("344", &ret), vec![]);
}

#[test]
fn r345_in_touch_means_activity_and_accommodation() {
    let (mut ret, ..) = clean();
    ret.oc3[0].activ = s("0");
    assert_eq!(flags("345", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r347_no_foyer_under_18() {
    let (mut ret, ..) = clean();
    ret.oc3[0].accom = s("T1");
    assert_eq!(flags("347", &ret), vec![]); // 18 last year
    ret.oc3[0].dob = day("10/09/2008");
    assert_eq!(flags("347", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r391_care_leavers_are_17_to_21() {
    let (mut ret, ..) = clean();
    ret.oc3[0].dob = day("01/04/2009"); // 17 the day after the year ends
    let n = ret.oc3.len();
    ret.oc3.push(row(&["C6", "01/04/2003", "YES", "F5", "U1"])); // 22 on 1 April
    ret.oc3.push(row(&["C7", "02/04/2003", "YES", "F5", "U1"])); // 21 on 1 April
    assert_eq!(flags("391", &ret), vec![(Oc3, 0), (Oc3, n)]);
}

#[test]
fn r542_no_convictions_under_10() {
    let (mut ret, ..) = clean();
    ret.oc2[0].dob = day("01/06/2016");
    assert_eq!(flags("542", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r543_cohort_child_of_10_needs_convictions() {
    let (mut ret, ..) = clean();
    ret.oc2[0].convicted = None;
    assert_eq!(flags("543", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].dob = day("31/03/2016"); // 10 on 31 March
    assert_eq!(flags("543", &ret), vec![(Oc2, 0)]);
    ret.oc2[0].dob = day("01/04/2016");
    assert_eq!(flags("543", &ret), vec![]);
}

#[test]
fn r544_convictions_need_the_core_items() {
    let (mut ret, ..) = clean();
    ret.oc2[0].health_assessment = None;
    assert_eq!(flags("544", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r545_cohort_child_under_5_needs_health_check() {
    let (mut ret, ..) = clean();
    ret.oc2[0].dob = day("01/06/2021");
    assert_eq!(flags("545", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r546_no_health_check_from_5() {
    let (mut ret, ..) = clean();
    ret.oc2[0].health_check = s("1");
    assert_eq!(flags("546", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r547_health_check_needs_the_core_items() {
    let (mut ret, ..) = clean();
    ret.oc2[0].health_check = s("1");
    ret.oc2[0].substance_misuse = None;
    assert_eq!(flags("547", &ret), vec![(Oc2, 0)]);
}

#[test]
fn r628_no_motherhood_for_care_leavers_not_in_care() {
    let (mut ret, ..) = clean();
    ret.header[3].mother = s("0");
    assert_eq!(flags("628", &ret), vec![(Header, 3)]);
}

#[test]
fn r1000_no_care_leaver_data_after_dying_in_care() {
    let (mut ret, mut prev, lookups) = clean();
    prev.episodes[3].rec = s("E2");
    assert_eq!(flags_with("1000", &ret, Some(&prev), &lookups), vec![(Oc3, 0)]);
    ret.episodes.push(episode("C4", "01/01/2025", "01/06/2025", "E2"));
    assert_eq!(flags_with("1000", &ret, None, &lookups), vec![(Oc3, 0)]);
}

#[test]
fn r1007_no_care_leaver_data_if_in_care_on_the_birthday() {
    let (mut ret, ..) = clean();
    ret.oc3[0].dob = day("10/09/2008"); // 17 in September
    ret.episodes.push(episode("C4", "01/01/2025", "", ""));
    // Born on 29 February: 18 on 1 March 2026.
    let n = ret.oc3.len();
    ret.oc3.push(row(&["C6", "29/02/2008", "YES", "F5", "U1"]));
    ret.episodes.push(episode("C6", "01/01/2025", "15/03/2026", "E4A"));
    ret.oc3.push(row(&["C7", "29/02/2008", "YES", "F5", "U1"]));
    ret.episodes.push(episode("C7", "01/01/2025", "28/02/2026", "E4A"));
    assert_eq!(flags("1007", &ret), vec![(Oc3, 0), (Oc3, n)]);
}

#[test]
fn r1011_no_care_leaver_data_after_transfer_to_another_la() {
    let (mut ret, ..) = clean();
    ret.episodes.push(episode("C4", "01/01/2025", "01/06/2025", "E3"));
    assert_eq!(flags("1011", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r1014_no_uasc_data_for_care_leavers() {
    let (mut ret, ..) = clean();
    let n = ret.uasc.len();
    ret.uasc.push(row::<Uasc>(&["C4", "M", "10/09/2006", "10/09/2024"]));
    assert_eq!(flags("1014", &ret), vec![(Uasc, n), (Oc3, 0)]);
}

#[test]
fn r1016_no_care_leaver_data_if_ceased_after_the_birthday() {
    let (mut ret, ..) = clean();
    ret.oc3[0].dob = day("10/09/2008"); // 17 in September
    let n = ret.episodes.len();
    ret.episodes.push(episode("C4", "01/01/2025", "01/09/2025", "E4A"));
    assert_eq!(flags("1016", &ret), vec![]);
    ret.episodes[n].dec = day("10/09/2025");
    assert_eq!(flags("1016", &ret), vec![(Oc3, 0)]);
}

#[test]
fn r3001_no_former_foster_carers_at_17() {
    let (mut ret, ..) = clean();
    ret.oc3[0].accom = s("Z1");
    assert_eq!(flags("3001", &ret), vec![]);
    ret.header[3].dob = day("10/09/2008");
    assert_eq!(flags("3001", &ret), vec![(Oc3, 0)]);
}
