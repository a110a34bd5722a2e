//! The episode open across 31 March: last year's final episode, when still
//! open, must be this year's first, with the same details.

use super::{final_last_year, readable_first};
use crate::ssda903::model::Episode;
use crate::ssda903::rules::{derive, Ctx, Derived, Flags};
use crate::ssda903::tables::TableKind::Episodes;

/// Calls `each` for every child whose final episode last year was still
/// open, with this year's first episode (its index and row) and that one.
fn continuing<'a>(ctx: &Ctx<'a>, mut each: impl FnMut(usize, &'a Episode, &'a Episode)) {
    let Some(prev) = ctx.prev else { return };
    // Eleven rules walk the same pairs, so they are found once.
    let pairs = ctx.shared.continuing.get_or_init(|| {
        let mut pairs: Vec<(usize, usize)> = ctx
            .index
            .episodes
            .iter()
            .filter_map(|(&child, list)| Some((readable_first(ctx, list)?, final_last_year(ctx, child)?)))
            .filter(|&(_, last)| prev.episodes[last].dec.is_blank())
            .collect();
        pairs.sort_unstable();
        pairs
    });
    for &(first, last) in pairs {
        each(first, &ctx.ret.episodes[first], &prev.episodes[last]);
    }
}

/// Flags the first episode where `differs` holds between it and last year's
/// open episode.
fn field_changed(ctx: &Ctx, flags: &mut Flags, differs: impl Fn(&Episode, &Episode) -> bool) {
    continuing(ctx, |first, now, last| {
        if differs(now, last) {
            flags.flag(Episodes, first);
        }
    });
}

/// As [`field_changed`], on the derived placement fields (last year's are
/// derived here, with this year's postcode list). The same postcodes derive
/// the same fields, so only a changed postcode costs a lookup.
fn derived_changed(ctx: &Ctx, flags: &mut Flags, differs: impl Fn(&Episode, &Episode, &Derived, &Derived) -> bool) {
    continuing(ctx, |first, now, last| {
        if now.pl_post == last.pl_post && now.home_post == last.home_post {
            return;
        }
        let before = derive(last, ctx.lookups);
        if differs(now, last, &ctx.derived[first], &before) {
            flags.flag(Episodes, first);
        }
    });
}

/// Whether the distance moved by 0.2 miles or more (both are to 0.1 mile),
/// or appeared where last year had none.
fn distance_moved(now: Option<f64>, last: Option<f64>) -> bool {
    match (now, last) {
        (Some(a), Some(b)) => ((a - b).abs() * 10.0).round() >= 2.0,
        (Some(_), None) => true,
        _ => false,
    }
}

pub(super) fn r452(ctx: &Ctx, flags: &mut Flags) {
    derived_changed(ctx, flags, |now, last, d, before| now.rne == last.rne && d.pl_la != before.pl_la);
}

pub(super) fn r453(ctx: &Ctx, flags: &mut Flags) {
    derived_changed(ctx, flags, |now, last, d, before| {
        now.rne == last.rne && distance_moved(d.pl_distance, before.pl_distance)
    });
}

pub(super) fn r502(ctx: &Ctx, flags: &mut Flags) {
    field_changed(ctx, flags, |now, last| now.decom.get() != last.decom.get());
}

pub(super) fn r503a(ctx: &Ctx, flags: &mut Flags) {
    field_changed(ctx, flags, |now, last| now.rne != last.rne);
}

pub(super) fn r503b(ctx: &Ctx, flags: &mut Flags) {
    field_changed(ctx, flags, |now, last| now.ls != last.ls);
}

pub(super) fn r503c(ctx: &Ctx, flags: &mut Flags) {
    field_changed(ctx, flags, |now, last| now.cin != last.cin);
}

pub(super) fn r503e(ctx: &Ctx, flags: &mut Flags) {
    field_changed(ctx, flags, |now, last| now.place_provider != last.place_provider);
}

pub(super) fn r503f(ctx: &Ctx, flags: &mut Flags) {
    field_changed(ctx, flags, |now, last| now.urn != last.urn);
}

pub(super) fn r503g(ctx: &Ctx, flags: &mut Flags) {
    derived_changed(ctx, flags, |_, _, d, before| distance_moved(d.pl_distance, before.pl_distance));
}

pub(super) fn r503h(ctx: &Ctx, flags: &mut Flags) {
    derived_changed(ctx, flags, |_, _, d, before| d.pl_la != before.pl_la);
}

pub(super) fn r503j(ctx: &Ctx, flags: &mut Flags) {
    derived_changed(ctx, flags, |_, _, d, before| d.pl_location != before.pl_location);
}

pub(super) fn r562(ctx: &Ctx, flags: &mut Flags) {
    // The earliest episode that began before the year must be last year's final one.
    let Some(prev) = ctx.prev else { return };
    for (&child, list) in &ctx.index.episodes {
        let Some(first) = readable_first(ctx, list) else { continue };
        let decom = ctx.ret.episodes[first].decom.get();
        if decom.is_some_and(|d| d >= ctx.start()) {
            continue;
        }
        let last = final_last_year(ctx, child).and_then(|j| prev.episodes[j].decom.get());
        if last != decom {
            flags.flag(Episodes, first);
        }
    }
}

pub(super) fn rnoe(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let before_year = e.decom.get().is_some_and(|d| d < ctx.start());
        if before_year && e.child.as_deref().is_some_and(|c| !ctx.prev_index.episodes.contains_key(c)) {
            flags.flag(Episodes, i);
        }
    }
}
