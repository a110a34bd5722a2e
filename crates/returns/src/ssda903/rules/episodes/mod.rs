//! Rules about episodes of care: valid codes and dates, the sequence of a
//! child's episodes, the derived placement fields (PL_LA, PL_LOCATION,
//! PL_DISTANCE) and the Ofsted URN checks.
//!
//! The checks live in sibling files by kind: `values` (one episode at a
//! time), `sequence` (a child's episodes in DECOM order), `derived` (the
//! postcode-derived fields) and `ofsted` (the provider lookup).

use super::super::model::Episode;
use super::super::validate::OfstedProvider;
use super::{Ctx, Need, Rule, ALL_YEARS};
use crate::ssda903::tables::TableKind::*;

mod derived;
mod ofsted;
mod sequence;
mod values;

pub static RULES: &[Rule] = &[
    Rule {
        code: "141",
        message: "Date episode began is not a valid date.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r141,
    },
    Rule {
        code: "142",
        message: "A new episode has started, but the previous episode has not ended.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: sequence::r142,
    },
    Rule {
        code: "143",
        message: "The reason for new episode code is not a valid code.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r143,
    },
    Rule {
        code: "144",
        message: "The legal status code is not a valid code.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r144,
    },
    Rule {
        code: "145",
        message: "Category of need code is not a valid code.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r145,
    },
    Rule {
        code: "146",
        message: "Placement type code is not a valid code.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r146,
    },
    Rule {
        code: "147",
        message: "Date episode ceased is not a valid date.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r147,
    },
    Rule {
        code: "148",
        message: "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r148,
    },
    Rule {
        code: "149",
        message: "Reason episode ceased code is not valid.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r149,
    },
    Rule {
        code: "164",
        message: "Distance is not valid. Please check a valid postcode has been entered.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Postcodes,
        years: ALL_YEARS,
        check: derived::r164,
    },
    Rule {
        code: "169",
        message: "Local Authority (LA) of placement is not valid or is missing. Please check a valid postcode has been entered.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Postcodes,
        years: ALL_YEARS,
        check: derived::r169,
    },
    Rule {
        code: "178",
        message: "Placement provider code is not a valid code.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r178,
    },
    Rule {
        code: "179",
        message: "Placement location code is not a valid code.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Postcodes,
        years: ALL_YEARS,
        check: derived::r179,
    },
    Rule {
        code: "199",
        message: "Episode information shows child has been previously adopted from care.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: sequence::r199,
    },
    Rule {
        code: "213",
        message: "Placement provider information not required.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r213,
    },
    Rule {
        code: "214",
        message: "Placement location information not required.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r214,
    },
    Rule {
        code: "217",
        message: "Children who are placed for adoption with current foster carers (placement types A3 or A5) must have a reason for new episode of S, T or U.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r217,
    },
    Rule {
        code: "218",
        message: "Ofsted Unique reference number (URN) is required.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Postcodes,
        years: ALL_YEARS,
        check: derived::r218,
    },
    Rule {
        code: "219",
        message: "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement type recorded.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Providers,
        years: ALL_YEARS,
        check: ofsted::r219,
    },
    Rule {
        code: "221",
        message: "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement postcode provided.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Providers,
        years: ALL_YEARS,
        check: ofsted::r221,
    },
    Rule {
        code: "222",
        message: "Ofsted Unique reference number (URN) should not be recorded for this placement type.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r222,
    },
    Rule {
        code: "224",
        message: "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement provider recorded.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Providers,
        years: ALL_YEARS,
        check: ofsted::r224,
    },
    Rule {
        code: "225",
        message: "Reason for placement change must be recorded.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: sequence::r225,
    },
    Rule {
        code: "226",
        message: "Reason for placement change is not required for temporary placements.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: sequence::r226,
    },
    Rule {
        code: "227",
        message: "Ofsted Unique reference number (URN) is not valid for the episode start date.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Providers,
        years: ALL_YEARS,
        check: ofsted::r227,
    },
    Rule {
        code: "228",
        message: "Ofsted Unique reference number (URN) is not valid for the episode end date.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Providers,
        years: ALL_YEARS,
        check: ofsted::r228,
    },
    Rule {
        code: "229",
        message: "Placement provider does not match between the placing authority and the local authority code of the provider.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Providers,
        years: ALL_YEARS,
        check: ofsted::r229,
    },
    Rule {
        code: "233",
        message: "Reason for placement change is not required when the episode has not ceased.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: (2026, 2027),
        check: values::r233,
    },
    Rule {
        code: "336",
        message: "Child does not have a foster placement immediately prior to being placed for adoption.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: sequence::r336,
    },
    Rule {
        code: "353",
        message: "No episode submitted can start before 14 October 1991.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r353,
    },
    Rule {
        code: "354",
        message: "Date episode began must be on or before the end of the current collection year.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r354,
    },
    Rule {
        code: "355",
        message: "Episode appears to have lasted for less than 24 hours.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r355,
    },
    Rule {
        code: "356",
        message: "The date the episode ceased is before the date the same episode started.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: values::r356,
    },
    Rule {
        code: "357",
        message: "If this is the first episode ever for this child, reason for new episode must be S. Check whether there is an episode immediately preceding this one, which has been left out. If not the reason for new episode code must be amended to S.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: sequence::r357,
    },
];

/// Whether a cell holds one of `codes`.
fn is_one_of(cell: &Option<String>, codes: &[&str]) -> bool {
    cell.as_deref().is_some_and(|c| codes.contains(&c))
}

/// A short break (LS V3 or V4): no placement details are recorded.
fn short_break(episode: &Episode) -> bool {
    is_one_of(&episode.ls, &["V3", "V4"])
}

/// The temporary placements.
const TEMPORARY: &[&str] = &["T0", "T1", "T2", "T3", "T4"];

/// The URN given for a placement, unless blank or XXXXXXX (not registered
/// with Ofsted).
fn urn(episode: &Episode) -> Option<&str> {
    episode.urn.as_deref().filter(|u| *u != "XXXXXXX")
}

/// Ofsted's record of the episode's URN. A URN Ofsted does not list is
/// rule 1008's to report, so the URN rules here do not flag it again.
fn provider<'a>(ctx: &Ctx<'a>, episode: &Episode) -> Option<&'a OfstedProvider> {
    ctx.lookups.providers.as_ref()?.get(urn(episode)?)
}

#[cfg(test)]
mod tests;
