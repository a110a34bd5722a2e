//! Tests of the integrity rules: one failing case per rule (the clean case is shared).

use crate::ssda903::model::Header;
use crate::ssda903::rules::testing::{clean, flags, row};
use crate::ssda903::tables::TableKind::*;
use crate::ssda903::Day;

const STRANGER: &str = "C9";

fn stranger() -> Option<String> {
    Some(STRANGER.into())
}

fn day(text: &str) -> Day {
    Day::from_raw(Some(text.into()))
}

#[test]
fn repi_header_child_needs_episodes_or_oc3() {
    let (mut ret, ..) = clean();
    let header: Header = row(&[STRANGER, "M", "01/01/2010", "WBRI", "UN2", "", ""]);
    ret.header.push(header);
    assert_eq!(flags("EPI", &ret), vec![(Header, 5)]);
}

#[test]
fn rint01_ad1_child_in_header() {
    let (mut ret, ..) = clean();
    ret.ad1[0].child = stranger();
    assert_eq!(flags("INT01", &ret), vec![(Ad1, 0)]);
}

#[test]
fn rint02_placed_adoption_child_in_header() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].child = stranger();
    assert_eq!(flags("INT02", &ret), vec![(PlacedAdoption, 0)]);
}

#[test]
fn rint03_episodes_child_in_header() {
    let (mut ret, ..) = clean();
    ret.episodes[2].child = stranger();
    assert_eq!(flags("INT03", &ret), vec![(Episodes, 2)]);
}

#[test]
fn rint04_missing_child_in_header() {
    let (mut ret, ..) = clean();
    ret.missing[0].child = stranger();
    assert_eq!(flags("INT04", &ret), vec![(Missing, 0)]);
}

#[test]
fn rint05_oc2_child_in_header() {
    let (mut ret, ..) = clean();
    ret.oc2[0].child = stranger();
    assert_eq!(flags("INT05", &ret), vec![(Oc2, 0)]);
}

#[test]
fn rint06_oc3_child_in_header() {
    let (mut ret, ..) = clean();
    ret.oc3[0].child = stranger();
    assert_eq!(flags("INT06", &ret), vec![(Oc3, 0)]);
}

#[test]
fn rint07_prev_perm_child_in_header() {
    let (mut ret, ..) = clean();
    ret.prev_perm[1].child = None;
    assert_eq!(flags("INT07", &ret), vec![(PrevPerm, 1)]);
}

#[test]
fn rint08_reviews_child_in_header() {
    let (mut ret, ..) = clean();
    ret.reviews[3].child = stranger();
    assert_eq!(flags("INT08", &ret), vec![(Reviews, 3)]);
}

#[test]
fn rint09_uasc_child_in_header() {
    let (mut ret, ..) = clean();
    ret.uasc[0].child = stranger();
    assert_eq!(flags("INT09", &ret), vec![(Uasc, 0)]);
}

#[test]
fn rint11_ad1_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.ad1[0].dob = day("21/07/2021");
    assert_eq!(flags("INT11", &ret), vec![(Ad1, 0)]);
}

#[test]
fn rint12_placed_adoption_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.placed_adoption[0].dob = day("21/07/2021");
    assert_eq!(flags("INT12", &ret), vec![(PlacedAdoption, 0)]);
}

#[test]
fn rint13_missing_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.missing[0].dob = day("15/06/2013");
    assert_eq!(flags("INT13", &ret), vec![(Missing, 0)]);
}

#[test]
fn rint14_oc2_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.oc2[0].dob = day("16/06/2012");
    assert_eq!(flags("INT14", &ret), vec![(Oc2, 0)]);
}

#[test]
fn rint15_oc3_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.oc3[0].dob = day("09/09/2006");
    assert_eq!(flags("INT15", &ret), vec![(Oc3, 0)]);
}

#[test]
fn rint16_prev_perm_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.prev_perm[1].dob = day("05/01/2011");
    ret.prev_perm[0].dob = day("not a date"); // unreadable: another rule's
    assert_eq!(flags("INT16", &ret), vec![(PrevPerm, 1)]);
}

#[test]
fn rint17_reviews_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.reviews[1].dob = day("15/07/2012");
    assert_eq!(flags("INT17", &ret), vec![(Reviews, 1)]);
}

#[test]
fn rint18_uasc_dob_matches_header() {
    let (mut ret, ..) = clean();
    ret.uasc[0].dob = day("03/03/2009");
    assert_eq!(flags("INT18", &ret), vec![(Uasc, 0)]);
}

#[test]
fn rint21_uasc_sex_matches_header() {
    let (mut ret, ..) = clean();
    ret.uasc[0].sex = Some("F".into());
    assert_eq!(flags("INT21", &ret), vec![(Uasc, 0)]);
}

#[test]
fn rint31_ad1_once_per_child() {
    let (mut ret, ..) = clean();
    ret.ad1.push(ret.ad1[0].clone());
    assert_eq!(flags("INT31", &ret), vec![(Ad1, 0), (Ad1, 1)]);
}

#[test]
fn rint32_header_once_per_child() {
    let (mut ret, ..) = clean();
    ret.header.push(ret.header[0].clone());
    assert_eq!(flags("INT32", &ret), vec![(Header, 0), (Header, 5)]);
}

#[test]
fn rint33_oc2_once_per_child() {
    let (mut ret, ..) = clean();
    ret.oc2.push(ret.oc2[0].clone());
    assert_eq!(flags("INT33", &ret), vec![(Oc2, 0), (Oc2, 1)]);
}

#[test]
fn rint34_oc3_once_per_child() {
    let (mut ret, ..) = clean();
    ret.oc3.push(ret.oc3[0].clone());
    assert_eq!(flags("INT34", &ret), vec![(Oc3, 0), (Oc3, 1)]);
}

#[test]
fn rint35_prev_perm_once_per_child() {
    let (mut ret, ..) = clean();
    ret.prev_perm.push(ret.prev_perm[0].clone());
    assert_eq!(flags("INT35", &ret), vec![(PrevPerm, 0), (PrevPerm, 2)]);
}

#[test]
fn rint36_uasc_once_per_child() {
    let (mut ret, ..) = clean();
    ret.uasc.push(ret.uasc[0].clone());
    assert_eq!(flags("INT36", &ret), vec![(Uasc, 0), (Uasc, 1)]);
}
