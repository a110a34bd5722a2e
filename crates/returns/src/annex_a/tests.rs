//! Annex A lists from hand-built facts.

use children::care_history::{LegalStatus, Period, Placement};
use time::macros::date;
use time::Date;

use super::*;
use crate::ssda903::facts::{AdoptionDecision, CareLeaverContact, MissingSpell};

fn period(start: Date, end: Option<Date>, reason: Option<&str>) -> Period {
    Period {
        start,
        end,
        reason_ceased: reason.map(str::to_owned),
        category_of_need: "N1".to_owned(),
    }
}

fn status(code: &str, start: Date, end: Option<Date>) -> LegalStatus {
    LegalStatus {
        code: code.to_owned(),
        start,
        end,
    }
}

fn placement(place: &str, start: Date, end: Option<Date>) -> Placement {
    Placement {
        place: place.to_owned(),
        provider_type: "PR1".to_owned(),
        urn: Some("SC123456".to_owned()),
        postcode: Some("AB1 2CD".to_owned()),
        start,
        end,
        reason_for_change: None,
    }
}

fn child(id: &str, dob: Date) -> Child {
    Child {
        facts: ChildFacts::new(id, "F", dob, "WBRI"),
        extra: ChildExtra::default(),
    }
}

const AS_AT: Date = date!(2026 - 11 - 22);

fn cell<'a>(def: &ListDef, row: &'a [String], heading: &str) -> &'a str {
    let at = def
        .headings
        .iter()
        .position(|h| *h == heading)
        .unwrap_or_else(|| panic!("no heading {heading}"));
    &row[at]
}

#[test]
fn every_row_has_a_cell_per_heading_and_lists_are_in_order() {
    assert_eq!(LISTS.map(|l| l.number), [8, 9, 10]);
    assert_eq!(LIST_8.headings.len(), 34);
    assert_eq!(LIST_9.headings.len(), 17);
    assert_eq!(LIST_10.headings.len(), 16);
    assert_eq!(LIST_8.sheet_name(), "List 8");
    let mut c = child("C1", date!(2012 - 05 - 17));
    c.facts.history.periods.push(period(date!(2025 - 02 - 01), None, None));
    let lists = lists(&[c], AS_AT, default_window_start(AS_AT));
    for list in lists {
        for row in &list.rows {
            assert_eq!(row.len(), list.def.headings.len(), "list {}", list.def.number);
        }
    }
}

#[test]
fn list_8_holds_children_in_care_now_and_those_who_left_in_the_window() {
    let window = default_window_start(AS_AT);
    assert_eq!(window, date!(2026 - 05 - 22));
    let mut now = child("NOW", date!(2012 - 05 - 17));
    now.facts.history.periods.push(period(date!(2025 - 02 - 01), None, None));
    let mut left = child("LEFT", date!(2010 - 01 - 01));
    left.facts
        .history
        .periods
        .push(period(date!(2024 - 01 - 01), Some(date!(2026 - 07 - 01)), Some("E4A")));
    let mut long_gone = child("GONE", date!(2010 - 01 - 01));
    long_gone
        .facts
        .history
        .periods
        .push(period(date!(2024 - 01 - 01), Some(date!(2026 - 03 - 01)), Some("E4A")));
    let mut breaks = child("BREAK", date!(2015 - 01 - 01));
    breaks.facts.history.periods.push(period(date!(2026 - 01 - 01), None, None));
    breaks.facts.history.legal_statuses.push(status("V3", date!(2026 - 01 - 01), None));
    let never = child("NEVER", date!(2015 - 01 - 01));
    let future = {
        let mut c = child("LATER", date!(2015 - 01 - 01));
        c.facts.history.periods.push(period(date!(2026 - 12 - 01), None, None));
        c
    };
    let rows = list_8(&[now, left, long_gone, breaks, never, future], AS_AT, window);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["NOW", "LEFT"]);
    assert_eq!(cell(&LIST_8, &rows[0], "Date Ceased to be Looked After"), "");
    assert_eq!(cell(&LIST_8, &rows[1], "Date Ceased to be Looked After"), "01/07/2026");
    assert_eq!(
        cell(&LIST_8, &rows[1], "Reason Ceased to be Looked After"),
        "e) E4A: Returned home to live with parents or relatives - part of planning"
    );
}

