//! Placement search stories on both backends: a search for an approved
//! request ranks what may take the child and says why the rest may not,
//! and is kept as evidence; referrals go only to ranked results, with
//! deadlines; a choice other than the best or cheapest offer needs a
//! rationale; and no offer above the approved cost can be chosen.

use authz::cap::{Commission, RecordChildren, SearchPlacements};
use authz::{Actor, Can, Role};
use gateway::request::RequestState;
use kernel::{ChildId, Money, Nation, ProviderId, UserId};
use matching::search::PassKind;
use matching::{Criteria, Location};
use placements::PlacementCategory;
use providers::accreditation::{Finding, Review};
use providers::register::{Grade, LegalForm, Need, Organisation, RegistrationStatus, Regulator, Setting, SettingType};
use providers::ProviderType;
use store::search_referrals::Answer;
use store::testing::{DecidedRequest, TestDatabase};
use store::{on_both_backends, StoreError};
use time::macros::{date, datetime};
use time::Date;

on_both_backends!(
    a_search_ranks_excludes_with_reasons_and_is_kept,
    referrals_offers_and_a_reasoned_choice,
);

const TODAY: Date = date!(2026 - 11 - 22);
const CHECKLIST: [&str; 6] = ["registration", "insurance", "safeguarding", "financial", "workforce", "continuity"];

/// A provider with one children's home; accredited unless `accredited` is false.
async fn home(db: &TestDatabase, name: &str, accredited: bool, needs: Vec<Need>, postcode: &str) -> (ProviderId, i64) {
    let org = Organisation {
        legal_name: name.into(),
        companies_house_number: None,
        charity_number: None,
        provider_type: ProviderType::Private,
        for_profit: true,
        legal_form: LegalForm::CompanyLimitedByShares,
    };
    let can = Can::<Commission>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let provider = store::providers::create(&mut cmd, &can, &org).await.unwrap();
    let setting = Setting {
        name: format!("{name} House"),
        setting_type: SettingType::ChildrensHome,
        regulator: Regulator::Ofsted,
        registration_number: Some(format!("SC{:06}", provider.get())),
        registration_status: RegistrationStatus::Registered,
        grade: Grade::Good,
        inspected_on: Some(date!(2026 - 03 - 01)),
        capacity: 3,
        age_min: 8,
        age_max: 17,
        needs,
        postcode: postcode.into(),
        local_authority: "Demo County".into(),
    };
    let setting = store::providers::add_setting(&mut cmd, &can, provider, &setting, TODAY)
        .await
        .unwrap();
    if accredited {
        for item in CHECKLIST {
            let review = Review {
                item: item.into(),
                finding: Finding::Met,
                evidence: "seen".into(),
                reviewed_on: date!(2026 - 01 - 10),
                expires_on: date!(2027 - 11 - 01),
            };
            store::accreditation::record_review(&mut cmd, &can, provider, &review, None, TODAY)
                .await
                .unwrap();
        }
    }
    cmd.commit().await.unwrap();
    (provider, setting.get())
}

/// A request for a 14-year-old in `state`, approved at up to £5,000 a week.
async fn approved_request(db: &TestDatabase, worker: UserId, state: RequestState, la_child_id: &str) -> (ChildId, i64) {
    let request = DecidedRequest {
        state,
        ..DecidedRequest::approved(la_child_id)
    };
    db.decided_requests(worker, &[request]).await[0]
}

fn criteria() -> Criteria {
    Criteria {
        start: TODAY,
        date_of_birth: date!(2012 - 05 - 17),
        nation: Nation::England,
        categories: vec![PlacementCategory::ChildrensHome],
        needs: vec![Need::Autism],
        risks: vec![Need::GoingMissing],
        siblings: 0,
        home: Some(Location {
            easting: 400_000,
            northing: 300_000,
        }),
        school: None,
        max_weekly: Some(Money::from_pounds(5_000)),
    }
}

async fn run(db: &TestDatabase, officer: UserId, request: i64) -> Result<i64, StoreError> {
    let mut cmd = db.store.begin(Actor::User(officer), db.clock.as_ref()).await.unwrap();
    let id = store::placement_search::run(
        &db.store,
        &mut cmd,
        &Can::<SearchPlacements>::system(),
        request,
        &criteria(),
        Nation::England,
        TODAY,
    )
    .await?;
    cmd.commit().await.unwrap();
    Ok(id)
}

async fn search(db: &TestDatabase, id: i64) -> store::placement_search::Search {
    let mut conn = db.store.pool().acquire().await.unwrap();
    store::placement_search::load(&mut conn, id).await.unwrap()
}

