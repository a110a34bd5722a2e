//! Loading a planned county through the store: one audited command whose
//! rows read back as the plan described, with the audit chain intact.

use authz::Role;
use time::macros::date;

#[tokio::test]
async fn a_small_county_loads_with_an_intact_audit_trail() {
    let db = store::testing::TestDatabase::new(store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let county = demo::plan(&demo::Options {
        children: 60,
        seed: 3,
        today: date!(2026 - 11 - 22),
        demo_accounts: true,
        casework: true,
    });
    let report = demo::load(&db.store, db.clock.as_ref(), &county, "x").await.unwrap();
    assert_eq!(report.children, 60);
    assert_eq!(report.teams, county.teams.len());
    assert_eq!(report.users, county.staff.len());
    assert_eq!(report.providers, county.providers.len());
    let planned: usize = county.children.iter().map(|c| c.placements.len()).sum();
    assert_eq!(report.placements, planned as u64);
    assert_eq!(report.demo_accounts.len(), Role::ALL.len());
    for role in Role::ALL {
        assert!(report
            .demo_accounts
            .iter()
            .any(|(username, label)| username == role.code() && label == role.label()));
    }
    assert_eq!(store::children::count(&db.store).await.unwrap(), 60);
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());

    // The Gateway has requests in every state, panels past and to come, an
    // approved matrix with a change awaiting a second administrator, and
    // emergencies awaiting ratification.
    let today = date!(2026 - 11 - 22);
    let board = store::gateway_board::dashboard(&db.store, today).await.unwrap();
    assert_eq!(board.by_state.len(), 11, "{:?}", board.by_state);
    assert!(!board.emergencies.is_empty());
    assert!(board.emergencies.iter().any(|e| e.status.needs_chasing()));
    assert!(board.by_age.iter().map(|(_, n)| n).sum::<i64>() > 0);
    let matrices = store::matrices::history(&db.store).await.unwrap();
    let states: Vec<&str> = matrices.iter().map(|m| m.state.as_str()).collect();
    assert_eq!(states, ["proposed", "active"]);
    assert!(!store::panels::list(&db.store, today, true, 10).await.unwrap().is_empty());
    let past = store::panels::list(&db.store, today, false, 10).await.unwrap();
    assert!(past.iter().any(|m| m.decided > 0));
    let variations = store::requests::list(&db.store, &Default::default(), store::PageRequest::new(1, 100))
        .await
        .unwrap();
    assert!(variations.items.iter().any(|r| r.variation.is_some()));

    // Every generated care history obeys the rules the pages enforce.
    let codes = children::codes::CodeSets::standard();
    let page = store::children::search(&db.store, &Default::default(), store::PageRequest::new(1, 100))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 60);
    for child in page.items {
        assert!(child.team_id.is_some() && child.allocated_worker_id.is_some());
        let placements = store::placements::for_child(&db.store, child.id).await.unwrap();
        assert_eq!(placements.iter().filter(|p| p.end_date.is_none()).count(), 1);
        let history = store::care_history::history_of(&db.store, child.id).await.unwrap().history();
        let problems = children::care_history::validate(&history, &codes);
        assert!(
            problems.is_empty(),
            "{}: {:?}",
            child.la_child_id,
            problems.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
        assert!(!children::episodes::episodes(&history).is_empty());
    }
}

#[tokio::test]
async fn a_benchmark_county_loads_without_casework_or_demo_accounts() {
    let db = store::testing::TestDatabase::new(store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let county = demo::plan(&demo::Options {
        children: 500,
        seed: 11,
        today: date!(2026 - 11 - 22),
        demo_accounts: false,
        casework: false,
    });
    let report = demo::load(&db.store, db.clock.as_ref(), &county, store::passwords::dummy_hash())
        .await
        .unwrap();
    assert_eq!(report.children, 500);
    assert!(report.demo_accounts.is_empty());
    assert_eq!(store::children::count(&db.store).await.unwrap(), 500);
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());
}
