//! Contract storage stories on both backends: placement agreements varied
//! only by a second person from the current version, and contract
//! monitoring's schedule, visits and issues. The register and
//! accreditation stories are in `commissioning.rs`.

use authz::cap::{ApproveVariations, Commission, RecordChildren};
use authz::{Actor, Can, Role};
use contracts::agreements::{Draft, FundingSplit, PriceLine, Variation, VariationState};
use contracts::frameworks::SpotReason;
use contracts::monitoring::{EventKind, RiskLevel};
use kernel::{ChildId, Money, ProviderId, UserId};
use placements::{ElementKind, PlacementCategory};
use providers::accreditation::{Finding, Review};
use providers::register::{LegalForm, Organisation};
use providers::ProviderType;
use store::agreements::NewAgreement;
use store::care_history::{HistoryChange, PlacementDetails};
use store::children::NewChild;
use store::monitoring::{NewEvent, Subject};
use store::testing::TestDatabase;
use store::{on_both_backends, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    variations_need_a_second_person_and_the_current_version,
    monitoring_events_and_issues,
    agreements_ending_and_accreditation_expiring_are_alerted_once,
);

/// The test clock's day.
const TODAY: Date = date!(2026 - 11 - 22);
const CHECKLIST: [&str; 6] = ["registration", "insurance", "safeguarding", "financial", "workforce", "continuity"];

