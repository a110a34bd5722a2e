//! The OC3 (care leaver) checks, and the motherhood items of the Header
//! that depend on whether the child is a care leaver.

use time::Date;

use super::super::{age_on, Ctx, Flags};
use super::{ad1_given, any_given, child_of, flag_oc3_given, has_oc3_data, oc2_items, oc3_given, turns};
use crate::ssda903::model::Episode;
use crate::ssda903::tables::TableKind::*;

pub(super) fn r131(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| !ctx.codes.in_touch.holds(o.in_touch.as_deref()));
}

pub(super) fn r132(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| !ctx.codes.activ.holds(o.activ.as_deref()));
}

pub(super) fn r133(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| !ctx.codes.accom.holds(o.accom.as_deref()));
}

pub(super) fn r134(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.ad1, |a| ad1_given(a) && has_oc3_data(ctx, child_of(&a.child)));
}

pub(super) fn r153(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| {
        let given = [&o.in_touch, &o.activ, &o.accom].iter().filter(|c| c.is_some()).count();
        given != 0 && given != 3
    });
}

/// An episode open at some time in the year.
fn in_year(ctx: &Ctx, e: &Episode) -> bool {
    e.decom.get().is_some_and(|d| d <= ctx.end()) && (e.dec.is_blank() || e.dec.get().is_some_and(|d| d >= ctx.start()))
}

pub(super) fn r165(ctx: &Ctx, flags: &mut Flags) {
    // SEX codes changed in 2024-25 from 1/2 to M/F.
    let (male, female) = if ctx.year.ending() >= 2025 { ("M", "F") } else { ("1", "2") };
    for (i, h) in ctx.ret.header.iter().enumerate() {
        let child = child_of(&h.child);
        let sex = h.sex.as_deref();
        let bad = match h.mother.as_deref() {
            Some(m) => !matches!(m, "0" | "1") || sex == Some(male),
            // A girl looked after in the year (short breaks aside) needs it.
            None => {
                sex == Some(female)
                    && ctx.episodes_of(child).iter().any(|&e| {
                        let e = &ctx.ret.episodes[e];
                        !matches!(e.ls.as_deref(), Some("V3" | "V4")) && in_year(ctx, e)
                    })
            }
        };
        if bad {
            flags.flag(Header, i);
            for &o in ctx.index.oc3.get(child).into_iter().flatten() {
                flags.flag(Oc3, o);
            }
        }
    }
}

pub(super) fn r187(ctx: &Ctx, flags: &mut Flags) {
    for (i, o) in ctx.ret.oc3.iter().enumerate() {
        if oc3_given(o) && ctx.continuously_looked_after(child_of(&o.child)) {
            flags.flag(Oc3, i);
        }
    }
    for (i, a) in ctx.ret.ad1.iter().enumerate() {
        if ad1_given(a) && ctx.continuously_looked_after(child_of(&a.child)) {
            flags.flag(Ad1, i);
        }
    }
}

pub(super) fn r215(ctx: &Ctx, flags: &mut Flags) {
    for (i, o) in ctx.ret.oc3.iter().enumerate() {
        if !oc3_given(o) {
            continue;
        }
        for &j in ctx.index.oc2.get(child_of(&o.child)).into_iter().flatten() {
            if any_given(&oc2_items(&ctx.ret.oc2[j])) {
                flags.flag(Oc3, i);
                flags.flag(Oc2, j);
            }
        }
    }
}

fn zero_or_blank(cell: &Option<String>) -> bool {
    cell.as_deref().is_none_or(|v| v == "0")
}

pub(super) fn r344(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| {
        matches!(o.in_touch.as_deref(), Some("DIED" | "RHOM")) && !(zero_or_blank(&o.activ) && zero_or_blank(&o.accom))
    });
}

pub(super) fn r345(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| {
        o.in_touch.as_deref() == Some("YES") && (o.activ.as_deref() == Some("0") || o.accom.as_deref() == Some("0"))
    });
}

