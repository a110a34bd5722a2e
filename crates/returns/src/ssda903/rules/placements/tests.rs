//! Tests of the placements rules: one failing case per rule (the clean case is shared).
//!
//! The clean episodes: 0 and 1 are C1's (U4 to an agency U6 in September),
//! 2 is C2's (UASC, K2), 3 and 4 are C3's (U6 then A6, adopted E11) and 5 is
//! C5's (U6, open).

use crate::ssda903::codes::Codes;
use crate::ssda903::model::{Episode, Return};
use crate::ssda903::rules::testing::{clean, flags, flags_with, row};
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind::*;
use crate::ssda903::validate::PostcodePlace;
use crate::ssda903::Day;

fn day(text: &str) -> Day {
    Day::from_raw(Some(text.into()))
}

fn text(value: &str) -> Option<String> {
    Some(value.into())
}

/// Appends an episode (cells in column order, "" blank); returns its index.
fn push(ret: &mut Return, cells: &[&str]) -> usize {
    ret.episodes.push(row::<Episode>(cells));
    ret.episodes.len() - 1
}

/// C5's episode (5) with a legal status and an end.
fn c5(ls: &str, dec: &str) -> Return {
    let (mut ret, ..) = clean();
    ret.episodes[5].ls = text(ls);
    ret.episodes[5].dec = if dec.is_empty() { Day::blank() } else { day(dec) };
    if !dec.is_empty() {
        ret.episodes[5].rec = text("E4A");
    }
    ret
}

#[test]
fn r361_police_protection_over_72_hours() {
    assert_eq!(flags("361", &c5("L1", "06/04/2025")), vec![(Episodes, 5)]);
    assert_eq!(flags("361", &c5("L1", "05/04/2025")), vec![]);
    // Two L1 episodes in a row count together: 2 + 2 days.
    let mut ret = c5("L1", "04/04/2025");
    ret.episodes[5].rec = text("X1");
    push(
        &mut ret,
        &[
            "C5",
            "04/04/2025",
            "P",
            "L1",
            "N5",
            "U6",
            "PR4",
            "06/04/2025",
            "E4A",
            "",
            "ME14 1AA",
            "ME15 6AA",
            "",
        ],
    );
    assert_eq!(flags("361", &ret), vec![(Episodes, 5), (Episodes, 6)]);
}

#[test]
fn r362_emergency_protection_over_21_days() {
    assert_eq!(flags("362", &c5("L2", "24/04/2025")), vec![(Episodes, 5)]);
    assert_eq!(flags("362", &c5("L2", "23/04/2025")), vec![]);
}

#[test]
fn r363_child_assessment_order_over_7_days() {
    assert_eq!(flags("363", &c5("L3", "10/04/2025")), vec![(Episodes, 5)]);
    assert_eq!(flags("363", &c5("L3", "09/04/2025")), vec![]);
}

#[test]
fn r364_pace_accommodation_over_the_limit() {
    // Still open on 31 March: measured to then.
    assert_eq!(flags("364", &c5("J2", "")), vec![(Episodes, 5)]);
    assert_eq!(flags("364", &c5("J2", "20/04/2025")), vec![]);
}

#[test]
fn r365_single_short_break_over_17_days() {
    assert_eq!(flags("365", &c5("V3", "20/04/2025")), vec![(Episodes, 5)]);
    assert_eq!(flags("365", &c5("V3", "19/04/2025")), vec![]);
}

