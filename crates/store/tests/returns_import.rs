//! SSDA903 import on both backends: two years of files imported and
//! exported again are the same text, table by table; an import naming a
//! child already recorded writes nothing; spells of workers without an
//! account are counted, not stored.

use authz::cap::RecordChildren;
use authz::{Actor, Can, Role};
use children::care_history::{CareHistory, LegalStatus, Period, Placement};
use returns::ssda903::csv::{read_return, write_table};
use returns::ssda903::facts::{
    Adoption, AdoptionDecision, CareLeaverContact, ChildFacts, Dated, HealthOutcomes, MissingSpell, PreviousPermanence, WorkerSpell,
};
use returns::ssda903::import::to_facts;
use returns::ssda903::{export, CollectionYear, Return, TableKind};
use sqlx::Row;
use store::on_both_backends;
use store::returns_import::{save, ImportSummary};
use store::testing::TestDatabase;
use store::StoreError;
use time::macros::date;
use time::Date;

on_both_backends!(
    two_years_import_and_export_as_the_same_files,
    a_child_already_recorded_stops_the_whole_import,
    spells_of_workers_without_an_account_are_skipped,
);

fn placement(place: &str, provider: &str, urn: &str, start: Date, end: Option<Date>, reason: Option<&str>) -> Placement {
    Placement {
        place: place.to_owned(),
        provider_type: provider.to_owned(),
        urn: Some(urn.to_owned()),
        postcode: Some("EF3 4GH".to_owned()),
        start,
        end,
        reason_for_change: reason.map(str::to_owned),
    }
}

fn legal(code: &str, start: Date, end: Option<Date>) -> LegalStatus {
    LegalStatus {
        code: code.to_owned(),
        start,
        end,
    }
}

/// Two children with something in every table but DoLo.
fn county() -> Vec<ChildFacts> {
    let mut a = ChildFacts::new("A1", "F", date!(2009 - 03 - 04), "WBRI");
    a.upn = Some("A123456789012".to_owned());
    a.mother = Some(true);
    a.first_child_born_on = Some(date!(2025 - 01 - 02));
    a.uasc = true;
    a.uasc_ceased = Some(date!(2025 - 08 - 01));
    let (s, m1, m2, end) = (
        date!(2024 - 05 - 01),
        date!(2024 - 09 - 01),
        date!(2025 - 06 - 01),
        date!(2025 - 11 - 30),
    );
    a.history = CareHistory {
        periods: vec![Period {
            start: s,
            end: Some(end),
            reason_ceased: Some("E11".to_owned()),
            category_of_need: "N1".to_owned(),
        }],
        legal_statuses: vec![legal("V2", s, Some(m1)), legal("E1", m1, Some(end))],
        placements: vec![
            placement("U4", "PR1", "SC111111", s, Some(m2), Some("CARPL")),
            placement("A5", "PR1", "SC111111", m2, Some(end), None),
        ],
    };
    a.home_postcodes = vec![Dated {
        value: "AB1 2CD".to_owned(),
        start: s,
        end: None,
    }];
    a.reviews = vec![(date!(2024 - 11 - 01), Some("PN1".to_owned())), (date!(2025 - 05 - 01), None)];
    a.adoption = Some(Adoption {
        should_be_placed_on: Some(date!(2025 - 02 - 01)),
        matched_on: Some(date!(2025 - 05 - 01)),
        by_foster_carer: Some(true),
        number_of_adopters: Some(2),
        adopter_sexes: Some("MF".to_owned()),
        adopter_status: Some("L0".to_owned()),
    });
    a.adoption_decisions = vec![AdoptionDecision {
        decided_on: date!(2025 - 02 - 01),
        ceased_on: Some(end),
        reason_ceased: Some("E11".to_owned()),
    }];
    a.previous_permanence = vec![PreviousPermanence {
        period_start: s,
        arrangement: "P4".to_owned(),
        la_code: None,
        date_text: None,
    }];
    a.missing = vec![MissingSpell {
        kind: "M".to_owned(),
        start: date!(2025 - 03 - 30),
        end: Some(date!(2025 - 04 - 02)),
    }];
    a.social_workers = vec![WorkerSpell {
        swe_number: Some("12345".to_owned()),
        start: s,
        end: None,
        reason: Some("MANAGE".to_owned()),
    }];
    let mut b = ChildFacts::new("B2", "M", date!(2007 - 06 - 07), "ASIN");
    let (sb, eb) = (date!(2023 - 04 - 10), date!(2025 - 06 - 07));
    b.history = CareHistory {
        periods: vec![Period {
            start: sb,
            end: Some(eb),
            reason_ceased: Some("E17".to_owned()),
            category_of_need: "N2".to_owned(),
        }],
        legal_statuses: vec![legal("C2", sb, Some(eb))],
        placements: vec![placement("K2", "PR4", "SC222222", sb, Some(eb), None)],
    };
    b.health = vec![(
        2025,
        HealthOutcomes {
            sdq_score: Some(12),
            health_check: Some(true),
            ..HealthOutcomes::default()
        },
    )];
    b.care_leaver = vec![(
        2026,
        CareLeaverContact {
            in_touch: "YES".to_owned(),
            activity: "F1".to_owned(),
            accommodation: "S".to_owned(),
        },
    )];
    vec![a, b]
}

