//! Tests of the activity rules: one failing case per rule (the clean case is shared).
//! The DoLo rules run only in 2026-27, so they use the clean return moved on a
//! year, with a DoLO added (see [`clean_2027`]).

use crate::ssda903::model::{format_uk_date, parse_uk_date, Day, Return, Row};
use crate::ssda903::rules::testing::{clean, flags, flags_with, lookups, row};
use crate::ssda903::tables::TableKind::{self, *};
use crate::ssda903::year::CollectionYear;

fn day(text: &str) -> Day {
    Day::from_raw((!text.is_empty()).then(|| text.to_owned()))
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

/// Every date of the rows a year later.
fn a_year_on<R: Row>(rows: &[R]) -> Vec<R> {
    rows.iter()
        .map(|r| {
            let cells = r
                .cells()
                .into_iter()
                .map(|c| {
                    c.map(|text| match parse_uk_date(text) {
                        Some(d) => format_uk_date(d.replace_year(d.year() + 1).expect("no 29 February in the fixture")),
                        None => text.to_owned(),
                    })
                })
                .collect();
            R::from_cells(r.line(), cells)
        })
        .collect()
}

fn moved_on(r: &Return) -> Return {
    let mut out = Return::complete(CollectionYear::new(r.year.ending() + 1).unwrap());
    out.header = a_year_on(&r.header);
    out.episodes = a_year_on(&r.episodes);
    out.uasc = a_year_on(&r.uasc);
    out.reviews = a_year_on(&r.reviews);
    out.oc2 = a_year_on(&r.oc2);
    out.oc3 = a_year_on(&r.oc3);
    out.ad1 = a_year_on(&r.ad1);
    out.placed_adoption = a_year_on(&r.placed_adoption);
    out.prev_perm = a_year_on(&r.prev_perm);
    out.missing = a_year_on(&r.missing);
    out.sw_episodes = a_year_on(&r.sw_episodes);
    out
}

/// The clean return as 2026-27 (every date a year on) and its last year,
/// with one DoLO: C2, in a children's home (K2) since May 2026, under a DoLO
/// from June to December 2026. C3's social worker, from February 2024 now,
/// needs a reason (required from April 2023, a date that does not move).
fn clean_2027() -> (Return, Return) {
    let (ret, prev, _) = clean();
    let mut ret = moved_on(&ret);
    ret.sw_episodes[2].sw_reason = some("FCONTA");
    ret.dolo = vec![row(&["C2", "03/03/2011", "01/06/2026", "01/12/2026"])];
    (ret, moved_on(&prev))
}

fn flags_2027(code: &str, ret: &Return, prev: &Return) -> Vec<(TableKind, usize)> {
    flags_with(code, ret, Some(prev), &lookups())
}

#[test]
fn the_clean_2026_27_return_passes_every_activity_rule() {
    let (ret, prev) = clean_2027();
    for rule in super::RULES.iter().filter(|r| r.years.1 >= 2027) {
        assert_eq!(flags_2027(rule.code, &ret, &prev), vec![], "{}", rule.code);
    }
}

// Reviews.

#[test]
fn r166_review_date_must_be_real() {
    let (mut ret, ..) = clean();
    ret.reviews[1].review = day("31/13/2025");
    ret.reviews[2].review = Day::blank();
    assert_eq!(flags("166", &ret), vec![(Reviews, 1), (Reviews, 2)]);
}

#[test]
fn r167_participation_goes_with_a_review_date() {
    let (mut ret, ..) = clean();
    ret.reviews[0].review_code = some("PN8");
    ret.reviews[1].review_code = None;
    // Both blank is not this rule's concern.
    ret.reviews[2].review = Day::blank();
    ret.reviews[2].review_code = None;
    assert_eq!(flags("167", &ret), vec![(Reviews, 0), (Reviews, 1)]);
}

#[test]
fn r399_short_breaks_only_have_no_mother_or_reviews() {
    let (mut ret, ..) = clean();
    ret.episodes[5].ls = some("V3"); // C5, a mother with a review
                                     // C1 has a short break and a full episode: not only short breaks.
    ret.episodes[0].ls = some("V4");
    assert_eq!(flags("399", &ret), vec![(Header, 4), (Episodes, 5), (Reviews, 4)]);
}

#[test]
fn r440_pn0_is_for_under_fours() {
    let (mut ret, ..) = clean();
    ret.reviews[3].review = day("20/07/2025"); // C3's fourth birthday
    assert_eq!(flags("440", &ret), vec![]);
    ret.reviews[3].review = day("21/07/2025");
    assert_eq!(flags("440", &ret), vec![(Reviews, 3)]);
}

#[test]
fn r441_pn1_to_pn7_are_for_four_and_over() {
    let (mut ret, ..) = clean();
    ret.reviews[3].review_code = some("PN1"); // C3 is 3
    assert_eq!(flags("441", &ret), vec![(Reviews, 3)]);
}

// Missing.

#[test]
fn r564_a_missing_spell_needs_a_start() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_start = Day::blank();
    assert_eq!(flags("564", &ret), vec![(Missing, 0)]);
}

