//! Checks that set the Header against the child's episodes: ages at the
//! start and end of episodes, UPN and motherhood for children in care.

use time::{Date, Duration, Month};

use super::{header_row, sex_codes, short_break, turns, under};
use crate::ssda903::model::Episode;
use crate::ssda903::rules::{Ctx, Flags};
use crate::ssda903::tables::TableKind::*;

/// Flags each episode for which `when` gives a date (the episode is in the
/// rule's scope) and `bad(date, dob)` holds, with the child's Header DOB;
/// with `header_too`, also the child's Header row.
fn by_age(ctx: &Ctx, flags: &mut Flags, header_too: bool, when: impl Fn(&Episode) -> Option<Date>, bad: impl Fn(Date, Date) -> bool) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let Some(on) = when(e) else { continue };
        let Some((h, header)) = e.child.as_deref().and_then(|c| header_row(ctx, c)) else {
            continue;
        };
        if header.dob.get().is_some_and(|dob| bad(on, dob)) {
            flags.flag(Episodes, i);
            if header_too {
                flags.flag(Header, h);
            }
        }
    }
}

/// The episode's DECOM when its PLACE is one of `places`.
fn placed(e: &Episode, places: &[&str]) -> Option<Date> {
    e.place.as_deref().filter(|p| places.contains(p)).and(e.decom.get())
}

/// The episode's DEC when its REC is one of `reasons`.
fn ceased(e: &Episode, reasons: &[&str]) -> Option<Date> {
    e.rec.as_deref().filter(|r| reasons.contains(r)).and(e.dec.get())
}

/// UN4 ("newly looked after") is wrong once the child's current period of
/// care began more than a week before 31 March (before 24 March). The
/// period begins at the last RNE S episode, or the first episode if none
/// started in the year. Flags the Header row and that episode.
pub(super) fn r210(ctx: &Ctx, flags: &mut Flags) {
    let Ok(week_before) = Date::from_calendar_date(ctx.end().year(), Month::March, 24) else {
        return;
    };
    for (h, header) in ctx.ret.header.iter().enumerate() {
        if header.upn.as_deref() != Some("UN4") {
            continue;
        }
        let Some(child) = header.child.as_deref() else { continue };
        let episodes = ctx.episodes_of(child);
        let start = episodes
            .iter()
            .rev()
            .find(|&&i| ctx.ret.episodes[i].rne.as_deref() == Some("S"))
            .or(episodes.first());
        let Some(&start) = start else { continue };
        if ctx.ret.episodes[start].decom.get().is_some_and(|d| d < week_before) {
            flags.flag(Header, h);
            flags.flag(Episodes, start);
        }
    }
}

/// A placement change for custody (CUSTOD on the ending episode) when the
/// child was under 10 on the day of the change (the episode's DEC).
pub(super) fn r234(ctx: &Ctx, flags: &mut Flags) {
    by_age(
        ctx,
        flags,
        true,
        |e| e.reason_place_change.as_deref().filter(|r| *r == "CUSTOD").and(e.dec.get()),
        |dec, dob| under(dob, 10, dec),
    );
}

/// The child's first episode starts before the Header DOB.
pub(super) fn r302(ctx: &Ctx, flags: &mut Flags) {
    for (child, episodes) in &ctx.index.episodes {
        let Some(&first) = episodes.first() else { continue };
        let Some(decom) = ctx.ret.episodes[first].decom.get() else {
            continue;
        };
        let Some((h, header)) = header_row(ctx, child) else { continue };
        if header.dob.get().is_some_and(|dob| decom < dob) {
            flags.flag(Episodes, first);
            flags.flag(Header, h);
        }
    }
}

/// Started to be looked after (RNE S) on or after the 18th birthday.
pub(super) fn r352(ctx: &Ctx, flags: &mut Flags) {
    by_age(
        ctx,
        flags,
        false,
        |e| e.rne.as_deref().filter(|r| *r == "S").and(e.decom.get()),
        |decom, dob| !under(dob, 18, decom),
    );
}

/// Legal status J1-J3 (remand, PACE, sentenced) for a child under 10 at
/// DECOM.
pub(super) fn r358(ctx: &Ctx, flags: &mut Flags) {
    by_age(
        ctx,
        flags,
        true,
        |e| e.ls.as_deref().filter(|ls| matches!(*ls, "J1" | "J2" | "J3")).and(e.decom.get()),
        |decom, dob| under(dob, 10, decom),
    );
}

/// An episode still open at 31 March for a child who turned 18 before then
/// must be V2 in a K2 children's home.
pub(super) fn r359(ctx: &Ctx, flags: &mut Flags) {
    let end = ctx.end();
    by_age(
        ctx,
        flags,
        false,
        |e| (e.dec.is_blank() && !(e.ls.as_deref() == Some("V2") && e.place.as_deref() == Some("K2"))).then_some(end),
        |end, dob| turns(dob, 18).is_some_and(|eighteen| eighteen < end),
    );
}

