//! A clean return for rule tests: five children who, between them, touch
//! every table, with last year's return and the lookups, so that every rule
//! of 2025-26 runs and none fails. A rule's test breaks one thing in a copy
//! and checks the rule flags exactly the rows it should.
//!
//! The children (year 1 April 2025 to 31 March 2026, council E10000016):
//! * C1, a girl of 13 in long-term foster care since January 2024, who moved
//!   to an agency carer out of the area in September (the OC2 cohort); one
//!   missing spell; reviews; a social worker since she came into care;
//! * C2, a UASC boy of 15 who came into care in May, in a children's home;
//! * C3, a girl of 4 adopted in January after a placement order and an
//!   adoption placement;
//! * C4, a care leaver of 19 who left care at 18 last year (OC3 only);
//! * C5, a girl of 16 who came into care in April and became a mother in
//!   November.

use std::collections::BTreeMap;

use super::super::model::{Return, Row};
use super::super::tables::TableKind;
use super::super::validate::{validate, Lookups, OfstedProvider, PostcodeIndex, PostcodePlace};
use super::super::year::CollectionYear;

pub const LA: &str = "E10000016";

/// A row from its cells in column order; "" is blank.
pub fn row<R: Row>(cells: &[&str]) -> R {
    let cells = cells.iter().map(|c| (!c.is_empty()).then(|| (*c).to_owned())).collect();
    R::from_cells(0, cells)
}

fn rows<R: Row>(lines: &[&[&str]]) -> Vec<R> {
    lines
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut r: R = row(cells);
            // Lines as if read from a file: the column names are line 1.
            let cells = r.cells().into_iter().map(|c| c.map(str::to_owned)).collect();
            r = R::from_cells(u32::try_from(i).unwrap() + 2, cells);
            r
        })
        .collect()
}

/// This year's clean return, last year's, and the lookups.
pub fn clean() -> (Return, Return, Lookups) {
    (this_year(), last_year(), lookups())
}