#[test]
fn r565_a_start_needs_a_missing_type() {
    let (mut ret, ..) = clean();
    ret.missing[0].missing = None;
    assert_eq!(flags("565", &ret), vec![(Missing, 0)]);
}

#[test]
fn r566_an_end_needs_a_missing_type() {
    let (mut ret, ..) = clean();
    ret.missing[0].missing = None;
    ret.missing[0].mis_start = Day::blank();
    assert_eq!(flags("566", &ret), vec![(Missing, 0)]);
    ret.missing[0].mis_end = Day::blank();
    assert_eq!(flags("566", &ret), vec![]);
}

#[test]
fn r567_a_spell_ends_after_it_starts() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_end = day("31/07/2025");
    assert_eq!(flags("567", &ret), vec![(Missing, 0)]);
}

#[test]
fn r570_a_spell_starts_by_the_year_end() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_start = day("01/04/2026");
    ret.missing[0].mis_end = Day::blank();
    assert_eq!(flags("570", &ret), vec![(Missing, 0)]);
}

#[test]
fn r571_a_spell_ends_within_the_year() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_end = day("01/04/2026");
    ret.missing.push(row(&["C1", "15/06/2012", "M", "20/03/2025", "31/03/2025"]));
    ret.missing.push(row(&["C1", "15/06/2012", "M", "31/03/2025", "01/04/2025"]));
    assert_eq!(flags("571", &ret), vec![(Missing, 0), (Missing, 1)]);
}

#[test]
fn r574_spells_must_not_overlap() {
    let (mut ret, ..) = clean();
    ret.missing.push(row(&["C1", "15/06/2012", "A", "02/08/2025", "04/08/2025"]));
    ret.missing.push(row(&["C1", "15/06/2012", "M", "03/09/2025", ""]));
    ret.missing.push(row(&["C1", "15/06/2012", "M", "10/09/2025", "11/09/2025"]));
    assert_eq!(flags("574", &ret), vec![(Missing, 1), (Missing, 3)]);
    // Starting the day the last ended is not an overlap.
    ret.missing[1].mis_start = day("03/08/2025");
    assert_eq!(flags("574", &ret), vec![(Missing, 3)]);
}

#[test]
fn r575_a_spell_from_an_ended_placement_must_end() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_end = Day::blank(); // from C1's first placement, which ended
    ret.missing.push(row(&["C1", "15/06/2012", "M", "10/09/2025", ""])); // from the open one
    assert_eq!(flags("575", &ret), vec![(Missing, 0)]);
}

#[test]
fn r577_a_spell_is_not_left_open_after_care_ends() {
    let (mut ret, ..) = clean();
    ret.missing.push(row(&["C3", "20/07/2021", "M", "01/12/2025", ""])); // C3 was adopted in January
    ret.missing.push(row(&["C1", "15/06/2012", "M", "10/09/2025", ""])); // C1 is still in care
    assert_eq!(flags("577", &ret), vec![(Missing, 1)]);
}

