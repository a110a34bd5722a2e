//! Where the child is placed: postcodes, the derived distance, placement LA
//! and location, and the Ofsted URN.

use super::{same_postcode, short_break, Ctx, Flags};
use crate::ssda903::model::Episode;
use crate::ssda903::tables::TableKind::Episodes;

/// Whether the child is or was UASC: in this year's UASC table or, when
/// last year's return is given, in last year's.
fn uasc_now_or_before(ctx: &Ctx, child: Option<&str>) -> bool {
    child.is_some_and(|c| ctx.is_uasc(c) || ctx.prev_index.uasc.contains_key(c))
}

/// Episodes that must have postcodes and a distance: neither a short break
/// nor a (former) UASC child's.
fn needs_distance(ctx: &Ctx, e: &Episode) -> bool {
    !short_break(&e.ls) && !uasc_now_or_before(ctx, e.child.as_deref())
}

/// Flags each episode for which `bad(episode, derived)` holds.
fn each_derived(ctx: &Ctx, flags: &mut Flags, bad: impl Fn(&Episode, &super::super::Derived) -> bool) {
    for (i, (e, d)) in ctx.ret.episodes.iter().zip(&ctx.derived).enumerate() {
        if bad(e, d) {
            flags.flag(Episodes, i);
        }
    }
}

pub(super) fn r392a(ctx: &Ctx, flags: &mut Flags) {
    each_derived(ctx, flags, |e, d| d.pl_distance.is_none() && needs_distance(ctx, e));
}

pub(super) fn r392b(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        (e.home_post.is_none() || e.pl_post.is_none()) && needs_distance(ctx, e)
    });
}

/// A postcode given but not in the postcode list.
pub(super) fn r392c(ctx: &Ctx, flags: &mut Flags) {
    let Some(postcodes) = &ctx.lookups.postcodes else {
        return;
    };
    let unknown = |p: &Option<String>| p.as_deref().is_some_and(|p| postcodes.find(p).is_none());
    flags.each(&ctx.ret.episodes, |e| unknown(&e.home_post) || unknown(&e.pl_post));
}

pub(super) fn r392d(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        e.place.as_deref() != Some("P1") && e.home_post.is_some() && same_postcode(&e.home_post, &e.pl_post)
    });
}

pub(super) fn r398(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        short_break(&e.ls) && (e.home_post.is_some() || e.pl_post.is_some())
    });
}

pub(super) fn r406(ctx: &Ctx, flags: &mut Flags) {
    each_derived(ctx, flags, |e, d| {
        d.pl_distance.is_some() && uasc_now_or_before(ctx, e.child.as_deref())
    });
}

/// PL_LOCATION says IN but PL_LA is another authority, or OUT but it is the
/// council's own.
pub(super) fn r411(ctx: &Ctx, flags: &mut Flags) {
    let Some(la) = ctx.lookups.la.as_deref() else {
        return;
    };
    each_derived(ctx, flags, |_, d| match (d.pl_location, d.pl_la.as_deref()) {
        (Some(location), Some(pl_la)) => (location == "IN") != (pl_la == la),
        _ => false,
    });
}

pub(super) fn r420(ctx: &Ctx, flags: &mut Flags) {
    each_derived(ctx, flags, |e, d| short_break(&e.ls) && d.pl_la.is_some());
}

/// Over 350 miles, except 999.9 (the DfE's "not known").
pub(super) fn r454(ctx: &Ctx, flags: &mut Flags) {
    each_derived(ctx, flags, |_, d| {
        d.pl_distance.is_some_and(|m| m > 350.0 && (m - 999.9).abs() > 0.05)
    });
}

/// Own provision (PR1) outside the council's area, except fostering and
/// adoption placements (a regional adoption agency may host them) and
/// short breaks. Only a known placement LA is compared.
pub(super) fn r1015(ctx: &Ctx, flags: &mut Flags) {
    let Some(la) = ctx.lookups.la.as_deref() else {
        return;
    };
    const FOSTERING_OR_ADOPTION: &[&str] = &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];
    each_derived(ctx, flags, |e, d| {
        e.place_provider.as_deref() == Some("PR1")
            && e.ls.is_some()
            && e.place.as_deref().is_some_and(|p| !FOSTERING_OR_ADOPTION.contains(&p))
            && !short_break(&e.ls)
            && d.pl_la.as_deref().is_some_and(|pl| pl != la)
    });
}

/// A URN given (other than XXXXXXX, none) that Ofsted does not list.
pub(super) fn r1008(ctx: &Ctx, flags: &mut Flags) {
    let Some(providers) = &ctx.lookups.providers else {
        return;
    };
    flags.each(&ctx.ret.episodes, |e| {
        e.urn.as_deref().is_some_and(|u| u != "XXXXXXX" && !providers.contains_key(u))
    });
}
