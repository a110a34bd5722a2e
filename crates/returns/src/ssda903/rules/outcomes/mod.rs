//! Rules about outcomes: the OC2 items for children looked after
//! continuously for twelve months (SDQ, convictions, health, substance
//! misuse), the OC3 care-leaver items, and motherhood in the Header.

use time::Date;

use super::{birthday, Ctx, Flags, Need, Rule, ALL_YEARS};
use crate::ssda903::model;
use crate::ssda903::tables::TableKind::*;

mod oc2;
mod oc3;

use oc2::*;
use oc3::*;

/// From 2023-24.
const FROM_2024: (i32, i32) = (2024, ALL_YEARS.1);

macro_rules! rule {
    ($code:literal, $check:ident, $tables:expr, $message:literal) => {
        rule!($code, $check, $tables, $message, ALL_YEARS)
    };
    ($code:literal, $check:ident, $tables:expr, $message:literal, $years:expr) => {
        Rule {
            code: $code,
            message: $message,
            tables: $tables,
            previous: &[],
            needs: Need::Nothing,
            years: $years,
            check: $check,
        }
    };
}

pub static RULES: &[Rule] = &[
    rule!("131", r131, &[Oc3], "Data entry for being in touch after leaving care is invalid."),
    rule!("132", r132, &[Oc3], "Data entry for activity after leaving care is invalid."),
    rule!(
        "133",
        r133,
        &[Oc3],
        "Data entry for accommodation after leaving care is invalid. If reporting on a child's accommodation after \
         leaving care the data entry must be valid."
    ),
    rule!(
        "134",
        r134,
        &[Oc3, Ad1],
        "Data on adoption should not be entered for the OC3 cohort."
    ),
    rule!(
        "153",
        r153,
        &[Oc3],
        "All data items relating to a child's activity or accommodation after leaving care must be coded or left \
         blank."
    ),
    rule!(
        "157",
        r157,
        &[Oc2, Episodes],
        "Child is aged 4 years or over at the beginning of the year or 16 years or under at the end of the year and \
         Strengths and Difficulties Questionnaire (SDQ) 1 has been recorded as the reason for no Strengths and \
         Difficulties Questionnaire (SDQ) score."
    ),
    rule!(
        "158",
        r158,
        &[Oc2],
        "If a child has been recorded as receiving an intervention for their substance misuse problem, then the \
         additional item on whether an intervention was offered should be left blank."
    ),
    rule!(
        "159",
        r159,
        &[Oc2],
        "If a child has been recorded as not receiving an intervention for their substance misuse problem, then the \
         additional item on whether an intervention was offered should be completed as well."
    ),
    rule!("165", r165, &[Header, Episodes, Oc3], "Data entry for mother status is invalid."),
    rule!(
        "180",
        r180,
        &[Oc2],
        "Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid."
    ),
    rule!(
        "181",
        r181,
        &[Oc2],
        "Data items relating to children looked after continuously for 12 months should be completed with a 0 or 1."
    ),
    rule!(
        "182",
        r182,
        &[Oc2],
        "Data entries on immunisations, teeth checks, health assessments and substance misuse problem identified \
         should be completed or all OC2 fields should be left blank."
    ),
    rule!(
        "185",
        r185,
        &[Episodes, Oc2],
        "Child has not been looked after continuously for at least 12 months at 31 March but a Strengths and \
         Difficulties (SDQ) score has been completed."
    ),
    rule!(
        "186",
        r186,
        &[Episodes, Oc2],
        "Children aged 4 or over at the start of the year and children aged under 17 at the end of the year and who \
         have been looked after for at least 12 months continuously should have a Strengths and Difficulties (SDQ) \
         score completed."
    ),
    rule!(
        "187",
        r187,
        &[Oc3, Ad1, Episodes],
        "Child cannot be looked after continuously for 12 months at 31 March (OC2) and have any of adoption or care \
         leavers returns completed."
    ),
    rule!(
        "188",
        r188,
        &[Oc2],
        "Child is aged under 4 years at the end of the year, but a Strengths and Difficulties (SDQ) score or a reason \
         for no SDQ score has been completed."
    ),
    rule!(
        "189",
        r189,
        &[Oc2],
        "Child is aged 17 years or over at the beginning of the year, but a Strengths and Difficulties (SDQ) score or \
         a reason for no Strengths and Difficulties (SDQ) score has been completed."
    ),
    rule!(
        "190",
        r190,
        &[Oc2, Episodes],
        "Child has not been looked after continuously for at least 12 months at 31 March but one or more data items \
         relating to children looked after for 12 months have been completed."
    ),
    rule!(
        "191",
        r191,
        &[Oc2, Episodes],
        "Child has been looked after continuously for at least 12 months at 31 March but one or more data items \
         relating to children looked after for 12 months have been left blank."
    ),
    rule!(
        "192",
        r192,
        &[Oc2],
        "Child has been identified as having a substance misuse problem but the additional item on whether an \
         intervention was received has been left blank."
    ),
    rule!(
        "193",
        r193,
        &[Oc2],
        "Child not identified as having a substance misuse problem but at least one of the two additional items on \
         whether an intervention were offered and received have been completed."
    ),
    rule!("196", r196, &[Oc2], "Strengths and Difficulties (SDQ) reason is not a valid code."),
    rule!(
        "197B",
        r197b,
        &[Oc2, Episodes],
        "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds."
    ),
    rule!(
        "197a",
        r197a,
        &[Oc2],
        "Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths and Difficulties \
         Questionnaire score is filled in."
    ),
    rule!(
        "198",
        r198,
        &[Episodes, Oc2],
        "Child has not been looked after continuously for at least 12 months at 31 March but a reason for no \
         Strengths and Difficulties (SDQ) score has been completed."
    ),
    rule!(
        "215",
        r215,
        &[Oc2, Oc3],
        "Child has care leaver information but one or more data items relating to children looked after for 12 \
         months have been completed."
    ),
    rule!(
        "344",
        r344,
        &[Oc3],
        "The record shows the young person has died or returned home to live with parent(s) or someone with parental \
         responsibility for a continuous period of 6 months or more, but activity and/or accommodation on leaving \
         care have been completed."
    ),
    rule!(
        "345",
        r345,
        &[Oc3],
        "The data collection record shows the local authority is in touch with this young person, but activity \
         and/or accommodation data items are zero."
    ),
    rule!(
        "347",
        r347,
        &[Oc3],
        "Care leavers aged under 18 years, can not be accommodated in a Foyer.",
        FROM_2024
    ),
    rule!(
        "391",
        r391,
        &[Oc3],
        "Young person was not 17, 18, 19, 20 or 21 during the current collection year."
    ),
    rule!(
        "542",
        r542,
        &[Oc2],
        "A child aged under 10 at 31 March should not have conviction information completed."
    ),
    rule!(
        "543",
        r543,
        &[Episodes, Oc2],
        "Child is aged 10 or over at 31 March and has been looked after continuously for 12 months yet conviction \
         information has not been completed."
    ),
    rule!(
        "544",
        r544,
        &[Oc2],
        "Any child who has conviction information completed must also have immunisation, teeth check, health \
         assessment and substance misuse problem identified fields completed."
    ),
    rule!(
        "545",
        r545,
        &[Oc2, Episodes],
        "Child is aged under 5 at 31 March and has been looked after continuously for 12 months yet health promotion \
         information has not been completed."
    ),
    rule!(
        "546",
        r546,
        &[Episodes, Oc2],
        "Children aged 5 or over at 31 March should not have health promotion information completed."
    ),
    rule!(
        "547",
        r547,
        &[Oc2],
        "Any child who has health promotion information completed must also have immunisation, teeth check, health \
         assessment and substance misuse problem identified fields completed."
    ),
    rule!(
        "628",
        r628,
        &[Episodes, Header, Oc3],
        "Motherhood details are not required for care leavers who have not been looked after during the year."
    ),
    rule!(
        "1000",
        r1000,
        &[Episodes, Oc3],
        "This child is recorded as having died in care and therefore should not have the care leaver information \
         completed."
    ),
    rule!(
        "1007",
        r1007,
        &[Episodes, Oc3],
        "Care leaver information is not required for 17- or 18-year olds who are still looked after on their 17th \
         or 18th birthday."
    ),
    rule!(
        "1011",
        r1011,
        &[Episodes, Oc3],
        "This child is recorded as having his/her care transferred to another local authority for the final episode \
         and therefore should not have the care leaver information completed."
    ),
    rule!(
        "1014",
        r1014,
        &[Episodes, Uasc, Oc3],
        "UASC information is not required for care leavers."
    ),
    rule!(
        "1016",
        r1016,
        &[Episodes, Oc3],
        "Care leaver information is not required for 17- or 18-year olds who cease to be looked after, after their \
         birthday.",
        FROM_2024
    ),
    rule!(
        "3001",
        r3001,
        &[Header, Oc3],
        "Where care leavers information is being returned for a young person around their 17th birthday, the \
         accommodation cannot be with their former foster carer(s)."
    ),
];

