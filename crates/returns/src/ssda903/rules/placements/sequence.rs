//! How one episode follows another: starts and ends of periods of care,
//! continuation episodes and what their reason for new episode says changed,
//! temporary placements, and continuity with last year.

use super::{is, pairs, same_postcode, Ctx, Flags, TEMPORARY};
use crate::ssda903::model::Episode;
use crate::ssda903::tables::TableKind::Episodes;

pub(super) fn r380(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| is(&e.place, TEMPORARY) && !is(&e.rne, &["P", "B"]));
}

pub(super) fn r381(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        is(&e.place, TEMPORARY) && e.rec.as_deref().is_some_and(|r| r != "X1")
    });
}

/// After a temporary placement the child returns (RNE P) to the placement
/// before it: the same PLACE and, from 2025-26, the same PL_POST.
pub(super) fn r383(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    let with_postcode = ctx.year.ending() >= 2026;
    for list in ctx.index.episodes.values() {
        for w in list.windows(3) {
            let (before, temporary, after) = (&eps[w[0]], &eps[w[1]], &eps[w[2]]);
            if !is(&temporary.place, TEMPORARY) {
                continue;
            }
            let returned = after.rne.as_deref() == Some("P")
                && after.place == before.place
                && (!with_postcode || same_postcode(&after.pl_post, &before.pl_post));
            if !returned {
                flags.flag(Episodes, w[2]);
            }
        }
    }
}

pub(super) fn r385(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.dec.get().is_some_and(|d| d > ctx.end()));
}

/// X1 needs a next episode starting the day it ends; an episode followed by
/// one starting the day it ends needs X1; the last episode cannot end X1.
pub(super) fn r388(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for list in ctx.index.episodes.values() {
        for (at, &i) in list.iter().enumerate() {
            let e = &eps[i];
            let (Some(rec), Some(dec)) = (e.rec.as_deref(), e.dec.get()) else {
                continue;
            };
            let bad = match list.get(at + 1).map(|&n| eps[n].decom.get()) {
                None => rec == "X1",
                Some(None) => false,
                Some(Some(next)) => (rec == "X1") != (next == dec),
            };
            if bad {
                flags.flag(Episodes, i);
            }
        }
    }
}

pub(super) fn r390(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        is(&e.rec, &["E11", "E12"]) && !is(&e.place, &["A3", "A4", "A5", "A6"])
    });
}

/// A new period (RNE S) starting the day the previous episode ended.
pub(super) fn r431(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for (prev, next) in pairs(ctx) {
        let e = &eps[next];
        if e.rne.as_deref() == Some("S") && e.decom.get().is_some_and(|d| eps[prev].dec.get() == Some(d)) {
            flags.flag(Episodes, next);
        }
    }
}

/// After an episode ending the period of care (any REC but X1), the next
/// episode starts a new one (RNE S).
pub(super) fn r432(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for (prev, next) in pairs(ctx) {
        let rec = eps[prev].rec.as_deref();
        let left = rec.is_some_and(|r| r != "X1") && ctx.codes.rec.holds(rec);
        if left && eps[next].rne.as_deref() != Some("S") {
            flags.flag(Episodes, next);
        }
    }
}

/// A continuation episode (RNE L, P, T, U or B) starts the day the previous
/// one ended.
pub(super) fn r433(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for (prev, next) in pairs(ctx) {
        let e = &eps[next];
        let continues = is(&e.rne, &["L", "P", "T", "U", "B"]);
        if continues && (e.decom.get().is_none() || e.decom.get() != eps[prev].dec.get()) {
            flags.flag(Episodes, next);
        }
    }
}

/// Whether any placement field (PLACE, PL_POST, URN, PLACE_PROVIDER) differs.
fn placement_changed(a: &Episode, b: &Episode) -> bool {
    a.place != b.place || !same_postcode(&a.pl_post, &b.pl_post) || a.urn != b.urn || a.place_provider != b.place_provider
}

