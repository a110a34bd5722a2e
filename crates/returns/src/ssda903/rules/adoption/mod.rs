//! Rules about adoption: the AD1 table (the adoption, the adopters and the
//! dates of the decision and the match) and the PlacedAdoption table (the
//! decisions that a child should, or should no longer, be placed for
//! adoption), and how both agree with the child's episodes.
//!
//! Where a child has several PlacedAdoption decisions, rules that compare
//! "the" decision with the adoption use the latest one (the decision that
//! led to the adoption); a decision reversed before a newer one is made is
//! no error.

use super::{Ctx, Need, Rule, ALL_YEARS};
use crate::ssda903::model::{self, Episode};
use crate::ssda903::tables::TableKind::*;

mod ad1;
mod placed;

pub static RULES: &[Rule] = &[
    Rule {
        code: "112",
        message: "Date should be placed for adoption is not a valid date.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r112,
    },
    Rule {
        code: "113",
        message: "Date matching child and adopter(s) is not a valid date.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r113,
    },
    Rule {
        code: "114",
        message: "Data entry to record the status of former carer(s) of an adopted child is invalid.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r114,
    },
    Rule {
        code: "115",
        message: "Date of Local Authority's (LA) decision that a child should be placed for adoption is not a valid date.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r115,
    },
    Rule {
        code: "116",
        message: "Date of Local Authority's (LA) decision that a child should no longer be placed for adoption is not a valid date.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r116,
    },
    Rule {
        code: "117",
        message: "Date of decision that a child should/should no longer be placed for adoption is beyond the current collection year or after the child ceased to be looked after.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r117,
    },
    Rule {
        code: "118",
        message: "Date of decision that a child should no longer be placed for adoption is before the current collection year or before the date the child started to be looked after.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r118,
    },
    Rule {
        code: "119",
        message: "If the decision is made that a child should no longer be placed for adoption, then the date of this decision and the reason why this decision was made must be completed.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r119,
    },
    Rule {
        code: "120",
        message: "The reason for the reversal of the decision that the child should be placed for adoption code is not valid.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r120,
    },
    Rule {
        code: "151",
        message: "All data items relating to a child's adoption must be coded or left blank.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r151,
    },
    Rule {
        code: "175",
        message: "The number of adopter(s) code is not a valid code.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r175,
    },
    Rule {
        code: "176",
        message: "The gender of adopter(s) at the date of adoption code is not a valid code.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r176,
    },
    Rule {
        code: "177",
        message: "The legal status of adopter(s) code is not a valid code.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r177,
    },
    Rule {
        code: "184",
        message: "Date of decision that a child should be placed for adoption is before the child was born.",
        tables: &[Header, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r184,
    },
    Rule {
        code: "331",
        message: "Date of matching child and adopter(s) should be the same as, or prior to, the date of placement of adoption.",
        tables: &[Ad1, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r331,
    },
    Rule {
        code: "333",
        message: "Date should be placed for adoption must be on or prior to the date of matching child with adopter(s).",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r333,
    },
    Rule {
        code: "334",
        message: "Date child started to be looked after in latest period of care must be on or prior to the date should be placed for adoption.",
        tables: &[Ad1, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r334,
    },
    Rule {
        code: "335",
        message: "The current foster value (0) suggests that child is not adopted by current foster carer, but last placement is A3 or A5. Or the current foster value (1) suggests that child is adopted by current foster carer, but last placement is A4 or A6.",
        tables: &[Ad1, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r335,
    },
    Rule {
        code: "511",
        message: "If reporting that the number of person(s) adopting the looked after child is two adopters then the code should only be MM, FF or MF. MM = the adopting couple are both males; FF = the adopting couple are both females; MF = The adopting couple are male and female.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r511,
    },
    Rule {
        code: "514",
        message: "Data entry on the legal status of adopters shows a single adopter but data entry for the numbers of adopters shows it as a couple.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r514,
    },
    Rule {
        code: "517",
        message: "If reporting legal status of adopters is L3 then the genders of adopters should be coded as MF. MF = the adopting couple are male and female.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r517,
    },
    Rule {
        code: "518",
        message: "If reporting legal status of adopters is L4 then the genders of adopters should be coded as MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both females.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r518,
    },
    Rule {
        code: "519",
        message: "Data entered on the legal status of adopters shows civil partnership couple, but data entered on genders of adopters does not show it as a couple.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r519,
    },
    Rule {
        code: "520",
        message: "Data entry on the legal status of adopters shows different gender married couple but data entry on genders of adopters shows it as a same gender couple.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r520,
    },
    Rule {
        code: "521",
        message: "Date of local authority's decision (LA) that adoption is in the best interests of the child (date should be placed) must be on or prior to the date the child is placed for adoption.",
        tables: &[Ad1, Episodes],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r521,
    },
    Rule {
        code: "522",
        message: "Date of decision that the child should be placed for adoption must be on or before the date that a child should no longer be placed for adoption.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r522,
    },
    Rule {
        code: "523",
        message: "Date of decision that the child should be placed for adoption should be the same date as the decision that adoption is in the best interest (date should be placed).",
        tables: &[PlacedAdoption, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r523,
    },
    Rule {
        code: "524",
        message: "If reporting legal status of adopters is L12 then the genders of adopters should be coded as MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both females.",
        tables: &[Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r524,
    },
    Rule {
        code: "525",
        message: "A child for whom the decision to be placed for adoption has been reversed cannot be adopted during the year.",
        tables: &[PlacedAdoption, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r525,
    },
    Rule {
        code: "551",
        message: "Child has been placed for adoption but there is no date of the decision that the child should be placed for adoption.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r551,
    },
    Rule {
        code: "552",
        message: "Date of Decision to place a child for adoption should be on or prior to the date that the child was placed for adoption.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r552,
    },
    Rule {
        code: "553",
        message: "Placement order has been granted but there is no date of decision that the child should be placed for adoption.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r553,
    },
    Rule {
        code: "554",
        message: "Date of decision that the child should be placed for adoption should be on or prior to the date that the placement order was granted.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r554,
    },
    Rule {
        code: "557",
        message: "Child for whom the decision was made that they should be placed for adoption has left care but was not adopted and information on the decision that they should no longer be placed for adoption items has not been completed.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r557,
    },
    Rule {
        code: "558",
        message: "If a child has been adopted, then the decision to place them for adoption has not been disrupted and the date of the decision that a child should no longer be placed for adoption should be left blank.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r558,
    },
    Rule {
        code: "563",
        message: "The child should no longer be placed for adoption but the date of the decision that the child should be placed for adoption is blank.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r563,
    },
    Rule {
        code: "579",
        message: "A new decision that the child should be placed for adoption this year cannot start when the previous decision is still open. Decisions to place the child for adoption should also not overlap. The date of any new decision to place the child for adoption must not be before the date placed ceased of previous decisions.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r579,
    },
    Rule {
        code: "582",
        message: "Child is showing as ceasing to be looked after due to adoption, but the date of adoption is the same as the date reported for being matched with adopters. In most circumstances we expect the date the child is matched with adopters to be before the date of adoption.",
        tables: &[Episodes, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r582,
    },
    Rule {
        code: "583",
        message: "More than one date the child should be placed for adoption has been reported, but an earlier decision has not been revoked. Check that both dates are required and add in the date the earlier decision was revoked. Note this may be in a previous year.",
        tables: &[PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r583,
    },
    Rule {
        code: "601",
        message: "The additional fields relating to adoption have not been completed although the episode data shows that the child was adopted during the year.",
        tables: &[Episodes, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r601,
    },
    Rule {
        code: "602",
        message: "The episode data submitted for this child does not show that he/she was adopted during the year.",
        tables: &[Episodes, Ad1],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: ad1::r602,
    },
    Rule {
        code: "1003",
        message: "Date of LA's decision that a child should be placed for adoption is before the child started to be looked after.",
        tables: &[Episodes, PlacedAdoption],
        previous: &[],
        needs: Need::Nothing,
        years: ALL_YEARS,
        check: placed::r1003,
    },
];

const NONE: &[usize] = &[];

/// Placed for adoption (A3-A6).
fn placed_for_adoption(e: &Episode) -> bool {
    matches!(e.place.as_deref(), Some("A3" | "A4" | "A5" | "A6"))
}

/// The episode ended in adoption (E11/E12).
fn adopted(e: &Episode) -> bool {
    matches!(e.rec.as_deref(), Some("E11" | "E12"))
}

/// The episode ended in adoption within the collection year.
fn adopted_in_year(ctx: &Ctx, e: &Episode) -> bool {
    adopted(e) && e.dec.get().is_some_and(|d| d >= ctx.start() && d <= ctx.end())
}

/// The child's AD1 rows.
fn ad1_of<'a>(ctx: &'a Ctx, child: &str) -> &'a [usize] {
    ctx.index.ad1.get(child).map_or(NONE, crate::ssda903::rules::Rows::as_slice)
}

/// The child's PlacedAdoption rows.
fn decisions_of<'a>(ctx: &'a Ctx, child: &str) -> &'a [usize] {
    ctx.index
        .placed_adoption
        .get(child)
        .map_or(NONE, crate::ssda903::rules::Rows::as_slice)
}

/// The child's latest decision: the latest DATE_PLACED, a later row
/// winning a tie; rows without a readable date count as earliest.
fn latest_decision(ctx: &Ctx, rows: &[usize]) -> Option<usize> {
    rows.iter()
        .copied()
        .max_by_key(|&i| (ctx.ret.placed_adoption[i].date_placed.get(), i))
}

/// The decision is still open: neither ceased nor given a reason.
fn open(pa: &model::PlacedAdoption) -> bool {
    pa.date_placed_ceased.is_blank() && pa.reason_placed_ceased.is_none()
}

/// How many of the six adoption items are given.
fn ad1_items(a: &model::Ad1) -> usize {
    [
        !a.date_int.is_blank(),
        !a.date_match.is_blank(),
        a.foster_care.is_some(),
        a.nb_adoptr.is_some(),
        a.sex_adoptr.is_some(),
        a.ls_adoptr.is_some(),
    ]
    .into_iter()
    .filter(|&given| given)
    .count()
}

#[cfg(test)]
mod tests;