/// Whether any of the care-leaver items is given.
fn oc3_given(o: &model::Oc3) -> bool {
    o.in_touch.is_some() || o.activ.is_some() || o.accom.is_some()
}

/// Whether the child has an OC3 row with any care-leaver item given.
fn has_oc3_data(ctx: &Ctx, child: &str) -> bool {
    ctx.index
        .oc3
        .get(child)
        .is_some_and(|rows| rows.iter().any(|&i| oc3_given(&ctx.ret.oc3[i])))
}

/// Flags the child's OC3 rows that have care-leaver items given.
fn flag_oc3_given(ctx: &Ctx, flags: &mut Flags, child: &str) {
    for &i in ctx.index.oc3.get(child).into_iter().flatten() {
        if oc3_given(&ctx.ret.oc3[i]) {
            flags.flag(Oc3, i);
        }
    }
}

/// Whether any of the adoption items is given.
fn ad1_given(a: &model::Ad1) -> bool {
    !a.date_int.is_blank()
        || !a.date_match.is_blank()
        || a.foster_care.is_some()
        || a.nb_adoptr.is_some()
        || a.sex_adoptr.is_some()
        || a.ls_adoptr.is_some()
}

/// The four items every child in the OC2 cohort needs.
fn oc2_core(o: &model::Oc2) -> [&Option<String>; 4] {
    [&o.immunisations, &o.teeth_check, &o.health_assessment, &o.substance_misuse]
}

/// The eight twelve-month items (not the SDQ).
fn oc2_items(o: &model::Oc2) -> [&Option<String>; 8] {
    [
        &o.convicted,
        &o.health_check,
        &o.immunisations,
        &o.teeth_check,
        &o.health_assessment,
        &o.substance_misuse,
        &o.intervention_received,
        &o.intervention_offered,
    ]
}

fn any_given(cells: &[&Option<String>]) -> bool {
    cells.iter().any(|c| c.is_some())
}

/// The row's child, or "" (no child is continuously looked after).
fn child_of(child: &Option<String>) -> &str {
    child.as_deref().unwrap_or("")
}

/// The day a child with a readable date of birth turns `years`.
fn turns(dob: Option<Date>, years: i32) -> Option<Date> {
    dob.map(|d| birthday(d, years))
}

#[cfg(test)]
mod tests;