#[test]
fn r366_no_placement_change_within_a_short_break() {
    let (mut ret, ..) = clean();
    ret.episodes[1].ls = text("V3"); // RNE P
    ret.episodes[5].ls = text("V3"); // RNE S: fine
    assert_eq!(flags("366", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r367_short_breaks_over_75_days_in_the_year() {
    assert_eq!(flags("367", &c5("V3", "")), vec![(Episodes, 5)]);
    assert_eq!(flags("367", &c5("V3", "16/06/2025")), vec![]); // exactly 75
}

#[test]
fn r377_more_than_two_foster_carer_holidays() {
    let (mut ret, ..) = clean();
    let t3 = |ret: &mut Return, from: &str, to: &str| {
        push(
            ret,
            &["C5", from, "P", "V2", "N5", "T3", "", to, "X1", "", "ME14 1AA", "ME15 6AA", ""],
        )
    };
    let a = t3(&mut ret, "01/05/2025", "05/05/2025");
    let b = t3(&mut ret, "01/06/2025", "05/06/2025");
    assert_eq!(flags("377", &ret), vec![]);
    let c = t3(&mut ret, "01/07/2025", "05/07/2025");
    assert_eq!(flags("377", &ret), vec![(Episodes, a), (Episodes, b), (Episodes, c)]);
}

#[test]
fn r378_placed_with_parents_under_section_20() {
    let (mut ret, ..) = clean();
    ret.episodes[5].place = text("P1"); // LS V2
    assert_eq!(flags("378", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r380_care_cannot_start_in_a_temporary_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[2].place = text("T1"); // RNE S
    assert_eq!(flags("380", &ret), vec![(Episodes, 2)]);
}

#[test]
fn r381_care_cannot_end_in_a_temporary_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[4].place = text("T0"); // REC E11
    ret.episodes[0].place = text("T0"); // REC X1: fine
    assert_eq!(flags("381", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r382_short_break_in_a_temporary_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[5].ls = text("V4");
    ret.episodes[5].place = text("T2");
    assert_eq!(flags("382", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r383_return_to_the_placement_before_the_temporary_one() {
    let back = |place: &str, post: &str| {
        let (mut ret, ..) = clean();
        ret.episodes[1].place = text("T3");
        ret.episodes[1].dec = day("20/09/2025");
        ret.episodes[1].rec = text("X1");
        let i = push(
            &mut ret,
            &[
                "C1",
                "20/09/2025",
                "P",
                "C2",
                "N1",
                place,
                "PR1",
                "",
                "",
                "",
                "ME14 1AA",
                post,
                "1234567",
            ],
        );
        (ret, i)
    };
    let (ret, i) = back("U6", "ME15 6AA");
    assert_eq!(flags("383", &ret), vec![(Episodes, i)]);
    let (ret, i) = back("U4", "TN1 1AA"); // the same type, but elsewhere
    assert_eq!(flags("383", &ret), vec![(Episodes, i)]);
    let (ret, _) = back("U4", "ME15 6AA");
    assert_eq!(flags("383", &ret), vec![]);
}

#[test]
fn r384_short_break_in_long_term_foster_care() {
    let (mut ret, ..) = clean();
    ret.episodes[5].ls = text("V4");
    ret.episodes[5].place = text("U4");
    assert_eq!(flags("384", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r385_dec_after_the_year_end() {
    let (mut ret, ..) = clean();
    ret.episodes[5].dec = day("01/04/2026");
    ret.episodes[4].dec = day("31/03/2026");
    assert_eq!(flags("385", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r388_x1_needs_a_same_day_continuation() {
    let (mut ret, ..) = clean();
    ret.episodes[0].dec = day("04/09/2025"); // X1, next starts 05/09
    ret.episodes[3].rec = text("E4A"); // not X1, next starts the same day
    ret.episodes[4].rec = text("X1"); // the last episode
    assert_eq!(flags("388", &ret), vec![(Episodes, 0), (Episodes, 3), (Episodes, 4)]);
}

#[test]
fn r390_adopted_without_an_adoption_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[4].place = text("U6");
    assert_eq!(flags("390", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r392a_no_distance() {
    let (mut ret, ..) = clean();
    ret.episodes[5].pl_post = text("ZZ9 9ZZ"); // not in the list: no distance
    ret.episodes[2].pl_post = None; // C2 is UASC: no distance expected
    assert_eq!(flags("392a", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r392b_no_postcodes() {
    let (mut ret, ..) = clean();
    ret.episodes[5].home_post = None;
    ret.episodes[1].pl_post = None;
    // C2 (UASC) has no HOME_POST in the clean return.
    assert_eq!(flags("392b", &ret), vec![(Episodes, 1), (Episodes, 5)]);
}

#[test]
fn r392c_postcode_not_in_the_list() {
    let (mut ret, ..) = clean();
    ret.episodes[5].pl_post = text("ZZ9 9ZZ");
    ret.episodes[0].home_post = text("ZZ9 9ZY");
    ret.episodes[1].home_post = text("ME141AA"); // spaces do not matter
    assert_eq!(flags("392c", &ret), vec![(Episodes, 0), (Episodes, 5)]);
}

#[test]
fn r392d_home_and_placement_postcodes_the_same() {
    let (mut ret, ..) = clean();
    ret.episodes[5].pl_post = text("ME141AA");
    ret.episodes[1].place = text("P1");
    ret.episodes[1].pl_post = text("ME14 1AA"); // with parents: fine
    assert_eq!(flags("392d", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r398_short_break_with_postcodes() {
    let (mut ret, ..) = clean();
    ret.episodes[5].ls = text("V3");
    assert_eq!(flags("398", &ret), vec![(Episodes, 5)]);
    ret.episodes[5].home_post = None;
    ret.episodes[5].pl_post = None;
    assert_eq!(flags("398", &ret), vec![]);
}

#[test]
fn r406_uasc_child_with_a_distance() {
    let (mut ret, mut prev, lookups) = clean();
    ret.episodes[2].home_post = text("ME14 1AA");
    assert_eq!(flags("406", &ret), vec![(Episodes, 2)]);
    // Formerly UASC: in last year's UASC table.
    prev.uasc.push(row(&["C5", "F", "05/01/2010", "01/01/2025"]));
    assert_eq!(flags_with("406", &ret, Some(&prev), &lookups), vec![(Episodes, 2), (Episodes, 5)]);
}

#[test]
fn r408_placement_order_placement_without_e1() {
    let (mut ret, ..) = clean();
    ret.episodes[4].ls = text("C2"); // A6
    assert_eq!(flags("408", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r411_location_disagrees_with_placement_la() {
    let (ret, prev, lookups) = clean();
    assert_eq!(flags("411", &ret), vec![]);
    // Derived data always agree; break the derivation to see the check.
    let codes = Codes::for_year(ret.year);
    let mut ctx = Ctx::new(&ret, Some(&prev), &lookups, &codes);
    ctx.derived[5].pl_location = Some("IN"); // SE1 7PB is Southwark
    ctx.derived[2].pl_location = Some("OUT"); // TN1 1AA is Kent
    let mut found = Flags::default();
    super::r411(&ctx, &mut found);
    assert_eq!(found.into_rows(), vec![(Episodes, 2), (Episodes, 5)]);
}

#[test]
fn r420_short_break_with_a_placement_la() {
    let (mut ret, ..) = clean();
    ret.episodes[5].ls = text("V4");
    assert_eq!(flags("420", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r426_v3_and_v4_in_one_year() {
    let mut ret = c5("V3", "10/04/2025");
    let i = push(
        &mut ret,
        &["C5", "01/06/2025", "S", "V4", "N5", "U6", "PR4", "", "", "", "", "", ""],
    );
    assert_eq!(flags("426", &ret), vec![(Episodes, 5), (Episodes, i)]);
}

#[test]
fn r431_new_period_the_day_the_last_ended() {
    let (mut ret, ..) = clean();
    ret.episodes[1].rne = text("S");
    assert_eq!(flags("431", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r432_after_leaving_care_the_next_episode_starts_care() {
    let (mut ret, ..) = clean();
    ret.episodes[0].rec = text("E4A"); // next RNE P
    assert_eq!(flags("432", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r433_continuation_must_start_when_the_last_ended() {
    let (mut ret, ..) = clean();
    ret.episodes[1].decom = day("06/09/2025");
    // C3's first episode (RNE L) continues one from last year: fine.
    assert_eq!(flags("433", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r434_legal_status_change_only() {
    let (mut ret, ..) = clean();
    ret.episodes[1].rne = text("L"); // LS unchanged, placement changed
    assert_eq!(flags("434", &ret), vec![(Episodes, 1)]);
    // A real legal status change alone is fine.
    let (mut ret, ..) = clean();
    let e = &mut ret.episodes[1];
    (e.rne, e.ls, e.place, e.place_provider) = (text("L"), text("E1"), text("U4"), text("PR1"));
    (e.pl_post, e.urn) = (text("ME15 6AA"), text("1234567"));
    assert_eq!(flags("434", &ret), vec![]);
}

#[test]
fn r435_placement_change_only() {
    let (mut ret, ..) = clean();
    ret.episodes[1].ls = text("E1"); // RNE P, but the legal status changed
    let e = &mut ret.episodes[4]; // RNE P, but nothing about the placement changed
    (e.place, e.pl_post) = (text("U6"), text("ME15 6AA"));
    assert_eq!(flags("435", &ret), vec![(Episodes, 1), (Episodes, 4)]);
}

#[test]
fn r436_both_changed() {
    let (mut ret, ..) = clean();
    ret.episodes[1].rne = text("B"); // placement changed but LS did not
    ret.episodes[4].rne = text("U");
    ret.episodes[4].ls = text("C2"); // both changed: fine
    assert_eq!(flags("436", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r437_no_episodes_after_death() {
    let (mut ret, ..) = clean();
    ret.episodes[0].rec = text("E2");
    ret.episodes[4].rec = text("E15"); // the last: fine
    assert_eq!(flags("437", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r446_placement_order_before_30_december_2005() {
    let (mut ret, ..) = clean();
    ret.episodes[3].decom = day("29/12/2005");
    assert_eq!(flags("446", &ret), vec![(Episodes, 3)]);
    ret.episodes[3].decom = day("30/12/2005");
    assert_eq!(flags("446", &ret), vec![]);
}

#[test]
fn r454_distance_over_350_miles() {
    let (mut ret, prev, mut lookups) = clean();
    let shetland = PostcodePlace {
        easting: 446_000,
        northing: 1_141_000,
        la: "SCO".into(),
    };
    lookups.postcodes.as_mut().unwrap().insert("ZE1 0AA", shetland);
    ret.episodes[5].pl_post = text("ZE1 0AA");
    assert_eq!(flags_with("454", &ret, Some(&prev), &lookups), vec![(Episodes, 5)]);
}

#[test]
fn r501_episode_starts_before_the_last_ended() {
    let (mut ret, ..) = clean();
    ret.episodes[1].decom = day("01/09/2025");
    assert_eq!(flags("501", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r503d_first_placement_matches_last_years_open_episode() {
    let (mut ret, mut prev, lookups) = clean();
    ret.episodes[0].place = text("U6"); // last year U4, open
    ret.episodes[3].place = text("U4"); // C3's last one of last year was open U6
    assert_eq!(flags_with("503D", &ret, Some(&prev), &lookups), vec![(Episodes, 0), (Episodes, 3)]);
    // Z1 became Z11-Z14 in 2025-26.
    let (mut ret, ..) = clean();
    prev.episodes[0].place = text("Z1");
    ret.episodes[0].place = text("Z12");
    assert_eq!(flags_with("503D", &ret, Some(&prev), &lookups), vec![]);
}

#[test]
fn r504_category_of_need_fixed_for_the_period() {
    let (mut ret, ..) = clean();
    ret.episodes[1].cin = text("N2");
    ret.episodes[4].cin = text("N2");
    ret.episodes[3].cin = text("N2"); // C3: both episodes changed together: fine
    assert_eq!(flags("504", &ret), vec![(Episodes, 1)]);
}

#[test]
fn r516_sgo_to_former_foster_carer_needs_foster_placement() {
    let (mut ret, ..) = clean();
    ret.episodes[4].rec = text("E45"); // A6
    assert_eq!(flags("516", &ret), vec![(Episodes, 4)]);
}

#[test]
fn r526_placement_provider_missing() {
    let (mut ret, ..) = clean();
    ret.episodes[5].place_provider = None;
    ret.episodes[2].place = text("Z11");
    ret.episodes[2].place_provider = None; // "other": none needed
    assert_eq!(flags("526", &ret), vec![(Episodes, 5)]);
}

fn provider(place: &str, provider: &str) -> Return {
    let (mut ret, ..) = clean();
    ret.episodes[5].place = text(place);
    ret.episodes[5].place_provider = text(provider);
    ret
}

#[test]
fn r527_pr1_with_p1_r2_or_r5() {
    assert_eq!(flags("527", &provider("R2", "PR1")), vec![(Episodes, 5)]);
    assert_eq!(flags("527", &provider("K2", "PR1")), vec![]);
}

#[test]
fn r528_pr2_with_p1_r2_or_r5() {
    assert_eq!(flags("528", &provider("R5", "PR2")), vec![(Episodes, 5)]);
}

#[test]
fn r529_pr3_with_family_or_childrens_home_placements() {
    assert_eq!(flags("529", &provider("K2", "PR3")), vec![(Episodes, 5)]);
    assert_eq!(flags("529", &provider("R2", "PR3")), vec![]);
}

#[test]
fn r530_pr4_with_p1() {
    assert_eq!(flags("530", &provider("P1", "PR4")), vec![(Episodes, 5)]);
}

#[test]
fn r531_pr5_with_p1() {
    assert_eq!(flags("531", &provider("P1", "PR5")), vec![(Episodes, 5)]);
}

#[test]
fn r550_pr0_only_with_p1() {
    assert_eq!(flags("550", &provider("U6", "PR0")), vec![(Episodes, 5)]);
    assert_eq!(flags("550", &provider("P1", "PR0")), vec![]);
}

#[test]
fn r1008_urn_not_known_to_ofsted() {
    let (mut ret, ..) = clean();
    ret.episodes[5].urn = text("SC999999");
    ret.episodes[1].urn = text("XXXXXXX"); // none: fine
    assert_eq!(flags("1008", &ret), vec![(Episodes, 5)]);
}

#[test]
fn r1009_reason_for_placement_change_not_a_code() {
    let (mut ret, ..) = clean();
    ret.episodes[0].reason_place_change = text("MOVED");
    assert_eq!(flags("1009", &ret), vec![(Episodes, 0)]);
}

#[test]
fn r1012_care_leaver_without_episodes_in_other_tables() {
    let (mut ret, ..) = clean();
    ret.reviews.push(row(&["C4", "10/09/2006", "01/06/2025", "PN1"]));
    ret.missing.push(row(&["C4", "10/09/2006", "M", "01/08/2025", "03/08/2025"]));
    assert_eq!(flags("1012", &ret), vec![(Reviews, 5), (Missing, 1)]);
}

#[test]
fn r1015_own_provision_outside_the_la() {
    let (mut ret, ..) = clean();
    ret.episodes[5].place = text("K2");
    ret.episodes[5].place_provider = text("PR1"); // SE1 7PB, Southwark
    ret.episodes[2].place_provider = text("PR1"); // TN1 1AA, Kent: fine
    ret.episodes[1].place_provider = text("PR1"); // U6 in Southwark: fostering may be hosted
    assert_eq!(flags("1015", &ret), vec![(Episodes, 5)]);
}
