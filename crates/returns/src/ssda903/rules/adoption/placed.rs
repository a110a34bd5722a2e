//! Checks of the PlacedAdoption table: its dates and reasons, how a child's
//! decisions follow one another, and how they agree with the episodes, the
//! Header and AD1.

use super::super::{Ctx, Flags};
use super::{ad1_items, ad1_of, adopted, decisions_of, latest_decision, open, placed_for_adoption};
use crate::ssda903::model::Episode;
use crate::ssda903::tables::TableKind::{Ad1, Episodes, PlacedAdoption};

pub(super) fn r115(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.placed_adoption, |p| p.date_placed.is_invalid());
}

pub(super) fn r116(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.placed_adoption, |p| p.date_placed_ceased.is_invalid());
}

pub(super) fn r119(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.placed_adoption, |p| {
        p.date_placed_ceased.is_blank() != p.reason_placed_ceased.is_none()
    });
}

pub(super) fn r120(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.placed_adoption, |p| {
        p.reason_placed_ceased.is_some() && !ctx.codes.reason_placed_ceased.holds(p.reason_placed_ceased.as_deref())
    });
}

pub(super) fn r522(ctx: &Ctx, flags: &mut Flags) {
    flags.each(
        &ctx.ret.placed_adoption,
        |p| matches!((p.date_placed.get(), p.date_placed_ceased.get()), (Some(placed), Some(ceased)) if ceased < placed),
    );
}

/// Ceased (by a date or a reason) with no date of the decision itself.
pub(super) fn r563(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.placed_adoption, |p| p.date_placed.is_blank() && !super::open(p));
}

/// The first of the child's episodes (in DECOM order, readable DECOM) that
/// `pick` accepts, with its DECOM.
fn first_episode(ctx: &Ctx, child: &str, pick: impl Fn(&Episode) -> bool) -> Option<(usize, time::Date)> {
    ctx.episodes_of(child).iter().find_map(|&i| {
        let e = &ctx.ret.episodes[i];
        e.decom.get().filter(|_| pick(e)).map(|d| (i, d))
    })
}

/// Neither date may fall after 31 March, nor after the end of the child's
/// latest episode that is not followed by another (REC other than X1).
pub(super) fn r117(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let eps = &ctx.ret.episodes;
        let last = ctx
            .episodes_of(child)
            .iter()
            .rev()
            .copied()
            .find(|&i| eps[i].decom.get().is_some() && eps[i].rec.as_deref() != Some("X1"));
        let left = last.and_then(|i| eps[i].dec.get());
        for &p in rows {
            let pa = &ctx.ret.placed_adoption[p];
            let late = [pa.date_placed.get(), pa.date_placed_ceased.get()]
                .into_iter()
                .flatten()
                .any(|d| d > ctx.end() || left.is_some_and(|left| d > left));
            if late {
                flags.flag(PlacedAdoption, p);
                if let Some(i) = last {
                    flags.flag(Episodes, i);
                }
            }
        }
    }
}

/// The reversal must not fall before 1 April, nor before the child's first
/// episode of the year that is not a short break (V3/V4).
pub(super) fn r118(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let first = first_episode(ctx, child, |e| !matches!(e.ls.as_deref(), Some("V3" | "V4")));
        for &p in rows {
            let Some(ceased) = ctx.ret.placed_adoption[p].date_placed_ceased.get() else {
                continue;
            };
            let before_care = first.is_some_and(|(_, decom)| ceased < decom);
            if ceased < ctx.start() || before_care {
                flags.flag(PlacedAdoption, p);
                if let Some((i, _)) = first {
                    flags.flag(Episodes, i);
                }
            }
        }
    }
}

pub(super) fn r184(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.placed_adoption, |p| {
        let dob = p.child.as_deref().and_then(|c| ctx.dob(c));
        matches!((p.date_placed.get(), dob), (Some(placed), Some(dob)) if placed < dob)
    });
}

/// The latest decision must be dated as AD1's DATE_INT.
pub(super) fn r523(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let ad1 = ad1_of(ctx, child);
        if ad1.is_empty() {
            continue;
        }
        let Some(p) = latest_decision(ctx, rows) else { continue };
        let Some(placed) = ctx.ret.placed_adoption[p].date_placed.get() else {
            continue;
        };
        for &a in ad1 {
            if ctx.ret.ad1[a].date_int.get().is_some_and(|int| int != placed) {
                flags.flag(PlacedAdoption, p);
                flags.flag(Ad1, a);
            }
        }
    }
}

/// A child whose latest decision was reversed has no AD1 data.
pub(super) fn r525(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let ad1 = ad1_of(ctx, child);
        let Some(p) = latest_decision(ctx, rows) else { continue };
        if ad1.is_empty() || ctx.ret.placed_adoption[p].date_placed_ceased.is_blank() {
            continue;
        }
        for &a in ad1 {
            if ad1_items(&ctx.ret.ad1[a]) > 0 {
                flags.flag(PlacedAdoption, p);
                flags.flag(Ad1, a);
            }
        }
    }
}

/// An adoption placement (A3-A6) needs a decision with its date.
pub(super) fn r551(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        if !placed_for_adoption(e) {
            continue;
        }
        let child = e.child.as_deref().unwrap_or_default();
        let decided = decisions_of(ctx, child)
            .iter()
            .any(|&p| !ctx.ret.placed_adoption[p].date_placed.is_blank());
        if !decided {
            flags.flag(Episodes, i);
        }
    }
}

