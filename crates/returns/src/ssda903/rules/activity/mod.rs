//! Rules about what happens during care: statutory reviews, missing spells,
//! previous permanence, social workers' episodes and deprivation of liberty
//! orders (DoLOs, from 2026-27).

use time::Date;

use super::{Ctx, Flags, Need, Rule, ALL_YEARS};
use crate::ssda903::model::Day;
use crate::ssda903::tables::TableKind::{self, *};

mod dolo;
mod missing;
mod permanence;
mod reviews;
mod social_workers;

/// A rule that reads only this year's files and no lookup.
const fn rule(
    code: &'static str,
    message: &'static str,
    tables: &'static [TableKind],
    years: (i32, i32),
    check: fn(&Ctx, &mut Flags),
) -> Rule {
    Rule {
        code,
        message,
        tables,
        previous: &[],
        needs: Need::Nothing,
        years,
        check,
    }
}

/// Social workers' episodes: 2023-24 on.
const SW_YEARS: (i32, i32) = (2024, 2027);
/// Deprivation of liberty orders: 2026-27 only.
const DOLO_YEARS: (i32, i32) = (2027, 2027);

pub static RULES: &[Rule] = &[
    // Reviews.
    rule("166", "Date of review is invalid or blank.", &[Reviews], ALL_YEARS, reviews::r166),
    rule(
        "167",
        "Data entry for participation is invalid or blank.",
        &[Reviews],
        ALL_YEARS,
        reviews::r167,
    ),
    rule(
        "399",
        "Mother field, review field or participation field are completed but child is looked after under legal \
         status V3 or V4.",
        &[Episodes, Header, Reviews],
        ALL_YEARS,
        reviews::r399,
    ),
    rule(
        "440",
        "Participation method indicates child was under 4 years old at the time of the review, but date of birth \
         and review date indicates the child was 4 years old or over.",
        &[Reviews],
        ALL_YEARS,
        reviews::r440,
    ),
    rule(
        "441",
        "Participation method indicates child was 4 years old or over at the time of the review, but the date of \
         birth and review date indicates the child was under 4 years old.",
        &[Reviews],
        ALL_YEARS,
        reviews::r441,
    ),
    // Missing.
    rule(
        "564",
        "Child was missing or away from placement without authorisation and the date started is blank.",
        &[Missing],
        ALL_YEARS,
        missing::r564,
    ),
    rule(
        "565",
        "The date that the child started to be missing or away from placement without authorisation has been \
         completed but whether the child was missing or away from placement without authorisation has not been \
         completed.",
        &[Missing],
        ALL_YEARS,
        missing::r565,
    ),
    rule(
        "566",
        "The date that the child's episode of being missing or away from placement without authorisation ended has \
         been completed but whether the child was missing or away without authorisation has not been completed.",
        &[Missing],
        ALL_YEARS,
        missing::r566,
    ),
    rule(
        "567",
        "The date that the missing episode or episode that the child was away from placement without authorisation \
         ended is before the date that it started.",
        &[Missing],
        ALL_YEARS,
        missing::r567,
    ),
    rule(
        "570",
        "The date that the child started to be missing or away from placement without authorisation is after the \
         end of the collection year.",
        &[Missing],
        ALL_YEARS,
        missing::r570,
    ),
    rule(
        "571",
        "The date that the child ceased to be missing or away from placement without authorisation is before the \
         start or after the end of the collection year.",
        &[Missing],
        ALL_YEARS,
        missing::r571,
    ),
    rule(
        "574",
        "A new missing/away from placement without authorisation period cannot start when the previous \
         missing/away from placement without authorisation period is still open. Missing/away from placement \
         without authorisation periods should also not overlap.",
        &[Missing],
        ALL_YEARS,
        missing::r574,
    ),
    rule(
        "575",
        "If the placement from which the child goes missing/away from placement without authorisation ends, the \
         missing/away from placement without authorisation period in the missing module must also have an end date.",
        &[Episodes, Missing],
        ALL_YEARS,
        missing::r575,
    ),
    rule(
        "577",
        "Child ceased to be looked after but there is a missing/away from placement without authorisation period \
         without an end date.",
        &[Episodes, Missing],
        ALL_YEARS,
        missing::r577,
    ),
    rule(
        "578",
        "The date that the child started to be missing is after the child ceased to be looked after.",
        &[Episodes, Missing],
        ALL_YEARS,
        missing::r578,
    ),
    rule(
        "580",
        "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
        &[Episodes, Missing],
        ALL_YEARS,
        missing::r580,
    ),
    rule(
        "581",
        "Child is missing but has not yet started to be looked after.",
        &[Episodes, Missing],
        ALL_YEARS,
        missing::r581,
    ),
    rule(
        "586",
        "Dates of missing periods are before child's date of birth.",
        &[Missing],
        ALL_YEARS,
        missing::r586,
    ),
    rule(
        "1004",
        "The start date of the missing episode or episode that the child was away from placement without \
         authorisation is not a valid date.",
        &[Missing],
        ALL_YEARS,
        missing::r1004,
    ),
    rule(
        "1005",
        "The end date of the missing episode or episode that the child was away from placement without \
         authorisation is not a valid date.",
        &[Missing],
        ALL_YEARS,
        missing::r1005,
    ),
    rule("1006", "Missing type invalid.", &[Missing], ALL_YEARS, missing::r1006),
    // Previous permanence.
    rule(
        "630",
        "Information on previous permanence option should be returned.",
        &[Episodes, PrevPerm],
        ALL_YEARS,
        permanence::r630,
    ),
    rule(
        "631",
        "Previous permanence option not a valid value.",
        &[PrevPerm],
        ALL_YEARS,
        permanence::r631,
    ),
    rule(
        "632",
        "Date of previous permanence order not a valid value.",
        &[Episodes, PrevPerm],
        ALL_YEARS,
        permanence::r632,
    ),
    rule(
        "633",
        "Local authority code where previous permanence option was arranged is not a valid value.",
        &[PrevPerm],
        ALL_YEARS,
        permanence::r633,
    ),
    rule(
        "634",
        "There are entries for previous permanence options, but child has not started to be looked after from \
         1 April 2016 onwards.",
        &[Episodes, PrevPerm],
        ALL_YEARS,
        permanence::r634,
    ),
    rule(
        "635",
        "There are entries for date of order and local authority code where previous permanence option was arranged \
         but previous permanence code is Z1.",
        &[PrevPerm],
        ALL_YEARS,
        permanence::r635,
    ),
    // Social workers' episodes.
    rule(
        "SW01aSTG1",
        "For each social worker episode, information should be complete.",
        &[SwEpisodes],
        (2025, 2027),
        social_workers::sw01a,
    ),
    rule(
        "SW01bSTG1",
        "For each social worker episode, information should be complete.",
        &[SwEpisodes],
        (2025, 2027),
        social_workers::sw01b,
    ),
    rule(
        "SW02STG1",
        "Social worker ID does not begin with the characters 'SW' or 'XX'.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw02,
    ),
    rule(
        "SW04STG1",
        "Date social worker episode began is not a valid date.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw04,
    ),
    rule(
        "SW05STG1",
        "Date social worker episode ended is not a valid date.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw05,
    ),
    rule(
        "SW06STG2",
        "Social worker episode data should be within the social worker data reporting year.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw06,
    ),
    rule(
        "SW07STG2",
        "Social worker episode end date should be on or after the start of the social worker reporting period, and \
         should be on or before the collection end date.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw07,
    ),
    rule(
        "SW08STG2",
        "A new social worker episode has started, but the previous episode has not ended.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw08,
    ),
    rule(
        "SW09STG2",
        "Social worker episode appears to have lasted for less than 24 hours.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw09,
    ),
    rule(
        "SW10STG2",
        "A new social worker episode has started before the end date of the previous social worker episode.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw10,
    ),
    rule(
        "SW11bSTG2",
        "Social worker episode has ended before 31 March and no subsequent social worker episode has been provided.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw11b,
    ),
    rule(
        "SW12STG2",
        "If a child is looked after on 31 March then all social worker episodes for the full previous year should be \
         reported, even those whilst they were not looked after.",
        &[SwEpisodes, Episodes],
        SW_YEARS,
        social_workers::sw12,
    ),
    rule(
        "SW13STG1",
        "The reason for social worker change is either not valid or has not been entered.",
        &[SwEpisodes],
        SW_YEARS,
        social_workers::sw13,
    ),
    rule(
        "SW17STG2",
        "There is no social worker episode open at 31 March.",
        &[SwEpisodes],
        (2026, 2027),
        social_workers::sw17,
    ),
    // Deprivation of liberty orders.
    rule(
        "700",
        "The start date of the DoLO is not a valid date.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r700,
    ),
    rule(
        "701",
        "The end date of the DoLO is not a valid date.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r701,
    ),
    rule(
        "702",
        "The date that the DoLO ended is before the date that it started.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r702,
    ),
    rule(
        "703",
        "The date that the DoLO started is after the end of the collection year.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r703,
    ),
    rule(
        "704",
        "The date that the DoLO ended is before the start or after the end of the collection year.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r704,
    ),
    rule(
        "705",
        "A DoLO cannot start when the previous DoLO is still open.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r705,
    ),
    rule(
        "707",
        "Child ceased to be looked after but there is a DoLO without an end date.",
        &[Dolo, Episodes],
        DOLO_YEARS,
        dolo::r707,
    ),
    rule(
        "708",
        "Dates of DoLOs are before child's date of birth.",
        &[Dolo],
        DOLO_YEARS,
        dolo::r708,
    ),
    rule(
        "709",
        "Child with a DoLO is in an unexpected placement type.",
        &[Dolo, Episodes],
        DOLO_YEARS,
        dolo::r709,
    ),
    rule(
        "710",
        "Child with a DoLO can not be placed in secure children's homes, with parents, young offender institutions, \
         or supported accommodation.",
        &[Dolo, Episodes],
        DOLO_YEARS,
        dolo::r710,
    ),
];

