//! The child's identity against last year's Header and UASC tables: sex,
//! date of birth, ethnicity, UPN, motherhood and UASC status.

use super::{birthday_18, in_last_year, in_this_year, same_day};
use crate::ssda903::model::Header;
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind::{Header as HeaderTable, Uasc};

/// Flags each Header row for which `bad` holds against one of the child's
/// Header rows last year.
fn against_last_year(ctx: &Ctx, flags: &mut Flags, bad: impl Fn(&Header, &Header) -> bool) {
    let Some(prev) = ctx.prev else { return };
    for (i, now) in ctx.ret.header.iter().enumerate() {
        let Some(rows) = now.child.as_deref().and_then(|c| ctx.prev_index.header.get(c)) else {
            continue;
        };
        if rows.iter().any(|&j| bad(now, &prev.header[j])) {
            flags.flag(HeaderTable, i);
        }
    }
}

/// SEX with the 2022-23/2023-24 codes (1 male, 2 female) read as the
/// M/F codes that replaced them, so the change of code list is no conflict.
fn sex(cell: Option<&str>) -> Option<&str> {
    match cell {
        Some("1") => Some("M"),
        Some("2") => Some("F"),
        other => other,
    }
}

pub(super) fn r202(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| sex(now.sex.as_deref()) != sex(last.sex.as_deref()));
}

pub(super) fn r203(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| !same_day(&now.dob, &last.dob));
}

pub(super) fn r204(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| now.ethnic != last.ethnic);
}

pub(super) fn r207(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| {
        last.mother.as_deref() == Some("1")
            && now.mother.as_deref() != Some("1")
            && now.child.as_deref().is_some_and(|c| ctx.has_episodes(c))
    });
}

fn unknown_upn(upn: Option<&str>) -> bool {
    matches!(upn, None | Some("UN1" | "UN2" | "UN3" | "UN4" | "UN5"))
}

/// Whether a UPN change between years is a conflict: a known UPN may replace
/// an unknown one, and an unknown one may move from blank to UN1, or from
/// blank or UN1 to UN2-UN5; any other change is one.
fn upn_conflicts(now: Option<&str>, last: Option<&str>) -> bool {
    if now == last || (unknown_upn(last) && !unknown_upn(now)) {
        return false;
    }
    !matches!(
        (last, now),
        (None | Some("UN1"), Some("UN2" | "UN3" | "UN4" | "UN5")) | (None, Some("UN1"))
    )
}

pub(super) fn r208(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| upn_conflicts(now.upn.as_deref(), last.upn.as_deref()));
}

pub(super) fn r624(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| {
        !last.mc_dob.is_blank() && !same_day(&now.mc_dob, &last.mc_dob)
    });
}

pub(super) fn r626(ctx: &Ctx, flags: &mut Flags) {
    against_last_year(ctx, flags, |now, last| {
        now.mother.as_deref() == Some("1") && last.mother.as_deref() == Some("0") && now.mc_dob.get().is_some_and(|d| d < ctx.start())
    });
}

/// Whether the child was UASC last year: in last year's Header and UASC tables.
fn uasc_last_year(ctx: &Ctx, child: &str) -> bool {
    ctx.prev_index.header.contains_key(child) && ctx.prev_index.uasc.contains_key(child)
}

pub(super) fn r205a(ctx: &Ctx, flags: &mut Flags) {
    // UASC last year and not this year: UASC status must have ceased last year.
    let Some(prev) = ctx.prev else { return };
    for (i, h) in ctx.ret.header.iter().enumerate() {
        let Some(child) = h.child.as_deref() else { continue };
        if ctx.is_uasc(child) || !uasc_last_year(ctx, child) {
            continue;
        }
        let rows = &ctx.prev_index.uasc[child];
        if !rows.iter().any(|&j| in_last_year(ctx, prev.uasc[j].duc.get())) {
            flags.flag(HeaderTable, i);
        }
    }
}

pub(super) fn r205b(ctx: &Ctx, flags: &mut Flags) {
    // UASC in both years: last year's DUC must not end the status (blank or
    // the 18th birthday), and this year's must end it in the year, or still
    // be blank or the 18th birthday, or repeat last year's.
    let Some(prev) = ctx.prev else { return };
    for (u, now) in ctx.ret.uasc.iter().enumerate() {
        let Some(child) = now.child.as_deref() else { continue };
        let Some(headers) = ctx.index.header.get(child) else { continue };
        if !uasc_last_year(ctx, child) {
            continue;
        }
        let bad = ctx.prev_index.uasc[child].iter().any(|&j| {
            let last = &prev.uasc[j];
            let eighteen = birthday_18(last.dob.get().or(now.dob.get()));
            let last_ok = last.duc.is_blank() || (last.duc.get().is_some() && last.duc.get() == eighteen);
            let now_ok = now.duc.is_blank()
                || in_this_year(ctx, now.duc.get())
                || (now.duc.get().is_some() && now.duc.get() == eighteen)
                || same_day(&now.duc, &last.duc);
            !(last_ok && now_ok)
        });
        if bad {
            flags.flag(Uasc, u);
            for &i in headers {
                flags.flag(HeaderTable, i);
            }
        }
    }
}

pub(super) fn r205c(ctx: &Ctx, flags: &mut Flags) {
    // A UASC row whose child is in neither year's Header as UASC (so not
    // identified as UASC) must not carry a DUC.
    let Some(prev) = ctx.prev else { return };
    for (u, now) in ctx.ret.uasc.iter().enumerate() {
        let Some(child) = now.child.as_deref() else { continue };
        if ctx.index.header.contains_key(child) || uasc_last_year(ctx, child) {
            continue;
        }
        let last_duc = ctx
            .prev_index
            .uasc
            .get(child)
            .is_some_and(|rows| rows.iter().any(|&j| !prev.uasc[j].duc.is_blank()));
        if !now.duc.is_blank() || last_duc {
            flags.flag(Uasc, u);
        }
    }
}

pub(super) fn r205d(ctx: &Ctx, flags: &mut Flags) {
    for (i, h) in ctx.ret.header.iter().enumerate() {
        let Some(child) = h.child.as_deref() else { continue };
        if ctx.is_uasc(child) && ctx.prev_index.header.contains_key(child) && !ctx.prev_index.uasc.contains_key(child) {
            flags.flag(HeaderTable, i);
        }
    }
}
