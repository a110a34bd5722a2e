//! Reading the example extracts in `tests/data/ssd*` and the errors a bad
//! extract gives.

use children::care_history::validate;
use children::codes::CodeSets;
use time::macros::date;

use super::*;

macro_rules! extract_files {
    ($dir:literal) => {
        vec![
            (
                "ssd_person.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_person.csv")).to_vec(),
            ),
            (
                "ssd_legal_status.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_legal_status.csv")).to_vec(),
            ),
            (
                "ssd_cla_episodes.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_cla_episodes.csv")).to_vec(),
            ),
            (
                "SSD_CLA_PLACEMENT.CSV".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_cla_placement.csv")).to_vec(),
            ),
            (
                "ssd_cla_reviews.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_cla_reviews.csv")).to_vec(),
            ),
            (
                "ssd_cla_visits.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_cla_visits.csv")).to_vec(),
            ),
            (
                "ssd_professionals.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_professionals.csv")).to_vec(),
            ),
            (
                "ssd_involvements.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_involvements.csv")).to_vec(),
            ),
            (
                "ssd_immigration_status.csv".to_owned(),
                include_bytes!(concat!("../../tests/data/", $dir, "/ssd_immigration_status.csv")).to_vec(),
            ),
            ("notes.txt".to_owned(), b"ignored".to_vec()),
        ]
    };
}

fn example() -> Vec<(String, Vec<u8>)> {
    extract_files!("ssd")
}

fn replace(files: &mut [(String, Vec<u8>)], name: &str, text: &str) {
    let file = files.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)).unwrap();
    file.1 = text.as_bytes().to_vec();
}

