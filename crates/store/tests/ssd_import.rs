//! SSD extract import on both backends: a first import, the same extract
//! again (nothing changes, one audit event), a newer extract (exactly its
//! changes), and extracts that must write nothing.

use std::path::PathBuf;

use authz::cap::{ManageUsers, RecordChildren};
use authz::{Actor, Can};
use children::codes::CodeSets;
use returns::ssd::{read_extract, Extract};
use sqlx::Row;
use store::on_both_backends;
use store::ssd_import::{Counts, SsdSummary};
use store::testing::TestDatabase;
use store::StoreError;
use time::macros::date;

on_both_backends!(
    an_extract_imports_once_and_a_newer_one_changes_exactly_what_changed,
    an_unsound_history_writes_nothing,
    a_placement_others_refer_to_is_never_deleted,
);

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../returns/tests/data").join(dir);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn replace(files: &mut [(String, Vec<u8>)], name: &str, text: &str) {
    files.iter_mut().find(|(n, _)| n == name).unwrap().1 = text.as_bytes().to_vec();
}

async fn import(db: &TestDatabase, extract: &Extract) -> Result<SsdSummary, StoreError> {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let summary = store::ssd_import::import(
        &mut cmd,
        &Can::<RecordChildren>::system(),
        &Can::<ManageUsers>::system(),
        extract,
        &CodeSets::standard(),
    )
    .await?;
    cmd.commit().await.unwrap();
    Ok(summary)
}

const TABLES: [&str; 8] = [
    "children",
    "users",
    "periods_of_care",
    "legal_statuses",
    "placements",
    "care_events",
    "worker_allocations",
    "audit_events",
];

async fn counts(db: &TestDatabase) -> Vec<i64> {
    let mut out = Vec::new();
    for table in TABLES {
        let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db.store.pool())
            .await
            .unwrap();
        out.push(row.try_get::<i64, _>(0).unwrap());
    }
    out
}

fn counted(inserted: usize, updated: usize, unchanged: usize, deleted: usize) -> Counts {
    Counts {
        inserted,
        updated,
        unchanged,
        deleted,
    }
}

async fn child_id(db: &TestDatabase, la_child_id: &str) -> kernel::ChildId {
    let row = sqlx::query("SELECT id FROM children WHERE la_child_id = $1")
        .bind(la_child_id)
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    kernel::ChildId::new(row.try_get(0).unwrap())
}

