//! Internal audit on both backends: plans start on 1 April, engagements
//! move one step at a time to an opinion, follow-ups link to complete
//! audits, samples drawn from live data are reproducible from their seed,
//! workpapers keep their evidence, findings are rated and linked to
//! library controls, and action plans keep their history, turn amber and
//! red on the day and escalate, updated only by their owner or a senior
//! manager. Stale versions conflict throughout.

use assurance::actions::{Escalation, Rag};
use assurance::opinion::{AuditOpinion, FindingRating};
use assurance::{Area, ControlId};
use authz::cap::{ApprovePayments, ConductAudits, ManageFinance, RecordChildren, RespondToAudits};
use authz::{Actor, Can, Role};
use finance::runs::Cadence;
use gateway::request::RequestState;
use kernel::{Money, UserId};
use placements::PlacementCategory;
use store::audit_actions::{ActionUpdate, NewAction};
use store::audit_findings::{FindingKind, NewFinding};
use store::audit_samples::{NewTest, PopulationKind, SampleMethod};
use store::audit_workpapers::{Attachment, NewWorkpaper, MAX_FILE_BYTES};
use store::children::NewChild;
use store::internal_audit::{Closing, EngagementState, NewEngagement, NewPlan};
use store::placements::NewPlacement;
use store::testing::{DecidedRequest, PaidPlacementSpec, TestDatabase};
use store::{on_both_backends, Command, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    a_plan_year_starts_on_1_april_once,
    engagements_move_one_step_at_a_time_to_an_opinion,
    follow_ups_link_to_complete_engagements,
    samples_are_reproducible_from_their_seed,
    stratified_samples_cover_every_stratum,
    finance_records_are_populations_too,
    workpapers_keep_their_evidence,
    findings_are_rated_and_linked_to_controls,
    actions_keep_their_history_and_turn_red_on_the_day,
    only_the_owner_or_a_senior_manager_updates_an_action,
);

/// Runs `work` in one command as `who`, committing when it succeeds.
async fn run<T>(db: &TestDatabase, who: UserId, work: impl AsyncFnOnce(&mut Command) -> Result<T, StoreError>) -> Result<T, StoreError> {
    let mut cmd = db.store.begin(Actor::User(who), db.clock.as_ref()).await.unwrap();
    let out = work(&mut cmd).await?;
    cmd.commit().await.unwrap();
    Ok(out)
}

fn audit() -> Can<ConductAudits> {
    Can::system()
}

