//! Gateway storage stories on both backends: the email outbox, the
//! two-administrator rule for matrices, and panel meetings' quorum.

use authz::cap::RunPanels;
use authz::{Actor, Can, Role};
use kernel::Clock;
use store::panels::MeetingRecord;
use store::testing::TestDatabase;
use store::{on_both_backends, StoreError};
use time::macros::date;

on_both_backends!(
    the_outbox_holds_only_unsent_mail_for_people_with_addresses,
    a_matrix_is_never_approved_by_its_proposer,
    meetings_record_attendance_from_the_version_read,
);

async fn the_outbox_holds_only_unsent_mail_for_people_with_addresses(db: TestDatabase) {
    let with = db.person("gill", Some("gill@council.example"), vec![Role::GatewayOfficer]).await;
    let without = db.person("pam", None, vec![Role::PanelMember]).await;
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    for user in [with, without] {
        store::notifications::notify(&mut cmd, user, "request", "Placement request 1 is ready for triage", "/requests/1")
            .await
            .unwrap();
    }
    cmd.record(store::Change::new("test.notified", "request", 1, None::<&()>, None::<&()>))
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let outbox = store::notifications::outbox(&db.store, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to, "gill@council.example");
    store::notifications::mark_emailed(&db.store, outbox[0].notification, db.clock.now())
        .await
        .unwrap();
    assert!(store::notifications::outbox(&db.store, 10).await.unwrap().is_empty());
    assert_eq!(store::notifications::unread(&db.store, without).await.unwrap(), 1);
}

async fn a_matrix_is_never_approved_by_its_proposer(db: TestDatabase) {
    let ada = db.person("ada", None, vec![Role::Administrator]).await;
    let rules = gateway::matrix::Matrix::standard().rules;
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let refused = store::matrices::import(&mut cmd, &rules, ada, Some(ada), "Scheme", date!(2026 - 11 - 01)).await;
    assert!(matches!(refused, Err(StoreError::Rejected(_))));
    drop(cmd);
    assert!(store::matrices::history(&db.store).await.unwrap().is_empty());
}

async fn meetings_record_attendance_from_the_version_read(db: TestDatabase) {
    let chair = db.person("pam", None, vec![Role::PanelMember]).await;
    let can = Can::<RunPanels>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let id = store::panels::schedule(&mut cmd, &can, date!(2026 - 11 - 26), 1, "Pack")
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let record = MeetingRecord {
        quorum: 1,
        papers: "Pack".into(),
        minutes: "Agreed".into(),
        attendees: vec![(chair, true)],
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::panels::record(&mut cmd, &can, id, 1, &record).await.unwrap();
    cmd.commit().await.unwrap();
    let meeting = store::panels::find(&db.store, id).await.unwrap().unwrap();
    assert!(meeting.quorate);
    assert_eq!(meeting.attendees[0].roles, vec![Role::PanelMember]);
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let stale = store::panels::record(&mut cmd, &can, id, 1, &record).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    drop(cmd);
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let zero = store::panels::schedule(&mut cmd, &can, date!(2026 - 11 - 26), 0, "").await;
    assert!(matches!(zero, Err(StoreError::Invalid(ref fields)) if fields[0].0 == "quorum"));
}
