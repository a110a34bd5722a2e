//! The demo county's commissioning data: settings for every provider's
//! placements, accreditation in every state, frameworks, agreements,
//! monitoring and in-house households, loaded through the store with the
//! audit chain intact.

use std::collections::BTreeSet;

use contracts::agreements::ending_soon;
use contracts::frameworks::{Route, Scope};
use providers::accreditation::Status;
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2026 - 11 - 22);

#[tokio::test]
async fn the_demo_county_has_commissioning_data_in_every_state() {
    let db = store::testing::TestDatabase::new(store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let county = demo::plan(&demo::Options {
        children: 200,
        seed: 5,
        today: TODAY,
        demo_accounts: true,
        casework: true,
    });
    demo::load(&db.store, db.clock.as_ref(), &county, "x").await.unwrap();
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());
    let mut conn = db.store.pool().acquire().await.unwrap();

    // A setting for every external provider, numbers unique, placements linked.
    let settings = store::providers::settings(&mut conn, None).await.unwrap();
    let external = county.providers.iter().filter(|p| p.provider_type.is_external()).count();
    assert!(settings.len() >= external, "{} settings for {external} providers", settings.len());
    let numbers: Vec<&String> = settings.iter().filter_map(|s| s.setting.registration_number.as_ref()).collect();
    assert_eq!(numbers.iter().collect::<BTreeSet<_>>().len(), numbers.len());
    assert!(settings.iter().any(|s| s.setting.local_authority == "Demo County"));
    assert!(settings.iter().any(|s| s.setting.local_authority != "Demo County"));

    // Accreditation in every state, with reminders due.
    let statuses = store::accreditation::statuses(&mut conn, TODAY).await.unwrap();
    let seen: BTreeSet<Status> = statuses.values().copied().collect();
    assert_eq!(seen, Status::ALL.into_iter().collect(), "{seen:?}");
    let expiring = store::accreditation::expiring(&db.store, TODAY, 30).await.unwrap();
    assert!(!expiring.is_empty());

    let frameworks = store::frameworks::list(&db.store).await.unwrap();
    assert_eq!(frameworks.len(), 2);
    assert!(frameworks.iter().any(|f| f.scope == Scope::Regional && f.lots.len() == 2));
    assert!(frameworks.iter().all(|f| f.lots.iter().all(|l| !l.members.is_empty())));

    // Agreements for most current external placements, by both routes,
    // some ending soon; variations awaiting a decision.
    let agreements = store::agreements::list(&db.store).await.unwrap();
    let unagreed = store::agreements::without_agreement(&db.store, TODAY).await.unwrap();
    assert!(agreements.len() > unagreed.len() * 2, "{} vs {}", agreements.len(), unagreed.len());
    assert!(agreements.iter().any(|a| matches!(a.route, Route::Framework { .. })));
    assert!(agreements.iter().any(|a| matches!(a.route, Route::Spot { .. })));
    assert!(agreements.iter().any(|a| ending_soon(a.end, TODAY).is_some()));
    assert!(agreements.iter().any(|a| a.funding.social_care == 70));

    // Every current external placement is monitored, by a person.
    let schedule = store::monitoring::schedule(&db.store, "Demo County", TODAY).await.unwrap();
    assert!(!schedule.is_empty());
    assert!(schedule.iter().all(|l| l.officer.is_some() && l.setting.is_some()));
    assert!(schedule.iter().any(|l| l.out_of_area && l.host_notified_on.is_some()));
    assert!(schedule.iter().any(|l| l.open_issues > 0));
    assert!(schedule.iter().any(|l| !l.quality_scores.is_empty()));
    assert!(schedule.iter().flat_map(|l| &l.events).all(|e| e.officer.is_some()));

    let households = store::households::list(&db.store, kernel::Nation::England, 6, TODAY).await.unwrap();
    assert_eq!(households.len(), 25);
    assert!(households.iter().all(|h| h.household.supervising_worker.is_some()));
    assert!(households.iter().any(|h| matches!(
        h.standing,
        providers::foster::ApprovalStanding::Temporary { days_left, .. } if days_left < 14
    )));
    assert!(households.iter().any(|h| h.last_visit.is_some()));

    // Searches in every state, each with ranked results, one choice made
    // with a written rationale.
    let searches = store::placement_search::list(&db.store).await.unwrap();
    let states: BTreeSet<&str> = searches.iter().map(|s| s.state.code()).collect();
    assert_eq!(states, ["chosen", "closed", "open", "referred"].into_iter().collect(), "{states:?}");
    assert!(searches
        .iter()
        .filter(|s| s.state.code() != "closed")
        .all(|s| !s.findings.results.is_empty() && !s.findings.excluded.is_empty()));
    assert!(searches.iter().any(|s| s.state.code() == "chosen" && s.rationale.is_some()));
    assert!(!store::search_candidates::locations(&db.store).await.unwrap().is_empty());
}

#[tokio::test]
async fn commissioning_data_is_the_same_for_the_same_seed() {
    let mut weekly = Vec::new();
    for _ in 0..2 {
        let db = store::testing::TestDatabase::new(store::testing::TestBackend::Sqlite)
            .await
            .unwrap();
        let county = demo::plan(&demo::Options {
            children: 60,
            seed: 9,
            today: TODAY,
            demo_accounts: true,
            casework: true,
        });
        demo::load(&db.store, db.clock.as_ref(), &county, "x").await.unwrap();
        let agreements = store::agreements::list(&db.store).await.unwrap();
        weekly.push(
            agreements
                .iter()
                .map(|a| (a.placement_id, a.weekly_on(TODAY), a.signature, a.end))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(weekly[0], weekly[1]);
}