fn fields(error: StoreError) -> Vec<&'static str> {
    match error {
        StoreError::Invalid(fields) => fields.into_iter().map(|(field, _)| field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn new_engagement(plan_id: i64, lead: UserId) -> NewEngagement {
    NewEngagement {
        plan_id,
        title: "Gateway approvals".into(),
        area: Area::Gatekeeping,
        scope: "Approval of placements before they start".into(),
        starts_on: date!(2026 - 10 - 01),
        ends_on: date!(2026 - 12 - 18),
        lead: Some(lead),
        team: vec![],
        follow_up_of: None,
    }
}

/// An auditor, the 2026/27 plan and one planned engagement.
async fn engagement(db: &TestDatabase) -> (UserId, i64) {
    let ida = db.person("ida", None, vec![Role::InternalAuditor]).await;
    let plan = NewPlan {
        year_start: date!(2026 - 04 - 01),
        title: "Internal audit plan 2026/27".into(),
    };
    let plan = run(db, ida, async |cmd| store::internal_audit::create_plan(cmd, &audit(), &plan).await)
        .await
        .unwrap();
    let id = run(db, ida, async |cmd| {
        store::internal_audit::create_engagement(cmd, &audit(), &new_engagement(plan, ida)).await
    })
    .await
    .unwrap();
    (ida, id)
}

async fn advance(db: &TestDatabase, who: UserId, id: i64, closing: Option<Closing>) -> Result<EngagementState, StoreError> {
    let version = store::internal_audit::get(&db.store, id).await.unwrap().version;
    run(db, who, async |cmd| {
        store::internal_audit::advance(cmd, &audit(), id, version, closing.as_ref()).await
    })
    .await
}

async fn finding(db: &TestDatabase, who: UserId, engagement: i64, rating: FindingRating) -> i64 {
    let new = NewFinding {
        kind: FindingKind::Finding,
        rating: Some(rating),
        title: "Placements started before approval".into(),
        detail: "3 of 25 sampled placements started before the Gateway approved them".into(),
        recommendation: "Refuse to start a placement without a recorded approval".into(),
        controls: vec!["GK-01".into()],
    };
    run(db, who, async |cmd| store::audit_findings::record(cmd, &audit(), engagement, &new).await)
        .await
        .unwrap()
}

async fn a_plan_year_starts_on_1_april_once(db: TestDatabase) {
    let ida = db.person("ida", None, vec![Role::InternalAuditor]).await;
    let plan = |year_start: Date, title: &str| NewPlan {
        year_start,
        title: title.into(),
    };
    let wrong = plan(date!(2026 - 03 - 01), " ");
    let refused = run(&db, ida, async |cmd| store::internal_audit::create_plan(cmd, &audit(), &wrong).await).await;
    assert_eq!(fields(refused.unwrap_err()), ["year_start", "title"]);
    let first = plan(date!(2026 - 04 - 01), "Plan 2026/27");
    let id = run(&db, ida, async |cmd| store::internal_audit::create_plan(cmd, &audit(), &first).await)
        .await
        .unwrap();
    let twice = run(&db, ida, async |cmd| store::internal_audit::create_plan(cmd, &audit(), &first).await).await;
    assert!(matches!(twice, Err(StoreError::Duplicate { field: "year_start", .. })), "{twice:?}");

    let stale = run(&db, ida, async |cmd| store::internal_audit::approve_plan(cmd, &audit(), id, 7).await).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    run(&db, ida, async |cmd| store::internal_audit::approve_plan(cmd, &audit(), id, 1).await)
        .await
        .unwrap();
    let plans = store::internal_audit::plans(&db.store).await.unwrap();
    assert_eq!((plans[0].approved_on, plans[0].year_label()), (Some(date!(2026 - 11 - 22)), "2026/27".to_owned()));
    let again = run(&db, ida, async |cmd| store::internal_audit::approve_plan(cmd, &audit(), id, 2).await).await;
    assert_eq!(fields(again.unwrap_err()), ["approved_on"]);
}

async fn engagements_move_one_step_at_a_time_to_an_opinion(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    let plan = store::internal_audit::get(&db.store, id).await.unwrap().plan_id;
    let mut bad = new_engagement(plan, ida);
    bad.starts_on = date!(2027 - 04 - 01);
    bad.ends_on = date!(2027 - 03 - 01);
    bad.team = vec![ida];
    let refused = run(&db, ida, async |cmd| store::internal_audit::create_engagement(cmd, &audit(), &bad).await).await;
    assert_eq!(fields(refused.unwrap_err()), ["starts_on", "ends_on", "team"]);

    assert_eq!(advance(&db, ida, id, None).await.unwrap(), EngagementState::Fieldwork);
    let stale = run(&db, ida, async |cmd| store::internal_audit::advance(cmd, &audit(), id, 1, None).await).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    finding(&db, ida, id, FindingRating::Significant).await;
    assert_eq!(advance(&db, ida, id, None).await.unwrap(), EngagementState::Reporting);

    // Completing needs an opinion; one significant finding indicates Limited.
    assert_eq!(fields(advance(&db, ida, id, None).await.unwrap_err()), ["opinion"]);
    let unexplained = Closing {
        opinion: AuditOpinion::Reasonable,
        reason: String::new(),
    };
    assert_eq!(fields(advance(&db, ida, id, Some(unexplained)).await.unwrap_err()), ["opinion_reason"]);
    let explained = Closing {
        opinion: AuditOpinion::Reasonable,
        reason: "The late starts were all emergencies ratified within two days".into(),
    };
    assert_eq!(advance(&db, ida, id, Some(explained)).await.unwrap(), EngagementState::Complete);
    let done = store::internal_audit::get(&db.store, id).await.unwrap();
    assert_eq!((done.opinion, done.opinion_on), (Some(AuditOpinion::Reasonable), Some(date!(2026 - 11 - 22))));
    let filter = store::audit::AuditFilter {
        action: Some("audit_engagement.advanced".into()),
        ..Default::default()
    };
    let events = store::audit::list(&db.store, &filter, store::PageRequest::new(1, 10)).await.unwrap();
    let last = events.items[0].body.after.clone().unwrap();
    assert!(last.contains("\"indicative\":\"limited\"") && last.contains("ratified within two days"), "{last}");
    assert_eq!(fields(advance(&db, ida, id, None).await.unwrap_err()), ["state"]);
    // The file is closed: no more findings.
    let late = NewFinding {
        kind: FindingKind::Strength,
        rating: None,
        title: "Good records".into(),
        detail: "Clear".into(),
        recommendation: String::new(),
        controls: vec![],
    };
    let closed = run(&db, ida, async |cmd| store::audit_findings::record(cmd, &audit(), id, &late).await).await;
    assert_eq!(fields(closed.unwrap_err()), ["title"]);
}

async fn follow_ups_link_to_complete_engagements(db: TestDatabase) {
    let (ida, original) = engagement(&db).await;
    let plan = store::internal_audit::get(&db.store, original).await.unwrap().plan_id;
    let later = run(&db, ida, async |cmd| {
        store::internal_audit::create_engagement(cmd, &audit(), &new_engagement(plan, ida)).await
    })
    .await
    .unwrap();
    let link = async |id: i64, to: i64| {
        let version = store::internal_audit::get(&db.store, id).await.unwrap().version;
        run(&db, ida, async |cmd| store::internal_audit::set_follow_up(cmd, &audit(), id, version, Some(to)).await).await
    };
    assert_eq!(fields(link(later, later).await.unwrap_err()), ["follow_up_of"], "not itself");
    assert_eq!(fields(link(later, original).await.unwrap_err()), ["follow_up_of"], "not before it is complete");
    let mut asked = new_engagement(plan, ida);
    asked.follow_up_of = Some(original);
    let early = run(&db, ida, async |cmd| store::internal_audit::create_engagement(cmd, &audit(), &asked).await).await;
    assert_eq!(fields(early.unwrap_err()), ["follow_up_of"]);

    for _ in 0..2 {
        advance(&db, ida, original, None).await.unwrap();
    }
    let substantial = Closing {
        opinion: AuditOpinion::Substantial,
        reason: String::new(),
    };
    advance(&db, ida, original, Some(substantial)).await.unwrap();
    link(later, original).await.unwrap();
    assert_eq!(store::internal_audit::get(&db.store, later).await.unwrap().follow_up_of, Some(original));
    assert_eq!(
        store::internal_audit::follow_ups(&db.store, original).await.unwrap(),
        [(later, "Gateway approvals".to_owned())]
    );
    let created = run(&db, ida, async |cmd| store::internal_audit::create_engagement(cmd, &audit(), &asked).await).await;
    assert!(created.is_ok(), "{created:?}");
}

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
    let id = run(db, who, async |cmd| store::audit_samples::draw_sample(cmd, &audit(), engagement, test).await).await?;
    let mut conn = db.store.pool().acquire().await.unwrap();
    Ok(store::audit_samples::test(&mut conn, id).await.unwrap())
}

async fn samples_are_reproducible_from_their_seed(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    let empty = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(42))).await;
    assert_eq!(fields(empty.unwrap_err()), ["kind"], "nothing to sample yet");
    placed(&db, &[(PlacementCategory::ChildrensHome, 40)], "R").await;

    let first = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(42))).await.unwrap();
    let again = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(42))).await.unwrap();
    let other = draw(&db, ida, id, &placements_test(SampleMethod::Random, 5, Some(43))).await.unwrap();
    assert_eq!((first.population_size, first.sample.len()), (40, 5));
    assert_eq!(first.sample, again.sample, "the same seed draws the same sample");
    assert_ne!(first.sample, other.sample, "another seed draws another");
    assert!(first.sample.windows(2).all(|p| p[0] < p[1]));
    assert_eq!((first.definition.as_of, first.control_id), (date!(2026 - 11 - 22), Some(ControlId::Gk01)));

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
    let test = draw(&db, ida, id, &placements_test(SampleMethod::Stratified, 4, Some(7))).await.unwrap();
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
    assert_eq!((test.population_size, test.sample.len(), test.strata.len()), (2, 2, 2), "one from each category");
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
        run(&db, fo, async |cmd| store::payment_runs::calculate(cmd, &Can::system(), run_id, version).await)
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
    assert_eq!((test.population_size, test.sample.len()), (2, 2), "asking for more takes everything");
}

