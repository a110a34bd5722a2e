//! Integrity rules: every child in a table is in the Header, with the same
//! date of birth (and, in UASC, the same sex), and appears once in the
//! tables that have one row per child.

use time::Date;

use super::{Ctx, Flags, Need, Rule, ALL_YEARS};
use crate::ssda903::model::Row;
use crate::ssda903::tables::TableKind::{self, *};

pub static RULES: &[Rule] = &[
    Rule {
        code: "EPI",
        message: "Episodes need to be loaded for this child before further validation is possible.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: epi,
    },
    Rule {
        code: "INT01",
        message: "Child in AD1 does not exist in Header.",
        tables: &[Header, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int01,
    },
    Rule {
        code: "INT02",
        message: "Child in PlacedAdoption does not exist in Header.",
        tables: &[Header, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int02,
    },
    Rule {
        code: "INT03",
        message: "Child in Episodes does not exist in Header.",
        tables: &[Header, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int03,
    },
    Rule {
        code: "INT04",
        message: "Child in Missing does not exist in Header.",
        tables: &[Header, Missing],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int04,
    },
    Rule {
        code: "INT05",
        message: "Child in OC2 does not exist in Header.",
        tables: &[Header, Oc2],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int05,
    },
    Rule {
        code: "INT06",
        message: "Child in OC3 does not exist in Header.",
        tables: &[Header, Oc3],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int06,
    },
    Rule {
        code: "INT07",
        message: "Child in PrevPerm does not exist in Header.",
        tables: &[Header, PrevPerm],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int07,
    },
    Rule {
        code: "INT08",
        message: "Child in Reviews does not exist in Header.",
        tables: &[Header, Reviews],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int08,
    },
    Rule {
        code: "INT09",
        message: "Child in UASC does not exist in Header.",
        tables: &[Header, Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int09,
    },
    Rule {
        code: "INT11",
        message: "DOB in AD1 is different to DOB in Header.",
        tables: &[Header, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int11,
    },
    Rule {
        code: "INT12",
        message: "DOB in PlacedAdoption is different to DOB in Header.",
        tables: &[Header, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int12,
    },
    Rule {
        code: "INT13",
        message: "DOB in Missing is different to DOB in Header.",
        tables: &[Header, Missing],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int13,
    },
    Rule {
        code: "INT14",
        message: "DOB in OC2 is different to DOB in Header.",
        tables: &[Header, Oc2],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int14,
    },
    Rule {
        code: "INT15",
        message: "DOB in OC3 is different to DOB in Header.",
        tables: &[Header, Oc3],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int15,
    },
    Rule {
        code: "INT16",
        message: "DOB in PrevPerm is different to DOB in Header.",
        tables: &[Header, PrevPerm],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int16,
    },
    Rule {
        code: "INT17",
        message: "DOB in Reviews is different to DOB in Header.",
        tables: &[Header, Reviews],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int17,
    },
    Rule {
        code: "INT18",
        message: "DOB in UASC is different to DOB in Header.",
        tables: &[Header, Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int18,
    },
    Rule {
        code: "INT21",
        message: "SEX in UASC is different to SEX in Header.",
        tables: &[Header, Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int21,
    },
    Rule {
        code: "INT31",
        message: "Child should only exist once in AD1.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int31,
    },
    Rule {
        code: "INT32",
        message: "Child should only exist once in Header.",
        tables: &[Header],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int32,
    },
    Rule {
        code: "INT33",
        message: "Child should only exist once in OC2.",
        tables: &[Oc2],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int33,
    },
    Rule {
        code: "INT34",
        message: "Child should only exist once in OC3.",
        tables: &[Oc3],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int34,
    },
    Rule {
        code: "INT35",
        message: "Child should only exist once in PrevPerm.",
        tables: &[PrevPerm],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int35,
    },
    Rule {
        code: "INT36",
        message: "Child should only exist once in UASC.",
        tables: &[Uasc],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: int36,
    },
];

/// A Header child with neither episodes nor OC3 data (a warning). A blank
/// CHILD names no one, so it has neither.
fn epi(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.header, |h| {
        h.child
            .as_deref()
            .is_none_or(|c| !ctx.index.episodes.contains_key(c) && !ctx.index.oc3.contains_key(c))
    });
}

/// Rows whose child is not in the Header (a blank CHILD matches no one).
fn not_in_header<R: Row>(ctx: &Ctx, rows: &[R], flags: &mut Flags) {
    flags.each(rows, |r| r.child().is_none_or(|c| !ctx.index.header.contains_key(c)));
}

/// Rows whose readable DOB differs from a readable Header DOB of the child.
fn dob_differs<R: Row>(ctx: &Ctx, rows: &[R], dob: impl Fn(&R) -> Option<Date>, flags: &mut Flags) {
    flags.each(rows, |r| {
        let (Some(child), Some(dob)) = (r.child(), dob(r)) else {
            return false;
        };
        ctx.index
            .header
            .get(child)
            .is_some_and(|headers| headers.iter().any(|&h| ctx.ret.header[h].dob.get().is_some_and(|d| d != dob)))
    });
}

/// UASC rows whose SEX differs from the child's Header SEX (both given).
fn int21(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.uasc, |u| {
        let (Some(child), Some(sex)) = (u.child.as_deref(), u.sex.as_deref()) else {
            return false;
        };
        ctx.index
            .header
            .get(child)
            .is_some_and(|headers| headers.iter().any(|&h| ctx.ret.header[h].sex.as_deref().is_some_and(|s| s != sex)))
    });
}

/// Every row of a child who has more than one in the table.
fn duplicated(index: &super::ChildMap<'_, super::Rows>, table: TableKind, flags: &mut Flags) {
    for rows in index.values().filter(|rows| rows.len() > 1) {
        for &row in rows {
            flags.flag(table, row);
        }
    }
}

fn int01(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.ad1, flags);
}

fn int02(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.placed_adoption, flags);
}

fn int03(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.episodes, flags);
}

fn int04(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.missing, flags);
}

fn int05(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.oc2, flags);
}

fn int06(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.oc3, flags);
}

