//! Social workers' episodes (from 2023-24): each allocation of a social
//! worker, reported from 1 April of the year before the collection year.

use time::{Date, Duration, Month};

use super::{Ctx, Flags, SpanKey};
use crate::ssda903::model::SwEpisode;
use crate::ssda903::tables::TableKind::*;

/// SW_REASON is required for episodes starting on or after 1 April 2023.
fn reason_required_from() -> Date {
    Date::from_calendar_date(2023, Month::April, 1).expect("a real date")
}

/// The first day of the social worker reporting period: 1 April of the
/// year before (2023-24, the first year, reported only the year itself).
fn reporting_start(ctx: &Ctx) -> Date {
    if ctx.year.ending() >= 2025 {
        ctx.year.previous().start()
    } else {
        ctx.start()
    }
}

fn row<'a>(ctx: &Ctx<'a>, i: usize) -> &'a SwEpisode {
    &ctx.ret.sw_episodes[i]
}

/// Episodes starting before 1 April 2023 need SW_ID; every episode needs a
/// readable SW_DECOM.
pub(super) fn sw01a(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| match s.sw_decom.get() {
        None => true,
        Some(d) => d < reason_required_from() && s.sw_id.is_none(),
    });
}

/// Episodes starting on or after 1 April 2023 need SW_ID and SW_REASON;
/// every episode needs a readable SW_DECOM.
pub(super) fn sw01b(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| match s.sw_decom.get() {
        None => true,
        Some(d) => d >= reason_required_from() && (s.sw_id.is_none() || s.sw_reason.is_none()),
    });
}

pub(super) fn sw02(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| {
        !s.sw_id.as_deref().is_some_and(|id| id.starts_with("SW") || id.starts_with("XX"))
    });
}

pub(super) fn sw04(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| s.sw_decom.is_invalid());
}

pub(super) fn sw05(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| s.sw_dec.is_invalid());
}

pub(super) fn sw06(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| s.sw_decom.get().is_some_and(|d| d > ctx.end()));
}

pub(super) fn sw07(ctx: &Ctx, flags: &mut Flags) {
    let from = reporting_start(ctx);
    flags.each(&ctx.ret.sw_episodes, |s| s.sw_dec.get().is_some_and(|d| d < from || d > ctx.end()));
}

/// The child's episodes in order of SW_DECOM then SW_DEC (unreadable last),
/// into `out`.
fn in_order(ctx: &Ctx, rows: &[usize], out: &mut Vec<SpanKey>) {
    out.clear();
    out.extend(rows.iter().map(|&i| {
        let (decom, dec) = (row(ctx, i).sw_decom.get(), row(ctx, i).sw_dec.get());
        (decom.is_none(), decom, dec.is_none(), dec, i)
    }));
    out.sort_unstable();
}

/// Every episode but the child's latest must have ended.
pub(super) fn sw08(ctx: &Ctx, flags: &mut Flags) {
    let mut order = Vec::new();
    for rows in ctx.index.sw_episodes.values() {
        if rows.len() < 2 {
            continue;
        }
        in_order(ctx, rows, &mut order);
        for &(_, decom, _, dec, i) in &order[..order.len() - 1] {
            if decom.is_some() && dec.is_none() {
                flags.flag(SwEpisodes, i);
            }
        }
    }
}

pub(super) fn sw09(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.sw_episodes, |s| {
        s.sw_decom.get().is_some_and(|d| s.sw_dec.get() == Some(d))
    });
}

/// Each episode must start within 7 days either side of the end of the one
/// before (which must have ended), unless (from 2024-25) it is a first
/// contact or re-referral (FCONTA), which may follow a gap.
pub(super) fn sw10(ctx: &Ctx, flags: &mut Flags) {
    let fconta_exempt = ctx.year.ending() >= 2025;
    let mut order = Vec::new();
    for rows in ctx.index.sw_episodes.values() {
        if rows.len() < 2 {
            continue;
        }
        in_order(ctx, rows, &mut order);
        for pair in order.windows(2) {
            let (prev_dec, (_, decom, _, _, i)) = (pair[0].3, pair[1]);
            let Some(decom) = decom else { continue };
            if fconta_exempt && row(ctx, i).sw_reason.as_deref() == Some("FCONTA") {
                continue;
            }
            let out_of_step = prev_dec.is_none_or(|end| (decom - end).whole_days().abs() > 7);
            if out_of_step {
                flags.flag(SwEpisodes, i);
            }
        }
    }
}