#[test]
fn persons_map_with_their_identifiers() {
    let extract = read_extract(&example()).unwrap();
    assert_eq!(extract.persons.len(), 3);
    let amira = &extract.persons[0];
    assert_eq!(amira.la_child_id, "P001");
    assert_eq!((amira.sex.as_str(), amira.gender_identity.as_str()), ("F", "female"));
    assert_eq!(amira.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(amira.upn.as_deref(), Some("UN4"));
    assert_eq!(
        amira.uasc,
        Some(Uasc {
            is_uasc: true,
            ceased: None
        })
    );
    let jordan = &extract.persons[1];
    assert_eq!(jordan.date_of_birth, date!(2009 - 08 - 15));
    assert_eq!(jordan.legacy_id.as_deref(), Some("L-99"));
    assert_eq!(
        jordan.uasc,
        Some(Uasc {
            is_uasc: false,
            ceased: None
        })
    );
    assert_eq!(extract.persons[2].surname, "Brown, Jr");
    assert_eq!(extract.persons[2].date_of_birth, date!(2015 - 01 - 20));
}

#[test]
fn other_tables_map_and_link_to_their_person() {
    let extract = read_extract(&example()).unwrap();
    assert_eq!(extract.skipped_legal_statuses, 1, "the SGO is not a looked-after status");
    assert_eq!(extract.legal_statuses.len(), 2);
    assert_eq!(extract.episodes[1].reason_new.as_deref(), Some("P"));
    // PL2 names only its period of care; the episodes lead to the person.
    let pl2 = extract.placements.iter().find(|p| p.id == "PL2").unwrap();
    assert_eq!(pl2.person_id, "P001");
    assert_eq!(pl2.urn.as_deref(), Some("SC123456"));
    let r3 = extract.reviews.iter().find(|r| r.id == "R3").unwrap();
    assert_eq!(
        (r3.person_id.as_str(), r3.date, r3.participation.as_deref()),
        ("P002", Some(date!(2023 - 12 - 01)), Some("PN3"))
    );
    assert!(extract.reviews.iter().find(|r| r.id == "R4").unwrap().cancelled);
    assert_eq!(extract.reviews.iter().find(|r| r.id == "R2").unwrap().date, None);
    assert_eq!(extract.visits[0].seen_alone, Some(true));
    assert_eq!(extract.professionals[0].swe_number.as_deref(), Some("123456"));
    assert_eq!(extract.involvements[0].change_reason.as_deref(), Some("FCONTA"));
    assert_eq!(extract.involvements[0].team.as_deref(), Some("Looked After Team 1"));
}

#[test]
fn episodes_chained_by_x1_make_one_period_and_the_history_is_sound() {
    let extract = read_extract(&example()).unwrap();
    let histories = histories(&extract);
    let amira = &histories["P001"];
    assert_eq!(amira.periods.len(), 1);
    assert_eq!(amira.periods[0].0, "ssd:cla_episodes:E1");
    assert_eq!(amira.periods[0].1.end, None);
    let jordan = &histories["P002"];
    assert_eq!(jordan.periods[0].1.reason_ceased.as_deref(), Some("E4A"));
    assert!(histories["P003"].periods.is_empty());
    let codes = CodeSets::standard();
    for (person, history) in &histories {
        assert_eq!(validate(&history.history(), &codes), vec![], "{person}");
    }
    let newer_files = extract_files!("ssd-newer");
    let newer = histories_of(&newer_files);
    assert_eq!(newer["P001"].placements.len(), 3);
    assert_eq!(validate(&newer["P001"].history(), &codes), vec![]);
}

fn histories_of(files: &[(String, Vec<u8>)]) -> std::collections::BTreeMap<String, SourcedHistory> {
    histories(&read_extract(files).unwrap())
}

#[test]
fn a_missing_table_or_column_is_named() {
    let mut files = example();
    files.retain(|(name, _)| name != "ssd_cla_visits.csv");
    replace(&mut files, "ssd_professionals.csv", "prof_professional_id,prof_staff_id\nW1,S1\n");
    let errors = read_extract(&files).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(text.contains(
        &"ssd_cla_visits.csv: the extract has no such file; every table Hearth imports must be present, even if empty".to_owned()
    ));
    assert!(text.contains(
        &"ssd_professionals.csv, line 1, column prof_professional_name: this column is required but the file does not have it".to_owned()
    ));
}

#[test]
fn bad_values_are_named_by_file_line_and_column() {
    let mut files = example();
    replace(
        &mut files,
        "ssd_cla_visits.csv",
        "clav_cla_visit_id,clav_person_id,clav_cla_visit_date\nV1,P001,31/13/2024\nV2,P999,2024-01-01\n",
    );
    replace(
        &mut files,
        "ssd_person.csv",
        "pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob\nP001,A,K,F,2012-05-15\nP002,J,S,X,2009-08-15\nP003,T,B,M,\n",
    );
    let text: Vec<String> = read_extract(&files).unwrap_err().iter().map(ToString::to_string).collect();
    assert!(
        text.contains(&"ssd_person.csv, line 3, column pers_sex: 'X' is not a sex code: use M, F or U".to_owned()),
        "{text:?}"
    );
    assert!(text.contains(&"ssd_person.csv, line 4, column pers_dob: a date of birth (or pers_expected_dob) is required".to_owned()));
    assert!(text.contains(
        &"ssd_cla_visits.csv, line 2, column clav_cla_visit_date: '31/13/2024' is not a date; use yyyy-mm-dd or dd/mm/yyyy".to_owned()
    ));
    assert!(text.contains(&"ssd_cla_visits.csv, line 3, column clav_person_id: no person with id 'P999' is in ssd_person.csv".to_owned()));
}

#[test]
fn duplicate_ids_and_unknown_links_are_refused() {
    let mut files = example();
    replace(
        &mut files,
        "ssd_cla_reviews.csv",
        "clar_cla_review_id,clar_cla_id,clar_cla_review_date\nR1,CLA1,2024-10-15\nR1,CLA1,2024-11-15\nR9,CLA9,2024-11-15\n",
    );
    let text: Vec<String> = read_extract(&files).unwrap_err().iter().map(ToString::to_string).collect();
    assert!(
        text.contains(
            &"ssd_cla_reviews.csv, line 4, column clar_cla_id: no episode in ssd_cla_episodes.csv has clae_cla_id 'CLA9'".to_owned()
        ),
        "{text:?}"
    );
    assert!(text.contains(&"ssd_cla_reviews.csv: the id 'R1' appears on more than one row".to_owned()));
}

#[test]
fn source_refs_name_table_and_id() {
    assert_eq!(source_ref("person", "P001"), "ssd:person:P001");
}
