//! Overdue audit actions are escalated by the jobs, on both backends: an
//! action more than 90 days past its target reaches the directors, once,
//! however often the jobs run; a completed action is not escalated.

use assurance::opinion::FindingRating;
use assurance::Area;
use authz::cap::{ConductAudits, RespondToAudits};
use authz::{Actor, Can, Role};
use kernel::{FixedClock, UserId};
use store::audit_actions::NewAction;
use store::audit_findings::{FindingKind, NewFinding};
use store::internal_audit::{NewEngagement, NewPlan};
use store::on_both_backends;
use store::testing::TestDatabase;
use time::macros::date;

on_both_backends!(an_action_long_overdue_is_escalated_once);

/// An action agreed in July with a target of 1 August, as `head`.
async fn overdue_action(db: &TestDatabase, auditor: UserId, head: UserId) -> i64 {
    let july = FixedClock::on_date(date!(2026 - 07 - 01));
    let mut cmd = db.store.begin(Actor::User(auditor), &july).await.unwrap();
    let can = Can::<ConductAudits>::system();
    let plan = NewPlan {
        year_start: date!(2026 - 04 - 01),
        title: "Plan".into(),
    };
    let plan = store::internal_audit::create_plan(&mut cmd, &can, &plan).await.unwrap();
    let engagement = NewEngagement {
        plan_id: plan,
        title: "External placements".into(),
        area: Area::Contracts,
        scope: "Contracts".into(),
        starts_on: date!(2026 - 05 - 01),
        ends_on: date!(2026 - 06 - 30),
        lead: Some(auditor),
        team: Vec::new(),
        follow_up_of: None,
    };
    let engagement = store::internal_audit::create_engagement(&mut cmd, &can, &engagement).await.unwrap();
    store::internal_audit::advance(&mut cmd, &can, engagement, 1, None).await.unwrap();
    let finding = NewFinding {
        kind: FindingKind::Finding,
        rating: Some(FindingRating::Significant),
        title: "Agreements unsigned".into(),
        detail: "Seen in the sample".into(),
        recommendation: "Sign them".into(),
        controls: vec!["CT-01".into()],
    };
    let finding = store::audit_findings::record(&mut cmd, &can, engagement, &finding).await.unwrap();
    cmd.commit().await.unwrap();
    let mut cmd = db.store.begin(Actor::User(head), &july).await.unwrap();
    let action = NewAction {
        description: "Sign every agreement before the start".into(),
        owner: head,
        target_on: date!(2026 - 08 - 01),
    };
    let id = store::audit_actions::create(&mut cmd, &Can::<RespondToAudits>::system(), finding, &action)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    id
}

async fn escalate(db: &TestDatabase) -> usize {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let raised = store::alerts::audit_escalations(&db.store, &mut cmd, date!(2026 - 11 - 22))
        .await
        .unwrap();
    if raised > 0 {
        cmd.commit().await.unwrap();
    }
    raised
}

async fn an_action_long_overdue_is_escalated_once(db: TestDatabase) {
    let auditor = db.person("ia", None, vec![Role::InternalAuditor]).await;
    let head = db.person("hos", None, vec![Role::HeadOfService]).await;
    let director = db.person("dir", None, vec![Role::Director]).await;
    let action = overdue_action(&db, auditor, head).await;
    assert_eq!(escalate(&db).await, 1);
    assert_eq!(escalate(&db).await, 0, "told once");
    let told = store::notifications::notifications(&db.store, director, 10).await.unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].subject.contains(&format!("Audit action {action}")) && told[0].subject.contains("director"));
    assert!(store::notifications::notifications(&db.store, head, 10).await.unwrap().is_empty());
}
