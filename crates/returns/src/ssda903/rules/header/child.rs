//! Checks of the Header (and the UASC table) alone.

use std::collections::HashMap;

use time::{Date, Month};

use super::{sex_codes, turns, under};
use crate::ssda903::codes::Codes;
use crate::ssda903::rules::{Ctx, Flags};

pub(super) fn r101(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| !ctx.codes.sex.holds(h.sex.as_deref()));
}

pub(super) fn r102(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.dob.get().is_none());
}

pub(super) fn r103(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| !ctx.codes.ethnic.holds(h.ethnic.as_deref()));
}

/// DUC must be a real date, and not before the year began (a status that
/// ceased before 1 April does not belong in this year's UASC table).
pub(super) fn r104(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.uasc, |u| {
        u.duc.is_invalid() || u.duc.get().is_some_and(|d| d < ctx.start())
    });
}

/// On CSV the Header's UASC status is derived: 1 when the child is in the
/// UASC table, else 0. It cannot be derived, so is "not completed", for a
/// Header row without a CHILD id to look up.
pub(super) fn r105(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.child.is_none());
}

pub(super) fn r168(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| {
        h.upn.as_deref().is_some_and(|upn| !upn_is_valid(upn, ctx.codes))
    });
}

/// A UPN: a letter other than I, O or S, then 12 digits or 11 digits and a
/// letter; or an "unknown" code UN1 to UN5.
fn upn_is_valid(upn: &str, codes: &Codes) -> bool {
    if codes.upn_unknown.has(upn) {
        return true;
    }
    let b = upn.as_bytes();
    b.len() == 13
        && b[0].is_ascii_uppercase()
        && !matches!(b[0], b'I' | b'O' | b'S')
        && b[1..12].iter().all(u8::is_ascii_digit)
        && (b[12].is_ascii_digit() || b[12].is_ascii_uppercase())
}

pub(super) fn r171(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.mc_dob.is_invalid());
}

pub(super) fn r174(ctx: &Ctx, flags: &mut Flags) {
    let (male, _) = sex_codes(ctx);
    flags.each(&ctx.ret.header, |h| h.sex.as_deref() == Some(male) && !h.mc_dob.is_blank());
}

/// UN1 ("under school age") is wrong for a child who was 4 by 31 August of
/// the year before the collection year began.
pub(super) fn r209(ctx: &Ctx, flags: &mut Flags) {
    let Ok(cutoff) = Date::from_calendar_date(ctx.start().year() - 1, Month::August, 31) else {
        return;
    };
    flags.each(&ctx.ret.header, |h| {
        h.upn.as_deref() == Some("UN1") && h.dob.get().is_some_and(|dob| !under(dob, 4, cutoff))
    });
}

/// A UASC child (in the UASC table) under 11 on 31 March: a query on the
/// DOB. The reference reads a column CSV never has; this uses the status as
/// CSV derives it.
pub(super) fn r231(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| {
        h.child.as_deref().is_some_and(|c| ctx.is_uasc(c)) && h.dob.get().is_some_and(|dob| under(dob, 11, ctx.end()))
    });
}

pub(super) fn r232(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.sex.as_deref() == Some("U"));
}

pub(super) fn r301(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.dob.get().is_some_and(|dob| dob > ctx.end()));
}

/// A DUC says the child was UASC, so the Header's derived status must be 1:
/// the child must have a Header row to carry it.
pub(super) fn r303(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.uasc, |u| {
        !u.duc.is_blank() && u.child.as_deref().is_none_or(|c| !ctx.index.header.contains_key(c))
    });
}

/// DUC on or before the 18th birthday (the UASC row's DOB, else the
/// Header's).
pub(super) fn r304(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.uasc, |u| {
        let dob = u.dob.get().or_else(|| u.child.as_deref().and_then(|c| ctx.dob(c)));
        match (u.duc.get(), dob) {
            (Some(duc), Some(dob)) => turns(dob, 18).is_some_and(|eighteen| duc > eighteen),
            _ => false,
        }
    });
}

/// 25th birthday before the year began.
pub(super) fn r351(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| {
        h.dob
            .get()
            .and_then(|dob| turns(dob, 25))
            .is_some_and(|twenty_five| twenty_five < ctx.start())
    });
}

/// The UPN when it is a real one (not blank, not UN1-UN5).
fn real<'a>(ctx: &Ctx, upn: Option<&'a str>) -> Option<&'a str> {
    upn.filter(|u| !ctx.codes.upn_unknown.has(u))
}

/// A real UPN (not UN1-UN5) on more than one Header row: every such row.
pub(super) fn r444(ctx: &Ctx, flags: &mut Flags) {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for upn in ctx.ret.header.iter().filter_map(|h| real(ctx, h.upn.as_deref())) {
        *seen.entry(upn).or_default() += 1;
    }
    if seen.values().all(|&n| n < 2) {
        return;
    }
    flags.each(&ctx.ret.header, |h| {
        real(ctx, h.upn.as_deref()).is_some_and(|u| seen.get(u).is_some_and(|&n| n > 1))
    });
}

pub(super) fn r611(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| h.mother.as_deref() == Some("1") && h.mc_dob.is_blank());
}

pub(super) fn r612(ctx: &Ctx, flags: &mut Flags) {
    let (_, female) = sex_codes(ctx);
    flags.each(&ctx.ret.header, |h| {
        matches!(h.mother.as_deref(), None | Some("0")) && h.sex.as_deref() == Some(female) && !h.mc_dob.is_blank()
    });
}

/// A mother under 11 at the start of the year.
pub(super) fn r620(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| {
        h.mother.as_deref() == Some("1") && h.dob.get().is_some_and(|dob| under(dob, 11, ctx.start()))
    });
}

/// MC_DOB on or before the mother's own DOB.
pub(super) fn r621(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| match (h.mc_dob.get(), h.dob.get()) {
        (Some(mc_dob), Some(dob)) => mc_dob <= dob,
        _ => false,
    });
}

#[cfg(test)]
pub(super) fn upn_ok(upn: &str) -> bool {
    upn_is_valid(upn, &Codes::for_year(crate::ssda903::year::CollectionYear::new(2026).unwrap()))
}
