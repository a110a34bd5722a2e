//! Rules about placements, legal statuses and the codes of an episode: how
//! long the short-lived legal statuses last, short breaks, temporary
//! placements, how one episode follows another, postcodes and distance,
//! and which providers go with which placements.
//!
//! The checks live in sibling files by theme; this file lists the rules.

use super::{Ctx, Flags, Need, Rule, ALL_YEARS};
use crate::ssda903::tables::TableKind::*;

mod legal;
mod location;
mod providers;
mod sequence;

use legal::*;
use location::*;
use providers::*;
use sequence::*;

/// An Episodes rule of every year that needs nothing else (the common case;
/// the exceptions update the fields they differ in).
const fn rule(code: &'static str, message: &'static str, needs: Need, check: fn(&Ctx, &mut Flags)) -> Rule {
    Rule {
        code,
        message,
        tables: &[Episodes],
        previous: &[],
        needs,
        years: ALL_YEARS,
        check,
    }
}

const N: Need = Need::Nothing;

pub static RULES: &[Rule] = &[
    rule(
        "361",
        "Police protection legal status lasted longer than maximum 72 hours allowed in the Children Act 1989.",
        N,
        r361,
    ),
    rule("362", "Emergency protection order (EPO) lasted longer than 21 days.", N, r362),
    rule(
        "363",
        "Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act 1989.",
        N,
        r363,
    ),
    rule(
        "364",
        "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time a child can be detained \
         in custody in Local Authority (LA) accommodation.",
        N,
        r364,
    ),
    rule(
        "365",
        "Any individual short-term respite placement must not exceed 17 days.",
        N,
        r365,
    ),
    rule(
        "366",
        "A child cannot change placement during the course of an individual short-term respite break.",
        N,
        r366,
    ),
    rule(
        "367",
        "The maximum amount of respite care allowable is 75 days in any 12-month period.",
        N,
        r367,
    ),
    rule(
        "377",
        "Only two temporary placements coded as being due to holiday of usual foster carer(s) are allowed in any \
         12-month period.",
        N,
        r377,
    ),
    rule(
        "378",
        "A child who is placed with parent(s) cannot be looked after under a single period of accommodation under \
         Section 20 of the Children Act 1989.",
        N,
        r378,
    ),
    rule("380", "A period of care cannot start with a temporary placement.", N, r380),
    rule("381", "A period of care cannot end with a temporary placement.", N, r381),
    rule("382", "A child receiving respite care cannot be in a temporary placement.", N, r382),
    rule(
        "383",
        "A child in a temporary placement must subsequently return to his/her normal placement.",
        N,
        r383,
    ),
    rule(
        "384",
        "A child receiving respite care cannot be in a long-term foster placement.",
        N,
        r384,
    ),
    rule(
        "385",
        "Date episode ceased must be on or before the end of the current collection year.",
        N,
        r385,
    ),
    rule(
        "388",
        "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
        N,
        r388,
    ),
    rule(
        "390",
        "Reason episode ceased is adopted but child has not been previously placed for adoption.",
        N,
        r390,
    ),
    Rule {
        tables: &[Episodes, Uasc],
        ..rule("392a", "Child is looked after but no distance is recorded.", Need::Postcodes, r392a)
    },
    rule("392b", "Child is looked after but no postcodes are recorded.", N, r392b),
    rule("392c", "Postcode(s) provided are invalid.", Need::Postcodes, r392c),
    rule(
        "392d",
        "Home and placement postcodes should not be same unless the placement type is P1.",
        N,
        r392d,
    ),
    rule(
        "398",
        "Distance field completed but child looked after under legal status V3 or V4.",
        N,
        r398,
    ),
    Rule {
        tables: &[Episodes, Uasc],
        ..rule(
            "406",
            "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should be blank.",
            Need::Postcodes,
            r406,
        )
    },
    rule(
        "408",
        "Child is placed for adoption with a placement order, but no placement order has been recorded.",
        N,
        r408,
    ),
    rule(
        "411",
        "Placement location code disagrees with LA of placement.",
        Need::Postcodes,
        r411,
    ),
    rule(
        "420",
        "LA of placement completed but child is looked after under legal status V3 or V4.",
        Need::Postcodes,
        r420,
    ),
    rule(
        "426",
        "A child receiving respite care cannot be recorded under a legal status of V3 and V4 in the same year.",
        N,
        r426,
    ),
    rule(
        "431",
        "The reason for new episode is started to be looked after, but the previous episode ended on the same day.",
        N,
        r431,
    ),
    rule(
        "432",
        "The child ceased to be looked after at the end of the previous episode but the reason for the new episode \
         is not started to be looked after.",
        N,
        r432,
    ),
    rule(
        "433",
        "The reason for new episode suggests that this is a continuation episode, but the episode does not start on \
         the same day as the last episode finished.",
        N,
        r433,
    ),
    rule(
        "434",
        "Reason for new episode is that child's legal status has changed but not the placement, but this is not \
         reflected in the episode data.",
        N,
        r434,
    ),
    rule(
        "435",
        "Reason for new episode is that child's placement has changed but not the legal status, but this is not \
         reflected in the episode data recorded.",
        N,
        r435,
    ),
    rule(
        "436",
        "Reason for new episode is that both child's placement and legal status have changed, but this is not \
         reflected in the episode data.",
        N,
        r436,
    ),
    rule(
        "437",
        "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
        N,
        r437,
    ),
    rule("446", "E1 is not a valid code for episodes starting before December 2005.", N, r446),
    Rule {
        years: (2026, 2027),
        ..rule("454", "Placement distance from home is over 350 miles.", Need::Postcodes, r454)
    },
    rule(
        "501",
        "A new episode has started before the end date of the previous episode.",
        N,
        r501,
    ),
    Rule {
        previous: &[Episodes],
        ..rule(
            "503D",
            "The placement type in the first episode does not match open episode at end of last year.",
            N,
            r503d,
        )
    },
    rule(
        "504",
        "The category of need code differs from that reported at start of current period of being looked after.",
        N,
        r504,
    ),
    rule(
        "516",
        "The episode data submitted for this child does not show that he/she was with their former foster carer(s) \
         during the year. If the code in the reason episode ceased is E45 or E46 the child must have a placement code \
         of U1 to U6.",
        N,
        r516,
    ),
    rule(
        "526",
        "Child is missing a placement provider code for at least one episode.",
        N,
        r526,
    ),
    rule(
        "527",
        "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
        N,
        r527,
    ),
    rule(
        "528",
        "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
        N,
        r528,
    ),
    rule(
        "529",
        "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 and U1 to U6 as \
         these placements cannot be provided by other public organisations.",
        N,
        r529,
    ),
    rule(
        "530",
        "A placement provider code of PR4 cannot be associated with placement P1.",
        N,
        r530,
    ),
    rule(
        "531",
        "A placement provider code of PR5 cannot be associated with placements P1.",
        N,
        r531,
    ),
    rule(
        "550",
        "A placement provider code of PR0 can only be associated with placement P1.",
        N,
        r550,
    ),
    rule("1008", "Ofsted Unique Reference Number (URN) is not valid.", Need::Providers, r1008),
    rule("1009", "Reason for placement change is not a valid code.", N, r1009),
    rule(
        "1012",
        "No other data should be returned for OC3 children who had no episodes in the current year.",
        N,
        r1012,
    ),
    rule(
        "1015",
        "Placement provider is own provision but child not placed in own LA.",
        Need::LocalAuthority,
        r1015,
    ),
];