async fn provider(db: &TestDatabase, name: &str) -> ProviderId {
    let org = Organisation {
        legal_name: name.into(),
        companies_house_number: Some("01234567".into()),
        charity_number: None,
        provider_type: ProviderType::Private,
        for_profit: true,
        legal_form: LegalForm::CompanyLimitedByShares,
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let id = store::providers::create(&mut cmd, &Can::<Commission>::system(), &org)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    id
}

async fn child(db: &TestDatabase, la_child_id: &str) -> ChildId {
    let new = NewChild {
        la_child_id: la_child_id.into(),
        given_names: "Ava".into(),
        family_name: "Smith".into(),
        date_of_birth: date!(2012 - 04 - 01),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: None,
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let id = store::children::insert_many(&mut cmd, &Can::system(), &[new]).await.unwrap()[0];
    cmd.commit().await.unwrap();
    id
}

/// A child placed from `on` in a children's home of a freshly accredited
/// provider; returns the placement's id.
async fn placed_child(db: &TestDatabase, on: Date, pounds: i64) -> (ChildId, ProviderId, i64) {
    let provider = provider(db, "Brightwater Care Ltd").await;
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    for item in CHECKLIST {
        let review = Review {
            item: item.into(),
            finding: Finding::Met,
            evidence: format!("{item} certificate seen"),
            reviewed_on: date!(2026 - 01 - 10),
            expires_on: date!(2027 - 11 - 01),
        };
        store::accreditation::record_review(&mut cmd, &Can::system(), provider, &review, None, TODAY)
            .await
            .unwrap();
    }
    cmd.commit().await.unwrap();
    let child = child(db, "CH1").await;
    let start = HistoryChange::StartPeriod {
        start: on,
        category_of_need: "N1".into(),
        legal_status: "C2".into(),
        placement: PlacementDetails {
            category: PlacementCategory::ChildrensHome,
            place: "K2".into(),
            provider_id: Some(provider),
            provider_type: "PR4".into(),
            urn: None,
            postcode: Some("CF10 1AA".into()),
            weekly_cost: Money::from_pounds(pounds),
            long_term: false,
        },
    };
    let codes = children::codes::CodeSets::standard();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::care_history::record(&mut cmd, &Can::<RecordChildren>::system(), child, &start, &codes)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let history = store::care_history::history_of(&db.store, child).await.unwrap();
    (child, provider, history.placements[0].id)
}

async fn agreement(db: &TestDatabase, id: i64) -> store::agreements::Agreement {
    let mut conn = db.store.pool().acquire().await.unwrap();
    store::agreements::load(&mut conn, id).await.unwrap()
}

/// Approves variation `vid` as `actor`, committing only if it is accepted.
async fn decide(db: &TestDatabase, vid: i64, actor: Actor, version: i64) -> Result<(), StoreError> {
    let mut cmd = db.store.begin(actor, db.clock.as_ref()).await.unwrap();
    store::agreements::decide_variation(&mut cmd, &Can::<ApproveVariations>::system(), vid, version, true).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

async fn variations_need_a_second_person_and_the_current_version(db: TestDatabase) {
    let cora = db.person("cora", None, vec![Role::CommissioningOfficer]).await;
    let fin = db.person("fin", None, vec![Role::FinanceApprover]).await;
    let start = date!(2026 - 11 - 01);
    let (child, provider, placement_id) = placed_child(&db, start, 4_900).await;
    let unagreed = store::agreements::without_agreement(&db.store, TODAY).await.unwrap();
    assert_eq!(
        unagreed
            .iter()
            .map(|u| (u.placement_id, u.child_id, u.provider_id))
            .collect::<Vec<_>>(),
        [(placement_id, child, provider)]
    );
    let line = |kind, pounds| PriceLine {
        kind,
        weekly: Money::from_pounds(pounds),
        effective_from: start,
    };
    let mut new = NewAgreement {
        placement_id,
        draft: Draft {
            start,
            end: Some(date!(2027 - 04 - 30)),
            lines: vec![line(ElementKind::CoreFee, 4_000), line(ElementKind::OneToOne, 900)],
            funding: FundingSplit::ALL_SOCIAL_CARE,
        },
        spot: None,
    };
    let as_cora = || db.store.begin(Actor::User(cora), db.clock.as_ref());
    let can = Can::<Commission>::system();

    // Off-framework, the purchase needs a spot reason.
    let mut cmd = as_cora().await.unwrap();
    let err = store::agreements::create(&mut cmd, &can, &new).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref f) if f[0].0 == "spot_reason"), "{err:?}");
    drop(cmd);
    new.spot = Some((SpotReason::NoFrameworkVacancy, String::new()));
    let mut cmd = as_cora().await.unwrap();
    let id = store::agreements::create(&mut cmd, &can, &new).await.unwrap();
    cmd.commit().await.unwrap();
    let mut cmd = as_cora().await.unwrap();
    let err = store::agreements::create(&mut cmd, &can, &new).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "placement_id", .. }), "{err:?}");
    drop(cmd);
    assert!(store::agreements::without_agreement(&db.store, TODAY).await.unwrap().is_empty());

    let rise = date!(2027 - 01 - 01);
    let variation = Variation {
        effective_from: rise,
        reason: "Core fee rises; one-to-one staffing ends".into(),
        lines: vec![
            (ElementKind::CoreFee, Money::from_pounds(4_200)),
            (ElementKind::OneToOne, Money::ZERO),
        ],
        new_end: Some(date!(2027 - 06 - 30)),
    };
    let mut cmd = as_cora().await.unwrap();
    let vid = store::agreements::propose_variation(&mut cmd, &can, id, &variation).await.unwrap();
    cmd.commit().await.unwrap();
    let proposed = agreement(&db, id).await;
    assert_eq!(
        (proposed.variations.len(), proposed.variations[0].state),
        (1, VariationState::Proposed)
    );
    assert_eq!(proposed.weekly_on(rise), Money::from_pounds(4_900));
    let version = proposed.variations[0].version;

    // Not by the person who proposed it, nor by the system.
    let err = decide(&db, vid, Actor::User(cora), version).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err:?}");
    let err = decide(&db, vid, Actor::System, version).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err:?}");
    // Not from a version other than the current one.
    let err = decide(&db, vid, Actor::User(fin), version + 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "variation" }), "{err:?}");
    let err = decide(&db, vid, Actor::User(fin), version - 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "variation" }), "{err:?}");
    let unchanged = agreement(&db, id).await;
    assert_eq!(
        (unchanged.lines.len(), unchanged.end, unchanged.variations[0].state),
        (2, Some(date!(2027 - 04 - 30)), VariationState::Proposed)
    );

    decide(&db, vid, Actor::User(fin), version).await.unwrap();
    let varied = agreement(&db, id).await;
    assert_eq!(varied.variations[0].state, VariationState::Approved);
    assert_eq!(varied.variations[0].decided_by.as_deref(), Some("fin name"));
    assert_eq!(varied.variations[0].proposed_by, "cora name");
    assert_eq!(varied.weekly_on(date!(2026 - 12 - 31)), Money::from_pounds(4_900));
    assert_eq!(varied.weekly_on(rise), Money::from_pounds(4_200));
    assert_eq!(
        contracts::agreements::weekly_total_on(&varied.lines, date!(2027 - 03 - 01)),
        Money::from_pounds(4_200)
    );
    assert_eq!(varied.end, Some(date!(2027 - 06 - 30)));
    assert_eq!(varied.lines.len(), 4);
    // Decided once only.
    let err = decide(&db, vid, Actor::User(fin), varied.variations[0].version).await.unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err:?}");
    let listed = store::agreements::list(&db.store).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].weekly_on(rise), Money::from_pounds(4_200));
}

