//! Samples drawn from live data on both backends: the same seed draws the
//! same sample and another seed another, a redraw says whether the
//! population has changed, stratified samples cover every stratum, payment
//! lines, service agreements and approved requests are populations too,
//! and workpapers keep their evidence byte for byte.

use assurance::ControlId;
use authz::cap::{ApprovePayments, ManageFinance, RecordChildren};
use authz::{Actor, Can, Role};
use finance::runs::Cadence;
use gateway::request::RequestState;
use kernel::{Money, UserId};
use placements::PlacementCategory;
use store::audit_samples::{NewTest, PopulationKind, SampleMethod};
use store::audit_workpapers::{Attachment, NewWorkpaper, MAX_FILE_BYTES};
use store::children::NewChild;
use store::placements::NewPlacement;
use store::testing::{DecidedRequest, PaidPlacementSpec, TestDatabase};
use store::{on_both_backends, StoreError};
use time::macros::date;

use super::{audit, engagement, fields, run};

on_both_backends!(
    samples_are_reproducible_from_their_seed,
    stratified_samples_cover_every_stratum,
    finance_records_are_populations_too,
    workpapers_keep_their_evidence,
);

/// `counts` children placed from 2025 in each category, all current.
async fn placed(db: &TestDatabase, counts: &[(PlacementCategory, usize)], prefix: &str) {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let can = Can::<RecordChildren>::system();
    let categories: Vec<PlacementCategory> = counts.iter().flat_map(|(c, n)| std::iter::repeat_n(*c, *n)).collect();
    let children: Vec<NewChild> = (0..categories.len())
        .map(|i| NewChild {
            la_child_id: format!("{prefix}{i}"),
            given_names: "Ava".into(),
            family_name: "Smith".into(),
            date_of_birth: date!(2012 - 05 - 17),
            sex: "F".into(),
            ethnicity: "WBRI".into(),
            team_id: None,
            allocated_worker_id: None,
        })
        .collect();
    let ids = store::children::insert_many(&mut cmd, &can, &children).await.unwrap();
    let placements: Vec<NewPlacement> = ids
        .iter()
        .zip(&categories)
        .map(|(child, category)| NewPlacement {
            child_id: *child,
            provider_id: None,
            category: *category,
            place_code: category.usual_place_code().into(),
            start_date: date!(2025 - 01 - 01),
            end_date: None,
            weekly_cost: Money::from_pounds(1_000),
            postcode: None,
        })
        .collect();
    store::placements::insert_many(&mut cmd, &can, &placements).await.unwrap();
    cmd.commit().await.unwrap();
}

fn placements_test(method: SampleMethod, size: i64, seed: Option<i64>) -> NewTest {
    NewTest {
        title: "Approval before start".into(),
        control_id: Some(ControlId::Gk01),
        kind: PopulationKind::Placements,
        from: None,
        to: None,
        method,
        size,
        seed,
    }
}

async fn draw(db: &TestDatabase, who: UserId, engagement: i64, test: &NewTest) -> Result<store::audit_samples::AuditTest, StoreError> {
    let id = run(db, who, async |cmd| {
        store::audit_samples::draw_sample(cmd, &audit(), engagement, test).await
    })
    .await?;
    let mut conn = db.store.pool().acquire().await.unwrap();
    Ok(store::audit_samples::test(&mut conn, id).await.unwrap())
}