#[test]
fn list_8_columns_come_from_the_care_history_and_casework() {
    let mut c = child("C42", date!(2012 - 05 - 17));
    let f = &mut c.facts;
    f.uasc = true;
    f.history
        .periods
        .push(period(date!(2025 - 12 - 01), Some(date!(2026 - 01 - 31)), Some("E4A")));
    f.history.periods.push(period(date!(2026 - 03 - 01), None, None));
    f.history
        .legal_statuses
        .push(status("V2", date!(2026 - 03 - 01), Some(date!(2026 - 04 - 10))));
    f.history.legal_statuses.push(status("C1", date!(2026 - 04 - 10), None));
    f.history
        .placements
        .push(placement("U6", date!(2025 - 12 - 01), Some(date!(2026 - 01 - 31))));
    f.history
        .placements
        .push(placement("U6", date!(2026 - 03 - 01), Some(date!(2026 - 06 - 01))));
    f.history.placements.push(placement("K2", date!(2026 - 06 - 01), None));
    f.reviews.push((date!(2026 - 09 - 01), Some("PN1".to_owned())));
    f.reviews.push((date!(2026 - 12 - 01), None));
    f.missing.push(MissingSpell {
        kind: "M".to_owned(),
        start: date!(2026 - 08 - 01),
        end: Some(date!(2026 - 08 - 02)),
    });
    f.missing.push(MissingSpell {
        kind: "M".to_owned(),
        start: date!(2025 - 08 - 01),
        end: None,
    });
    f.missing.push(MissingSpell {
        kind: "A".to_owned(),
        start: date!(2026 - 10 - 01),
        end: None,
    });
    c.extra = ChildExtra {
        disabilities: vec!["NONE".to_owned()],
        team: Some("North".to_owned()),
        worker: Some("Sam Worker".to_owned()),
        visits: vec![date!(2026 - 10 - 30), date!(2025 - 12 - 20)],
        health_assessments: vec![date!(2026 - 03 - 20)],
    };
    let rows = list_8(&[c], AS_AT, default_window_start(AS_AT));
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let expect = [
        ("Child Unique ID", "C42"),
        ("Gender", "b) Female"),
        ("Ethnicity", "a) WBRI"),
        ("Date of Birth", "17/05/2012"),
        ("Age of Child (Years)", "14"),
        (
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            "a) Yes",
        ),
        ("Does the Child have a Disability", "b) No"),
        ("Date Started to be Looked After", "01/03/2026"),
        ("Child's Category of Need", "N1 - Abuse or neglect"),
        (
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
            "a) Yes",
        ),
        ("Start date of current legal status", "10/04/2026"),
        ("Child's Legal Status", "C1: ICO"),
        ("Date of Latest Statutory Review", "01/09/2026"),
        ("Date of Last Social Work Visit", "30/10/2026"),
        ("Date of Last Health Assessment", "20/03/2026"),
        ("Number of Placements in the Last 12 months", "3"),
        ("Start Date of Most Recent Placement", "01/06/2026"),
        ("Placement Type", "p) K2: Children's Homes"),
        ("Placement Provider", "b) PR1: Own provision"),
        ("Placement postcode", "AB1 2CD"),
        ("URN of Placement", "SC123456"),
        (
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            "1",
        ),
        (
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            "1",
        ),
        ("Allocated Team", "North"),
        ("Allocated Worker", "Sam Worker"),
    ];
    for (heading, value) in expect {
        assert_eq!(cell(&LIST_8, row, heading), value, "{heading}");
    }
}

#[test]
fn list_9_derives_eligibility_from_time_in_care() {
    // In care since 15, now 17: eligible.
    let mut eligible = child("ELIG", date!(2009 - 06 - 01));
    eligible.facts.history.periods.push(period(date!(2024 - 09 - 01), None, None));
    // Left care at 17 after a year: relevant.
    let mut relevant = child("REL", date!(2009 - 03 - 01));
    relevant
        .facts
        .history
        .periods
        .push(period(date!(2025 - 06 - 01), Some(date!(2026 - 06 - 01)), Some("E5")));
    // Left at 18, now 19, with an OC3 contact: former relevant.
    let mut former = child("FORMER", date!(2007 - 02 - 10));
    former
        .facts
        .history
        .periods
        .push(period(date!(2020 - 01 - 01), Some(date!(2025 - 02 - 10)), Some("E17")));
    former.facts.care_leaver.push((
        2026,
        CareLeaverContact {
            in_touch: "YES".to_owned(),
            activity: "F2".to_owned(),
            accommodation: "D1".to_owned(),
        },
    ));
    // Six weeks in care at 16: not entitled.
    let mut short = child("SHORT", date!(2009 - 06 - 01));
    short
        .facts
        .history
        .periods
        .push(period(date!(2025 - 07 - 01), Some(date!(2025 - 08 - 12)), Some("E4A")));
    // Adopted: not a care leaver.
    let mut adopted = child("ADOPTED", date!(2009 - 06 - 01));
    adopted
        .facts
        .history
        .periods
        .push(period(date!(2020 - 01 - 01), Some(date!(2026 - 01 - 01)), Some("E11")));
    // Under 16 in care: not yet.
    let mut young = child("YOUNG", date!(2012 - 01 - 01));
    young.facts.history.periods.push(period(date!(2024 - 01 - 01), None, None));

    let rows = list_9(&[eligible, relevant, former, short, adopted, young], AS_AT);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), cell(&LIST_9, r, "Eligibility Category")))
        .collect();
    assert_eq!(
        got,
        [
            ("ELIG", "d) Eligible child"),
            ("REL", "a) Relevant child"),
            ("FORMER", "b) Former relevant child")
        ]
    );
    let former = &rows[2];
    assert_eq!(cell(&LIST_9, former, "LA in Touch"), "a) Yes");
    assert_eq!(
        cell(&LIST_9, former, "Type of Accommodation"),
        "D: Semi-independent, transitional accommodation and self-contained accommodation"
    );
    assert_eq!(cell(&LIST_9, former, "Suitability of Accommodation"), "a) Suitable");
    assert_eq!(
        cell(&LIST_9, former, "Activity Status"),
        "F2: Full time in education other than higher"
    );
    assert_eq!(cell(&LIST_9, former, "Does the Child have a Disability"), "c) Unknown");
}