async fn schedule(db: &TestDatabase) -> Vec<store::monitoring::ScheduleLine> {
    store::monitoring::schedule(&db.store, "Cardiff", TODAY).await.unwrap()
}

/// Closes issue `id` on 20 November as `officer`, committing only if accepted.
async fn close(db: &TestDatabase, officer: UserId, id: i64) -> Result<(), StoreError> {
    let mut cmd = db.store.begin(Actor::User(officer), db.clock.as_ref()).await.unwrap();
    store::monitoring::close_issue(&mut cmd, &Can::system(), id, date!(2026 - 11 - 20)).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

async fn monitoring_events_and_issues(db: TestDatabase) {
    let mo = db.person("mo", None, vec![Role::CommissioningOfficer]).await;
    // £5,200 a week (2 points) at a setting not yet inspected (1 point): medium risk.
    let (_, _, placement) = placed_child(&db, date!(2026 - 09 - 01), 5_200).await;
    let can = Can::<Commission>::system();
    let line = schedule(&db).await;
    assert_eq!(line.len(), 1);
    assert_eq!(
        (line[0].officer.as_deref(), line[0].risk.level, line[0].risk.score),
        (None, RiskLevel::Medium, 3)
    );
    assert_eq!(line[0].next_visit_due, date!(2026 - 12 - 01));

    let mut cmd = db.store.begin(Actor::User(mo), db.clock.as_ref()).await.unwrap();
    store::monitoring::assign(&mut cmd, &can, placement, mo, None).await.unwrap();
    let event = |kind, on, quality_score| NewEvent {
        subject: Subject::Placement(placement),
        kind,
        occurred_on: on,
        quality_score,
        summary: format!("{} at the home", kind.label()),
        action: String::new(),
        action_due: None,
    };
    store::monitoring::record_event(&mut cmd, &can, &event(EventKind::Visit, date!(2026 - 11 - 10), Some(3)), TODAY)
        .await
        .unwrap();
    let concern = store::monitoring::record_event(&mut cmd, &can, &event(EventKind::Concern, date!(2026 - 11 - 15), None), TODAY)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let mut cmd = db.store.begin(Actor::User(mo), db.clock.as_ref()).await.unwrap();
    let err = store::monitoring::record_event(&mut cmd, &can, &event(EventKind::Visit, date!(2026 - 11 - 23), None), TODAY)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref f) if f[0].0 == "occurred_on"), "{err:?}");
    drop(cmd);
    // Nothing is monitored that does not exist.
    let mut cmd = db.store.begin(Actor::User(mo), db.clock.as_ref()).await.unwrap();
    let err = store::monitoring::assign(&mut cmd, &can, placement + 100, mo, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { entity: "placement" }), "{err:?}");
    drop(cmd);
    let mut cmd = db.store.begin(Actor::User(mo), db.clock.as_ref()).await.unwrap();
    let nowhere = NewEvent {
        subject: Subject::Setting(999),
        ..event(EventKind::Visit, date!(2026 - 11 - 10), None)
    };
    let err = store::monitoring::record_event(&mut cmd, &can, &nowhere, TODAY).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    drop(cmd);

    // The open concern lifts the risk to high: visits every 6 weeks from the last.
    let line = schedule(&db).await.remove(0);
    assert_eq!((line.officer.as_deref(), line.officer_id), (Some("mo name"), Some(mo)));
    assert_eq!((line.risk.level, line.risk.score, line.open_issues), (RiskLevel::High, 4, 1));
    assert_eq!(line.last_visit, Some(date!(2026 - 11 - 10)));
    assert_eq!((line.next_visit_due, line.visit_overdue), (date!(2026 - 12 - 22), false));
    assert_eq!(line.quality_scores, [3]);
    let events: Vec<(&str, bool, Option<&str>)> = line
        .events
        .iter()
        .map(|e| (e.kind.as_str(), e.open_issue, e.officer.as_deref()))
        .collect();
    assert_eq!(events, [("concern", true, Some("mo name")), ("visit", false, Some("mo name"))]);

    close(&db, mo, concern).await.unwrap();
    let line = schedule(&db).await.remove(0);
    assert_eq!((line.risk.level, line.open_issues), (RiskLevel::Medium, 0));
    assert_eq!(line.next_visit_due, date!(2027 - 02 - 09));
    assert_eq!((line.events[0].id, line.events[0].open_issue), (concern, false));
    // Closed once only; a visit is not an issue to close.
    assert!(matches!(close(&db, mo, concern).await, Err(StoreError::Rejected(_))));
    let visit = line.events[1].id;
    assert!(matches!(close(&db, mo, visit).await, Err(StoreError::Rejected(_))));
    let closed_on: Option<String> = sqlx::Row::get(
        &sqlx::query("SELECT closed_on FROM monitoring_events WHERE id = $1")
            .bind(concern)
            .fetch_one(db.store.pool())
            .await
            .unwrap(),
        0,
    );
    assert_eq!(closed_on.as_deref(), Some("2026-11-20"));
}

