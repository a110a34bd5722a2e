//! Care leavers (OC3) against last year: a death reported before, and
//! whether the care that makes a young person a relevant or former relevant
//! child can be seen in the two years' episodes.
//!
//! The two returns hold every episode open at any time since 1 April last
//! year, so care before then is unseen. 1001 and 1002 therefore flag only
//! what the two years prove; the DfE's tool flags every care leaver whose
//! qualifying care fell earlier, which for those aged 18-21 is most of them.

use time::Date;

use super::final_last_year;
use crate::ssda903::rules::{birthday, Ctx, Flags};
use crate::ssda903::tables::TableKind::Oc3;

pub(super) fn r348(ctx: &Ctx, flags: &mut Flags) {
    let Some(prev) = ctx.prev else { return };
    for (i, now) in ctx.ret.oc3.iter().enumerate() {
        let Some(rows) = now.child.as_deref().and_then(|c| ctx.prev_index.oc3.get(c)) else {
            continue;
        };
        let died = rows.iter().any(|&j| prev.oc3[j].in_touch.as_deref() == Some("DIED"));
        if died && now.in_touch.as_deref() != Some("DIED") {
            flags.flag(Oc3, i);
        }
    }
}

pub(super) fn r1010(ctx: &Ctx, flags: &mut Flags) {
    let Some(prev) = ctx.prev else { return };
    for (i, now) in ctx.ret.oc3.iter().enumerate() {
        let Some(child) = now.child.as_deref() else { continue };
        if !ctx.has_episodes(child) && final_last_year(ctx, child).is_some_and(|j| prev.episodes[j].dec.is_blank()) {
            flags.flag(Oc3, i);
        }
    }
}

/// The young person's date of birth: the Header's, else the OC3 row's.
fn dob_of(ctx: &Ctx, child: &str, oc3_dob: Option<Date>) -> Option<Date> {
    ctx.dob(child).or(oc3_dob)
}

pub(super) fn r1002(ctx: &Ctx, flags: &mut Flags) {
    // No episode in either year. That proves the young person was never
    // looked after at 16 or over (which every care leaver was) only when
    // they turned 16 on or after 1 April last year; older ones may have
    // left care before the two years began.
    let last_start = ctx.year.previous().start();
    for (i, now) in ctx.ret.oc3.iter().enumerate() {
        let Some(child) = now.child.as_deref() else { continue };
        if ctx.has_episodes(child) || ctx.prev_index.episodes.contains_key(child) {
            continue;
        }
        if dob_of(ctx, child, now.dob.get()).is_some_and(|dob| birthday(dob, 16) >= last_start) {
            flags.flag(Oc3, i);
        }
    }
}

/// One episode as 1001 counts it.
#[derive(Clone, Copy)]
struct Spell {
    decom: Date,
    dec: Option<Date>,
    short_break: bool,
    adopted: bool,
}

pub(super) fn r1001(ctx: &Ctx, flags: &mut Flags) {
    // A relevant or former relevant child was looked after for 13 weeks (91
    // days) in all since their 14th birthday, some of it after their 16th,
    // and was not adopted (short breaks, V3/V4, do not count). Flagged when
    // the two years' episodes show the young person was adopted, or show
    // all their care since the 14th (or 16th) birthday and it falls short.
    // Care since a birthday is all shown when the birthday is on or after
    // the earlier of 1 April last year and the start of the earliest
    // episode seen (episodes do not overlap, so unseen ones ended before
    // both). Young people with no episodes in either year are left to 1002.
    let Some(prev) = ctx.prev else { return };
    let last_start = ctx.year.previous().start();
    let mut spells: Vec<Spell> = Vec::new();
    for (i, now) in ctx.ret.oc3.iter().enumerate() {
        let Some(child) = now.child.as_deref() else { continue };
        let Some(dob) = dob_of(ctx, child, now.dob.get()) else { continue };
        spells.clear();
        let spell = |e: &crate::ssda903::model::Episode| {
            e.decom.get().map(|decom| Spell {
                decom,
                dec: e.dec.get(),
                short_break: matches!(e.ls.as_deref(), Some("V3" | "V4")),
                adopted: matches!(e.rec.as_deref(), Some("E11" | "E12")),
            })
        };
        spells.extend(ctx.episodes_of(child).iter().filter_map(|&k| spell(&ctx.ret.episodes[k])));
        let this_year = spells.len();
        for &j in ctx
            .prev_index
            .episodes
            .get(child)
            .map_or(&[][..], crate::ssda903::rules::Rows::as_slice)
        {
            // Last year's copy of an episode repeated this year is dropped:
            // this year's has its end.
            if let Some(s) = spell(&prev.episodes[j]) {
                if !spells[..this_year].iter().any(|t| t.decom == s.decom) {
                    spells.push(s);
                }
            }
        }
        if spells.is_empty() {
            continue;
        }
        spells.sort_by_key(|s| s.decom);
        let adopted = spells.last().is_some_and(|s| s.adopted);
        let seen_from = last_start.min(spells[0].decom);
        let (at14, at16) = (birthday(dob, 14), birthday(dob, 16));
        let (mut days14, mut days16) = (0_i64, 0_i64);
        for (k, s) in spells.iter().enumerate() {
            if s.short_break {
                continue;
            }
            // An open episode runs to the next one's start, or to 31 March.
            let end = s.dec.or_else(|| spells.get(k + 1).map(|n| n.decom)).unwrap_or(ctx.end());
            days14 += (end - s.decom.max(at14)).whole_days().max(0);
            days16 += (end - s.decom.max(at16)).whole_days().max(0);
        }
        let short14 = at14 >= seen_from && days14 < 91;
        let short16 = at16 >= seen_from && days16 < 1;
        if adopted || short14 || short16 {
            flags.flag(Oc3, i);
        }
    }
}
