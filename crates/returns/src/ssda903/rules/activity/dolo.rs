//! Deprivation of liberty orders (DoLOs), from 2026-27.

use time::Date;

use super::{dob, outside_every_period, overlapping_spells, periods_of_care, Ctx, Flags};
use crate::ssda903::tables::TableKind::*;

pub(super) fn r700(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.dolo, |d| d.dolo_start.get().is_none());
}

pub(super) fn r701(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.dolo, |d| d.dolo_end.is_invalid());
}

/// A DoLO must end after the day it started.
pub(super) fn r702(ctx: &Ctx, flags: &mut Flags) {
    flags.each(
        &ctx.ret.dolo,
        |d| matches!((d.dolo_start.get(), d.dolo_end.get()), (Some(s), Some(e)) if e <= s),
    );
}

pub(super) fn r703(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.dolo, |d| d.dolo_start.get().is_some_and(|s| s > ctx.end()));
}

pub(super) fn r704(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.dolo, |d| {
        d.dolo_end.get().is_some_and(|e| e < ctx.start() || e > ctx.end())
    });
}

pub(super) fn r705(ctx: &Ctx, flags: &mut Flags) {
    let mut order = Vec::new();
    let span = |i: usize| (ctx.ret.dolo[i].dolo_start.get(), ctx.ret.dolo[i].dolo_end.get());
    for rows in ctx.index.dolo.values() {
        overlapping_spells(rows, Dolo, span, &mut order, flags);
    }
}

/// A DoLO left open after care ended, or running outside every period of
/// care.
pub(super) fn r707(ctx: &Ctx, flags: &mut Flags) {
    let mut periods = Vec::new();
    for (child, rows) in &ctx.index.dolo {
        periods_of_care(ctx, child, &mut periods);
        for &i in rows {
            let d = &ctx.ret.dolo[i];
            if d.dolo_start
                .get()
                .is_some_and(|s| outside_every_period(&periods, s, d.dolo_end.get()))
            {
                flags.flag(Dolo, i);
            }
        }
    }
}

pub(super) fn r708(ctx: &Ctx, flags: &mut Flags) {
    flags.each(
        &ctx.ret.dolo,
        |d| matches!((d.dolo_start.get(), dob(ctx, &d.dob, d.child.as_deref())), (Some(s), Some(dob)) if s <= dob),
    );
}

/// Flags each DoLO and each episode it overlaps whose PLACE is `bad`. A
/// DoLO in force runs from its start to its end (to beyond the year while
/// open); an episode runs from DECOM up to its DEC, the day the next
/// placement starts (open if DEC is blank). They overlap when each starts
/// before the other ends.
fn placements_under_dolo(ctx: &Ctx, flags: &mut Flags, bad: impl Fn(Option<&str>) -> bool) {
    for (child, rows) in &ctx.index.dolo {
        let episodes = ctx.episodes_of(child);
        for &i in rows {
            let d = &ctx.ret.dolo[i];
            let Some(start) = d.dolo_start.get() else { continue };
            if d.dolo_end.is_invalid() {
                continue;
            }
            let end: Option<Date> = d.dolo_end.get();
            for &e in episodes {
                let ep = &ctx.ret.episodes[e];
                let Some(decom) = ep.decom.get() else { continue };
                let overlaps = ep.dec.get().is_none_or(|dec| start < dec) && end.is_none_or(|end| decom < end);
                if overlaps && bad(ep.place.as_deref()) {
                    flags.flag(Dolo, i);
                    flags.flag(Episodes, e);
                }
            }
        }
    }
}

/// While a DoLO is in force the child should be in a children's home (K2)
/// or Z12/Z13.
pub(super) fn r709(ctx: &Ctx, flags: &mut Flags) {
    placements_under_dolo(ctx, flags, |place| !matches!(place, Some("K2" | "Z12" | "Z13")));
}

/// While a DoLO is in force the child must not be in a secure children's
/// home (K1), with parents (P1), in custody (R5) or in supported
/// accommodation (K3).
pub(super) fn r710(ctx: &Ctx, flags: &mut Flags) {
    placements_under_dolo(ctx, flags, |place| matches!(place, Some("K1" | "P1" | "R5" | "K3")));
}
