//! Golden files: the SSDA903 tables Hearth writes for five children whose
//! records touch every table, compared byte for byte with the files in
//! `tests/golden/<year>/`. A change to the export shows up as a diff here.
//! After a deliberate change, regenerate with `UPDATE_GOLDEN=1 cargo test
//! -p returns --test golden` and read the diff before committing it.

use children::care_history::{CareHistory, LegalStatus, Period, Placement};
use returns::ssda903::facts::{
    Adoption, AdoptionDecision, CareLeaverContact, ChildFacts, Dated, HealthOutcomes, MissingSpell, PreviousPermanence, WorkerSpell,
};
use returns::ssda903::{csv, export, validate, CollectionYear, Lookups, TableKind};
use time::macros::date;
use time::Date;

fn placement(
    place: &str,
    provider: &str,
    urn: Option<&str>,
    postcode: &str,
    start: Date,
    end: Option<Date>,
    why: Option<&str>,
) -> Placement {
    Placement {
        place: place.into(),
        provider_type: provider.into(),
        urn: urn.map(Into::into),
        postcode: Some(postcode.into()),
        start,
        end,
        reason_for_change: why.map(Into::into),
    }
}

fn period(start: Date, end: Option<Date>, reason: Option<&str>, need: &str) -> Period {
    Period {
        start,
        end,
        reason_ceased: reason.map(Into::into),
        category_of_need: need.into(),
    }
}

fn status(code: &str, start: Date, end: Option<Date>) -> LegalStatus {
    LegalStatus {
        code: code.into(),
        start,
        end,
    }
}

fn home(start: Date) -> Vec<Dated<String>> {
    vec![Dated {
        value: "ME14 1AA".into(),
        start,
        end: None,
    }]
}

fn worker(number: &str, start: Date, reason: Option<&str>) -> WorkerSpell {
    WorkerSpell {
        swe_number: Some(number.into()),
        start,
        end: None,
        reason: reason.map(Into::into),
    }
}

fn children() -> Vec<ChildFacts> {
    let mut c1 = ChildFacts::new("C1", "F", date!(2012 - 06 - 15), "WBRI");
    c1.upn = Some("A123456789012".into());
    c1.mother = Some(false);
    c1.history = CareHistory {
        periods: vec![period(date!(2024 - 01 - 10), None, None, "N1")],
        legal_statuses: vec![status("C2", date!(2024 - 01 - 10), None)],
        placements: vec![
            placement(
                "U4",
                "PR1",
                Some("1234567"),
                "ME15 6AA",
                date!(2024 - 01 - 10),
                Some(date!(2025 - 09 - 05)),
                Some("CARPL"),
            ),
            placement("U6", "PR4", Some("SC654321"), "SE1 7PB", date!(2025 - 09 - 05), None, None),
        ],
    };
    c1.home_postcodes = home(date!(2012 - 06 - 15));
    c1.reviews = vec![
        (date!(2025 - 07 - 10), Some("PN1".into())),
        (date!(2026 - 01 - 08), Some("PN1".into())),
    ];
    c1.health = vec![(
        2026,
        HealthOutcomes {
            sdq_score: Some(12),
            convicted: Some(false),
            immunisations: Some(true),
            teeth_check: Some(true),
            health_assessment: Some(true),
            substance_misuse: Some(false),
            ..HealthOutcomes::default()
        },
    )];
    c1.missing = vec![MissingSpell {
        kind: "M".into(),
        start: date!(2025 - 08 - 01),
        end: Some(date!(2025 - 08 - 03)),
    }];
    c1.social_workers = vec![worker("123456", date!(2024 - 01 - 10), Some("FCONTA"))];

    let mut c2 = ChildFacts::new("C2", "M", date!(2010 - 03 - 03), "BAFR");
    c2.upn = Some("B234567890123".into());
    c2.uasc = true;
    c2.history = CareHistory {
        periods: vec![period(date!(2025 - 05 - 12), None, None, "N4")],
        legal_statuses: vec![status("V2", date!(2025 - 05 - 12), None)],
        placements: vec![placement(
            "K2",
            "PR4",
            Some("SC123456"),
            "TN1 1AA",
            date!(2025 - 05 - 12),
            None,
            None,
        )],
    };
    c2.reviews = vec![(date!(2025 - 06 - 06), Some("PN1".into()))];
    c2.previous_permanence = vec![PreviousPermanence {
        period_start: date!(2025 - 05 - 12),
        arrangement: "Z1".into(),
        la_code: None,
        date_text: None,
    }];
    c2.social_workers = vec![worker("654321", date!(2025 - 05 - 12), Some("FCONTA"))];
    c2.dolos = vec![Dated {
        value: (),
        start: date!(2026 - 06 - 01),
        end: Some(date!(2026 - 12 - 01)),
    }];

    let mut c3 = ChildFacts::new("C3", "F", date!(2021 - 07 - 20), "WBRI");
    c3.upn = Some("UN1".into());
    c3.mother = Some(false);
    c3.history = CareHistory {
        periods: vec![period(date!(2023 - 02 - 01), Some(date!(2026 - 01 - 20)), Some("E11"), "N1")],
        legal_statuses: vec![
            status("C2", date!(2023 - 02 - 01), Some(date!(2024 - 10 - 10))),
            status("E1", date!(2024 - 10 - 10), Some(date!(2026 - 01 - 20))),
        ],
        placements: vec![
            placement(
                "U6",
                "PR1",
                Some("1234567"),
                "ME15 6AA",
                date!(2023 - 02 - 01),
                Some(date!(2025 - 06 - 15)),
                Some("CARPL"),
            ),
            placement(
                "A6",
                "PR1",
                Some("1234567"),
                "ME15 6AA",
                date!(2025 - 06 - 15),
                Some(date!(2026 - 01 - 20)),
                None,
            ),
        ],
    };
    c3.home_postcodes = home(date!(2021 - 07 - 20));
    c3.reviews = vec![(date!(2025 - 05 - 01), Some("PN0".into()))];
    c3.adoption = Some(Adoption {
        should_be_placed_on: Some(date!(2024 - 10 - 10)),
        matched_on: Some(date!(2025 - 06 - 01)),
        by_foster_carer: Some(false),
        number_of_adopters: Some(2),
        adopter_sexes: Some("MF".into()),
        adopter_status: Some("L11".into()),
    });
    c3.adoption_decisions = vec![AdoptionDecision {
        decided_on: date!(2024 - 10 - 10),
        ceased_on: None,
        reason_ceased: None,
    }];
    c3.social_workers = vec![WorkerSpell {
        swe_number: Some("111111".into()),
        start: date!(2023 - 02 - 01),
        end: None,
        reason: None,
    }];

    let mut c4 = ChildFacts::new("C4", "M", date!(2006 - 09 - 10), "WBRI");
    c4.upn = Some("C345678901234".into());
    c4.history = CareHistory {
        periods: vec![period(date!(2021 - 01 - 01), Some(date!(2024 - 09 - 10)), Some("E17"), "N1")],
        legal_statuses: vec![status("C2", date!(2021 - 01 - 01), Some(date!(2024 - 09 - 10)))],
        placements: vec![placement(
            "U4",
            "PR1",
            Some("1234567"),
            "ME15 6AA",
            date!(2021 - 01 - 01),
            Some(date!(2024 - 09 - 10)),
            None,
        )],
    };
    c4.care_leaver = vec![(
        2026,
        CareLeaverContact {
            in_touch: "YES".into(),
            activity: "F5".into(),
            accommodation: "U1".into(),
        },
    )];

    let mut c5 = ChildFacts::new("C5", "F", date!(2010 - 01 - 05), "WBRI");
    c5.upn = Some("D456789012345".into());
    c5.mother = Some(true);
    c5.first_child_born_on = Some(date!(2025 - 11 - 12));
    c5.history = CareHistory {
        periods: vec![period(date!(2025 - 04 - 02), None, None, "N5")],
        legal_statuses: vec![status("V2", date!(2025 - 04 - 02), None)],
        placements: vec![placement(
            "U6",
            "PR4",
            Some("SC654321"),
            "SE1 7PB",
            date!(2025 - 04 - 02),
            None,
            None,
        )],
    };
    c5.home_postcodes = home(date!(2010 - 01 - 05));
    c5.reviews = vec![(date!(2025 - 04 - 25), Some("PN1".into()))];
    c5.previous_permanence = vec![PreviousPermanence {
        period_start: date!(2025 - 04 - 02),
        arrangement: "Z1".into(),
        la_code: None,
        date_text: None,
    }];
    c5.social_workers = vec![worker("222222", date!(2025 - 04 - 02), Some("FCONTA"))];
    vec![c1, c2, c3, c4, c5]
}