/// Two suitable homes (one near, one far), one whose provider is not
/// accredited, and one that does not take children who go missing.
async fn market(db: &TestDatabase) -> [(ProviderId, i64); 4] {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let districts = vec![
        (
            "DC1".to_owned(),
            Location {
                easting: 400_000,
                northing: 300_000,
            },
        ),
        (
            "DC9".to_owned(),
            Location {
                easting: 460_000,
                northing: 300_000,
            },
        ),
    ];
    store::search_candidates::load_locations(&mut cmd, &districts).await.unwrap();
    cmd.commit().await.unwrap();
    [
        home(db, "Near", true, vec![Need::Autism, Need::GoingMissing], "DC1 4AA").await,
        home(db, "Far", true, vec![Need::Autism, Need::GoingMissing], "DC9 1ZZ").await,
        home(db, "Unchecked", false, vec![Need::Autism, Need::GoingMissing], "DC1 4AB").await,
        home(db, "Narrow", true, vec![Need::Autism], "DC1 4AC").await,
    ]
}

async fn a_search_ranks_excludes_with_reasons_and_is_kept(db: TestDatabase) {
    let worker = db.person("sam", None, vec![Role::SocialWorker]).await;
    let officer = db.person("gill", None, vec![Role::GatewayOfficer]).await;
    let [near, far, unchecked, narrow] = market(&db).await;
    let (_, draft) = approved_request(&db, worker, RequestState::Draft, "S0").await;
    let refused = run(&db, officer, draft).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::Rejected(ref r) if r[0].contains("approved")),
        "{refused:?}"
    );

    let (_, request) = approved_request(&db, worker, RequestState::Approved, "S1").await;
    let id = run(&db, officer, request).await.unwrap();
    let found = search(&db, id).await;
    assert_eq!(found.searched_by.as_deref(), Some("gill name"));
    let ranked: Vec<(PassKind, i64, u32)> = found.findings.results.iter().map(|r| (r.pass, r.id, r.rank)).collect();
    assert_eq!(
        ranked,
        vec![(PassKind::Spot, near.1, 1), (PassKind::Spot, far.1, 2)],
        "nearer ranks first"
    );
    let distance = found.findings.results[1]
        .reasons
        .iter()
        .find(|(name, _, _)| name.contains("istance"))
        .unwrap();
    assert!(distance.2.contains("60 km"), "{distance:?}");
    let why = |id: i64| found.findings.excluded.iter().find(|e| e.id == id).unwrap().reasons.join("; ");
    assert!(why(unchecked.1).contains("accredited"), "{}", why(unchecked.1));
    assert!(why(narrow.1).to_lowercase().contains("going missing"), "{}", why(narrow.1));
    assert_eq!(found.considered, 4);
    assert_eq!(found.findings.results[1].id, far.1);
    assert_eq!(store::placement_search::for_request(&db.store, request).await.unwrap().len(), 1);

    // A second search reuses what was read; a change to the register is
    // seen at once.
    let again = search(&db, run(&db, officer, request).await.unwrap()).await;
    assert_eq!(again.findings.results.len(), 2);
    let newer = home(&db, "Newer", true, vec![Need::Autism, Need::GoingMissing], "DC1 4AD").await;
    let fresh = search(&db, run(&db, officer, request).await.unwrap()).await;
    assert!(
        fresh.findings.results.iter().any(|r| r.id == newer.1),
        "{:?}",
        fresh.findings.results
    );

    // Closed without a choice, the search takes no choice after.
    let mut cmd = db.store.begin(Actor::User(officer), db.clock.as_ref()).await.unwrap();
    store::search_referrals::close(&mut cmd, &Can::system(), id, 1, "The child returns home to her mother")
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let closed = choose(&db, officer, id, 1, 2, "").await.unwrap_err();
    assert!(
        matches!(closed, StoreError::Rejected(ref r) if r[0].contains("closed")),
        "{closed:?}"
    );
}

