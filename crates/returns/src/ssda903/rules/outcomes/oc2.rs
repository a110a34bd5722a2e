//! The OC2 checks: SDQ, convictions, health and substance misuse for
//! children looked after continuously for twelve months.

use super::super::{Ctx, Flags};
use super::{any_given, child_of, oc2_core, oc2_items, turns};
use crate::ssda903::model::Oc2;
use crate::ssda903::tables::TableKind::*;

fn is(cell: &Option<String>, value: &str) -> bool {
    cell.as_deref() == Some(value)
}

fn cla(ctx: &Ctx, o: &Oc2) -> bool {
    ctx.continuously_looked_after(child_of(&o.child))
}

fn no_sdq(o: &Oc2) -> bool {
    o.sdq_score.is_none() && o.sdq_reason.is_none()
}

pub(super) fn r157(ctx: &Ctx, flags: &mut Flags) {
    // SDQ1 means "outside the 4-16 age range": wrong for a child 4 or over
    // on 1 April and 16 or under (not yet 17) on 31 March.
    flags.each(&ctx.ret.oc2, |o| {
        let dob = o.dob.get();
        o.sdq_score.is_none()
            && is(&o.sdq_reason, "SDQ1")
            && turns(dob, 4).is_some_and(|d| d <= ctx.start())
            && turns(dob, 17).is_some_and(|d| d > ctx.end())
            && cla(ctx, o)
    });
}

pub(super) fn r158(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        is(&o.intervention_received, "1") && o.intervention_offered.is_some()
    });
}

pub(super) fn r159(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        is(&o.substance_misuse, "1") && is(&o.intervention_received, "0") && o.intervention_offered.is_none()
    });
}

/// A whole number from 0 to 40 ("12" or "12.0", as a spreadsheet writes it).
fn sdq_score_ok(text: &str) -> bool {
    text.parse::<f64>()
        .is_ok_and(|n| n.is_finite() && n.fract() == 0.0 && (0.0..=40.0).contains(&n))
}

pub(super) fn r180(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| o.sdq_score.as_deref().is_some_and(|s| !sdq_score_ok(s)));
}

pub(super) fn r181(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        oc2_items(o).iter().any(|c| c.as_deref().is_some_and(|v| v != "0" && v != "1"))
    });
}

pub(super) fn r182(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        let others = [&o.convicted, &o.health_check, &o.intervention_received, &o.intervention_offered];
        oc2_core(o).iter().any(|c| c.is_none()) && any_given(&others)
    });
}

pub(super) fn r185(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| o.sdq_score.is_some() && !cla(ctx, o));
}

pub(super) fn r186(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        let dob = o.dob.get();
        no_sdq(o) && turns(dob, 4).is_some_and(|d| d <= ctx.start()) && turns(dob, 17).is_some_and(|d| d > ctx.end()) && cla(ctx, o)
    });
}

pub(super) fn r188(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| !no_sdq(o) && turns(o.dob.get(), 4).is_some_and(|d| d > ctx.end()));
}

pub(super) fn r189(ctx: &Ctx, flags: &mut Flags) {
    // 17 before 1 April: a 17th birthday on 1 April itself is in the year,
    // where 197B asks for the SDQ.
    flags.each(&ctx.ret.oc2, |o| {
        !no_sdq(o) && turns(o.dob.get(), 17).is_some_and(|d| d < ctx.start())
    });
}

pub(super) fn r190(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| any_given(&oc2_items(o)) && !cla(ctx, o));
}

pub(super) fn r191(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| oc2_core(o).iter().any(|c| c.is_none()) && cla(ctx, o));
    // A child in the cohort with no OC2 row at all: flag the first episode.
    for (&child, episodes) in &ctx.index.episodes {
        if !ctx.index.oc2.contains_key(child) && ctx.continuously_looked_after(child) {
            if let Some(&first) = episodes.first() {
                flags.flag(Episodes, first);
            }
        }
    }
}

pub(super) fn r192(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| is(&o.substance_misuse, "1") && o.intervention_received.is_none());
}

pub(super) fn r193(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        (o.substance_misuse.is_none() || is(&o.substance_misuse, "0"))
            && (o.intervention_received.is_some() || o.intervention_offered.is_some())
    });
}

pub(super) fn r196(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        o.sdq_reason.is_some() && !ctx.codes.sdq_reason.holds(o.sdq_reason.as_deref())
    });
}

pub(super) fn r197b(ctx: &Ctx, flags: &mut Flags) {
    let in_year = |d: time::Date| d >= ctx.start() && d <= ctx.end();
    flags.each(&ctx.ret.oc2, |o| {
        let dob = o.dob.get();
        no_sdq(o) && (turns(dob, 4).is_some_and(in_year) || turns(dob, 17).is_some_and(in_year)) && cla(ctx, o)
    });
}

pub(super) fn r197a(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| o.sdq_score.is_some() && o.sdq_reason.is_some());
}

pub(super) fn r198(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| o.sdq_reason.is_some() && !cla(ctx, o));
}

pub(super) fn r542(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        o.convicted.is_some() && turns(o.dob.get(), 10).is_some_and(|d| d > ctx.end())
    });
}

pub(super) fn r543(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        o.convicted.is_none() && turns(o.dob.get(), 10).is_some_and(|d| d <= ctx.end()) && cla(ctx, o)
    });
}

pub(super) fn r544(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| o.convicted.is_some() && oc2_core(o).iter().any(|c| c.is_none()));
}

pub(super) fn r545(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        o.health_check.is_none() && turns(o.dob.get(), 5).is_some_and(|d| d > ctx.end()) && cla(ctx, o)
    });
}

pub(super) fn r546(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        o.health_check.is_some() && turns(o.dob.get(), 5).is_some_and(|d| d <= ctx.end()) && cla(ctx, o)
    });
}

pub(super) fn r547(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.oc2, |o| {
        o.health_check.is_some() && oc2_core(o).iter().any(|c| c.is_none())
    });
}