pub(super) fn r347(ctx: &Ctx, flags: &mut Flags) {
    // Foyer is T1/T2; under 18 on 1 April.
    flags.each(&ctx.ret.oc3, |o| {
        o.accom.as_deref().is_some_and(|a| a.starts_with('T')) && turns(o.dob.get(), 18).is_some_and(|d| d > ctx.start())
    });
}

pub(super) fn r391(ctx: &Ctx, flags: &mut Flags) {
    // 17 to 21 at some time in the year: 17 by 31 March, not yet 22 on 1 April.
    flags.each(&ctx.ret.oc3, |o| {
        let Some(dob) = o.dob.get() else { return false };
        oc3_given(o) && (age_on(dob, ctx.end()) < 17 || age_on(dob, ctx.start()) >= 22)
    });
}

pub(super) fn r628(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| {
        let child = child_of(&h.child);
        h.mother.is_some() && !ctx.has_episodes(child) && has_oc3_data(ctx, child)
    });
}

pub(super) fn r1000(ctx: &Ctx, flags: &mut Flags) {
    let died = |episodes: &[Episode], rows: Option<&crate::ssda903::rules::Rows>| {
        rows.into_iter().flatten().any(|&i| episodes[i].rec.as_deref() == Some("E2"))
    };
    flags.each(&ctx.ret.oc3, |o| {
        let child = child_of(&o.child);
        died(&ctx.ret.episodes, ctx.index.episodes.get(child))
            || ctx.prev.is_some_and(|p| died(&p.episodes, ctx.prev_index.episodes.get(child)))
    });
}

/// The OC3 rows (with items given) of children 17 or 18 at 31 March for
/// whom `flagged(birthday just passed, episodes)` holds.
fn seventeen_or_eighteen(ctx: &Ctx, flags: &mut Flags, flagged: impl Fn(Date, &[usize]) -> bool) {
    flags.each(&ctx.ret.oc3, |o| {
        let Some(dob) = o.dob.get() else { return false };
        let age = age_on(dob, ctx.end());
        oc3_given(o) && (age == 17 || age == 18) && flagged(super::super::birthday(dob, age), ctx.episodes_of(child_of(&o.child)))
    });
}

pub(super) fn r1007(ctx: &Ctx, flags: &mut Flags) {
    // Looked after on the birthday: an episode begun by then, not yet ended.
    seventeen_or_eighteen(ctx, flags, |birthday, episodes| {
        episodes.iter().any(|&i| {
            let e = &ctx.ret.episodes[i];
            e.decom.get().is_some_and(|d| d <= birthday) && (e.dec.is_blank() || e.dec.get().is_some_and(|d| d > birthday))
        })
    });
}

pub(super) fn r1011(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| {
        // The final episode: the latest readable DECOM (unreadable ones sort last).
        let last = ctx
            .episodes_of(child_of(&o.child))
            .iter()
            .rev()
            .find(|&&i| ctx.ret.episodes[i].decom.get().is_some());
        oc3_given(o) && last.is_some_and(|&i| ctx.ret.episodes[i].rec.as_deref() == Some("E3"))
    });
}

pub(super) fn r1014(ctx: &Ctx, flags: &mut Flags) {
    for (i, u) in ctx.ret.uasc.iter().enumerate() {
        let child = child_of(&u.child);
        let looked_after = ctx.episodes_of(child).iter().any(|&e| in_year(ctx, &ctx.ret.episodes[e]));
        if !looked_after && has_oc3_data(ctx, child) {
            flags.flag(Uasc, i);
            flag_oc3_given(ctx, flags, child);
        }
    }
}

pub(super) fn r1016(ctx: &Ctx, flags: &mut Flags) {
    // Ceased on or after the 17th (or, at 18, the 18th) birthday.
    seventeen_or_eighteen(ctx, flags, |birthday, episodes| {
        episodes
            .iter()
            .any(|&i| ctx.ret.episodes[i].dec.get().is_some_and(|d| d >= birthday))
    });
}

pub(super) fn r3001(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc3, |o| {
        matches!(o.accom.as_deref(), Some("Z1" | "Z2"))
            && turns(ctx.dob(child_of(&o.child)), 17).is_some_and(|d| d >= ctx.start() && d <= ctx.end())
    });
}