/// Supported accommodation (K3; H5 before it) needs 16 at DECOM; in
/// 2022-23, H5 (semi-independent living) needed 14.
pub(super) fn r371(ctx: &Ctx, flags: &mut Flags) {
    let (places, age): (&[&str], i32) = if ctx.year.ending() <= 2023 {
        (&["H5"], 14)
    } else {
        (&["K3", "H5"], 16)
    };
    by_age(ctx, flags, false, |e| placed(e, places), |decom, dob| under(dob, age, decom));
}

pub(super) fn r372(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| placed(e, &["R5"]), |decom, dob| under(dob, 10, decom));
}

pub(super) fn r373(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| placed(e, &["S1"]), |decom, dob| under(dob, 4, decom));
}

pub(super) fn r374(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| placed(e, &["P3"]), |decom, dob| under(dob, 14, decom));
}

/// A temporary placement `place` ending more than `days` after it began.
fn too_long(ctx: &Ctx, flags: &mut Flags, place: &str, days: i64) {
    flags.each(&ctx.ret.episodes, |e| {
        e.place.as_deref() == Some(place)
            && match (e.decom.get(), e.dec.get()) {
                (Some(decom), Some(dec)) => decom.checked_add(Duration::days(days)).is_some_and(|limit| dec > limit),
                _ => false,
            }
    });
}

pub(super) fn r375(ctx: &Ctx, flags: &mut Flags) {
    too_long(ctx, flags, "T1", 42);
}

pub(super) fn r376(ctx: &Ctx, flags: &mut Flags) {
    too_long(ctx, flags, "T3", 21);
}

pub(super) fn r379(ctx: &Ctx, flags: &mut Flags) {
    too_long(ctx, flags, "T4", 7);
}

/// Adopted (E11/E12) on or after the 18th birthday.
pub(super) fn r386(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| ceased(e, &["E11", "E12"]), |dec, dob| !under(dob, 18, dec));
}

/// Independent living (E5/E6) before the 14th birthday.
pub(super) fn r387(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| ceased(e, &["E5", "E6"]), |dec, dob| under(dob, 14, dec));
}

/// Adult social care (E7) before the 16th birthday.
pub(super) fn r389(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| ceased(e, &["E7"]), |dec, dob| under(dob, 16, dec));
}

/// A girl with any episode other than a short break must have MOTHER.
pub(super) fn r393(ctx: &Ctx, flags: &mut Flags) {
    let (_, female) = sex_codes(ctx);
    flags.each(&ctx.ret.header, |h| {
        h.sex.as_deref() == Some(female) && h.mother.is_none() && looked_after(ctx, h.child.as_deref())
    });
}

/// Whether the child has an episode that is not a short break (V3/V4).
fn looked_after(ctx: &Ctx, child: Option<&str>) -> bool {
    child.is_some_and(|c| ctx.episodes_of(c).iter().any(|&i| !short_break(ctx.ret.episodes[i].ls.as_deref())))
}

/// Special guardianship (E45-E48) on or after the 18th birthday.
pub(super) fn r407(ctx: &Ctx, flags: &mut Flags) {
    by_age(
        ctx,
        flags,
        true,
        |e| ceased(e, &["E45", "E46", "E47", "E48"]),
        |dec, dob| !under(dob, 18, dec),
    );
}

/// A child with any episode other than a short break must have a UPN.
pub(super) fn r442(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.upn.is_none() && looked_after(ctx, h.child.as_deref()));
}

/// Stayed with carers at 18+ (E17) before the 18th birthday.
pub(super) fn r460(ctx: &Ctx, flags: &mut Flags) {
    by_age(ctx, flags, false, |e| ceased(e, &["E17"]), |dec, dob| under(dob, 18, dec));
}

/// A girl who left care in the year (an episode, not a short break, ending
/// in the year for a reason other than X1) must have MOTHER. Flags the
/// episode and the Header row.
pub(super) fn r607(ctx: &Ctx, flags: &mut Flags) {
    let (_, female) = sex_codes(ctx);
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        let left = e.rec.as_deref().is_some_and(|r| r != "X1")
            && !short_break(e.ls.as_deref())
            && e.dec.get().is_some_and(|d| ctx.start() <= d && d <= ctx.end());
        if !left {
            continue;
        }
        let Some((h, header)) = e.child.as_deref().and_then(|c| header_row(ctx, c)) else {
            continue;
        };
        if header.sex.as_deref() == Some(female) && header.mother.is_none() {
            flags.flag(Episodes, i);
            flags.flag(Header, h);
        }
    }
}

/// MC_DOB after 31 March, or after the child left care (the DEC of her
/// last episode). Flags the Header row and her last episode.
pub(super) fn r625(ctx: &Ctx, flags: &mut Flags) {
    for (h, header) in ctx.ret.header.iter().enumerate() {
        let Some(mc_dob) = header.mc_dob.get() else { continue };
        let last = header.child.as_deref().and_then(|c| ctx.episodes_of(c).last().copied());
        let left = last.and_then(|i| ctx.ret.episodes[i].dec.get());
        if mc_dob > ctx.end() || left.is_some_and(|dec| mc_dob > dec) {
            flags.flag(Header, h);
            if let Some(i) = last {
                flags.flag(Episodes, i);
            }
        }
    }
}