async fn workpapers_keep_their_evidence(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    placed(&db, &[(PlacementCategory::ChildrensHome, 3)], "W").await;
    let test = draw(&db, ida, id, &placements_test(SampleMethod::Random, 2, Some(1))).await.unwrap();
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
    let refused = run(&db, ida, async |cmd| store::audit_workpapers::add(cmd, &audit(), id, &too_big).await).await;
    assert_eq!(fields(refused.unwrap_err()), ["file", "test_id"]);
    let notes_only = NewWorkpaper {
        file: None,
        test_id: None,
        ..too_big
    };
    let plain = run(&db, ida, async |cmd| store::audit_workpapers::add(cmd, &audit(), id, &notes_only).await)
        .await
        .unwrap();
    assert!(matches!(
        store::audit_workpapers::file(&db.store, plain).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn findings_are_rated_and_linked_to_controls(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    let hos = db.person("hos", None, vec![Role::HeadOfService]).await;
    let mut new = NewFinding {
        kind: FindingKind::Finding,
        rating: None,
        title: "Late approvals".into(),
        detail: "Found late".into(),
        recommendation: String::new(),
        controls: vec!["GK-99".into()],
    };
    let refused = run(&db, ida, async |cmd| store::audit_findings::record(cmd, &audit(), id, &new).await).await;
    assert_eq!(fields(refused.unwrap_err()), ["rating", "recommendation", "controls"]);
    let strength = NewFinding {
        kind: FindingKind::Strength,
        rating: Some(FindingRating::Minor),
        controls: vec![],
        ..new.clone()
    };
    let refused = run(&db, ida, async |cmd| store::audit_findings::record(cmd, &audit(), id, &strength).await).await;
    assert_eq!(fields(refused.unwrap_err()), ["rating"]);

    new.rating = Some(FindingRating::Moderate);
    new.recommendation = "Approve first".into();
    new.controls = vec!["gk-02".into(), "GK-01".into(), "GK-01".into()];
    let fid = run(&db, ida, async |cmd| store::audit_findings::record(cmd, &audit(), id, &new).await)
        .await
        .unwrap();
    let strength = NewFinding { rating: None, ..strength };
    run(&db, ida, async |cmd| store::audit_findings::record(cmd, &audit(), id, &strength).await)
        .await
        .unwrap();
    let listed = store::audit_findings::of_engagement(&db.store, id).await.unwrap();
    assert_eq!(listed[0].controls, [ControlId::Gk01, ControlId::Gk02]);
    assert_eq!((listed[1].kind, listed.len()), (FindingKind::Strength, 2));
    let mut conn = db.store.pool().acquire().await.unwrap();
    let (counts, indicated) = store::internal_audit::indicative(&mut conn, id).await.unwrap();
    assert_eq!((counts.moderate, counts.strengths, indicated), (1, 1, AuditOpinion::Reasonable));

    let respond = async |finding: i64, version: i64, text: &str| {
        run(&db, hos, async |cmd| {
            store::audit_findings::respond(cmd, &Can::<RespondToAudits>::system(), finding, version, text).await
        })
        .await
    };
    assert_eq!(fields(respond(listed[1].id, 1, "Thanks").await.unwrap_err()), ["response"]);
    assert_eq!(fields(respond(fid, 1, " ").await.unwrap_err()), ["response"]);
    respond(fid, 1, "Agreed: approvals will be checked daily").await.unwrap();
    assert!(matches!(respond(fid, 1, "Again").await, Err(StoreError::Conflict { .. })));
    let response = store::audit_findings::get(&db.store, fid).await.unwrap().response.unwrap();
    assert_eq!(
        (response.by.as_deref(), response.on),
        (Some("hos name"), date!(2026 - 11 - 22))
    );
}

/// Updates action `id` as `who`, at its current version.
async fn update(db: &TestDatabase, who: UserId, id: i64, update: ActionUpdate) -> Result<(), StoreError> {
    let principal = store::users::principal(&db.store, who).await.unwrap().unwrap();
    let can = authz::authorize::<RespondToAudits>(&principal).unwrap();
    let version = store::audit_actions::get(&db.store, id, date!(2026 - 11 - 22)).await.unwrap().version;
    run(db, who, async |cmd| store::audit_actions::add_update(cmd, &can, &principal, id, version, &update).await).await
}

fn note(text: &str, revised_target: Option<Date>, completed: bool) -> ActionUpdate {
    ActionUpdate {
        note: text.into(),
        revised_target,
        completed,
    }
}

/// An engagement with a finding and an action owned by a team manager, due 31 December 2026.
async fn action(db: &TestDatabase) -> (UserId, i64) {
    let (ida, id) = engagement(db).await;
    let tom = db.person("tom", None, vec![Role::TeamManager]).await;
    let fid = finding(db, ida, id, FindingRating::Moderate).await;
    let new = NewAction {
        description: "Check approvals daily".into(),
        owner: tom,
        target_on: date!(2026 - 12 - 31),
    };
    let action = run(db, tom, async |cmd| {
        store::audit_actions::create(cmd, &Can::<RespondToAudits>::system(), fid, &new).await
    })
    .await
    .unwrap();
    (tom, action)
}

async fn actions_keep_their_history_and_turn_red_on_the_day(db: TestDatabase) {
    let (tom, id) = action(&db).await;
    let on = async |day: Date| {
        let a = store::audit_actions::get(&db.store, id, day).await.unwrap();
        (a.rag, a.escalation, a.target)
    };
    let target = date!(2026 - 12 - 31);
    assert_eq!(on(date!(2026 - 11 - 22)).await, (Rag::Green, Escalation::NotEscalated, target));
    assert_eq!(on(date!(2026 - 12 - 17)).await, (Rag::Amber, Escalation::NotEscalated, target), "due within 14 days");
    assert_eq!(on(date!(2027 - 01 - 01)).await, (Rag::Red, Escalation::NotEscalated, target));
    assert_eq!(on(date!(2027 - 02 - 15)).await, (Rag::Red, Escalation::HeadOfService, target));
    assert_eq!(on(date!(2027 - 04 - 15)).await, (Rag::Red, Escalation::Director, target));
    let overdue = store::audit_actions::overdue_actions(&db.store, date!(2027 - 02 - 15)).await.unwrap();
    assert_eq!((overdue.len(), overdue[0].days_overdue), (1, 46));
    assert!(store::audit_actions::overdue_actions(&db.store, target).await.unwrap().is_empty());

    assert_eq!(fields(update(&db, tom, id, note(" ", None, false)).await.unwrap_err()), ["note"]);
    assert_eq!(
        fields(update(&db, tom, id, note("Same", Some(target), false)).await.unwrap_err()),
        ["revised_target"]
    );
    assert_eq!(
        fields(update(&db, tom, id, note("Past", Some(date!(2026 - 11 - 01)), false)).await.unwrap_err()),
        ["revised_target"]
    );
    update(&db, tom, id, note("Procedure drafted", None, false)).await.unwrap();
    let revised = date!(2027 - 03 - 31);
    update(&db, tom, id, note("Waiting for the new system", Some(revised), false))
        .await
        .unwrap();
    assert_eq!(on(date!(2027 - 01 - 01)).await, (Rag::Green, Escalation::NotEscalated, revised));
    update(&db, tom, id, note("Supplier slipped", Some(date!(2027 - 04 - 30)), false))
        .await
        .unwrap();
    assert_eq!(on(date!(2027 - 01 - 01)).await.0, Rag::Amber, "revised twice: slipping");
    update(&db, tom, id, note("Done: daily check in place", None, true)).await.unwrap();
    assert_eq!(on(date!(2027 - 12 - 01)).await, (Rag::Green, Escalation::NotEscalated, date!(2027 - 04 - 30)));
    let done = store::audit_actions::get(&db.store, id, date!(2026 - 11 - 22)).await.unwrap();
    assert_eq!((done.original_target, done.completed_on), (target, Some(date!(2026 - 11 - 22))));
    let history: Vec<(&str, bool)> = done.updates.iter().map(|u| (u.note.as_str(), u.completed)).collect();
    assert_eq!(
        history,
        [
            ("Procedure drafted", false),
            ("Waiting for the new system", false),
            ("Supplier slipped", false),
            ("Done: daily check in place", true)
        ]
    );
    assert_eq!(done.updates[0].by.as_deref(), Some("tom name"));
    assert_eq!(
        fields(update(&db, tom, id, note("Again", None, true)).await.unwrap_err()),
        ["completed"]
    );

    // The history is append-only in the database itself.
    let edit = sqlx::query("UPDATE action_updates SET note = 'changed'").execute(db.store.pool()).await;
    assert!(edit.is_err());
}

async fn only_the_owner_or_a_senior_manager_updates_an_action(db: TestDatabase) {
    let (_tom, id) = action(&db).await;
    let other = db.person("gail", None, vec![Role::GatewayOfficer]).await;
    let hos = db.person("hos", None, vec![Role::HeadOfService]).await;
    let director = db.person("dee", None, vec![Role::Director]).await;
    let refused = update(&db, other, id, note("Not mine", None, false)).await;
    assert_eq!(fields(refused.unwrap_err()), ["action"]);
    update(&db, hos, id, note("Chased the owner", None, false)).await.unwrap();
    update(&db, director, id, note("Raised at the leadership team", None, false))
        .await
        .unwrap();

    let principal = store::users::principal(&db.store, hos).await.unwrap().unwrap();
    let can = authz::authorize::<RespondToAudits>(&principal).unwrap();
    let stale = run(&db, hos, async |cmd| {
        store::audit_actions::add_update(cmd, &can, &principal, id, 1, &note("Stale", None, false)).await
    })
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    assert_eq!(store::audit_actions::get(&db.store, id, date!(2026 - 11 - 22)).await.unwrap().updates.len(), 2);
}