async fn agreements_ending_and_accreditation_expiring_are_alerted_once(db: TestDatabase) {
    let cora = db.person("cora", None, vec![Role::CommissioningOfficer]).await;
    let start = date!(2026 - 11 - 01);
    let (_, _, placement_id) = placed_child(&db, start, 4_000).await;
    let new = NewAgreement {
        placement_id,
        draft: Draft {
            start,
            // 56 days after the test clock's day: the first day of the alert.
            end: Some(date!(2027 - 01 - 17)),
            lines: vec![PriceLine {
                kind: ElementKind::CoreFee,
                weekly: Money::from_pounds(4_000),
                effective_from: start,
            }],
            funding: FundingSplit::ALL_SOCIAL_CARE,
        },
        spot: Some((SpotReason::NoFrameworkVacancy, String::new())),
    };
    let mut cmd = db.store.begin(Actor::User(cora), db.clock.as_ref()).await.unwrap();
    let id = store::agreements::create(&mut cmd, &Can::<Commission>::system(), &new)
        .await
        .unwrap();
    cmd.commit().await.unwrap();

    let raise = |on: Date| {
        let db = &db;
        async move {
            let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
            let raised = store::alerts::commissioning(&db.store, &mut cmd, on).await.unwrap();
            cmd.commit().await.unwrap();
            raised
        }
    };
    assert_eq!(raise(date!(2026 - 11 - 21)).await, 0, "57 days before the end is too early");
    assert_eq!(raise(TODAY).await, 1);
    assert_eq!(raise(TODAY).await, 0, "told once, however often the jobs run");
    let told = store::notifications::notifications(&db.store, cora, 10).await.unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].subject, format!("Placement agreement {id} ends on 17/01/2027"));
    // The accreditation reviews expire on 1 November 2027: 30 days before,
    // each item is chased once.
    assert_eq!(raise(date!(2027 - 10 - 02)).await, 6);
    let told = store::notifications::notifications(&db.store, cora, 10).await.unwrap();
    assert!(
        told.iter()
            .any(|n| n.subject.ends_with("accreditation item insurance expires on 01/11/2027")),
        "{told:?}"
    );
}
