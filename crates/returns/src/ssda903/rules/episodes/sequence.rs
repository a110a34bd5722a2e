//! Checks of a child's episodes in DECOM order (episodes with an unreadable
//! DECOM come last, as the reference sorts them).

use time::Date;

use super::{is_one_of, TEMPORARY};
use crate::ssda903::model::Episode;
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind;

/// Every episode but a child's last must have ended (a readable DEC and a
/// REC).
pub(super) fn r142(ctx: &Ctx, flags: &mut Flags) {
    for list in ctx.index.episodes.values() {
        let Some((_, earlier)) = list.split_last() else { continue };
        for &i in earlier {
            let e = &ctx.ret.episodes[i];
            if e.decom.get().is_some() && (e.dec.get().is_none() || e.rec.is_none()) {
                flags.flag(TableKind::Episodes, i);
            }
        }
    }
}

fn adopted(episode: &Episode) -> bool {
    is_one_of(&episode.rec, &["E11", "E12"])
}

/// Once a child has been adopted from care (REC E11 or E12, this year or
/// last), every later episode is flagged, a second adoption included.
/// Episodes are ordered by DECOM, last year's before this year's on the same
/// day; a last-year episode that starts on the day one of this year's does
/// is the same episode reported again, and this year's report of it stands.
pub(super) fn r199(ctx: &Ctx, flags: &mut Flags) {
    // (DECOM, 0 last year / 1 this year, row): the order of the episodes.
    type Key = (Date, u8, usize);
    for (child, list) in &ctx.index.episodes {
        let mut first: Option<Key> = None;
        let mut consider = |key: Key| first = Some(first.map_or(key, |f| f.min(key)));
        for &i in list {
            let e = &ctx.ret.episodes[i];
            if let (true, Some(d)) = (adopted(e), e.decom.get()) {
                consider((d, 1, i));
            }
        }
        if let (Some(prev), Some(last_year)) = (ctx.prev, ctx.prev_index.episodes.get(child)) {
            for &j in last_year {
                let e = &prev.episodes[j];
                let (true, Some(d)) = (adopted(e), e.decom.get()) else { continue };
                if !list.iter().any(|&i| ctx.ret.episodes[i].decom.get() == Some(d)) {
                    consider((d, 0, j));
                }
            }
        }
        let Some(first) = first else { continue };
        for &i in list {
            if ctx.ret.episodes[i].decom.get().is_some_and(|d| (d, 1, i) > first) {
                flags.flag(TableKind::Episodes, i);
            }
        }
    }
}

/// An episode ending X1 must give the reason for the placement change when
/// the next starts with one (RNE P, B, T or U), unless either placement is
/// temporary.
pub(super) fn r225(ctx: &Ctx, flags: &mut Flags) {
    for list in ctx.index.episodes.values() {
        for pair in list.windows(2) {
            let (e, next) = (&ctx.ret.episodes[pair[0]], &ctx.ret.episodes[pair[1]]);
            if e.rec.as_deref() == Some("X1")
                && e.reason_place_change.is_none()
                && !is_one_of(&e.place, TEMPORARY)
                && is_one_of(&next.rne, &["P", "B", "T", "U"])
                && !is_one_of(&next.place, TEMPORARY)
            {
                flags.flag(TableKind::Episodes, pair[0]);
            }
        }
    }
}

/// A temporary placement, and the episode before it, take no reason for a
/// placement change; the temporary episode is flagged.
pub(super) fn r226(ctx: &Ctx, flags: &mut Flags) {
    for list in ctx.index.episodes.values() {
        let mut previous_reason = false;
        for &i in list {
            let e = &ctx.ret.episodes[i];
            if is_one_of(&e.place, TEMPORARY) && (e.reason_place_change.is_some() || previous_reason) {
                flags.flag(TableKind::Episodes, i);
            }
            previous_reason = e.reason_place_change.is_some();
        }
    }
}

/// A placement for adoption with the current foster carer (A3 or A5) must
/// follow a foster placement (U1-U6) or another placement for adoption
/// (A3-A6). A child's first episode has nothing before it to check.
pub(super) fn r336(ctx: &Ctx, flags: &mut Flags) {
    const BEFORE: &[&str] = &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];
    for list in ctx.index.episodes.values() {
        for pair in list.windows(2) {
            let (previous, e) = (&ctx.ret.episodes[pair[0]], &ctx.ret.episodes[pair[1]]);
            if is_one_of(&e.place, &["A3", "A5"]) && !is_one_of(&previous.place, BEFORE) {
                flags.flag(TableKind::Episodes, pair[1]);
            }
        }
    }
}

/// A child's first episode, if it starts in the year, must start a period
/// of care (RNE S), unless last year's return shows the episode it
/// follows on from (ended X1 on the day this one starts).
pub(super) fn r357(ctx: &Ctx, flags: &mut Flags) {
    for (child, list) in &ctx.index.episodes {
        let Some(&first) = list.first() else { continue };
        let e = &ctx.ret.episodes[first];
        let Some(start) = e.decom.get() else { continue };
        if start < ctx.start() || e.rne.as_deref() == Some("S") {
            continue;
        }
        let follows_on = ctx.prev.zip(ctx.prev_index.episodes.get(child)).is_some_and(|(prev, last_year)| {
            last_year.iter().any(|&j| {
                let p = &prev.episodes[j];
                p.rec.as_deref() == Some("X1") && p.dec.get() == Some(start)
            })
        });
        if !follows_on {
            flags.flag(TableKind::Episodes, first);
        }
    }
}
