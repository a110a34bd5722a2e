//! Checks of the AD1 table: its codes and dates, how the adopters' items
//! agree, and how the adoption agrees with the episodes.

use super::super::{Ctx, Flags};
use super::{ad1_items, ad1_of, adopted, adopted_in_year, placed_for_adoption};
use crate::ssda903::model;
use crate::ssda903::tables::TableKind::{Ad1, Episodes};

pub(super) fn r112(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| a.date_int.is_invalid());
}

pub(super) fn r113(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| a.date_match.is_invalid());
}

pub(super) fn r114(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| a.foster_care.as_deref().is_some_and(|v| !matches!(v, "0" | "1")));
}

pub(super) fn r151(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| !matches!(ad1_items(a), 0 | 6));
}

pub(super) fn r175(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| a.nb_adoptr.as_deref().is_some_and(|v| !matches!(v, "1" | "2")));
}

pub(super) fn r176(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| {
        a.sex_adoptr.is_some() && !ctx.codes.sex_adoptr.holds(a.sex_adoptr.as_deref())
    });
}

pub(super) fn r177(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| {
        a.ls_adoptr.is_some() && !ctx.codes.ls_adoptr.holds(a.ls_adoptr.as_deref())
    });
}

/// The match must not come after the start of the episode that ended in
/// adoption.
pub(super) fn r331(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let (true, Some(child), Some(decom)) = (adopted(e), e.child.as_deref(), e.decom.get()) else {
            continue;
        };
        for &a in ad1_of(ctx, child) {
            if ctx.ret.ad1[a].date_match.get().is_some_and(|m| m > decom) {
                flags.flag(Episodes, i);
                flags.flag(Ad1, a);
            }
        }
    }
}

/// A match needs a decision on or before it.
pub(super) fn r333(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| {
        a.date_match.get().is_some_and(|m| a.date_int.get().is_none_or(|int| int > m))
    });
}

/// The decision must not come before the latest period of care began (its
/// RNE S episode).
pub(super) fn r334(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.ad1 {
        let eps = &ctx.ret.episodes;
        let started = ctx
            .episodes_of(child)
            .iter()
            .rev()
            .copied()
            .find(|&i| eps[i].rne.as_deref() == Some("S") && eps[i].decom.get().is_some());
        let Some((s, decom)) = started.and_then(|s| Some((s, eps[s].decom.get()?))) else {
            continue;
        };
        for &a in rows {
            if ctx.ret.ad1[a].date_int.get().is_some_and(|int| int < decom) {
                flags.flag(Episodes, s);
                flags.flag(Ad1, a);
            }
        }
    }
}

/// Adopted from a placement with the current foster carer (A3/A5) means
/// FOSTER_CARE 1; with someone else (A4/A6), 0.
pub(super) fn r335(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let Some(child) = e.child.as_deref().filter(|_| adopted(e)) else {
            continue;
        };
        let wrong = match e.place.as_deref() {
            Some("A3" | "A5") => "0",
            Some("A4" | "A6") => "1",
            _ => continue,
        };
        for &a in ad1_of(ctx, child) {
            if ctx.ret.ad1[a].foster_care.as_deref() == Some(wrong) {
                flags.flag(Episodes, i);
                flags.flag(Ad1, a);
            }
        }
    }
}

fn sex_adoptr_in(a: &model::Ad1, codes: &[&str]) -> bool {
    a.sex_adoptr.as_deref().is_some_and(|s| codes.contains(&s))
}

/// LS_ADOPTR `ls` needs SEX_ADOPTR to be one of `codes`.
fn ls_needs(ctx: &Ctx, flags: &mut Flags, ls: &str, codes: &[&str]) {
    flags.each(&ctx.ret.ad1, |a| a.ls_adoptr.as_deref() == Some(ls) && !sex_adoptr_in(a, codes));
}

pub(super) fn r511(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| {
        a.nb_adoptr.as_deref() == Some("2") && sex_adoptr_in(a, &["M1", "F1"])
    });
}

pub(super) fn r514(ctx: &Ctx, flags: &mut Flags) {
    ls_needs(ctx, flags, "L0", &["M1", "F1"]);
}

pub(super) fn r517(ctx: &Ctx, flags: &mut Flags) {
    ls_needs(ctx, flags, "L3", &["MF"]);
}

pub(super) fn r518(ctx: &Ctx, flags: &mut Flags) {
    ls_needs(ctx, flags, "L4", &["MM", "FF"]);
}

pub(super) fn r519(ctx: &Ctx, flags: &mut Flags) {
    ls_needs(ctx, flags, "L2", &["MM", "FF", "MF"]);
}

pub(super) fn r520(ctx: &Ctx, flags: &mut Flags) {
    ls_needs(ctx, flags, "L11", &["MF"]);
}

pub(super) fn r524(ctx: &Ctx, flags: &mut Flags) {
    ls_needs(ctx, flags, "L12", &["MM", "FF"]);
}

/// The decision must not come after any adoption placement began.
pub(super) fn r521(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let (true, Some(child), Some(decom)) = (placed_for_adoption(e), e.child.as_deref(), e.decom.get()) else {
            continue;
        };
        for &a in ad1_of(ctx, child) {
            if ctx.ret.ad1[a].date_int.get().is_some_and(|int| int > decom) {
                flags.flag(Episodes, i);
                flags.flag(Ad1, a);
            }
        }
    }
}

/// Adopted on the day of the match: queried.
pub(super) fn r582(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let (true, Some(child), Some(dec)) = (adopted(e), e.child.as_deref(), e.dec.get()) else {
            continue;
        };
        if ad1_of(ctx, child).iter().any(|&a| ctx.ret.ad1[a].date_match.get() == Some(dec)) {
            flags.flag(Episodes, i);
        }
    }
}

/// A child adopted in the year needs a complete AD1 row. A missing row is
/// as incomplete as a partial one, so the adoption episode is flagged then.
pub(super) fn r601(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let Some(child) = e.child.as_deref().filter(|_| adopted_in_year(ctx, e)) else {
            continue;
        };
        let rows = ad1_of(ctx, child);
        if rows.is_empty() {
            flags.flag(Episodes, i);
        }
        for &a in rows {
            if ad1_items(&ctx.ret.ad1[a]) < 6 {
                flags.flag(Episodes, i);
                flags.flag(Ad1, a);
            }
        }
    }
}

/// AD1 data for a child whose episodes show no adoption in the year.
pub(super) fn r602(ctx: &Ctx, flags: &mut Flags) {
    for (i, a) in ctx.ret.ad1.iter().enumerate() {
        if ad1_items(a) == 0 {
            continue;
        }
        let child = a.child.as_deref().unwrap_or_default();
        let adopted = ctx.episodes_of(child).iter().any(|&e| adopted_in_year(ctx, &ctx.ret.episodes[e]));
        if !adopted {
            flags.flag(Ad1, i);
        }
    }
}