#[test]
fn r578_a_spell_starts_before_care_ended() {
    let (mut ret, ..) = clean();
    ret.missing.push(row(&["C3", "20/07/2021", "M", "01/02/2026", "02/02/2026"]));
    ret.missing.push(row(&["C3", "20/07/2021", "M", "20/01/2026", "21/01/2026"])); // the last day counts
    assert_eq!(flags("578", &ret), vec![(Missing, 1)]);
}

#[test]
fn r580_missing_when_care_ended_at_18_needs_e8() {
    let (mut ret, ..) = clean();
    // As if C3 turned 18 on 20 January 2026, when her care ended, while missing.
    ret.missing.push(row(&["C3", "20/01/2008", "M", "10/01/2026", "20/01/2026"]));
    assert_eq!(flags("580", &ret), vec![(Episodes, 4)]);
    ret.episodes[4].rec = some("E8");
    assert_eq!(flags("580", &ret), vec![]);
}

#[test]
fn r581_a_spell_starts_in_care() {
    let (mut ret, ..) = clean();
    ret.missing.push(row(&["C2", "03/03/2010", "M", "01/05/2025", "02/05/2025"])); // before C2 came into care
    ret.missing.push(row(&["C2", "03/03/2010", "M", "12/05/2025", "13/05/2025"])); // the day he did
    assert_eq!(flags("581", &ret), vec![(Missing, 1)]);
}

#[test]
fn r586_a_spell_starts_after_birth() {
    let (mut ret, ..) = clean();
    ret.missing[0].dob = day("01/08/2025");
    assert_eq!(flags("586", &ret), vec![(Missing, 0)]);
}

#[test]
fn r1004_mis_start_must_be_real() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_start = day("32/07/2025");
    assert_eq!(flags("1004", &ret), vec![(Missing, 0)]);
}

#[test]
fn r1005_mis_end_must_be_real_if_given() {
    let (mut ret, ..) = clean();
    ret.missing[0].mis_end = day("2025-08-03");
    ret.missing.push(row(&["C1", "15/06/2012", "M", "10/09/2025", ""]));
    assert_eq!(flags("1005", &ret), vec![(Missing, 0)]);
}

#[test]
fn r1006_missing_is_m_or_a() {
    let (mut ret, ..) = clean();
    ret.missing[0].missing = some("X");
    assert_eq!(flags("1006", &ret), vec![(Missing, 0)]);
}

// Previous permanence.

#[test]
fn r630_a_child_starting_care_needs_previous_permanence() {
    let (mut ret, ..) = clean();
    ret.prev_perm[0].prev_perm = some("P1"); // C2: known, but not where or when
    ret.prev_perm[1].prev_perm = some("P4"); // C5: unknown, so nothing more
    assert_eq!(flags("630", &ret), vec![(Episodes, 2)]);
    ret.prev_perm.pop();
    assert_eq!(flags("630", &ret), vec![(Episodes, 2), (Episodes, 5)]);
}

#[test]
fn r631_prev_perm_is_a_code() {
    let (mut ret, ..) = clean();
    ret.prev_perm[0].prev_perm = some("P5");
    assert_eq!(flags("631", &ret), vec![(PrevPerm, 0)]);
}

#[test]
fn r632_date_perm_is_a_date_before_care() {
    let (mut ret, ..) = clean();
    let c2 = |ret: &mut Return, date: &str| {
        ret.prev_perm[0].prev_perm = some("P2");
        ret.prev_perm[0].la_perm = some("886");
        ret.prev_perm[0].date_perm = some(date);
    };
    c2(&mut ret, "10/ZZ/2024"); // at the latest 10 December 2024
    assert_eq!(flags("632", &ret), vec![]);
    c2(&mut ret, "ZZ/05/2025"); // perhaps 31 May 2025, after care began on 12 May
    assert_eq!(flags("632", &ret), vec![(Episodes, 2), (PrevPerm, 0)]);
    c2(&mut ret, "2024-01-01");
    assert_eq!(flags("632", &ret), vec![(Episodes, 2), (PrevPerm, 0)]);
}

