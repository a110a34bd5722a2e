//! Rules that compare this year's return with last year's: the child's
//! identity and UASC status, the episode open across 31 March, decisions to
//! place for adoption, missing spells and DoLOs open at the year's end, and
//! whether a care leaver's care can be seen in the two years' episodes.
//!
//! Each rule lists last year's tables in `previous`, so it is skipped when
//! last year's return (or the table in it) is not given.

use time::Date;

use super::{Ctx, Need, Rule, ALL_YEARS};
use crate::ssda903::model::Day;
use crate::ssda903::tables::TableKind::*;

mod decisions;
mod identity;
mod leavers;
mod stays;

use decisions::*;
use identity::*;
use leavers::*;
use stays::*;

/// From 2025-26 to the last pack.
const FROM_2025_26: (i32, i32) = (2026, 2027);

macro_rules! rule {
    ($code:literal, $check:ident, $message:literal, $tables:expr, $previous:expr) => {
        rule!($code, $check, $message, $tables, $previous, Need::Nothing, ALL_YEARS)
    };
    ($code:literal, $check:ident, $message:literal, $tables:expr, $previous:expr, $needs:expr, $years:expr) => {
        Rule {
            code: $code,
            message: $message,
            tables: $tables,
            previous: $previous,
            needs: $needs,
            years: $years,
            check: $check,
        }
    };
}

pub static RULES: &[Rule] = &[
    rule!("202", r202, "The gender code conflicts with the gender already recorded for this child.", &[Header], &[Header]),
    rule!("203", r203, "Date of birth disagrees with the date of birth already recorded for this child.", &[Header], &[Header]),
    rule!("204", r204, "Ethnic origin code disagrees with the ethnic origin already recorded for this child.", &[Header], &[Header]),
    rule!(
        "205A",
        r205a,
        "Child identified as UASC last year is no longer UASC this year, but date UASC ceased in both years does not support this.",
        &[Uasc, Header],
        &[Uasc, Header]
    ),
    rule!(
        "205B",
        r205b,
        "Child previously identified as UASC is also UASC this year, but date UASC ceased in both years does not support this.",
        &[Uasc, Header],
        &[Uasc, Header]
    ),
    rule!(
        "205C",
        r205c,
        "Child not identified as UASC either this year or last year but date UASC ceased has been provided.",
        &[Uasc, Header],
        &[Uasc, Header]
    ),
    rule!(
        "205D",
        r205d,
        "Child identified as UASC this year but not identified as UASC status provided for the child last year.",
        &[Uasc, Header],
        &[Uasc, Header]
    ),
    rule!(
        "207",
        r207,
        "Mother status for the current year disagrees with the mother status already recorded for this child.",
        &[Header, Episodes],
        &[Header]
    ),
    rule!(
        "208",
        r208,
        "Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil Number (UPN) already recorded for this child.",
        &[Header],
        &[Header]
    ),
    rule!(
        "348",
        r348,
        "Care leaver has previously been reported as having died.",
        &[Oc3],
        &[Oc3],
        Need::Nothing,
        FROM_2025_26
    ),
    rule!(
        "452",
        r452,
        "Contradiction between local authority of placement code in the last episode of the previous year and in the first episode of the current year.",
        &[Episodes],
        &[Episodes],
        Need::Postcodes,
        ALL_YEARS
    ),
    rule!(
        "453",
        r453,
        "Contradiction between placement distance in the last episode of the previous year and in the first episode of the current year.",
        &[Episodes],
        &[Episodes],
        Need::Postcodes,
        ALL_YEARS
    ),
    rule!(
        "502",
        r502,
        "Last year's record ended with an open episode. The date on which that episode started does not match the start date of the first episode on this year's record.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "503A",
        r503a,
        "The reason for new episode in the first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "503B",
        r503b,
        "The legal status in the first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "503C",
        r503c,
        "The category of need in the first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "503E",
        r503e,
        "The placement provider in the first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "503F",
        r503f,
        "The Ofsted URN in the first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "503G",
        r503g,
        "The distance in first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes],
        Need::Postcodes,
        ALL_YEARS
    ),
    rule!(
        "503H",
        r503h,
        "The placement LA in first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes],
        Need::Postcodes,
        ALL_YEARS
    ),
    rule!(
        "503J",
        r503j,
        "The placement location in first episode does not match open episode at end of last year.",
        &[Episodes],
        &[Episodes],
        Need::Postcodes,
        ALL_YEARS
    ),
    rule!(
        "559",
        r559,
        "Date of decision that a child should be placed for adoption was not in the current year but the date of the decision that the child should be placed for adoption was not completed in a previous return.",
        &[PlacedAdoption],
        &[PlacedAdoption]
    ),
    rule!(
        "560",
        r560,
        "Date of decision that the child should be placed for adoption this year is different from that recorded last year but the decision to place the child for adoption did not change.",
        &[PlacedAdoption],
        &[PlacedAdoption]
    ),
    rule!(
        "561",
        r561,
        "Date of the decision that the child should be placed for adoption this year is the same as that recorded last year but records show that the decision changed, and the child should no longer be placed for adoption last year.",
        &[PlacedAdoption],
        &[PlacedAdoption]
    ),
    rule!(
        "562",
        r562,
        "Episode commenced before the start of the current collection year but there is a missing continuous episode in the previous year.",
        &[Episodes],
        &[Episodes]
    ),
    rule!(
        "576",
        r576,
        "There is an open missing/away from placement without authorisation period in last year's return and there is no corresponding period recorded at the start of this year.",
        &[Missing],
        &[Missing]
    ),
    rule!(
        "584",
        r584,
        "Date of decision that the child should be placed for adoption this year is different from that recorded last year, but the decision to place the child for adoption changed and the child should no longer be placed for adoption.",
        &[PlacedAdoption],
        &[PlacedAdoption]
    ),
    rule!(
        "624",
        r624,
        "Date of birth of the first child contradicts the date of birth of the first child previously recorded.",
        &[Header],
        &[Header]
    ),
    rule!(
        "626",
        r626,
        "Child was reported as a mother but the date of birth of the first child is before the current year which contradicts with the mother status recorded last year.",
        &[Header],
        &[Header]
    ),
    rule!(
        "706",
        r706,
        "There is an open DoLO in last year's return and there is no corresponding DoLO recorded at the start of this year.",
        &[Dolo, Header],
        &[Dolo],
        Need::Nothing,
        (2027, 2027)
    ),
    rule!(
        "1001",
        r1001,
        "The episodes recorded for this young person suggest they are not a relevant or a former relevant child and therefore should not have care leaver information completed.",
        &[Episodes, Oc3, Header],
        &[Episodes]
    ),
    rule!(
        "1002",
        r1002,
        "This child has no previous episodes of care, therefore should not have care leaver information recorded.",
        &[Episodes, Oc3],
        &[Episodes]
    ),
    rule!(
        "1010",
        r1010,
        "This child has no episodes loaded for current year even though there was an open episode of care at the end of the previous year, and care leaver data has been entered.",
        &[Episodes, Oc3],
        &[Episodes]
    ),
    rule!(
        "NoE",
        rnoe,
        "This child has no episodes loaded for previous year even though child started to be looked after before this current year.",
        &[Episodes],
        &[Episodes]
    ),
];

