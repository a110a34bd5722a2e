//! Controls monitoring on both backends: a pass finds the exceptions in
//! crafted data and records each control's population (the trend); a
//! second pass clears what was put right, keeps what a person resolved,
//! and never duplicates; resolving needs a reason and evidence and the
//! current version.

use assurance::{ControlId, Settings};
use authz::cap::{WorkOnExceptions, WorkOnRequests};
use authz::{Actor, Can, Role};
use compliance::Timescales;
use kernel::{Nation, WorkingDays};
use store::control_facts::Context;
use store::controls::{self, Resolution};
use store::deadlines::Rules;
use store::testing::{PaidPlacementSpec, TestDatabase};
use store::{on_both_backends, StoreError};
use time::macros::date;

on_both_backends!(
    a_pass_finds_clears_and_keeps_exceptions,
    resolving_needs_evidence_and_the_current_version,
);

async fn pass(db: &TestDatabase) -> controls::PassSummary {
    let timescales = Timescales::statutory(Nation::England);
    let calendar = WorkingDays::new(Nation::England, []);
    let rules = Rules {
        timescales: &timescales,
        calendar: &calendar,
        placement_needs_working_days: 10,
        today: date!(2026 - 11 - 22),
    };
    let context = Context {
        rules: &rules,
        home_authority: "Demo County",
    };
    controls::run_pass(&db.store, db.clock.as_ref(), &context, &Settings::default())
        .await
        .unwrap()
}

fn of(list: &[controls::StoredException], control: ControlId) -> Vec<&controls::StoredException> {
    list.iter().filter(|e| e.control == control).collect()
}

async fn a_pass_finds_clears_and_keeps_exceptions(db: TestDatabase) {
    // Placed on 1 April at £6,000 a week with no Gateway approval, the
    // agreement signed only today, and no high-cost review since.
    let placed = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 6_000))
        .await;
    let first = pass(&db).await;
    let found = controls::exceptions(&db.store).await.unwrap();
    assert_eq!(first.exceptions, found.len());
    for control in [ControlId::Gk01, ControlId::Ct01, ControlId::Gk03] {
        let hits = of(&found, control);
        assert_eq!(hits.len(), 1, "{control:?}: {found:?}");
        assert_eq!((hits[0].subject_kind.as_str(), hits[0].subject_id), ("placement", placed.placement));
        assert_eq!(hits[0].child_id, Some(placed.child));
        assert_eq!(hits[0].state, "open");
        assert!(
            !hits[0].detail.contains("Ava") && !hits[0].detail.contains("Smith"),
            "{}",
            hits[0].detail
        );
    }
    let trend = controls::trend(&db.store, 5).await.unwrap();
    let gk03 = trend.iter().find(|t| t.control == ControlId::Gk03).unwrap();
    assert_eq!((gk03.population, gk03.exceptions), (1, 1));

    // The high-cost review is held; the Gateway exception is resolved.
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::high_cost::record_review(
        &mut cmd,
        &Can::<WorkOnRequests>::system(),
        placed.placement,
        date!(2026 - 11 - 20),
        gateway::high_cost::Outcome::Continue,
        "Continue; review again in three months",
        date!(2026 - 11 - 22),
    )
    .await
    .unwrap();
    cmd.commit().await.unwrap();
    let manager = db.person("tm", None, vec![Role::TeamManager]).await;
    let gk01 = of(&found, ControlId::Gk01)[0].clone();
    let mut cmd = db.store.begin(Actor::User(manager), db.clock.as_ref()).await.unwrap();
    let how = Resolution {
        resolution: "Retrospective approval recorded by the panel".into(),
        evidence: "Panel minutes 12 May, item 4".into(),
    };
    controls::resolve(&mut cmd, &Can::<WorkOnExceptions>::system(), gk01.id, gk01.version, &how)
        .await
        .unwrap();
    cmd.commit().await.unwrap();

    let second = pass(&db).await;
    assert_eq!(second.cleared, 1, "{second:?}");
    let after = controls::exceptions(&db.store).await.unwrap();
    assert_eq!(after.len(), found.len(), "no duplicates");
    assert_eq!(of(&after, ControlId::Gk03)[0].state, "cleared");
    assert_eq!(of(&after, ControlId::Gk01)[0].state, "resolved");
    assert_eq!(of(&after, ControlId::Ct01)[0].state, "open");
    let path = controls::record_path(&db.store, of(&after, ControlId::Ct01)[0]).await.unwrap();
    assert_eq!(path, Some(format!("/children/{}", placed.child)));
}

async fn resolving_needs_evidence_and_the_current_version(db: TestDatabase) {
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    pass(&db).await;
    let first = controls::exceptions(&db.store).await.unwrap().remove(0);
    let manager = db.person("tm", None, vec![Role::TeamManager]).await;
    let attempt = |how: Resolution, version: i64| {
        let db = &db;
        async move {
            let mut cmd = db.store.begin(Actor::User(manager), db.clock.as_ref()).await.unwrap();
            let done = controls::resolve(&mut cmd, &Can::system(), first.id, version, &how).await;
            if done.is_ok() {
                cmd.commit().await.unwrap();
            }
            done
        }
    };
    let empty = attempt(
        Resolution {
            resolution: " ".into(),
            evidence: String::new(),
        },
        first.version,
    )
    .await;
    assert!(
        matches!(&empty, Err(StoreError::Invalid(p)) if p.len() == 2 && p[1].0 == "evidence"),
        "{empty:?}"
    );
    let good = || Resolution {
        resolution: "Put right".into(),
        evidence: "Signed copy on file".into(),
    };
    let mut cmd = db.store.begin(Actor::User(manager), db.clock.as_ref()).await.unwrap();
    controls::assign(&mut cmd, &Can::system(), first.id, first.version, manager)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    assert!(matches!(attempt(good(), first.version).await, Err(StoreError::Conflict { .. })));
    attempt(good(), first.version + 1).await.unwrap();
    let by_system = {
        let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
        controls::resolve(&mut cmd, &Can::system(), first.id, first.version + 2, &good()).await
    };
    assert!(by_system.is_err());
    let stored = controls::exception(&db.store, first.id).await.unwrap();
    assert_eq!(
        (stored.state.as_str(), stored.assigned_name.as_deref()),
        ("resolved", Some("tm name"))
    );
}