async fn samples_are_reproducible_from_their_seed(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    let empty = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(42))).await;
    assert_eq!(fields(empty.unwrap_err()), ["kind"], "nothing to sample yet");
    placed(&db, &[(PlacementCategory::ChildrensHome, 40)], "R").await;

    let first = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(42)))
        .await
        .unwrap();
    let again = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(42)))
        .await
        .unwrap();
    let other = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(43)))
        .await
        .unwrap();
    assert_eq!((first.population_size, first.sample.len()), (40, 5));
    assert_eq!(first.sample, again.sample, "the same seed draws the same sample");
    assert_ne!(first.sample, other.sample, "another seed draws another");
    assert!(first.sample.windows(2).all(|p| p[0] < p[1]));
    assert_eq!(
        (first.definition.as_of, first.control_id),
        (date!(2026 - 11 - 22), Some(ControlId::Gk01))
    );

    let clocked = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, None)).await.unwrap();
    assert!(clocked.seed >= 0, "a seed from the clock is recorded");
    let redraw = store::audit_samples::redraw_matches(&db.store, clocked.id).await.unwrap();
    assert!(redraw.matches && !redraw.population_changed, "{redraw:?}");

    // A placement recorded since changes the population, and the redraw says so.
    placed(&db, &[(PlacementCategory::ChildrensHome, 1)], "S").await;
    let redraw = store::audit_samples::redraw_matches(&db.store, first.id).await.unwrap();
    assert!(redraw.population_changed && redraw.population_size_now == 41, "{redraw:?}");

    let mut bad = placements_test(SampleMethod::Random, 0, Some(-1));
    bad.title = String::new();
    bad.from = Some(date!(2026 - 04 - 01));
    assert_eq!(
        fields(draw(&db, ida, id, &bad).await.unwrap_err()),
        ["title", "size", "seed", "from"]
    );
    let version = first.version;
    let conclude = async |version: i64| {
        run(&db, ida, async |cmd| {
            store::audit_samples::conclude(cmd, &audit(), first.id, version, "No exceptions in the sample").await
        })
        .await
    };
    conclude(version).await.unwrap();
    assert!(matches!(conclude(version).await, Err(StoreError::Conflict { .. })));
}

async fn stratified_samples_cover_every_stratum(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    placed(
        &db,
        &[
            (PlacementCategory::InHouseFoster, 30),
            (PlacementCategory::ChildrensHome, 8),
            (PlacementCategory::Secure, 1),
        ],
        "P",
    )
    .await;
    let test = draw(&db, ida, id, &placements_test(SampleMethod::Stratified, 4, Some(7)))
        .await
        .unwrap();
    let strata: Vec<(&str, usize, usize)> = test.strata.iter().map(|s| (s.key.as_str(), s.population, s.sampled)).collect();
    assert_eq!(strata, [("childrens-home", 8, 1), ("in-house-foster", 30, 2), ("secure", 1, 1)]);
    assert_eq!(test.sample.len(), 4);
    assert!(store::audit_samples::redraw_matches(&db.store, test.id).await.unwrap().matches);

    // Approved Gateway requests, by category; a declined one is not in the population.
    let sw = db.person("sw", None, vec![Role::SocialWorker]).await;
    let mut foster = DecidedRequest::approved("Q2");
    foster.category = PlacementCategory::IndependentFoster;
    let mut declined = DecidedRequest::approved("Q3");
    declined.state = RequestState::Declined;
    db.decided_requests(sw, &[DecidedRequest::approved("Q1"), foster, declined]).await;
    let requests = NewTest {
        kind: PopulationKind::Requests,
        control_id: None,
        ..placements_test(SampleMethod::Stratified, 1, Some(3))
    };
    let test = draw(&db, ida, id, &requests).await.unwrap();
    assert_eq!(
        (test.population_size, test.sample.len(), test.strata.len()),
        (2, 2, 2),
        "one from each category"
    );
}