#[test]
fn r633_la_perm_is_an_old_la_code() {
    let (mut ret, ..) = clean();
    ret.prev_perm[0].la_perm = some("123");
    ret.prev_perm[1].la_perm = some("SCO");
    assert_eq!(flags("633", &ret), vec![(PrevPerm, 0)]);
}

#[test]
fn r634_previous_permanence_only_since_april_2016() {
    let (mut ret, ..) = clean();
    ret.episodes[2].decom = day("31/03/2016"); // C2 in care since before April 2016
    assert_eq!(flags("634", &ret), vec![(Episodes, 2), (PrevPerm, 0)]);
    ret.episodes[2].decom = day("01/04/2016");
    assert_eq!(flags("634", &ret), vec![]);
}

#[test]
fn r635_no_where_or_when_without_a_permanence_option() {
    let (mut ret, ..) = clean();
    ret.prev_perm[0].la_perm = some("886"); // Z1
    ret.prev_perm[1].prev_perm = None;
    ret.prev_perm[1].date_perm = some("01/01/2020");
    assert_eq!(flags("635", &ret), vec![(PrevPerm, 0), (PrevPerm, 1)]);
}

// Social workers' episodes.

#[test]
fn rsw01astg1_episodes_before_april_2023_need_an_id() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[2].sw_id = None; // C3's, from February 2023
    ret.sw_episodes[0].sw_decom = Day::blank();
    assert_eq!(flags("SW01aSTG1", &ret), vec![(SwEpisodes, 0), (SwEpisodes, 2)]);
}

#[test]
fn rsw01bstg1_episodes_from_april_2023_need_an_id_and_reason() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_reason = None;
    ret.sw_episodes[3].sw_id = None;
    // C3's episode from February 2023 has no reason, and needs none.
    assert_eq!(flags("SW01bSTG1", &ret), vec![(SwEpisodes, 1), (SwEpisodes, 3)]);
}

#[test]
fn rsw02stg1_sw_id_begins_sw_or_xx() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_id = some("AB123456");
    ret.sw_episodes[3].sw_id = some("XX1");
    assert_eq!(flags("SW02STG1", &ret), vec![(SwEpisodes, 1)]);
}

#[test]
fn rsw04stg1_sw_decom_must_be_real() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_decom = day("31/02/2025");
    assert_eq!(flags("SW04STG1", &ret), vec![(SwEpisodes, 1)]);
}

#[test]
fn rsw05stg1_sw_dec_must_be_real() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_dec = day("soon");
    assert_eq!(flags("SW05STG1", &ret), vec![(SwEpisodes, 1)]);
}

#[test]
fn rsw06stg2_sw_decom_by_the_year_end() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_decom = day("01/04/2026");
    assert_eq!(flags("SW06STG2", &ret), vec![(SwEpisodes, 1)]);
}

#[test]
fn rsw07stg2_sw_dec_within_the_reporting_period() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[0].sw_dec = day("31/03/2024");
    ret.sw_episodes[1].sw_dec = day("01/04/2026");
    ret.sw_episodes[2].sw_dec = day("01/04/2024"); // the period starts a year before the year
    assert_eq!(flags("SW07STG2", &ret), vec![(SwEpisodes, 0), (SwEpisodes, 1)]);
}

#[test]
fn rsw08stg2_only_the_latest_episode_is_open() {
    let (mut ret, ..) = clean();
    ret.sw_episodes
        .push(row(&["C1", "15/06/2012", "SW999999", "01/03/2026", "", "LEFTRL"]));
    assert_eq!(flags("SW08STG2", &ret), vec![(SwEpisodes, 0)]);
}

#[test]
fn rsw09stg2_an_episode_lasts_a_day() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_dec = day("12/05/2025");
    assert_eq!(flags("SW09STG2", &ret), vec![(SwEpisodes, 1)]);
}

