//! Spells missing (M) or away from placement without authorisation (A).

use super::{dob, outside_every_period, overlapping_spells, periods_of_care, Ctx, Flags};
use crate::ssda903::rules::birthday;
use crate::ssda903::tables::TableKind::*;

pub(super) fn r564(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| {
        ctx.codes.missing.holds(m.missing.as_deref()) && m.mis_start.is_blank()
    });
}

pub(super) fn r565(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| !m.mis_start.is_blank() && m.missing.is_none());
}

pub(super) fn r566(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| !m.mis_end.is_blank() && m.missing.is_none());
}

pub(super) fn r567(ctx: &Ctx, flags: &mut Flags) {
    flags.each(
        &ctx.ret.missing,
        |m| matches!((m.mis_start.get(), m.mis_end.get()), (Some(s), Some(e)) if e < s),
    );
}

pub(super) fn r570(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| m.mis_start.get().is_some_and(|s| s > ctx.end()));
}

pub(super) fn r571(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| {
        m.mis_end.get().is_some_and(|e| e < ctx.start() || e > ctx.end())
    });
}

pub(super) fn r574(ctx: &Ctx, flags: &mut Flags) {
    let mut order = Vec::new();
    let span = |i: usize| (ctx.ret.missing[i].mis_start.get(), ctx.ret.missing[i].mis_end.get());
    for rows in ctx.index.missing.values() {
        overlapping_spells(rows, Missing, span, &mut order, flags);
    }
}

/// A spell that began during an episode that has ended must have ended too.
pub(super) fn r575(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.missing {
        let episodes = ctx.episodes_of(child);
        for &i in rows {
            let m = &ctx.ret.missing[i];
            let Some(start) = m.mis_start.get() else { continue };
            if m.mis_end.get().is_some() {
                continue;
            }
            let in_ended_episode = episodes.iter().any(|&e| {
                let e = &ctx.ret.episodes[e];
                matches!((e.decom.get(), e.dec.get()), (Some(decom), Some(dec)) if decom <= start && start <= dec)
            });
            if in_ended_episode {
                flags.flag(Missing, i);
            }
        }
    }
}

/// A spell left open after care ended, or running outside every period of
/// care.
pub(super) fn r577(ctx: &Ctx, flags: &mut Flags) {
    let mut periods = Vec::new();
    for (child, rows) in &ctx.index.missing {
        periods_of_care(ctx, child, &mut periods);
        for &i in rows {
            let m = &ctx.ret.missing[i];
            if m.mis_start
                .get()
                .is_some_and(|s| outside_every_period(&periods, s, m.mis_end.get()))
            {
                flags.flag(Missing, i);
            }
        }
    }
}

/// A spell starting before, or after the end of, every period of care.
pub(super) fn r578(ctx: &Ctx, flags: &mut Flags) {
    let mut periods = Vec::new();
    for (child, rows) in &ctx.index.missing {
        periods_of_care(ctx, child, &mut periods);
        if periods.is_empty() {
            continue;
        }
        for &i in rows {
            let Some(start) = ctx.ret.missing[i].mis_start.get() else {
                continue;
            };
            if periods.iter().all(|p| start < p.start || p.end.is_some_and(|end| start > end)) {
                flags.flag(Missing, i);
            }
        }
    }
}

/// A child still missing on the day care ended at 18 left for "any other
/// reason" (E8): flags the episode that ended.
pub(super) fn r580(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.missing {
        for &i in rows {
            let m = &ctx.ret.missing[i];
            let (Some(end), Some(dob)) = (m.mis_end.get(), dob(ctx, &m.dob, Some(child))) else {
                continue;
            };
            if end != birthday(dob, 18) {
                continue;
            }
            for &e in ctx.episodes_of(child) {
                let ep = &ctx.ret.episodes[e];
                if ep.dec.get() == Some(end) && ep.rec.as_deref() != Some("E8") {
                    flags.flag(Episodes, e);
                }
            }
        }
    }
}

/// A spell starting outside every episode of care.
pub(super) fn r581(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.missing {
        let episodes = ctx.episodes_of(child);
        if episodes.is_empty() {
            continue;
        }
        for &i in rows {
            let Some(start) = ctx.ret.missing[i].mis_start.get() else {
                continue;
            };
            let in_care = episodes.iter().any(|&e| {
                let e = &ctx.ret.episodes[e];
                e.decom.get().is_some_and(|d| d <= start) && e.dec.get().is_none_or(|d| start <= d)
            });
            if !in_care {
                flags.flag(Missing, i);
            }
        }
    }
}

pub(super) fn r586(ctx: &Ctx, flags: &mut Flags) {
    flags.each(
        &ctx.ret.missing,
        |m| matches!((m.mis_start.get(), dob(ctx, &m.dob, m.child.as_deref())), (Some(s), Some(dob)) if s <= dob),
    );
}

pub(super) fn r1004(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| m.mis_start.get().is_none());
}

pub(super) fn r1005(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| m.mis_end.is_invalid());
}

pub(super) fn r1006(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.missing, |m| {
        m.missing.is_some() && !ctx.codes.missing.holds(m.missing.as_deref())
    });
}
