//! Tests of the episodes rules: one failing case per rule (the clean case is shared).
//!
//! The clean episodes: 0 and 1 are C1 (U4 to 05/09/2025 X1 CARPL, then U6
//! open); 2 is C2 (UASC, K2 open); 3 and 4 are C3 (U6 to 15/06/2025, then A6
//! to adoption, E11, on 20/01/2026); 5 is C5 (U6 open).

use time::macros::date;

use crate::ssda903::model::Episode;
use crate::ssda903::rules::testing::{clean, flags, flags_with, lookups, row, LA};
use crate::ssda903::tables::TableKind::*;
use crate::ssda903::validate::PostcodePlace;
use crate::ssda903::Day;

fn day(text: &str) -> Day {
    Day::from_raw(Some(text.into()))
}

fn text(value: &str) -> Option<String> {
    Some(value.into())
}

#[test]
fn r141_decom_must_be_a_real_date() {
    let (mut ret, ..) = clean();
    ret.episodes[2].decom = day("31/13/2025");
    assert_eq!(flags("141", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r142_an_earlier_episode_must_have_ended() {
    let (mut ret, ..) = clean();
    ret.episodes[0].rec = None;
    assert_eq!(flags("142", &ret), vec![(Episodes, 0)]);
    let (mut ret, ..) = clean();
    ret.episodes[3].dec = Day::blank();
    assert_eq!(flags("142", &ret), vec![(Episodes, 3)]);
}

#[test]
fn r143_rne_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.episodes[1].rne = text("X");
    ret.episodes[2].rne = None; // blank is another rule's
    assert_eq!(flags("143", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r144_ls_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.episodes[2].ls = text("Z9");
    assert_eq!(flags("144", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r145_cin_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.episodes[2].cin = text("N9");
    assert_eq!(flags("145", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r146_place_must_be_a_code_of_the_year() {
    let (mut ret, ..) = clean();
    ret.episodes[1].place = text("Z1"); // split into Z11-Z14 in 2025-26
    ret.episodes[5].place = text("Z12");
    assert_eq!(flags("146", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r147_dec_must_be_a_real_date() {
    let (mut ret, ..) = clean();
    ret.episodes[0].dec = day("2025-09-05");
    assert_eq!(flags("147", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r148_dec_and_rec_go_together() {
    let (mut ret, ..) = clean();
    ret.episodes[0].dec = Day::blank();
    ret.episodes[1].rec = text("E4A");
    assert_eq!(flags("148", &ret), vec![(Episodes, 0), (Episodes, 1)]);
}

#[test]
fn r149_rec_must_be_a_code() {
    let (mut ret, ..) = clean();
    ret.episodes[0].rec = text("E1");
    assert_eq!(flags("149", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r164_distance_must_be_under_1000_miles_unless_uasc() {
    let (mut ret, prev, mut lookups) = clean();
    let far = PostcodePlace {
        easting: 576_000,
        northing: 2_200_000,
        la: "SCO".into(),
    };
    lookups.postcodes.as_mut().unwrap().insert("ZE9 9ZZ", far);
    ret.episodes[1].pl_post = text("ZE9 9ZZ");
    ret.episodes[2].pl_post = text("ZE9 9ZZ"); // C2 is UASC
    assert_eq!(flags_with("164", &ret, Some(&prev), &lookups), vec![(Episodes, 1)]);
}

#[test]
fn r169_pl_la_must_be_derived() {
    let (mut ret, ..) = clean();
    ret.episodes[1].pl_post = text("XX1 1XX");
    ret.episodes[2].ls = text("V3"); // a short break has no placement postcode
    ret.episodes[2].pl_post = None;
    assert_eq!(flags("169", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r178_provider_must_be_a_code_and_not_for_temporary_placements() {
    let (mut ret, ..) = clean();
    ret.episodes[1].place_provider = text("PR9");
    ret.episodes[2].place = text("T0");
    assert_eq!(flags("178", &ret), vec![(Episodes, 1), (Episodes, 2)]);
}

#[test]
fn r179_pl_location_must_be_derived() {
    let (mut ret, ..) = clean();
    ret.episodes[5].pl_post = None;
    assert_eq!(flags("179", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r199_no_episode_after_an_adoption() {
    let (mut ret, ..) = clean();
    ret.episodes.push(row(&[
        "C3",
        "01/03/2026",
        "S",
        "C2",
        "N1",
        "U6",
        "PR1",
        "",
        "",
        "",
        "ME14 1AA",
        "ME15 6AA",
        "1234567",
    ]));
    assert_eq!(flags("199", &ret), vec![(Episodes, 6)]);
}

#[test]
fn r199_an_adoption_last_year_counts() {
    let (ret, mut prev, lookups) = clean();
    prev.episodes[2].dec = day("01/12/2024");
    prev.episodes[2].rec = text("E11");
    prev.episodes[2].decom = day("10/09/2024"); // not this year's episode 3
    assert_eq!(flags_with("199", &ret, Some(&prev), &lookups), vec![(Episodes, 3), (Episodes, 4)]);
}

#[test]
fn r213_no_provider_for_temporary_placements() {
    let (mut ret, ..) = clean();
    ret.episodes[1].place = text("T1");
    assert_eq!(flags("213", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r214_no_placement_details_for_short_breaks() {
    let (mut ret, ..) = clean();
    ret.episodes[2].ls = text("V3");
    assert_eq!(flags("214", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r217_a3_a5_start_with_s_t_or_u() {
    let (mut ret, ..) = clean();
    ret.episodes[4].place = text("A5"); // RNE P
    assert_eq!(flags("217", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r218_urn_required_for_registered_placements_in_england() {
    let (mut ret, ..) = clean();
    ret.episodes[2].urn = None;
    ret.episodes[0].place = text("P1");
    ret.episodes[0].urn = None;
    assert_eq!(flags("218", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r219_place_must_be_registered_for_the_urn() {
    let (mut ret, ..) = clean();
    ret.episodes[2].place = text("K1");
    assert_eq!(flags("219", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r221_pl_post_must_be_the_urns_postcode() {
    let (mut ret, ..) = clean();
    ret.episodes[2].pl_post = text("TN11AA");
    assert_eq!(flags("221", &ret), vec![]);
    ret.episodes[2].pl_post = text("ME14 1AA");
    assert_eq!(flags("221", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r222_no_urn_for_unregistered_placements() {
    let (mut ret, ..) = clean();
    ret.episodes[0].place = text("P1");
    ret.episodes[1].place = text("R1");
    ret.episodes[1].urn = text("XXXXXXX");
    assert_eq!(flags("222", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r224_provider_must_match_the_urn() {
    let (mut ret, ..) = clean();
    ret.episodes[1].place_provider = text("PR5");
    assert_eq!(flags("224", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r225_reason_for_placement_change_is_recorded() {
    let (mut ret, ..) = clean();
    ret.episodes[0].reason_place_change = None;
    assert_eq!(flags("225", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r226_no_reason_around_a_temporary_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[1].place = text("T2"); // the episode before it gives CARPL
    assert_eq!(flags("226", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r227_episode_starts_before_deregistration() {
    let (ret, prev, mut lookups) = clean();
    lookups.providers.as_mut().unwrap().get_mut("SC654321").unwrap().deregistered = Some(date!(2025 - 09 - 05));
    assert_eq!(flags_with("227", &ret, Some(&prev), &lookups), vec![(Episodes, 1)]);
}

#[test]
fn r228_episode_ends_by_deregistration() {
    let (ret, prev, mut lookups) = clean();
    lookups.providers.as_mut().unwrap().get_mut("SC123456").unwrap().deregistered = Some(date!(2026 - 01 - 01));
    assert_eq!(flags_with("228", &ret, Some(&prev), &lookups), vec![(Episodes, 2)]);
}

#[test]
fn r229_pr1_inside_the_area_and_pr2_outside() {
    let (mut ret, ..) = clean();
    ret.episodes[1].place_provider = text("PR1"); // SC654321 is in E09000022
    ret.episodes[2].place_provider = text("PR2"); // SC123456 is in the council's area
    assert_eq!(flags("229", &ret), vec![(Episodes, 1), (Episodes, 2)]);
    assert_eq!(lookups().la.as_deref(), Some(LA));
}

#[test]
fn r233_no_reason_for_change_on_an_open_episode() {
    let (mut ret, ..) = clean();
    ret.episodes[1].reason_place_change = text("CARPL");
    assert_eq!(flags("233", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r336_a3_a5_follow_a_foster_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[3].place = text("R1");
    ret.episodes[4].place = text("A4"); // not with the foster carer: no rule
    assert_eq!(flags("336", &ret), vec![]);
    ret.episodes[4].place = text("A3");
    assert_eq!(flags("336", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r353_no_episode_before_14_october_1991() {
    let (mut ret, ..) = clean();
    ret.episodes[3].decom = day("13/10/1991");
    assert_eq!(flags("353", &ret), vec![(Episodes, 3)]);
}

#[test]
fn r354_no_episode_starts_after_the_year() {
    let (mut ret, ..) = clean();
    ret.episodes[5].decom = day("01/04/2026");
    assert_eq!(flags("354", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r355_an_episode_lasts_a_day_at_least() {
    let (mut ret, ..) = clean();
    ret.episodes[0].dec = day("10/1/2024");
    assert_eq!(flags("355", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r356_dec_not_before_decom() {
    let (mut ret, ..) = clean();
    ret.episodes[0].dec = day("09/01/2024");
    assert_eq!(flags("356", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r357_first_episode_in_the_year_starts_with_s() {
    let (mut ret, mut prev, lookups) = clean();
    ret.episodes[5].rne = text("P");
    assert_eq!(flags("357", &ret), vec![(Episodes, 5)]);
    // Unless last year's return shows the episode it follows on from.
    let before: Episode = row(&[
        "C5",
        "01/03/2025",
        "S",
        "V2",
        "N5",
        "U6",
        "PR4",
        "02/04/2025",
        "X1",
        "CARPL",
        "ME14 1AA",
        "SE1 7PB",
        "SC654321",
    ]);
    prev.episodes.push(before);
    assert_eq!(flags_with("357", &ret, Some(&prev), &lookups), vec![]);
}
