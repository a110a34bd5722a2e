//! Rules about the Header: the child's sex, date of birth, ethnicity, UPN
//! and motherhood, UASC status, and the ages that placements, legal
//! statuses and reasons for leaving care need.
//!
//! The checks live in two files: [`child`] reads the Header (and the UASC
//! table) alone; [`care`] sets the Header against the child's episodes.

use time::{Date, Month};

use super::{Ctx, Need, Rule, ALL_YEARS};
use crate::ssda903::model::Header as HeaderRow;
use crate::ssda903::tables::TableKind::*;

mod care;
mod child;

use care::*;
use child::*;

pub static RULES: &[Rule] = &[
    Rule {
        code: "101",
        message: "The child or young person's reported sex is not valid.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r101,
    },
    Rule {
        code: "102",
        message: "Date of birth is not a valid date.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r102,
    },
    Rule {
        code: "103",
        message: "The ethnicity code is either not valid or has not been entered.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r103,
    },
    Rule {
        code: "104",
        message: "Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid date.",
        tables: &[Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r104,
    },
    Rule {
        code: "105",
        message: "Data entry for Unaccompanied Asylum-Seeking Children (UASC) status of child is invalid or has not been completed.",
        tables: &[Header, Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r105,
    },
    Rule {
        code: "168",
        message: "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or UN5.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r168,
    },
    Rule {
        code: "171",
        message: "Date of birth of mother's child is not a valid date.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r171,
    },
    Rule {
        code: "174",
        message: "Mother's child date of birth is recorded but sex shows that the child is a male.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r174,
    },
    Rule {
        code: "209",
        message: "Child looked after is of school age and should not have an unknown Unique Pupil Number (UPN) code of UN1.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r209,
    },
    Rule {
        code: "210",
        message: "Children looked after for more than a week at 31 March should not have an unknown Unique Pupil Number (UPN) code of UN4.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r210,
    },
    Rule {
        code: "231",
        message: "We expect that unaccompanied asylum seeking children are generally older young people. Please check the date of birth is correct. If the date of birth is correct then please provide details in a bypass request.",
        tables: &[Header, Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: (2025, 2027),
        check: r231,
    },
    Rule {
        code: "232",
        message: "Sex of the child/young person has been reported as unknown.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: (2025, 2027),
        check: r232,
    },
    Rule {
        code: "234",
        message: "A child aged under 10 can not change placement due to being admitted to custody.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: (2026, 2027),
        check: r234,
    },
    Rule {
        code: "301",
        message: "Date of birth falls after the year ended.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r301,
    },
    Rule {
        code: "302",
        message: "First episode starts before child was born.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r302,
    },
    Rule {
        code: "303",
        message: "If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null, UASC status must be coded 1.",
        tables: &[Uasc, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r303,
    },
    Rule {
        code: "304",
        message: "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the 18th birthday of a child.",
        tables: &[Uasc, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r304,
    },
    Rule {
        code: "351",
        message: "Child was over 25 at the start of the current collection year.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r351,
    },
    Rule {
        code: "352",
        message: "Child who started to be looked after was aged 18 or over.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r352,
    },
    Rule {
        code: "358",
        message: "Child with this legal status should not be under 10.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r358,
    },
    Rule {
        code: "359",
        message: "Child being looked after following 18th birthday must be accommodated under section 20(5) of the Children Act 1989 in a community home.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r359,
    },
    Rule {
        code: "371",
        message: "Child in supported accommodation not subject to children's homes regulations should be at least 16.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r371,
    },
    Rule {
        code: "372",
        message: "Child in youth custody or prison should be at least 10.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r372,
    },
    Rule {
        code: "373",
        message: "Child placed in a school should be at least 4 years old.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r373,
    },
    Rule {
        code: "374",
        message: "Child in residential employment should be at least 14 years old.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r374,
    },
    Rule {
        code: "375",
        message: "Hospitalisation coded as a temporary placement exceeds six weeks.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r375,
    },
    Rule {
        code: "376",
        message: "Temporary placements coded as being due to holiday of usual foster carer(s) cannot exceed three weeks.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r376,
    },
    Rule {
        code: "379",
        message: "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
        tables: &[Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r379,
    },
    Rule {
        code: "386",
        message: "Reason episode ceased is adopted but child has reached age 18.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r386,
    },
    Rule {
        code: "387",
        message: "Reason episode ceased is child moved into independent living arrangement, but the child is aged under 14.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r387,
    },
    Rule {
        code: "389",
        message: "Reason episode ceased is that child transferred to care of adult social care services, but child is aged under 16.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r389,
    },
    Rule {
        code: "393",
        message: "Child is looked after but mother field is not completed.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r393,
    },
    Rule {
        code: "407",
        message: "Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r407,
    },
    Rule {
        code: "442",
        message: "Unique Pupil Number (UPN) field is not completed.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r442,
    },
    Rule {
        code: "444",
        message: "Duplicate UPN has been reported.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: (2026, 2027),
        check: r444,
    },
    Rule {
        code: "460",
        message: "Reason episode ceased is that child stayed with current carers at age 18 (or above), but child is aged under 18.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r460,
    },
    Rule {
        code: "607",
        message: "Child ceased to be looked after in the year, but mother field has not been completed.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r607,
    },
    Rule {
        code: "611",
        message: "Date of birth field is blank, but child is a mother.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r611,
    },
    Rule {
        code: "612",
        message: "Date of birth field has been completed but mother field indicates child is not a mother.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r612,
    },
    Rule {
        code: "620",
        message: "Child has been recorded as a mother, but date of birth shows that the mother is under 11 years of age.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r620,
    },
    Rule {
        code: "621",
        message: "Mother's field has been completed but date of birth shows that the mother is younger than her child.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r621,
    },
    Rule {
        code: "625",
        message: "Date of birth of the first child is beyond the end of this reporting year or the date the child ceased to be looked after.",
        tables: &[Episodes, Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: r625,
    },
];

/// The day a child turns `years` old (29 February birthdays fall on
/// 1 March in other years), or `None` when that is past the last
/// representable date, so a far-future DOB cannot panic.
fn turns(dob: Date, years: i32) -> Option<Date> {
    let year = dob.year().checked_add(years)?;
    Date::from_calendar_date(year, dob.month(), dob.day())
        .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
        .ok()
}

/// Whether a child born on `dob` is under `years` on `on`.
fn under(dob: Date, years: i32, on: Date) -> bool {
    turns(dob, years).is_none_or(|birthday| on < birthday)
}

/// The child's first Header row (the one whose DOB [`Ctx::dob`] reads), with
/// its index.
fn header_row<'a>(ctx: &Ctx<'a>, child: &str) -> Option<(usize, &'a HeaderRow)> {
    let first = *ctx.index.header.get(child)?.first()?;
    Some((first, &ctx.ret.header[first]))
}

/// The year's codes for a boy and a girl: M and F from 2024-25, 1 and 2
/// before.
fn sex_codes(ctx: &Ctx) -> (&'static str, &'static str) {
    if ctx.codes.sex.has("M") {
        ("M", "F")
    } else {
        ("1", "2")
    }
}

/// Short breaks (V3/V4), which most "looked after" rules leave out.
fn short_break(ls: Option<&str>) -> bool {
    matches!(ls, Some("V3" | "V4"))
}

#[cfg(test)]
mod tests;
