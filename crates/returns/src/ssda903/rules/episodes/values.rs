//! Checks of one episode at a time: codes, dates, and what a placement
//! type needs or must not have.

use time::{Date, Month};

use super::{is_one_of, short_break, urn, TEMPORARY};
use crate::ssda903::rules::{Ctx, Flags};

pub(super) fn r141(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.decom.is_invalid());
}

pub(super) fn r143(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.rne.as_deref().is_some_and(|c| !ctx.codes.rne.has(c)));
}

pub(super) fn r144(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.ls.as_deref().is_some_and(|c| !ctx.codes.ls.has(c)));
}

pub(super) fn r145(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.cin.as_deref().is_some_and(|c| !ctx.codes.cin.has(c)));
}

pub(super) fn r146(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.place.as_deref().is_some_and(|c| !ctx.codes.place.has(c)));
}

pub(super) fn r147(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.dec.is_invalid());
}

pub(super) fn r148(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.dec.is_blank() != e.rec.is_none());
}

pub(super) fn r149(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.rec.as_deref().is_some_and(|c| !ctx.codes.rec.has(c)));
}

/// The placements that take no provider: from 2025-26 T0-T3 and Z11-Z14
/// (T4 was dropped from the list), before then T0-T4 and Z1.
fn without_provider(year: i32) -> &'static [&'static str] {
    if year >= 2026 {
        &["T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"]
    } else {
        &["T0", "T1", "T2", "T3", "T4", "Z1"]
    }
}

pub(super) fn r178(ctx: &Ctx, flags: &mut Flags) {
    let none = without_provider(ctx.year.ending());
    flags.each(&ctx.ret.episodes, |e| {
        e.place_provider
            .as_deref()
            .is_some_and(|p| !ctx.codes.place_provider.has(p) || is_one_of(&e.place, none))
    });
}

pub(super) fn r213(ctx: &Ctx, flags: &mut Flags) {
    let other = ctx.year.ending() >= 2026;
    flags.each(&ctx.ret.episodes, |e| {
        e.place_provider.is_some() && (is_one_of(&e.place, TEMPORARY) || (other && is_one_of(&e.place, &["Z11", "Z12", "Z13", "Z14"])))
    });
}

pub(super) fn r214(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| short_break(e) && (e.pl_post.is_some() || e.urn.is_some()));
}

pub(super) fn r217(ctx: &Ctx, flags: &mut Flags) {
    let from = Date::from_calendar_date(2015, Month::April, 1).expect("a real date");
    flags.each(&ctx.ret.episodes, |e| {
        is_one_of(&e.place, &["A3", "A5"]) && e.decom.get().is_some_and(|d| d >= from) && !is_one_of(&e.rne, &["S", "T", "U"])
    });
}

/// The placement types that record no URN, by year: H5 needed one from
/// 2023-24, P2 went in 2024-25 and Z1 became Z11-Z14 in 2025-26.
pub(super) fn no_urn_places(year: i32) -> &'static [&'static str] {
    match year {
        ..=2023 => &["H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"],
        2024 => &["P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"],
        2025 => &["P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"],
        _ => &[
            "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14",
        ],
    }
}

pub(super) fn r222(ctx: &Ctx, flags: &mut Flags) {
    let places = no_urn_places(ctx.year.ending());
    flags.each(&ctx.ret.episodes, |e| urn(e).is_some() && is_one_of(&e.place, places));
}

/// The reference reads a column that does not exist (DATE_EPISODE_CEASED)
/// and never fires; the rule means DEC.
pub(super) fn r233(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.dec.is_blank() && e.reason_place_change.is_some());
}

pub(super) fn r353(ctx: &Ctx, flags: &mut Flags) {
    let earliest = Date::from_calendar_date(1991, Month::October, 14).expect("a real date");
    flags.each(&ctx.ret.episodes, |e| e.decom.get().is_some_and(|d| d < earliest));
}

pub(super) fn r354(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.decom.get().is_some_and(|d| d > ctx.end()));
}

pub(super) fn r355(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| e.decom.get().is_some_and(|d| e.dec.get() == Some(d)));
}

pub(super) fn r356(ctx: &Ctx, flags: &mut Flags) {
    flags.each(
        &ctx.ret.episodes,
        |e| matches!((e.decom.get(), e.dec.get()), (Some(start), Some(end)) if end < start),
    );
}
