//! Action plans on both backends: each update is kept, the latest revised
//! target counts, RAG turns amber and red on the day and escalation
//! follows, and only the owner, a head of service or a director may
//! update an action, at the version they read.

use assurance::actions::{Escalation, Rag};
use assurance::opinion::FindingRating;
use authz::cap::RespondToAudits;
use authz::{Can, Role};
use kernel::UserId;
use store::audit_actions::{ActionUpdate, NewAction};
use store::testing::TestDatabase;
use store::{on_both_backends, StoreError};
use time::macros::date;
use time::Date;

use super::{engagement, fields, finding, run};

on_both_backends!(
    actions_keep_their_history_and_turn_red_on_the_day,
    only_the_owner_or_a_senior_manager_updates_an_action,
);

/// Updates action `id` as `who`, at its current version.
async fn update(db: &TestDatabase, who: UserId, id: i64, update: ActionUpdate) -> Result<(), StoreError> {
    let principal = store::users::principal(&db.store, who).await.unwrap().unwrap();
    let can = authz::authorize::<RespondToAudits>(&principal).unwrap();
    let version = store::audit_actions::get(&db.store, id, date!(2026 - 11 - 22))
        .await
        .unwrap()
        .version;
    run(db, who, async |cmd| {
        store::audit_actions::add_update(cmd, &can, &principal, id, version, &update).await
    })
    .await
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
    assert_eq!(
        on(date!(2026 - 12 - 17)).await,
        (Rag::Amber, Escalation::NotEscalated, target),
        "due within 14 days"
    );
    assert_eq!(on(date!(2027 - 01 - 01)).await, (Rag::Red, Escalation::NotEscalated, target));
    assert_eq!(on(date!(2027 - 02 - 15)).await, (Rag::Red, Escalation::HeadOfService, target));
    assert_eq!(on(date!(2027 - 04 - 15)).await, (Rag::Red, Escalation::Director, target));
    let overdue = store::audit_actions::overdue_actions(&db.store, date!(2027 - 02 - 15))
        .await
        .unwrap();
    assert_eq!((overdue.len(), overdue[0].days_overdue), (1, 46));
    assert!(store::audit_actions::overdue_actions(&db.store, target).await.unwrap().is_empty());

    assert_eq!(fields(update(&db, tom, id, note(" ", None, false)).await.unwrap_err()), ["note"]);
    assert_eq!(
        fields(update(&db, tom, id, note("Same", Some(target), false)).await.unwrap_err()),
        ["revised_target"]
    );
    assert_eq!(
        fields(
            update(&db, tom, id, note("Past", Some(date!(2026 - 11 - 01)), false))
                .await
                .unwrap_err()
        ),
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
    assert_eq!(
        on(date!(2027 - 12 - 01)).await,
        (Rag::Green, Escalation::NotEscalated, date!(2027 - 04 - 30))
    );
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
    let edit = sqlx::query("UPDATE action_updates SET note = 'changed'")
        .execute(db.store.pool())
        .await;
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
    assert_eq!(
        store::audit_actions::get(&db.store, id, date!(2026 - 11 - 22))
            .await
            .unwrap()
            .updates
            .len(),
        2
    );
}