fn years() -> [CollectionYear; 2] {
    [2025, 2026].map(|y| CollectionYear::new(y).unwrap())
}

/// A year's files as CSV text by table.
fn files(ret: &Return) -> Vec<(TableKind, String)> {
    TableKind::of_year(ret.year).map(|t| (t, write_table(ret, t))).collect()
}

/// The council's files for `facts`, read back as returns.
fn council_files(facts: &[ChildFacts]) -> (Vec<Vec<(TableKind, String)>>, Vec<Return>) {
    let texts: Vec<_> = years().iter().map(|y| files(&export::build(*y, facts))).collect();
    let returns = years()
        .iter()
        .zip(&texts)
        .map(|(year, tables)| {
            let bytes: Vec<(String, Vec<u8>)> = tables
                .iter()
                .map(|(t, text)| (t.file_name().to_owned(), text.clone().into_bytes()))
                .collect();
            read_return(*year, &bytes).unwrap()
        })
        .collect();
    (texts, returns)
}

async fn import(db: &TestDatabase, facts: &[ChildFacts]) -> Result<ImportSummary, StoreError> {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let summary = save(&mut cmd, &Can::<RecordChildren>::system(), facts, "ssda903").await?;
    cmd.commit().await.unwrap();
    Ok(summary)
}

async fn worker_with_swe(db: &TestDatabase, username: &str, swe: &str) {
    let user = db.person(username, None, vec![Role::SocialWorker]).await;
    sqlx::query("UPDATE users SET swe_number = $1 WHERE id = $2")
        .bind(swe)
        .bind(user.get())
        .execute(db.store.pool())
        .await
        .unwrap();
}

async fn count(db: &TestDatabase, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

const TABLES: [&str; 14] = [
    "children",
    "periods_of_care",
    "legal_statuses",
    "placements",
    "child_addresses",
    "care_events",
    "missing_episodes",
    "health_outcomes",
    "care_leaver_contacts",
    "adoptions",
    "adoption_decisions",
    "previous_permanence",
    "worker_allocations",
    "audit_events",
];

async fn counts(db: &TestDatabase) -> Vec<i64> {
    let mut out = Vec::new();
    for table in TABLES {
        out.push(count(db, table).await);
    }
    out
}

async fn two_years_import_and_export_as_the_same_files(db: TestDatabase) {
    worker_with_swe(&db, "worker", "12345").await;
    let (texts, returns) = council_files(&county());
    let facts = to_facts(&returns).unwrap();
    let summary = import(&db, &facts).await.unwrap();
    assert_eq!((summary.children, summary.periods, summary.placements), (2, 2, 3));
    assert_eq!((summary.reviews, summary.allocations, summary.allocations_skipped), (2, 1, 0));
    let stored: Vec<ChildFacts> = store::returns::facts(&db.store, None)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.facts)
        .collect();
    for (year, tables) in years().iter().zip(&texts) {
        let again = export::build(*year, &stored);
        for (table, text) in tables {
            assert_eq!(&write_table(&again, *table), text, "{year} {table}");
        }
    }
    let names: (String, String) = sqlx::query_as("SELECT given_names, family_name FROM children WHERE la_child_id = 'A1'")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    assert_eq!(names, (String::new(), String::new()));
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());
}

async fn a_child_already_recorded_stops_the_whole_import(db: TestDatabase) {
    let facts = county();
    import(&db, &facts[1..]).await.unwrap();
    let before = counts(&db).await;
    let error = import(&db, &facts).await.unwrap_err();
    assert!(error.to_string().contains("child B2 is already recorded"), "{error}");
    assert_eq!(counts(&db).await, before);
}

async fn spells_of_workers_without_an_account_are_skipped(db: TestDatabase) {
    let mut facts = county();
    facts[0].social_workers.push(WorkerSpell {
        swe_number: None,
        start: date!(2025 - 12 - 01),
        end: None,
        reason: None,
    });
    let summary = import(&db, &facts).await.unwrap();
    assert_eq!((summary.allocations, summary.allocations_skipped), (0, 2));
    assert_eq!(count(&db, "worker_allocations").await, 0);
}
