//! Permanence before this period of care (adoption, special guardianship,
//! residence or child arrangements order).

use time::{Date, Month};

use super::{Ctx, Flags};
use crate::ssda903::tables::TableKind::*;

/// A child starting care in the year needs a PrevPerm row with a code; a
/// known option (P1 to P3) needs where and when it was arranged. P4 means
/// unknown, so it needs neither.
pub(super) fn r630(ctx: &Ctx, flags: &mut Flags) {
    for (i, e) in ctx.ret.episodes.iter().enumerate() {
        if e.rne.as_deref() != Some("S") || e.decom.get().is_none_or(|d| d < ctx.start()) {
            continue;
        }
        let Some(child) = e.child.as_deref() else { continue };
        let missing = match ctx.index.prev_perm.get(child) {
            None => true,
            Some(rows) => rows.iter().any(|&p| {
                let p = &ctx.ret.prev_perm[p];
                match p.prev_perm.as_deref() {
                    None => true,
                    Some("Z1" | "P4") => false,
                    Some(_) => p.la_perm.is_none() || p.date_perm.is_none(),
                }
            }),
        };
        if missing {
            flags.flag(Episodes, i);
        }
    }
}

pub(super) fn r631(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.prev_perm, |p| {
        p.prev_perm.is_some() && !ctx.codes.prev_perm.holds(p.prev_perm.as_deref())
    });
}

/// DATE_PERM must be dd/mm/yyyy (ZZ for an unknown day or month, ZZZZ for
/// an unknown year) and, at its latest possible date, before the child's
/// first DECOM: flags the PrevPerm row and the first episode.
pub(super) fn r632(ctx: &Ctx, flags: &mut Flags) {
    for (i, p) in ctx.ret.prev_perm.iter().enumerate() {
        let Some(text) = p.date_perm.as_deref() else { continue };
        let first = p.child.as_deref().and_then(|c| ctx.episodes_of(c).first().copied());
        let first_decom = first.and_then(|e| ctx.ret.episodes[e].decom.get());
        let bad = match date_perm(text) {
            Err(()) => true,
            Ok(latest) => matches!((latest, first_decom), (Some(latest), Some(decom)) if latest >= decom),
        };
        if bad {
            flags.flag(PrevPerm, i);
            if let (Some(e), Some(_)) = (first, first_decom) {
                flags.flag(Episodes, e);
            }
        }
    }
}

/// DATE_PERM's latest possible date: `Ok(None)` when the year is unknown,
/// `Err` when it is not a date with ZZ parts.
fn date_perm(text: &str) -> Result<Option<Date>, ()> {
    let mut parts = text.trim().split('/');
    let (Some(day), Some(month), Some(year), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(());
    };
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| -> Result<Option<u16>, ()> {
        if s.bytes().all(|b| b == b'Z') && (s.len() == *len.end()) {
            Ok(None)
        } else if len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map(Some).map_err(|_| ())
        } else {
            Err(())
        }
    };
    let (day, month, year) = (number(day, 1..=2)?, number(month, 1..=2)?, number(year, 4..=4)?);
    // An unknown year: check the day and month against a leap year.
    let check_year = year.map_or(2000, i32::from);
    let month = match month {
        Some(m) => Month::try_from(u8::try_from(m).map_err(|_| ())?).map_err(|_| ())?,
        None => Month::December,
    };
    let day = match day {
        Some(d) => u8::try_from(d).map_err(|_| ())?,
        None => month.length(check_year),
    };
    let date = Date::from_calendar_date(check_year, month, day).map_err(|_| ())?;
    Ok(year.map(|_| date))
}

/// The old three-digit codes of English councils, sorted.
const LA_CODES: &[&str] = &[
    "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "301", "302", "303", "304", "305", "306",
    "307", "308", "309", "310", "311", "312", "313", "314", "315", "316", "317", "318", "319", "320", "330", "331", "332", "333", "334",
    "335", "336", "340", "341", "342", "343", "344", "350", "351", "352", "353", "354", "355", "356", "357", "358", "359", "370", "371",
    "372", "373", "380", "381", "382", "383", "384", "390", "391", "392", "393", "394", "420", "800", "801", "802", "803", "805", "806",
    "807", "808", "810", "811", "812", "813", "815", "816", "821", "822", "823", "825", "826", "830", "831", "835", "836", "837", "840",
    "841", "845", "846", "850", "851", "852", "855", "856", "857", "860", "861", "865", "866", "867", "868", "869", "870", "871", "872",
    "873", "874", "876", "877", "878", "879", "880", "881", "882", "883", "884", "885", "886", "887", "888", "889", "890", "891", "892",
    "893", "894", "895", "896", "908", "909", "916", "919", "921", "925", "926", "928", "929", "931", "933", "935", "936", "937", "938",
    "999",
];

pub(super) fn r633(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.prev_perm, |p| {
        p.la_perm
            .as_deref()
            .is_some_and(|la| !matches!(la, "WAL" | "SCO" | "NUK" | "NIR") && LA_CODES.binary_search(&la).is_err())
    });
}

/// PrevPerm data only for a child whose latest episode began on or after
/// 1 April 2016: flags the PrevPerm row and the child's episodes.
pub(super) fn r634(ctx: &Ctx, flags: &mut Flags) {
    let cutoff = Date::from_calendar_date(2016, Month::April, 1).expect("a real date");
    for (i, p) in ctx.ret.prev_perm.iter().enumerate() {
        if p.prev_perm.is_none() && p.la_perm.is_none() && p.date_perm.is_none() {
            continue;
        }
        let Some(child) = p.child.as_deref() else { continue };
        let episodes = ctx.episodes_of(child);
        let last_decom = episodes.iter().filter_map(|&e| ctx.ret.episodes[e].decom.get()).max();
        if last_decom.is_some_and(|d| d < cutoff) {
            flags.flag(PrevPerm, i);
            for &e in episodes {
                flags.flag(Episodes, e);
            }
        }
    }
}

/// Where and when a previous permanence option was arranged needs a code
/// other than Z1 (none).
pub(super) fn r635(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.prev_perm, |p| {
        (p.la_perm.is_some() || p.date_perm.is_some()) && matches!(p.prev_perm.as_deref(), None | Some("Z1"))
    });
}

#[cfg(test)]
mod tests {
    use super::date_perm;
    use time::macros::date;

    #[test]
    fn date_perm_takes_the_latest_date_its_unknown_parts_allow() {
        assert_eq!(date_perm("05/06/2020"), Ok(Some(date!(2020 - 06 - 05))));
        assert_eq!(date_perm("ZZ/02/2020"), Ok(Some(date!(2020 - 02 - 29))));
        assert_eq!(date_perm("ZZ/ZZ/2020"), Ok(Some(date!(2020 - 12 - 31))));
        assert_eq!(date_perm("05/ZZ/2020"), Ok(Some(date!(2020 - 12 - 05))));
        assert_eq!(date_perm("05/06/ZZZZ"), Ok(None));
        for bad in ["31/02/2020", "2020-06-05", "Z/06/2020", "05/06/20", "05/06/2020/1", "29/02/2021"] {
            assert_eq!(date_perm(bad), Err(()), "{bad}");
        }
    }
}