/// The child's date of birth as the row gives it, else as the Header does.
fn dob(ctx: &Ctx, row_dob: &Day, child: Option<&str>) -> Option<Date> {
    row_dob.get().or_else(|| child.and_then(|c| ctx.dob(c)))
}

/// A row with a start and an end date, ordered by start then end, the
/// unreadable last: (no start, start, no end, end, row index).
type SpanKey = (bool, Option<Date>, bool, Option<Date>, usize);

/// A period of care: from its first episode's DECOM to its last episode's
/// DEC (`None` while open or unreadable). A new period starts when an
/// episode begins after the previous one ended.
#[derive(Debug, Clone, Copy)]
struct Period {
    start: Date,
    end: Option<Date>,
}

/// The child's periods of care into `out` (cleared first), from the
/// episodes with a readable DECOM.
fn periods_of_care(ctx: &Ctx, child: &str, out: &mut Vec<Period>) {
    out.clear();
    for &i in ctx.episodes_of(child) {
        let e = &ctx.ret.episodes[i];
        // Unreadable DECOMs sort last.
        let Some(decom) = e.decom.get() else { break };
        match out.last_mut() {
            Some(p) if p.end.is_none_or(|end| decom <= end) => p.end = e.dec.get(),
            _ => out.push(Period {
                start: decom,
                end: e.dec.get(),
            }),
        }
    }
}