#[test]
fn list_10_holds_adoptions_waiting_done_or_reversed_in_the_last_year() {
    let decision = |decided_on, ceased_on, reason: Option<&str>| AdoptionDecision {
        decided_on,
        ceased_on,
        reason_ceased: reason.map(str::to_owned),
    };
    let mut waiting = child("WAIT", date!(2023 - 01 - 01));
    let f = &mut waiting.facts;
    f.history.periods.push(period(date!(2024 - 03 - 01), None, None));
    f.history
        .legal_statuses
        .push(status("C2", date!(2024 - 03 - 01), Some(date!(2025 - 05 - 01))));
    f.history.legal_statuses.push(status("E1", date!(2025 - 05 - 01), None));
    f.history
        .placements
        .push(placement("U5", date!(2024 - 03 - 01), Some(date!(2025 - 09 - 01))));
    f.history.placements.push(placement("A5", date!(2025 - 09 - 01), None));
    f.adoption_decisions.push(decision(date!(2025 - 01 - 10), None, None));
    f.adoption = Some(crate::ssda903::facts::Adoption {
        matched_on: Some(date!(2025 - 08 - 01)),
        ..Default::default()
    });
    let mut adopted = child("DONE", date!(2022 - 01 - 01));
    adopted
        .facts
        .history
        .periods
        .push(period(date!(2023 - 01 - 01), Some(date!(2026 - 02 - 01)), Some("E11")));
    adopted.facts.adoption_decisions.push(decision(date!(2024 - 01 - 10), None, None));
    let mut old = child("OLD", date!(2020 - 01 - 01));
    old.facts
        .history
        .periods
        .push(period(date!(2021 - 01 - 01), Some(date!(2024 - 02 - 01)), Some("E12")));
    old.facts.adoption_decisions.push(decision(date!(2022 - 01 - 10), None, None));
    let mut reversed = child("REV", date!(2020 - 01 - 01));
    reversed.facts.history.periods.push(period(date!(2021 - 01 - 01), None, None));
    reversed
        .facts
        .adoption_decisions
        .push(decision(date!(2022 - 01 - 10), Some(date!(2026 - 04 - 01)), Some("RD3")));

    let rows = list_10(&[waiting, adopted, old, reversed], AS_AT);
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["WAIT", "DONE", "REV"]);
    let w = &rows[0];
    assert_eq!(cell(&LIST_10, w, "Date the Child Entered Care"), "01/03/2024");
    assert_eq!(
        cell(&LIST_10, w, "Date of Decision that Child Should be Placed for Adoption"),
        "10/01/2025"
    );
    assert_eq!(cell(&LIST_10, w, "Date of Placement Order"), "01/05/2025");
    assert_eq!(cell(&LIST_10, w, "Date of Matching Child and Prospective Adopters"), "01/08/2025");
    assert_eq!(cell(&LIST_10, w, "Date Placed for Adoption"), "01/09/2025");
    assert_eq!(
        cell(
            &LIST_10,
            w,
            "Date the child was placed for fostering in FFA or concurrent planning placement"
        ),
        "01/03/2024"
    );
    assert_eq!(cell(&LIST_10, &rows[1], "Date of Adoption Order"), "01/02/2026");
    assert_eq!(
        cell(&LIST_10, &rows[2], "Reason Why Child No Longer Placed for Adoption"),
        "RD3 - Prospective adopters could not be found"
    );
}

#[test]
fn months_before_clamps_to_month_end_and_crosses_years() {
    assert_eq!(months_before(date!(2026 - 08 - 31), 6), date!(2026 - 02 - 28));
    assert_eq!(months_before(date!(2026 - 03 - 15), 6), date!(2025 - 09 - 15));
    assert_eq!(months_before(date!(2028 - 02 - 29), 12), date!(2027 - 02 - 28));
}

#[test]
fn unknown_codes_are_written_not_dropped() {
    assert_eq!(
        codes::placement_type("K3"),
        format!("K3: {}", children::codes::CodeSets::standard().label("place", "K3"))
    );
    assert_eq!(codes::ethnicity("XXXX"), "s) NOBT");
    assert_eq!(codes::gender("U"), "c) Not stated/recorded");
    assert_eq!(codes::accommodation("0"), (String::new(), String::new()));
}