async fn answer(db: &TestDatabase, officer: UserId, referral: i64, version: i64, a: Answer) -> Result<(), StoreError> {
    let mut cmd = db.store.begin(Actor::User(officer), db.clock.as_ref()).await.unwrap();
    store::search_referrals::answer(&mut cmd, &Can::system(), referral, version, &a).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

async fn choose(db: &TestDatabase, officer: UserId, search: i64, referral: i64, version: i64, rationale: &str) -> Result<(), StoreError> {
    let mut cmd = db.store.begin(Actor::User(officer), db.clock.as_ref()).await.unwrap();
    store::search_referrals::choose(&mut cmd, &Can::system(), search, version, referral, rationale).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

async fn referrals_offers_and_a_reasoned_choice(db: TestDatabase) {
    let worker = db.person("sam", None, vec![Role::SocialWorker]).await;
    let officer = db.person("gill", None, vec![Role::GatewayOfficer]).await;
    let [near, far, unchecked, _] = market(&db).await;
    let (child, request) = approved_request(&db, worker, RequestState::Approved, "S1").await;
    let id = run(&db, officer, request).await.unwrap();
    let can = Can::<SearchPlacements>::system();
    let as_gill = || db.store.begin(Actor::User(officer), db.clock.as_ref());

    let mut cmd = as_gill().await.unwrap();
    let err = store::search_referrals::refer(&mut cmd, &can, id, 1, &[(PassKind::Spot, unchecked.1)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref f) if f[0].1.contains("excluded")), "{err:?}");
    drop(cmd);
    let mut cmd = as_gill().await.unwrap();
    let picks = [(PassKind::Spot, near.1), (PassKind::Spot, far.1)];
    assert_eq!(store::search_referrals::refer(&mut cmd, &can, id, 1, &picks).await.unwrap(), 2);
    cmd.commit().await.unwrap();
    let mut cmd = as_gill().await.unwrap();
    let stale = store::search_referrals::refer(&mut cmd, &can, id, 1, &picks[..1])
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
    drop(cmd);

    let referrals = store::search_referrals::list(&db.store, id).await.unwrap();
    assert_eq!(
        referrals[0].respond_by,
        store::timestamp::instant_text(datetime!(2026-11-24 10:00 UTC)),
        "spot: 48 hours"
    );
    let offer = |pounds: i64| Answer::Offer {
        weekly: Money::from_pounds(pounds),
        conditions: "Education on site".into(),
    };
    answer(&db, officer, referrals[0].id, 1, offer(5_200)).await.unwrap();
    answer(&db, officer, referrals[1].id, 1, offer(4_600)).await.unwrap();
    let over = choose(&db, officer, id, referrals[0].id, 2, "").await.unwrap_err();
    assert!(
        matches!(over, StoreError::Rejected(ref r) if r[0].contains("above the £5,000.00")),
        "{over:?}"
    );
    answer(&db, officer, referrals[0].id, 2, offer(4_900)).await.unwrap();
    let unexplained = choose(&db, officer, id, referrals[0].id, 2, "near").await.unwrap_err();
    assert!(
        matches!(unexplained, StoreError::Invalid(ref f) if f[0].0 == "rationale" && f[0].1.contains("cheaper offer stands at £4,600.00")),
        "{unexplained:?}"
    );
    choose(&db, officer, id, referrals[0].id, 2, "Keeps her at her school and near her sister")
        .await
        .unwrap();
    let chosen = search(&db, id).await;
    assert_eq!(chosen.chosen_referral_id, Some(referrals[0].id));
    assert_eq!(chosen.chosen_by.as_deref(), Some("gill name"));
    // The agreement for the placement starts from the offer chosen.
    let chosen_offer = store::search_referrals::chosen_offer(&db.store, child, near.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((chosen_offer.search_id, chosen_offer.weekly), (id, Money::from_pounds(4_900)));
    assert!(store::search_referrals::chosen_offer(&db.store, child, far.0)
        .await
        .unwrap()
        .is_none());
    let again = choose(&db, officer, id, referrals[1].id, 3, "").await.unwrap_err();
    assert!(matches!(again, StoreError::Rejected(_)), "{again:?}");
    let repriced = answer(&db, officer, referrals[0].id, 3, offer(9_000)).await.unwrap_err();
    assert!(
        matches!(repriced, StoreError::Rejected(_)),
        "a chosen offer is evidence: {repriced:?}"
    );
    let missing = answer(&db, officer, 999, 1, offer(1)).await.unwrap_err();
    assert!(matches!(missing, StoreError::NotFound { .. }), "{missing:?}");

    // The child is placed there: the placement finds its setting by URN.
    let start = store::care_history::HistoryChange::StartPeriod {
        start: TODAY,
        category_of_need: "N1".into(),
        legal_status: "C2".into(),
        placement: store::care_history::PlacementDetails {
            category: PlacementCategory::ChildrensHome,
            place: "K2".into(),
            provider_id: Some(near.0),
            provider_type: "PR4".into(),
            urn: Some(format!("sc{:06}", near.0.get())),
            postcode: Some("DC1 4AA".into()),
            weekly_cost: Money::from_pounds(4_900),
            long_term: false,
        },
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let codes = children::codes::CodeSets::standard();
    store::care_history::record(&mut cmd, &Can::<RecordChildren>::system(), child, &start, &codes)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let line = store::monitoring::schedule(&db.store, "Demo County", TODAY).await.unwrap();
    assert_eq!(line[0].setting_id, Some(near.1), "linked by the URN, whatever its case");
    // The choice drafts the placement's agreement on the offer's terms.
    let agreements = store::agreements::list(&db.store).await.unwrap();
    assert_eq!(agreements.len(), 1);
    assert_eq!(agreements[0].weekly_on(TODAY), Money::from_pounds(4_900));
    assert_eq!(agreements[0].signature, contracts::agreements::SignatureStatus::Draft);
    assert!(
        matches!(agreements[0].route, contracts::frameworks::Route::Spot { ref note, .. } if note == &format!("Chosen in placement search {id}")),
        "{:?}",
        agreements[0].route
    );
}