#[test]
fn rsw10stg2_an_episode_follows_the_last_within_7_days() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[0].sw_dec = day("01/01/2026");
    ret.sw_episodes
        .push(row(&["C1", "15/06/2012", "SW999999", "09/01/2026", "", "LEFTRL"]));
    assert_eq!(flags("SW10STG2", &ret), vec![(SwEpisodes, 4)]);
    ret.sw_episodes[4].sw_decom = day("08/01/2026");
    assert_eq!(flags("SW10STG2", &ret), vec![]);
    // A re-referral may follow a gap.
    ret.sw_episodes[4].sw_decom = day("01/03/2026");
    ret.sw_episodes[4].sw_reason = some("FCONTA");
    assert_eq!(flags("SW10STG2", &ret), vec![]);
    // ... but not start while the one before is open.
    ret.sw_episodes[4].sw_reason = some("LEFTRL");
    ret.sw_episodes[0].sw_dec = Day::blank();
    assert_eq!(flags("SW10STG2", &ret), vec![(SwEpisodes, 4)]);
}

#[test]
fn rsw11bstg2_an_episode_ending_at_the_year_end_is_followed() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_dec = day("28/03/2026");
    ret.sw_episodes[3].sw_dec = day("20/03/2026"); // before the last five days
    ret.sw_episodes[0].sw_dec = day("29/03/2026");
    ret.sw_episodes
        .push(row(&["C1", "15/06/2012", "SW999999", "29/03/2026", "", "LEFTRL"]));
    assert_eq!(flags("SW11bSTG2", &ret), vec![(SwEpisodes, 1)]);
}

#[test]
fn rsw12stg2_starts_and_ends_of_care_have_a_social_worker() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_decom = day("13/05/2025"); // C2 came into care on 12 May
    assert_eq!(flags("SW12STG2", &ret), vec![(Episodes, 2)]);
}

#[test]
fn rsw12stg2_social_workers_are_taken_together() {
    let (mut ret, ..) = clean();
    // C3 left care on 20 January 2026: covered by the second of two workers.
    ret.sw_episodes[2].sw_dec = day("01/01/2026");
    ret.sw_episodes
        .push(row(&["C3", "20/07/2021", "SW333333", "01/01/2026", "", "LEFTRL"]));
    assert_eq!(flags("SW12STG2", &ret), vec![]);
    // A gap over the end of care.
    ret.sw_episodes[2].sw_dec = day("01/12/2025");
    ret.sw_episodes[4].sw_decom = day("01/02/2026");
    assert_eq!(flags("SW12STG2", &ret), vec![(Episodes, 4)]);
}

#[test]
fn rsw13stg1_sw_reason_is_a_code() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_reason = some("XYZ");
    ret.sw_episodes[3].sw_reason = None;
    // C3's episode began before April 2023, so may have none.
    assert_eq!(flags("SW13STG1", &ret), vec![(SwEpisodes, 1), (SwEpisodes, 3)]);
}

#[test]
fn rsw17stg2_the_latest_episode_is_open() {
    let (mut ret, ..) = clean();
    ret.sw_episodes[1].sw_dec = day("01/03/2026");
    ret.sw_episodes[0].sw_dec = day("01/03/2026");
    ret.sw_episodes
        .push(row(&["C1", "15/06/2012", "SW999999", "01/03/2026", "", "LEFTRL"]));
    assert_eq!(flags("SW17STG2", &ret), vec![(SwEpisodes, 1)]);
}

// Deprivation of liberty orders (2026-27).

#[test]
fn r700_dolo_start_must_be_real() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_start = Day::blank();
    assert_eq!(flags_2027("700", &ret, &prev), vec![(Dolo, 0)]);
}

#[test]
fn r701_dolo_end_must_be_real_if_given() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_end = day("31/11/2026");
    assert_eq!(flags_2027("701", &ret, &prev), vec![(Dolo, 0)]);
}

#[test]
fn r702_a_dolo_ends_after_it_starts() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_end = day("01/06/2026");
    assert_eq!(flags_2027("702", &ret, &prev), vec![(Dolo, 0)]);
}