pub fn this_year() -> Return {
    let mut r = Return::complete(CollectionYear::new(2026).unwrap());
    r.header = rows(&[
        &["C1", "F", "15/06/2012", "WBRI", "A123456789012", "0", ""],
        &["C2", "M", "03/03/2010", "BAFR", "B234567890123", "", ""],
        &["C3", "F", "20/07/2021", "WBRI", "UN1", "0", ""],
        &["C4", "M", "10/09/2006", "WBRI", "C345678901234", "", ""],
        &["C5", "F", "05/01/2010", "WBRI", "D456789012345", "1", "12/11/2025"],
    ]);
    r.episodes = rows(&[
        &[
            "C1",
            "10/01/2024",
            "S",
            "C2",
            "N1",
            "U4",
            "PR1",
            "05/09/2025",
            "X1",
            "CARPL",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
        &[
            "C1",
            "05/09/2025",
            "P",
            "C2",
            "N1",
            "U6",
            "PR4",
            "",
            "",
            "",
            "ME14 1AA",
            "SE1 7PB",
            "SC654321",
        ],
        &[
            "C2",
            "12/05/2025",
            "S",
            "V2",
            "N4",
            "K2",
            "PR4",
            "",
            "",
            "",
            "",
            "TN1 1AA",
            "SC123456",
        ],
        &[
            "C3",
            "10/10/2024",
            "L",
            "E1",
            "N1",
            "U6",
            "PR1",
            "15/06/2025",
            "X1",
            "CARPL",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
        &[
            "C3",
            "15/06/2025",
            "P",
            "E1",
            "N1",
            "A6",
            "PR1",
            "20/01/2026",
            "E11",
            "",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
        &[
            "C5",
            "02/04/2025",
            "S",
            "V2",
            "N5",
            "U6",
            "PR4",
            "",
            "",
            "",
            "ME14 1AA",
            "SE1 7PB",
            "SC654321",
        ],
    ]);
    r.uasc = rows(&[&["C2", "M", "03/03/2010", ""]]);
    r.reviews = rows(&[
        &["C1", "15/06/2012", "10/07/2025", "PN1"],
        &["C1", "15/06/2012", "08/01/2026", "PN1"],
        &["C2", "03/03/2010", "06/06/2025", "PN1"],
        &["C3", "20/07/2021", "01/05/2025", "PN0"],
        &["C5", "05/01/2010", "25/04/2025", "PN1"],
    ]);
    r.oc2 = rows(&[&["C1", "15/06/2012", "12", "", "0", "", "1", "1", "1", "0", "", ""]]);
    r.oc3 = rows(&[&["C4", "10/09/2006", "YES", "F5", "U1"]]);
    r.ad1 = rows(&[&["C3", "20/07/2021", "10/10/2024", "01/06/2025", "0", "2", "MF", "L11"]]);
    r.placed_adoption = rows(&[&["C3", "20/07/2021", "10/10/2024", "", ""]]);
    r.prev_perm = rows(&[&["C2", "03/03/2010", "Z1", "", ""], &["C5", "05/01/2010", "Z1", "", ""]]);
    r.missing = rows(&[&["C1", "15/06/2012", "M", "01/08/2025", "03/08/2025"]]);
    r.sw_episodes = rows(&[
        &["C1", "15/06/2012", "SW123456", "10/01/2024", "", "FCONTA"],
        &["C2", "03/03/2010", "SW654321", "12/05/2025", "", "FCONTA"],
        &["C3", "20/07/2021", "SW111111", "01/02/2023", "", ""],
        &["C5", "05/01/2010", "SW222222", "02/04/2025", "", "FCONTA"],
    ]);
    r
}

pub fn last_year() -> Return {
    let mut r = Return::complete(CollectionYear::new(2025).unwrap());
    r.header = rows(&[
        &["C1", "F", "15/06/2012", "WBRI", "A123456789012", "0", ""],
        &["C3", "F", "20/07/2021", "WBRI", "UN1", "", ""],
        &["C4", "M", "10/09/2006", "WBRI", "C345678901234", "", ""],
    ]);
    r.episodes = rows(&[
        &[
            "C1",
            "10/01/2024",
            "S",
            "C2",
            "N1",
            "U4",
            "PR1",
            "",
            "",
            "",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
        &[
            "C3",
            "01/02/2023",
            "S",
            "C2",
            "N1",
            "U6",
            "PR1",
            "10/10/2024",
            "X1",
            "",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
        &[
            "C3",
            "10/10/2024",
            "L",
            "E1",
            "N1",
            "U6",
            "PR1",
            "",
            "",
            "",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
        &[
            "C4",
            "01/01/2021",
            "S",
            "C2",
            "N1",
            "U4",
            "PR1",
            "10/09/2024",
            "E17",
            "",
            "ME14 1AA",
            "ME15 6AA",
            "1234567",
        ],
    ]);
    r.reviews = rows(&[&["C1", "15/06/2012", "10/07/2024", "PN1"]]);
    r.oc2 = rows(&[&["C1", "15/06/2012", "14", "", "", "", "1", "1", "1", "0", "", ""]]);
    r.placed_adoption = rows(&[&["C3", "20/07/2021", "10/10/2024", "", ""]]);
    r.sw_episodes = rows(&[
        &["C1", "15/06/2012", "SW123456", "10/01/2024", "", "FCONTA"],
        &["C3", "20/07/2021", "SW111111", "01/02/2023", "", ""],
    ]);
    r
}

pub fn lookups() -> Lookups {
    let mut postcodes = PostcodeIndex::default();
    for (postcode, easting, northing, la) in [
        ("ME14 1AA", 576_000, 156_000, LA),
        ("ME15 6AA", 577_000, 154_000, LA),
        ("TN1 1AA", 558_000, 139_000, LA),
        ("SE1 7PB", 531_000, 179_000, "E09000022"),
    ] {
        postcodes.insert(
            postcode,
            PostcodePlace {
                easting,
                northing,
                la: la.to_owned(),
            },
        );
    }
    let provider = |codes: &[&str], provider: &str, postcode: &str, la: &str| OfstedProvider {
        placement_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
        provider_code: Some(provider.to_owned()),
        deregistered: None,
        postcode: Some(postcode.to_owned()),
        la: Some(la.to_owned()),
    };
    let fostering_and_adoption = ["U1", "U2", "U3", "U4", "U5", "U6", "A3", "A4", "A5", "A6"];
    let providers = BTreeMap::from([
        ("1234567".to_owned(), provider(&fostering_and_adoption, "PR1", "ME15 6AA", LA)),
        ("SC654321".to_owned(), provider(&["U4", "U5", "U6"], "PR4", "SE1 7PB", "E09000022")),
        ("SC123456".to_owned(), provider(&["K2"], "PR4", "TN1 1AA", LA)),
    ]);
    Lookups {
        la: Some(LA.to_owned()),
        postcodes: Some(postcodes),
        providers: Some(providers),
    }
}

/// The rows one rule flags in `ret`, with last year's clean return and the
/// clean lookups.
pub fn flags(code: &str, ret: &Return) -> Vec<(TableKind, usize)> {
    flags_with(code, ret, Some(&last_year()), &lookups())
}

/// The rows one rule flags, given everything. Panics if the rule is not in
/// the year's pack or was skipped, so a test cannot pass by not running.
pub fn flags_with(code: &str, ret: &Return, prev: Option<&Return>, lookups: &Lookups) -> Vec<(TableKind, usize)> {
    let report = validate(ret, prev, lookups);
    assert!(
        report.ran.contains(&code),
        "rule {code} did not run: {:?}",
        report.skipped.iter().find(|s| s.0 == code)
    );
    report
        .findings
        .into_iter()
        .find(|f| f.code == code)
        .map(|f| f.rows)
        .unwrap_or_default()
}

#[test]
fn lines_count_from_the_column_names() {
    assert_eq!(this_year().header[0].line, 2);
    assert_eq!(this_year().locate(TableKind::Episodes, 1), (Some("C1"), 3));
}
