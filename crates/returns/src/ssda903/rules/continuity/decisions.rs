//! What was open or decided at the end of last year: decisions to place for
//! adoption, missing spells and deprivation of liberty orders.

use super::same_day;
use crate::ssda903::model::PlacedAdoption as Decision;
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind::{Dolo, Header, Missing, PlacedAdoption};

/// Last year's decisions for the child.
fn last_year<'a>(ctx: &'a Ctx<'_>, child: Option<&str>) -> impl Iterator<Item = &'a Decision> + 'a {
    let rows = child
        .and_then(|c| ctx.prev_index.placed_adoption.get(c))
        .map_or(&[][..], crate::ssda903::rules::Rows::as_slice);
    let prev = ctx.prev.map_or(&[][..], |p| p.placed_adoption.as_slice());
    rows.iter().map(move |&j| &prev[j])
}

/// Whether last year's decision was reversed (a date or reason it ceased).
fn reversed(d: &Decision) -> bool {
    !d.date_placed_ceased.is_blank() || d.reason_placed_ceased.is_some()
}

pub(super) fn r559(ctx: &Ctx, flags: &mut Flags) {
    for (i, now) in ctx.ret.placed_adoption.iter().enumerate() {
        if now.date_placed.get().is_some_and(|d| d < ctx.start())
            && !last_year(ctx, now.child.as_deref()).any(|last| last.date_placed.get().is_some())
        {
            flags.flag(PlacedAdoption, i);
        }
    }
}

pub(super) fn r560(ctx: &Ctx, flags: &mut Flags) {
    // A decision still in force last year must be carried with its date: one
    // of the child's rows this year must have it (a later new decision may
    // sit beside it).
    for (child, rows) in &ctx.index.placed_adoption {
        let carried = |last: &Decision| {
            rows.iter()
                .any(|&i| same_day(&ctx.ret.placed_adoption[i].date_placed, &last.date_placed))
        };
        let lost = last_year(ctx, Some(child)).any(|last| !last.date_placed.is_blank() && !reversed(last) && !carried(last));
        if lost {
            for &i in rows {
                flags.flag(PlacedAdoption, i);
            }
        }
    }
}

pub(super) fn r561(ctx: &Ctx, flags: &mut Flags) {
    for (i, now) in ctx.ret.placed_adoption.iter().enumerate() {
        let Some(date) = now.date_placed.get() else { continue };
        if last_year(ctx, now.child.as_deref()).any(|last| last.date_placed.get() == Some(date) && reversed(last)) {
            flags.flag(PlacedAdoption, i);
        }
    }
}

pub(super) fn r584(ctx: &Ctx, flags: &mut Flags) {
    // After a decision reversed last year, a decision this year is a new one,
    // so it must be dated after the reversed one.
    for (i, now) in ctx.ret.placed_adoption.iter().enumerate() {
        let bad = last_year(ctx, now.child.as_deref()).any(|last| match (last.date_placed.get(), now.date_placed.get()) {
            (Some(before), now) if reversed(last) => now.is_none_or(|d| d <= before),
            _ => false,
        });
        if bad {
            flags.flag(PlacedAdoption, i);
        }
    }
}

pub(super) fn r576(ctx: &Ctx, flags: &mut Flags) {
    // The child's earliest spell this year must be the one open last year.
    let Some(prev) = ctx.prev else { return };
    for (child, rows) in &ctx.index.missing {
        let Some(last_rows) = ctx.prev_index.missing.get(child) else {
            continue;
        };
        let spells = &ctx.ret.missing;
        // Unreadable starts come last, as if in 2099.
        let Some(&first) = rows
            .iter()
            .min_by_key(|&&i| (spells[i].mis_start.get().is_none(), spells[i].mis_start.get()))
        else {
            continue;
        };
        let start = spells[first].mis_start.get();
        let unmatched = last_rows
            .iter()
            .map(|&j| &prev.missing[j])
            .any(|last| last.mis_end.is_blank() && last.mis_start.get().is_some() && last.mis_start.get() != start);
        if unmatched {
            flags.flag(Missing, first);
        }
    }
}

pub(super) fn r706(ctx: &Ctx, flags: &mut Flags) {
    // Each DoLO open at the end of last year must be in this year's DoLo
    // table with the same start. If it is not, the child's earliest DoLO
    // this year is flagged, or, with none, the child's Header row.
    let Some(prev) = ctx.prev else { return };
    for last in &prev.dolo {
        let (Some(child), Some(start)) = (last.child.as_deref(), last.dolo_start.get()) else {
            continue;
        };
        if !last.dolo_end.is_blank() {
            continue;
        }
        let rows = ctx.index.dolo.get(child).map_or(&[][..], crate::ssda903::rules::Rows::as_slice);
        let dolos = &ctx.ret.dolo;
        if rows.iter().any(|&i| dolos[i].dolo_start.get() == Some(start)) {
            continue;
        }
        match rows
            .iter()
            .min_by_key(|&&i| (dolos[i].dolo_start.get().is_none(), dolos[i].dolo_start.get()))
        {
            Some(&first) => flags.flag(Dolo, first),
            None => {
                for &i in ctx.index.header.get(child).map_or(&[][..], crate::ssda903::rules::Rows::as_slice) {
                    flags.flag(Header, i);
                }
            }
        }
    }
}