#[test]
fn r703_a_dolo_starts_by_the_year_end() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_start = day("01/04/2027");
    ret.dolo[0].dolo_end = Day::blank();
    assert_eq!(flags_2027("703", &ret, &prev), vec![(Dolo, 0)]);
}

#[test]
fn r704_a_dolo_ends_within_the_year() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_end = day("01/04/2027");
    ret.dolo.push(row(&["C2", "03/03/2011", "01/03/2026", "31/03/2026"]));
    assert_eq!(flags_2027("704", &ret, &prev), vec![(Dolo, 0), (Dolo, 1)]);
}

#[test]
fn r705_dolos_must_not_overlap() {
    let (mut ret, prev) = clean_2027();
    ret.dolo.push(row(&["C2", "03/03/2011", "01/11/2026", ""])); // starts during the first
    assert_eq!(flags_2027("705", &ret, &prev), vec![(Dolo, 1)]);
    ret.dolo[1].dolo_start = day("01/12/2026"); // the day it ended
    assert_eq!(flags_2027("705", &ret, &prev), vec![]);
}

#[test]
fn r707_a_dolo_is_not_left_open_after_care_ends() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_end = Day::blank();
    assert_eq!(flags_2027("707", &ret, &prev), vec![]);
    ret.episodes[2].dec = day("01/02/2027");
    ret.episodes[2].rec = some("E4A");
    assert_eq!(flags_2027("707", &ret, &prev), vec![(Dolo, 0)]);
}

#[test]
fn r708_a_dolo_starts_after_birth() {
    let (mut ret, prev) = clean_2027();
    ret.dolo[0].dolo_start = day("03/03/2011");
    assert_eq!(flags_2027("708", &ret, &prev), vec![(Dolo, 0)]);
}

#[test]
fn r709_under_a_dolo_the_placement_is_k2_z12_or_z13() {
    let (mut ret, prev) = clean_2027();
    ret.episodes[2].place = some("R1");
    assert_eq!(flags_2027("709", &ret, &prev), vec![(Episodes, 2), (Dolo, 0)]);
    ret.episodes[2].place = some("Z12");
    ret.dolo[0].dolo_end = Day::blank(); // open: in force to the year end
    assert_eq!(flags_2027("709", &ret, &prev), vec![]);
}

#[test]
fn r709_a_dolo_from_a_move_covers_only_the_new_placement() {
    let (mut ret, prev) = clean_2027();
    // C1 moved from U4 to U6 on 5 September 2026, the day a DoLO began.
    ret.dolo.push(row(&["C1", "15/06/2013", "05/09/2026", ""]));
    assert_eq!(flags_2027("709", &ret, &prev), vec![(Episodes, 1), (Dolo, 1)]);
}

#[test]
fn r710_under_a_dolo_no_k1_p1_r5_or_k3() {
    let (mut ret, prev) = clean_2027();
    ret.episodes[2].place = some("R1"); // unexpected (709) but not forbidden
    assert_eq!(flags_2027("710", &ret, &prev), vec![]);
    ret.episodes[2].place = some("K1");
    assert_eq!(flags_2027("710", &ret, &prev), vec![(Episodes, 2), (Dolo, 0)]);
    // An open DoLO is in force too.
    ret.episodes[2].place = some("K3");
    ret.dolo[0].dolo_end = Day::blank();
    assert_eq!(flags_2027("710", &ret, &prev), vec![(Episodes, 2), (Dolo, 0)]);
}

#[test]
fn r710_a_dolo_ending_on_a_move_does_not_cover_the_next_placement() {
    let (mut ret, prev) = clean_2027();
    // C1's second placement, from 5 September 2026, is with parents; her
    // DoLO ended that day.
    ret.episodes[1].place = some("P1");
    ret.dolo.push(row(&["C1", "15/06/2013", "01/07/2026", "05/09/2026"]));
    assert_eq!(flags_2027("710", &ret, &prev), vec![]);
    ret.dolo[1].dolo_end = day("06/09/2026");
    assert_eq!(flags_2027("710", &ret, &prev), vec![(Episodes, 1), (Dolo, 1)]);
}
