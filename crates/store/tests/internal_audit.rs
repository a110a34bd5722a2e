//! Internal audit on both backends: plans start on 1 April, engagements
//! move one step at a time to an opinion, follow-ups link to complete
//! audits, and findings are rated and linked to library controls. Samples
//! and workpapers are in `internal_audit/samples.rs`, action plans in
//! `internal_audit/actions.rs`; stale versions conflict throughout.

use assurance::opinion::{AuditOpinion, FindingRating};
use assurance::{Area, ControlId};
use authz::cap::{ConductAudits, RespondToAudits};
use authz::{Actor, Can, Role};
use kernel::UserId;
use store::audit_findings::{FindingKind, NewFinding};
use store::internal_audit::{Closing, EngagementState, NewEngagement, NewPlan};
use store::testing::TestDatabase;
use store::{on_both_backends, Command, StoreError};
use time::macros::date;
use time::Date;

#[path = "internal_audit/actions.rs"]
mod actions;
#[path = "internal_audit/samples.rs"]
mod samples;

on_both_backends!(
    a_plan_year_starts_on_1_april_once,
    engagements_move_one_step_at_a_time_to_an_opinion,
    follow_ups_link_to_complete_engagements,
    findings_are_rated_and_linked_to_controls,
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
    run(db, who, async |cmd| {
        store::audit_findings::record(cmd, &audit(), engagement, &new).await
    })
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
    let refused = run(&db, ida, async |cmd| {
        store::internal_audit::create_plan(cmd, &audit(), &wrong).await
    })
    .await;
    assert_eq!(fields(refused.unwrap_err()), ["year_start", "title"]);
    let first = plan(date!(2026 - 04 - 01), "Plan 2026/27");
    let id = run(&db, ida, async |cmd| {
        store::internal_audit::create_plan(cmd, &audit(), &first).await
    })
    .await
    .unwrap();
    let twice = run(&db, ida, async |cmd| {
        store::internal_audit::create_plan(cmd, &audit(), &first).await
    })
    .await;
    assert!(matches!(twice, Err(StoreError::Duplicate { field: "year_start", .. })), "{twice:?}");

    let stale = run(&db, ida, async |cmd| {
        store::internal_audit::approve_plan(cmd, &audit(), id, 7).await
    })
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    run(&db, ida, async |cmd| {
        store::internal_audit::approve_plan(cmd, &audit(), id, 1).await
    })
    .await
    .unwrap();
    let plans = store::internal_audit::plans(&db.store).await.unwrap();
    assert_eq!(
        (plans[0].approved_on, plans[0].year_label()),
        (Some(date!(2026 - 11 - 22)), "2026/27".to_owned())
    );
    let again = run(&db, ida, async |cmd| {
        store::internal_audit::approve_plan(cmd, &audit(), id, 2).await
    })
    .await;
    assert_eq!(fields(again.unwrap_err()), ["approved_on"]);
}

async fn engagements_move_one_step_at_a_time_to_an_opinion(db: TestDatabase) {
    let (ida, id) = engagement(&db).await;
    let plan = store::internal_audit::get(&db.store, id).await.unwrap().plan_id;
    let mut bad = new_engagement(plan, ida);
    bad.starts_on = date!(2027 - 04 - 01);
    bad.ends_on = date!(2027 - 03 - 01);
    bad.team = vec![ida];
    let refused = run(&db, ida, async |cmd| {
        store::internal_audit::create_engagement(cmd, &audit(), &bad).await
    })
    .await;
    assert_eq!(fields(refused.unwrap_err()), ["starts_on", "ends_on", "team"]);

    assert_eq!(advance(&db, ida, id, None).await.unwrap(), EngagementState::Fieldwork);
    let stale = run(&db, ida, async |cmd| {
        store::internal_audit::advance(cmd, &audit(), id, 1, None).await
    })
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    finding(&db, ida, id, FindingRating::Significant).await;
    assert_eq!(advance(&db, ida, id, None).await.unwrap(), EngagementState::Reporting);

    // Completing needs an opinion; one significant finding indicates Limited.
    assert_eq!(fields(advance(&db, ida, id, None).await.unwrap_err()), ["opinion"]);
    let unexplained = Closing {
        opinion: AuditOpinion::Reasonable,
        reason: String::new(),
    };
    assert_eq!(
        fields(advance(&db, ida, id, Some(unexplained)).await.unwrap_err()),
        ["opinion_reason"]
    );
    let explained = Closing {
        opinion: AuditOpinion::Reasonable,
        reason: "The late starts were all emergencies ratified within two days".into(),
    };
    assert_eq!(advance(&db, ida, id, Some(explained)).await.unwrap(), EngagementState::Complete);
    let done = store::internal_audit::get(&db.store, id).await.unwrap();
    assert_eq!(
        (done.opinion, done.opinion_on),
        (Some(AuditOpinion::Reasonable), Some(date!(2026 - 11 - 22)))
    );
    let filter = store::audit::AuditFilter {
        action: Some("audit_engagement.advanced".into()),
        ..Default::default()
    };
    let events = store::audit::list(&db.store, &filter, store::PageRequest::new(1, 10))
        .await
        .unwrap();
    let last = events.items[0].body.after.clone().unwrap();
    assert!(
        last.contains("\"indicative\":\"limited\"") && last.contains("ratified within two days"),
        "{last}"
    );
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
        run(&db, ida, async |cmd| {
            store::internal_audit::set_follow_up(cmd, &audit(), id, version, Some(to)).await
        })
        .await
    };
    assert_eq!(fields(link(later, later).await.unwrap_err()), ["follow_up_of"], "not itself");
    assert_eq!(
        fields(link(later, original).await.unwrap_err()),
        ["follow_up_of"],
        "not before it is complete"
    );
    let mut asked = new_engagement(plan, ida);
    asked.follow_up_of = Some(original);
    let early = run(&db, ida, async |cmd| {
        store::internal_audit::create_engagement(cmd, &audit(), &asked).await
    })
    .await;
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
    assert_eq!(
        store::internal_audit::get(&db.store, later).await.unwrap().follow_up_of,
        Some(original)
    );
    assert_eq!(
        store::internal_audit::follow_ups(&db.store, original).await.unwrap(),
        [(later, "Gateway approvals".to_owned())]
    );
    let created = run(&db, ida, async |cmd| {
        store::internal_audit::create_engagement(cmd, &audit(), &asked).await
    })
    .await;
    assert!(created.is_ok(), "{created:?}");
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
    let refused = run(&db, ida, async |cmd| {
        store::audit_findings::record(cmd, &audit(), id, &strength).await
    })
    .await;
    assert_eq!(fields(refused.unwrap_err()), ["rating"]);

    new.rating = Some(FindingRating::Moderate);
    new.recommendation = "Approve first".into();
    new.controls = vec!["gk-02".into(), "GK-01".into(), "GK-01".into()];
    let fid = run(&db, ida, async |cmd| store::audit_findings::record(cmd, &audit(), id, &new).await)
        .await
        .unwrap();
    let strength = NewFinding { rating: None, ..strength };
    run(&db, ida, async |cmd| {
        store::audit_findings::record(cmd, &audit(), id, &strength).await
    })
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
    assert_eq!((response.by.as_deref(), response.on), (Some("hos name"), date!(2026 - 11 - 22)));
}