/// Temporary placements.
pub(super) const TEMPORARY: &[&str] = &["T0", "T1", "T2", "T3", "T4"];

/// Whether a cell holds one of the codes.
pub(super) fn is(cell: &Option<String>, codes: &[&str]) -> bool {
    cell.as_deref().is_some_and(|c| codes.contains(&c))
}

/// Short breaks (respite): V3 or V4.
pub(super) fn short_break(ls: &Option<String>) -> bool {
    is(ls, &["V3", "V4"])
}

/// Postcodes compared as the DfE's lookup compares them: without spaces.
pub(super) fn same_postcode(a: &Option<String>, b: &Option<String>) -> bool {
    match (a.as_deref(), b.as_deref()) {
        (Some(a), Some(b)) => a
            .chars()
            .filter(|c| !c.is_whitespace())
            .eq(b.chars().filter(|c| !c.is_whitespace())),
        (a, b) => a == b,
    }
}

/// Each child's episodes in DECOM order, as consecutive pairs (earlier, later).
pub(super) fn pairs<'c>(ctx: &'c Ctx) -> impl Iterator<Item = (usize, usize)> + 'c {
    ctx.index.episodes.values().flat_map(|list| list.windows(2).map(|w| (w[0], w[1])))
}

#[cfg(test)]
mod tests;