/// The same date in both cells; blank and unreadable cells match each other
/// (as the DfE's tool compares them), so only real dates can conflict.
fn same_day(a: &Day, b: &Day) -> bool {
    a.get() == b.get()
}

/// Whether a date is within last year (1 April to 31 March).
fn in_last_year(ctx: &Ctx, date: Option<Date>) -> bool {
    let last = ctx.year.previous();
    date.is_some_and(|d| d >= last.start() && d <= last.end())
}

/// Whether a date is within this year.
fn in_this_year(ctx: &Ctx, date: Option<Date>) -> bool {
    date.is_some_and(|d| d >= ctx.start() && d <= ctx.end())
}

/// The 18th birthday of a date of birth.
fn birthday_18(dob: Option<Date>) -> Option<Date> {
    dob.map(|d| super::birthday(d, 18))
}

/// A child's first episode this year (earliest DECOM) from their episodes
/// in DECOM order, if its start is readable.
fn readable_first(ctx: &Ctx, episodes: &[usize]) -> Option<usize> {
    let first = *episodes.first()?;
    ctx.ret.episodes[first].decom.get().map(|_| first)
}

/// The child's final episode in last year's return (latest readable DECOM).
fn final_last_year(ctx: &Ctx, child: &str) -> Option<usize> {
    let prev = ctx.prev?;
    let list = ctx.prev_index.episodes.get(child)?;
    // Unreadable starts sort last, so the last readable one is the latest.
    list.iter().rev().copied().find(|&j| prev.episodes[j].decom.get().is_some())
}

#[cfg(test)]
mod tests;