/// Whether a spell (missing, or a DoLO) with a start lies outside every one
/// of the child's periods of care in a way that shows it was left open or
/// ran beyond care: open though the period ended, open but started before
/// the period, or ending after the period ended or before it began. A child
/// with no periods is not judged.
fn outside_every_period(periods: &[Period], start: Date, end: Option<Date>) -> bool {
    !periods.is_empty()
        && periods.iter().all(|p| match end {
            None => p.end.is_some() || start < p.start,
            Some(end) => p.end.is_some_and(|pe| end > pe) || end < p.start,
        })
}

/// Flags each of a child's spells (missing, or DoLOs) that starts while an
/// earlier one is still open, or before it ended. Spells are taken in order
/// of start, then end (unreadable last); `span` gives a row's (start, end).
fn overlapping_spells(
    rows: &[usize],
    table: TableKind,
    span: impl Fn(usize) -> (Option<Date>, Option<Date>),
    order: &mut Vec<SpanKey>,
    flags: &mut Flags,
) {
    if rows.len() < 2 {
        return;
    }
    order.clear();
    order.extend(rows.iter().map(|&i| {
        let (start, end) = span(i);
        (start.is_none(), start, end.is_none(), end, i)
    }));
    order.sort_unstable();
    // The latest end so far; `None` once a spell is open.
    let mut reach = order[0].3;
    for &(_, start, _, end, i) in &order[1..] {
        let overlaps = match reach {
            None => true,
            Some(reach) => start.is_some_and(|s| s < reach),
        };
        if overlaps {
            flags.flag(table, i);
        }
        reach = match (reach, end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests;