fn int07(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.prev_perm, flags);
}

fn int08(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.reviews, flags);
}

fn int09(ctx: &Ctx, flags: &mut Flags) {
    not_in_header(ctx, &ctx.ret.uasc, flags);
}

fn int11(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.ad1, |r| r.dob.get(), flags);
}

fn int12(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.placed_adoption, |r| r.dob.get(), flags);
}

fn int13(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.missing, |r| r.dob.get(), flags);
}

fn int14(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.oc2, |r| r.dob.get(), flags);
}

fn int15(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.oc3, |r| r.dob.get(), flags);
}

fn int16(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.prev_perm, |r| r.dob.get(), flags);
}

fn int17(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.reviews, |r| r.dob.get(), flags);
}

fn int18(ctx: &Ctx, flags: &mut Flags) {
    dob_differs(ctx, &ctx.ret.uasc, |r| r.dob.get(), flags);
}

fn int31(ctx: &Ctx, flags: &mut Flags) {
    duplicated(&ctx.index.ad1, TableKind::Ad1, flags);
}

fn int32(ctx: &Ctx, flags: &mut Flags) {
    duplicated(&ctx.index.header, TableKind::Header, flags);
}

fn int33(ctx: &Ctx, flags: &mut Flags) {
    duplicated(&ctx.index.oc2, TableKind::Oc2, flags);
}

fn int34(ctx: &Ctx, flags: &mut Flags) {
    duplicated(&ctx.index.oc3, TableKind::Oc3, flags);
}

fn int35(ctx: &Ctx, flags: &mut Flags) {
    duplicated(&ctx.index.prev_perm, TableKind::PrevPerm, flags);
}

fn int36(ctx: &Ctx, flags: &mut Flags) {
    duplicated(&ctx.index.uasc, TableKind::Uasc, flags);
}

#[cfg(test)]
mod tests;
