//! Legal statuses: how long the short-lived ones may last, short breaks
//! (V3/V4), and which placements go with which status.

use time::macros::date;
use time::Date;

use super::{is, short_break, Ctx, Flags, TEMPORARY};
use crate::ssda903::tables::TableKind::Episodes;

/// Flags each unbroken run of episodes under `ls` (one episode continuing
/// the day the one before ended) lasting more than `max_days`; a run still
/// open is measured to 31 March.
fn status_too_long(ctx: &Ctx, flags: &mut Flags, ls: &str, max_days: i64) {
    let eps = &ctx.ret.episodes;
    for list in ctx.index.episodes.values() {
        let mut at = 0;
        while at < list.len() {
            let first = &eps[list[at]];
            let (Some(start), true) = (first.decom.get(), first.ls.as_deref() == Some(ls)) else {
                at += 1;
                continue;
            };
            let mut last = at;
            while let Some(&next) = list.get(last + 1) {
                let next = &eps[next];
                let joined = eps[list[last]].dec.get().is_some_and(|d| Some(d) == next.decom.get());
                if !joined || next.ls.as_deref() != Some(ls) {
                    break;
                }
                last += 1;
            }
            let end = &eps[list[last]].dec;
            let end = if end.is_blank() { Some(ctx.end()) } else { end.get() };
            if end.is_some_and(|end| (end - start).whole_days() > max_days) {
                for &i in &list[at..=last] {
                    flags.flag(Episodes, i);
                }
            }
            at = last + 1;
        }
    }
}

/// L1 police protection: at most 72 hours.
pub(super) fn r361(ctx: &Ctx, flags: &mut Flags) {
    status_too_long(ctx, flags, "L1", 3);
}

/// L2 emergency protection order: at most 21 days.
pub(super) fn r362(ctx: &Ctx, flags: &mut Flags) {
    status_too_long(ctx, flags, "L2", 21);
}

/// L3 child assessment order: at most 7 days.
pub(super) fn r363(ctx: &Ctx, flags: &mut Flags) {
    status_too_long(ctx, flags, "L3", 7);
}

/// J2 PACE accommodation: at most 21 days, as the DfE's check has it.
pub(super) fn r364(ctx: &Ctx, flags: &mut Flags) {
    status_too_long(ctx, flags, "J2", 21);
}

/// An episode's end for measuring: its DEC, or 31 March while open; `None`
/// when DEC is not a date.
fn end_or_year_end(ctx: &Ctx, dec: &crate::ssda903::Day) -> Option<Date> {
    if dec.is_blank() {
        Some(ctx.end())
    } else {
        dec.get()
    }
}

pub(super) fn r365(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        e.ls.as_deref() == Some("V3")
            && match (e.decom.get(), end_or_year_end(ctx, &e.dec)) {
                (Some(start), Some(end)) => (end - start).whole_days() > 17,
                _ => false,
            }
    });
}

pub(super) fn r366(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        e.ls.as_deref() == Some("V3") && e.rne.as_deref() != Some("S")
    });
}

/// V3 days within the year, per child, over 75: every V3 episode counted.
pub(super) fn r367(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    let days = |i: usize| -> i64 {
        let e = &eps[i];
        if e.ls.as_deref() != Some("V3") {
            return 0;
        }
        match (e.decom.get(), end_or_year_end(ctx, &e.dec)) {
            (Some(start), Some(end)) => (end.min(ctx.end()) - start.max(ctx.start())).whole_days().max(0),
            _ => 0,
        }
    };
    for list in ctx.index.episodes.values() {
        if list.iter().map(|&i| days(i)).sum::<i64>() > 75 {
            for &i in list.iter().filter(|&&i| days(i) > 0) {
                flags.flag(Episodes, i);
            }
        }
    }
}

/// More than two T3 (foster carer's holiday) placements in the year.
pub(super) fn r377(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for list in ctx.index.episodes.values() {
        let t3 = |i: &&usize| eps[**i].place.as_deref() == Some("T3");
        if list.iter().filter(t3).count() > 2 {
            for &i in list.iter().filter(t3) {
                flags.flag(Episodes, i);
            }
        }
    }
}

pub(super) fn r378(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        e.place.as_deref() == Some("P1") && e.ls.as_deref() == Some("V2")
    });
}

pub(super) fn r382(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| short_break(&e.ls) && is(&e.place, TEMPORARY));
}

pub(super) fn r384(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| short_break(&e.ls) && is(&e.place, &["U1", "U4"]));
}

pub(super) fn r408(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| is(&e.place, &["A5", "A6"]) && e.ls.as_deref() != Some("E1"));
}

/// Both V3 and V4 for one child in the year: every V3 and V4 episode.
pub(super) fn r426(ctx: &Ctx, flags: &mut Flags) {
    let eps = &ctx.ret.episodes;
    for list in ctx.index.episodes.values() {
        let has = |ls: &str| list.iter().any(|&i| eps[i].ls.as_deref() == Some(ls));
        if has("V3") && has("V4") {
            for &i in list.iter().filter(|&&i| short_break(&eps[i].ls)) {
                flags.flag(Episodes, i);
            }
        }
    }
}

/// Placement orders (E1) came in with the Adoption and Children Act 2002 on
/// 30 December 2005.
pub(super) fn r446(ctx: &Ctx, flags: &mut Flags) {
    const COMMENCED: Date = date!(2005 - 12 - 30);
    flags.each(&ctx.ret.episodes, |e| {
        e.ls.as_deref() == Some("E1") && e.decom.get().is_some_and(|d| d < COMMENCED)
    });
}