/// The latest decision must not come after the first adoption placement.
pub(super) fn r552(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let Some((p, placed)) = rows
            .iter()
            .filter_map(|&p| ctx.ret.placed_adoption[p].date_placed.get().map(|d| (p, d)))
            .max_by_key(|&(p, d)| (d, p))
        else {
            continue;
        };
        if let Some((i, decom)) = first_episode(ctx, child, placed_for_adoption) {
            if decom < placed {
                flags.flag(Episodes, i);
                flags.flag(PlacedAdoption, p);
            }
        }
    }
}

/// A placement order (E1) needs a decision, and while the order is open at
/// the year end the child must have a decision that is still open: if every
/// decision is ceased, they are flagged.
pub(super) fn r553(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        if e.ls.as_deref() != Some("E1") {
            continue;
        }
        let rows = decisions_of(ctx, e.child.as_deref().unwrap_or_default());
        if rows.is_empty() {
            flags.flag(Episodes, i);
        } else if e.dec.is_blank() && !rows.iter().any(|&p| open(&ctx.ret.placed_adoption[p])) {
            for &p in rows {
                flags.flag(PlacedAdoption, p);
            }
        }
    }
}

/// The first decision must come on or before the first placement order
/// (E1) episode.
pub(super) fn r554(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let Some((i, decom)) = first_episode(ctx, child, |e| e.ls.as_deref() == Some("E1")) else {
            continue;
        };
        let first = rows
            .iter()
            .filter_map(|&p| ctx.ret.placed_adoption[p].date_placed.get().map(|d| (d, p)))
            .min();
        if let Some((placed, p)) = first {
            if placed > decom {
                flags.flag(Episodes, i);
                flags.flag(PlacedAdoption, p);
            }
        }
    }
}

/// A child placed for adoption (A3-A6) or under a placement order (E1; and
/// a freeing order, D1, before 2024-25) who left care other than by
/// adoption needs every decision ceased, with its date and reason.
pub(super) fn r557(ctx: &Ctx, flags: &mut Flags) {
    let freeing_orders = ctx.year.ending() <= 2024;
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let order = match e.ls.as_deref() {
            Some("E1") => true,
            Some("D1") => freeing_orders,
            _ => false,
        };
        let left = e.rec.as_deref().is_some_and(|r| r != "X1") && !adopted(e);
        if !(left && (order || placed_for_adoption(e))) {
            continue;
        }
        let rows = decisions_of(ctx, e.child.as_deref().unwrap_or_default());
        if rows.is_empty() {
            flags.flag(Episodes, i);
        }
        for &p in rows {
            let pa = &ctx.ret.placed_adoption[p];
            if pa.date_placed_ceased.is_blank() || pa.reason_placed_ceased.is_none() {
                flags.flag(Episodes, i);
                flags.flag(PlacedAdoption, p);
            }
        }
    }
}

/// An adopted child's latest decision was not reversed.
pub(super) fn r558(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        if !adopted(e) {
            continue;
        }
        let rows = decisions_of(ctx, e.child.as_deref().unwrap_or_default());
        if latest_decision(ctx, rows).is_some_and(|p| !ctx.ret.placed_adoption[p].date_placed_ceased.is_blank()) {
            flags.flag(Episodes, i);
        }
    }
}

/// In DATE_PLACED order, each decision after the first needs the one before
/// it ceased, and must not start before that one ceased.
pub(super) fn r579(ctx: &Ctx, flags: &mut Flags) {
    let pas = &ctx.ret.placed_adoption;
    let mut order: Vec<usize> = Vec::new();
    for rows in ctx.index.placed_adoption.values().filter(|rows| rows.len() > 1) {
        order.clear();
        order.extend_from_slice(rows);
        // Unreadable dates last, as the reference sorts them.
        order.sort_by_key(|&p| (pas[p].date_placed.get().is_none(), pas[p].date_placed.get(), p));
        for pair in order.windows(2) {
            let (before, next) = (&pas[pair[0]], &pas[pair[1]]);
            let ceased = before.date_placed_ceased.get();
            let overlaps = matches!((next.date_placed.get(), ceased), (Some(placed), Some(ceased)) if placed < ceased);
            if ceased.is_none() || overlaps {
                flags.flag(PlacedAdoption, pair[1]);
            }
        }
    }
}

/// Of several decisions, all but the latest must be ceased.
pub(super) fn r583(ctx: &Ctx, flags: &mut Flags) {
    for rows in ctx.index.placed_adoption.values().filter(|rows| rows.len() > 1) {
        let latest = latest_decision(ctx, rows);
        for &p in rows {
            if Some(p) != latest && ctx.ret.placed_adoption[p].date_placed_ceased.is_blank() {
                flags.flag(PlacedAdoption, p);
            }
        }
    }
}

/// No decision may come before the child's first start in care (RNE S) in
/// the year.
pub(super) fn r1003(ctx: &Ctx, flags: &mut Flags) {
    for (child, rows) in &ctx.index.placed_adoption {
        let Some((i, decom)) = first_episode(ctx, child, |e| e.rne.as_deref() == Some("S")) else {
            continue;
        };
        for &p in rows {
            if ctx.ret.placed_adoption[p].date_placed.get().is_some_and(|placed| placed < decom) {
                flags.flag(Episodes, i);
                flags.flag(PlacedAdoption, p);
            }
        }
    }
}
