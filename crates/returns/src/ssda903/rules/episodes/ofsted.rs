//! Checks of a placement against Ofsted's record of its URN: the types it
//! is registered for, its postcode, its owner's provider code, when it was
//! deregistered and the local authority it is in.
//!
//! A URN that Ofsted does not list is rule 1008's to report; these rules
//! check only URNs that the lookup knows.

use super::{is_one_of, provider, short_break};
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind;

/// The placement type must be one the URN is registered for.
pub(super) fn r219(ctx: &Ctx, flags: &mut Flags) {
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let Some(provider) = provider(ctx, episode) else { continue };
        let registered = episode
            .place
            .as_deref()
            .is_some_and(|p| provider.placement_codes.iter().any(|c| c == p));
        if !registered {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// The placement types registered at an address, by year: H5 for 2023-24
/// only, K3 (which replaced it) from 2024-25.
fn registered_at_an_address(year: i32) -> &'static [&'static str] {
    match year {
        ..=2023 => &["K1", "K2", "R3", "S1"],
        2024 => &["H5", "K1", "K2", "R3", "S1"],
        _ => &["K1", "K2", "K3", "R3", "S1"],
    }
}

/// Postcodes compared without spaces or case.
fn same_postcode(a: &str, b: &str) -> bool {
    fn squash(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase())
    }
    squash(a).eq(squash(b))
}

/// For a setting registered at an address, PL_POST must be the URN's
/// registered postcode (short breaks record no postcode).
pub(super) fn r221(ctx: &Ctx, flags: &mut Flags) {
    let places = registered_at_an_address(ctx.year.ending());
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        if short_break(episode) || !is_one_of(&episode.place, places) {
            continue;
        }
        let (Some(posted), Some(provider)) = (episode.pl_post.as_deref(), provider(ctx, episode)) else {
            continue;
        };
        if provider
            .postcode
            .as_deref()
            .is_some_and(|registered| !same_postcode(posted, registered))
        {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// PLACE_PROVIDER must be the URN's provider code.
pub(super) fn r224(ctx: &Ctx, flags: &mut Flags) {
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let Some(provider) = provider(ctx, episode) else { continue };
        let Some(registered) = provider.provider_code.as_deref() else {
            continue;
        };
        let matches = episode
            .place_provider
            .as_deref()
            .is_some_and(|p| registered.split(',').any(|r| r.trim() == p));
        if !matches {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// The episode must start before the URN was deregistered.
pub(super) fn r227(ctx: &Ctx, flags: &mut Flags) {
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let Some(ended) = provider(ctx, episode).and_then(|p| p.deregistered) else {
            continue;
        };
        if episode.decom.get().is_some_and(|d| d >= ended) {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// The episode must end (or, if open, the year must end) on or before the
/// URN was deregistered.
pub(super) fn r228(ctx: &Ctx, flags: &mut Flags) {
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let Some(ended) = provider(ctx, episode).and_then(|p| p.deregistered) else {
            continue;
        };
        if episode.dec.get().unwrap_or(ctx.end()) > ended {
            flags.flag(TableKind::Episodes, index);
        }
    }
}

/// PR1 (own provision) must be inside the council's area and PR2 (another
/// council's) outside it, by the local authority the URN's setting is in.
pub(super) fn r229(ctx: &Ctx, flags: &mut Flags) {
    let Some(la) = ctx.lookups.la.as_deref() else { return };
    for (index, episode) in ctx.ret.episodes.iter().enumerate() {
        let Some(setting_la) = provider(ctx, episode).and_then(|p| p.la.as_deref()) else {
            continue;
        };
        let wrong = match episode.place_provider.as_deref() {
            Some("PR1") => setting_la != la,
            Some("PR2") => setting_la == la,
            _ => false,
        };
        if wrong {
            flags.flag(TableKind::Episodes, index);
        }
    }
}