/// The continuation episodes with one of `rne`, and what changed from the
/// episode before: (legal status, placement).
fn continuations<'c>(ctx: &'c Ctx, rne: &'c [&str]) -> impl Iterator<Item = (usize, bool, bool)> + 'c {
    let eps = &ctx.ret.episodes;
    pairs(ctx).filter(|&(_, next)| is(&eps[next].rne, rne)).map(|(prev, next)| {
        let (a, b) = (&eps[prev], &eps[next]);
        (next, a.ls != b.ls, placement_changed(a, b))
    })
}

/// RNE L: the legal status changed and the placement did not.
pub(super) fn r434(ctx: &Ctx, flags: &mut Flags) {
    for (i, ls, placement) in continuations(ctx, &["L"]) {
        if !ls || placement {
            flags.flag(Episodes, i);
        }
    }
}

/// RNE P or T: the placement changed and the legal status did not.
pub(super) fn r435(ctx: &Ctx, flags: &mut Flags) {
    for (i, ls, placement) in continuations(ctx, &["P", "T"]) {
        if ls || !placement {
            flags.flag(Episodes, i);
        }
    }
}

/// RNE B or U: both changed.
pub(super) fn r436(ctx: &Ctx, flags: &mut Flags) {
    for (i, ls, placement) in continuations(ctx, &["B", "U"]) {
        if !ls || !placement {
            flags.flag(Episodes, i);
        }
    }
}

/// Nothing after death (E2) or an age assessment of 18+ (E15).
pub(super) fn r437(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for (prev, _) in pairs(ctx) {
        if is(&eps[prev].rec, &["E2", "E15"]) && eps[prev].decom.get().is_some() {
            flags.flag(Episodes, prev);
        }
    }
}

pub(super) fn r501(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for (prev, next) in pairs(ctx) {
        if let (Some(start), Some(end)) = (eps[next].decom.get(), eps[prev].dec.get()) {
            if start < end {
                flags.flag(Episodes, next);
            }
        }
    }
}

/// The first episode's PLACE matches the episode open at the end of last
/// year, allowing the years' code migrations (H5 to K3 in 2023-24 and
/// 2024-25, Z1 to Z11-Z14 in 2025-26).
pub(super) fn r503d(ctx: &Ctx, flags: &mut Flags) {
    let Some(prev) = ctx.prev else {
        return;
    };
    let year = ctx.year.ending();
    for (child, list) in &ctx.index.episodes {
        let Some(&first) = list.first() else {
            continue;
        };
        let Some(last) = ctx.prev_index.episodes.get(child).and_then(|l| {
            // Unreadable DECOMs sort last; the latest readable one counts.
            l.iter().rev().map(|&i| &prev.episodes[i]).find(|e| e.decom.get().is_some())
        }) else {
            continue;
        };
        if !last.dec.is_blank() {
            continue;
        }
        let (now, then) = (ctx.ret.episodes[first].place.as_deref(), last.place.as_deref());
        let migrated = match (then, now) {
            (Some("H5"), Some("K3")) => year == 2024 || year == 2025,
            (Some("Z1"), Some("Z11" | "Z12" | "Z13" | "Z14")) => year == 2026,
            _ => false,
        };
        if now != then && !migrated {
            flags.flag(Episodes, first);
        }
    }
}

/// CIN stays as at the start of the period of care: each episode that
/// continues the period (after X1, the same day) keeps the first one's CIN.
pub(super) fn r504(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for list in ctx.index.episodes.values() {
        let mut start = None::<&Option<String>>;
        for w in list.windows(2) {
            let (a, b) = (&eps[w[0]], &eps[w[1]]);
            let continued = a.rec.as_deref() == Some("X1") && a.dec.get().is_some() && a.dec.get() == b.decom.get();
            if !continued {
                start = None;
                continue;
            }
            let cin = *start.get_or_insert(&a.cin);
            if b.cin != *cin {
                flags.flag(Episodes, w[1]);
            }
        }
    }
}

pub(super) fn r516(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        is(&e.rec, &["E45", "E46"]) && !is(&e.place, &["U1", "U2", "U3", "U4", "U5", "U6"])
    });
}