fn check_year(ending: i32) {
    let year = CollectionYear::new(ending).unwrap();
    let ret = export::build(year, &children());
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(ending.to_string());
    for table in TableKind::of_year(year) {
        let written = csv::write_table(&ret, table);
        let path = folder.join(table.file_name());
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&path, &written).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(written, golden, "{} differs from its golden file", table.file_name());
    }
}

#[test]
fn every_table_of_2025_26_matches_its_golden_file() {
    check_year(2026);
}

#[test]
fn every_table_of_2026_27_matches_its_golden_file_dolo_included() {
    check_year(2027);
}

#[test]
fn the_golden_return_reads_back_as_written() {
    let year = CollectionYear::new(2026).unwrap();
    let ret = export::build(year, &children());
    let files: Vec<(String, Vec<u8>)> = TableKind::of_year(year)
        .map(|t| (t.file_name().to_owned(), csv::write_table(&ret, t).into_bytes()))
        .collect();
    let read = csv::read_return(year, &files).unwrap();
    for table in TableKind::of_year(year) {
        assert_eq!(csv::write_table(&read, table), csv::write_table(&ret, table), "{table}");
    }
}

#[test]
fn the_golden_return_passes_the_rules_that_need_no_lookups() {
    let year = CollectionYear::new(2026).unwrap();
    let ret = export::build(year, &children());
    let previous = export::build(year.previous(), &children());
    let report = validate(&ret, Some(&previous), &Lookups::default());
    let failures: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {} {:?}", f.code, f.message, f.rows))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_first_child_born_after_the_year_belongs_to_a_later_return() {
    let mut mother = children().remove(4);
    mother.first_child_born_on = Some(date!(2026 - 05 - 01));
    let header = |ending: i32| {
        let ret = export::build(CollectionYear::new(ending).unwrap(), std::slice::from_ref(&mother));
        (ret.header[0].mother.clone(), ret.header[0].mc_dob.raw().map(str::to_owned))
    };
    assert_eq!(header(2026), (Some("0".to_owned()), None));
    assert_eq!(header(2027), (Some("1".to_owned()), Some("01/05/2026".to_owned())));
}