async fn an_extract_imports_once_and_a_newer_one_changes_exactly_what_changed(db: TestDatabase) {
    let extract = read_extract(&files("ssd")).unwrap();
    let first = import(&db, &extract).await.unwrap();
    assert_eq!(first.children, counted(3, 0, 0, 0));
    assert_eq!(first.workers, counted(2, 0, 0, 0));
    assert_eq!(first.allocations, counted(2, 0, 0, 0));
    assert_eq!(first.periods, counted(2, 0, 0, 0));
    assert_eq!(first.legal_statuses, counted(2, 0, 0, 0));
    assert_eq!(first.placements, counted(3, 0, 0, 0));
    assert_eq!(first.reviews, counted(2, 0, 0, 0), "R2 is not yet held and R4 was cancelled");
    assert_eq!(first.visits, counted(2, 0, 0, 0));
    assert_eq!(first.skipped_legal_statuses, 1);
    let after_first = counts(&db).await;

    let amira = child_id(&db, "P001").await;
    let record = store::child_records::find_record(&db.store, amira).await.unwrap().unwrap();
    assert_eq!(record.summary.family_name, "Khan");
    assert_eq!(record.summary.worker_name.as_deref(), Some("Sam Patel"));
    assert!(record.details.uasc);
    assert_eq!(record.details.nhs_number.as_deref(), Some("9434765919"));
    let reviews: Vec<_> = store::casework::events(&db.store, amira).await.unwrap();
    assert_eq!(reviews.len(), 2, "one review and one visit");
    let swe = sqlx::query("SELECT swe_number FROM users WHERE username = 'ssd-w1'")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    assert_eq!(swe.try_get::<Option<String>, _>(0).unwrap().as_deref(), Some("123456"));

    // The same extract again: nothing changes but the one batch event.
    let again = import(&db, &extract).await.unwrap();
    for (kind, counts) in again.kinds() {
        assert_eq!((counts.inserted, counts.updated, counts.deleted), (0, 0, 0), "{kind}");
    }
    assert_eq!(again.placements.unchanged, 3);
    let mut expected = after_first.clone();
    expected[7] += 1;
    assert_eq!(counts(&db).await, expected);

    // A newer extract: a surname changed, a placement ended, a new
    // placement and a new review.
    let newer = import(&db, &read_extract(&files("ssd-newer")).unwrap()).await.unwrap();
    assert_eq!(newer.children, counted(0, 1, 2, 0));
    assert_eq!(newer.placements, counted(1, 1, 2, 0));
    assert_eq!(newer.reviews, counted(1, 0, 2, 0));
    for counts in [newer.workers, newer.allocations, newer.periods, newer.legal_statuses, newer.visits] {
        assert_eq!((counts.inserted, counts.updated, counts.deleted), (0, 0, 0));
    }
    let jordan = store::children::find(&db.store, child_id(&db, "P002").await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(jordan.family_name, "Smith-Jones");
    assert_eq!(jordan.version, 2);
    let history = store::care_history::history_of(&db.store, amira).await.unwrap();
    let ends: Vec<_> = history
        .placements
        .iter()
        .map(|p| (p.interval.place.as_str(), p.interval.end, p.interval.reason_for_change.as_deref()))
        .collect();
    assert_eq!(
        ends,
        vec![
            ("U6", Some(date!(2024 - 09 - 01)), Some("CARPL")),
            ("K2", Some(date!(2025 - 03 - 01)), Some("STAND")),
            ("U6", None, None),
        ]
    );
    let mut expected = after_first;
    expected[4] += 1;
    expected[5] += 1;
    expected[7] += 2;
    assert_eq!(counts(&db).await, expected);
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());
}

async fn an_unsound_history_writes_nothing(db: TestDatabase) {
    let mut files = files("ssd");
    // PL2 now starts before PL1 ends.
    let placements = String::from_utf8(files.iter().find(|(n, _)| n == "ssd_cla_placement.csv").unwrap().1.clone())
        .unwrap()
        .replace("PL2,2024-09-01", "PL2,2024-08-01");
    replace(&mut files, "ssd_cla_placement.csv", &placements);
    let before = counts(&db).await;
    let refused = import(&db, &read_extract(&files).unwrap()).await;
    let Err(StoreError::Rejected(problems)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(
        problems
            .iter()
            .any(|p| p == "child P001 (ssd_person P001): the placement starting 10/04/2024 overlaps the one starting 01/08/2024; end the first before the second starts"),
        "{problems:?}"
    );
    assert!(problems.iter().all(|p| p.starts_with("child P001")), "{problems:?}");
    assert_eq!(counts(&db).await, before);
}

async fn a_placement_others_refer_to_is_never_deleted(db: TestDatabase) {
    import(&db, &read_extract(&files("ssd")).unwrap()).await.unwrap();
    sqlx::query(
        "INSERT INTO monitoring_events (placement_id, kind, occurred_on, summary, created_at)
         VALUES ((SELECT id FROM placements WHERE source_ref = 'ssd:cla_placement:PL1'), 'visit', '2024-05-01', 'Visited', '2026-01-01T00:00:00Z')",
    )
    .execute(db.store.pool())
    .await
    .unwrap();
    // The council's system merged PL1 into PL2, which now starts on entry to care.
    let mut files = files("ssd");
    replace(
        &mut files,
        "ssd_cla_placement.csv",
        "clap_cla_placement_id,clap_cla_placement_start_date,clap_cla_placement_type,clap_cla_placement_provider,clap_cla_placement_end_date,clap_person_id\n\
         PL2,2024-04-10,K2,PR4,,P001\nPL3,2023-06-01,U4,PR5,2025-02-14,P002\n",
    );
    let before = counts(&db).await;
    let refused = import(&db, &read_extract(&files).unwrap()).await;
    let Err(StoreError::Rejected(problems)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(
        problems[0].contains("ssd:cla_placement:PL1 is no longer in the extract, but other records"),
        "{problems:?}"
    );
    assert_eq!(counts(&db).await, before);
}