/// An episode ending in the last five days of the year (to 31 March) with
/// no later episode of the child.
pub(super) fn sw11b(ctx: &Ctx, flags: &mut Flags) {
    let window = (ctx.end() - Duration::days(5), ctx.end());
    for rows in ctx.index.sw_episodes.values() {
        let latest = rows.iter().filter_map(|&i| row(ctx, i).sw_decom.get()).max();
        for &i in rows {
            let s = row(ctx, i);
            let Some(dec) = s.sw_dec.get() else { continue };
            if dec < window.0 || dec > window.1 {
                continue;
            }
            let followed = match s.sw_decom.get() {
                Some(decom) => latest.is_some_and(|l| l > decom),
                None => latest.is_some_and(|l| l >= dec),
            };
            if !followed {
                flags.flag(SwEpisodes, i);
            }
        }
    }
}

/// Each start of care (RNE S) and end of care (a REC other than X1) in the
/// reporting period must fall within one of the child's social worker
/// episodes, taken together as a set of intervals. Short breaks (V3/V4)
/// are not checked. Flags the episode.
pub(super) fn sw12(ctx: &Ctx, flags: &mut Flags) {
    let (from, to) = (reporting_start(ctx), ctx.end());
    let in_period = |d: &Date| from <= *d && *d <= to;
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        if matches!(e.ls.as_deref(), Some("V3" | "V4")) {
            continue;
        }
        let start = e.decom.get().filter(|d| e.rne.as_deref() == Some("S") && in_period(d));
        let end = e.dec.get().filter(|d| e.rec.as_deref().is_some_and(|r| r != "X1") && in_period(d));
        if start.is_none() && end.is_none() {
            continue;
        }
        let sw = e
            .child
            .as_deref()
            .and_then(|c| ctx.index.sw_episodes.get(c))
            .map_or(&[][..], crate::ssda903::rules::Rows::as_slice);
        let covered = |d: Date| {
            sw.iter().any(|&s| {
                let s = row(ctx, s);
                // An unreadable end is left to SW05STG1: read as open.
                s.sw_decom.get().is_some_and(|start| start <= d) && s.sw_dec.get().is_none_or(|end| d <= end)
            })
        };
        if start.is_some_and(|d| !covered(d)) || end.is_some_and(|d| !covered(d)) {
            flags.flag(Episodes, i);
        }
    }
}

/// SW_REASON must be a code; it may be blank only for episodes starting
/// before 1 April 2023 (in 2023-24, never).
pub(super) fn sw13(ctx: &Ctx, flags: &mut Flags) {
    let blank_allowed = ctx.year.ending() >= 2025;
    flags.each(&ctx.ret.sw_episodes, |s| match s.sw_reason.as_deref() {
        Some(reason) => !ctx.codes.sw_reason.has(reason),
        None => !blank_allowed || s.sw_decom.get().is_some_and(|d| d >= reason_required_from()),
    });
}

/// The child's latest episode (by SW_DECOM) must be open at 31 March: flags
/// the latest episodes when none of them is open.
pub(super) fn sw17(ctx: &Ctx, flags: &mut Flags) {
    for rows in ctx.index.sw_episodes.values() {
        let Some(latest) = rows.iter().filter_map(|&i| row(ctx, i).sw_decom.get()).max() else {
            continue;
        };
        let is_latest = |i: usize| row(ctx, i).sw_decom.get() == Some(latest);
        if rows.iter().any(|&i| is_latest(i) && row(ctx, i).sw_dec.is_blank()) {
            continue;
        }
        for &i in rows {
            if is_latest(i) {
                flags.flag(SwEpisodes, i);
            }
        }
    }
}