async fn finance_records_are_populations_too(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    let fo = db.person("fo", None, vec![Role::FinanceOfficer]).await;
    let fa = db.person("fa", None, vec![Role::FinanceApprover]).await;
    for (child, provider) in [("C1", "Oak Homes"), ("C2", "Elm Care")] {
        db.paid_placement(&PaidPlacementSpec::new(child, provider, date!(2026 - 04 - 01), 700))
            .await;
    }
    // April is released; May is only calculated, so its lines are not yet payments.
    for (month, release) in [(date!(2026 - 04 - 01), true), (date!(2026 - 05 - 01), false)] {
        let run_id = run(&db, fo, async |cmd| {
            store::payment_runs::draft(cmd, &Can::<ManageFinance>::system(), Cadence::Monthly, month).await
        })
        .await
        .unwrap();
        let version = store::payment_runs::get(&db.store, run_id).await.unwrap().version;
        run(&db, fo, async |cmd| {
            store::payment_runs::calculate(cmd, &Can::system(), run_id, version).await
        })
        .await
        .unwrap();
        if release {
            let version = store::payment_runs::get(&db.store, run_id).await.unwrap().version;
            run(&db, fa, async |cmd| {
                store::payment_runs::approve(cmd, &Can::<ApprovePayments>::system(), run_id, version).await
            })
            .await
            .unwrap();
            run(&db, fo, async |cmd| store::payment_runs::release(cmd, &Can::system(), run_id).await)
                .await
                .unwrap();
        }
    }
    let lines = NewTest {
        kind: PopulationKind::PaymentLines,
        from: Some(date!(2026 - 04 - 01)),
        to: Some(date!(2026 - 05 - 31)),
        ..placements_test(SampleMethod::Stratified, 1, Some(9))
    };
    let test = draw(&db, ida, id, &lines).await.unwrap();
    assert_eq!((test.population_size, test.sample.len(), test.strata.len()), (2, 1, 1));
    let undated = NewTest {
        from: None,
        to: None,
        ..lines
    };
    assert_eq!(fields(draw(&db, ida, id, &undated).await.unwrap_err()), ["from", "to"]);
    let agreements = NewTest {
        kind: PopulationKind::ServiceAgreements,
        ..placements_test(SampleMethod::Random, 5, Some(1))
    };
    let test = draw(&db, ida, id, &agreements).await.unwrap();
    assert_eq!(
        (test.population_size, test.sample.len()),
        (2, 2),
        "asking for more takes everything"
    );
}

async fn workpapers_keep_their_evidence(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    placed(&db, &[(PlacementCategory::ChildrensHome, 3)], "W").await;
    let test = draw(&db, ida, id, &placements_test(SampleMethod::Random, 2, Some(1)))
        .await
        .unwrap();
    let bytes: Vec<u8> = vec![0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0a];
    let paper = NewWorkpaper {
        title: "Approval evidence".into(),
        notes: "Approvals seen on the Gateway record".into(),
        test_id: Some(test.id),
        file: Some(Attachment {
            file_name: "C:\\evidence\\approvals \"May\".pdf".into(),
            content_type: "application/pdf; name=x".into(),
            bytes: bytes.clone(),
        }),
    };
    let wp = run(&db, ida, async |cmd| store::audit_workpapers::add(cmd, &audit(), id, &paper).await)
        .await
        .unwrap();
    let listed = store::audit_workpapers::of_engagement(&db.store, id).await.unwrap();
    assert_eq!(listed[0].file_name.as_deref(), Some("approvals May.pdf"));
    assert_eq!((listed[0].file_bytes, listed[0].test_id), (Some(7), Some(test.id)));
    let file = store::audit_workpapers::file(&db.store, wp).await.unwrap();
    assert_eq!((file.bytes, file.content_type.as_str()), (bytes, "application/pdf"));

    let too_big = NewWorkpaper {
        test_id: Some(test.id + 100),
        file: Some(Attachment {
            file_name: "big.bin".into(),
            content_type: String::new(),
            bytes: vec![1; MAX_FILE_BYTES + 1],
        }),
        ..paper
    };
    let refused = run(&db, ida, async |cmd| {
        store::audit_workpapers::add(cmd, &audit(), id, &too_big).await
    })
    .await;
    assert_eq!(fields(refused.unwrap_err()), ["file", "test_id"]);
    let notes_only = NewWorkpaper {
        file: None,
        test_id: None,
        ..too_big
    };
    let plain = run(&db, ida, async |cmd| {
        store::audit_workpapers::add(cmd, &audit(), id, &notes_only).await
    })
    .await
    .unwrap();
    assert!(matches!(
        store::audit_workpapers::file(&db.store, plain).await,
        Err(StoreError::NotFound { .. })
    ));
}
