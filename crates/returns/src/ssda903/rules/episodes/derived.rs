//! Checks of the fields derived from the postcodes: the placement's local
//! authority (PL_LA), in or out of the council's area (PL_LOCATION) and the
//! distance from home (PL_DISTANCE).

use super::values::no_urn_places;
use super::{is_one_of, short_break};
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind;

/// PL_DISTANCE, when both postcodes are known, must be 0.0 to 999.9 miles,
/// except for short breaks and for children who are or were UASC (this
/// year's or last year's UASC table).
pub(super) fn r164(ctx: &Ctx, flags: &mut Flags) {
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let Some(distance) = ctx.derived[index].pl_distance else { continue };
        if (0.0..=999.9).contains(&distance) || short_break(episode) {
            continue;
        }
        let uasc = episode
            .child
            .as_deref()
            .is_some_and(|c| ctx.is_uasc(c) || ctx.prev_index.uasc.contains_key(c));
        if !uasc {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// PL_LA could not be derived (PL_POST blank or not a known postcode),
/// except for short breaks.
pub(super) fn r169(ctx: &Ctx, flags: &mut Flags) {
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        if ctx.derived[index].pl_la.is_none() && !short_break(episode) {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// PL_LOCATION could not be derived, except for short breaks. Without the
/// council's own code no location can be derived, so nothing is flagged.
pub(super) fn r179(ctx: &Ctx, flags: &mut Flags) {
    if ctx.lookups.la.is_none() {
        return;
    }
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        if ctx.derived[index].pl_location.is_none() && !short_break(episode) {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// Placements outside England need no URN.
const OUTSIDE_ENGLAND: &[&str] = &["CON", "NIR", "SCO", "WAL", "NUK"];

/// A URN is required for a registered placement type in England, on an
/// episode open at some time in the year. The 2022-23 list of exempt types
/// stayed in force until 2024-25.
pub(super) fn r218(ctx: &Ctx, flags: &mut Flags) {
    let year = ctx.year.ending();
    let exempt = no_urn_places(if year <= 2024 { 2023 } else { year });
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let open_in_year = if episode.dec.is_blank() {
            true
        } else {
            episode.dec.get().is_some_and(|d| d >= ctx.start())
        };
        let outside = ctx.derived[index].pl_la.as_deref().is_some_and(|la| OUTSIDE_ENGLAND.contains(&la));
        if open_in_year && episode.urn.is_none() && !is_one_of(&episode.place, exempt) && !outside {
            flags.flag(TableKind::Episodes, index);
        }
    }
}
