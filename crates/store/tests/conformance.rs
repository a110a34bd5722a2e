//! The store conformance suite: every story runs on SQLite and PostgreSQL.

use authz::cap::{ManageApiTokens, ManageUsers, RecordChildren};
use authz::{Actor, Can, Role};
use kernel::{Clock, Money};
use placements::PlacementCategory;
use store::children::{ChildQuery, ChildSort, NewChild};
use store::placements::NewPlacement;
use store::testing::TestDatabase;
use store::users::{NewUser, UserUpdate};
use store::{audit, migrate, on_both_backends, PageRequest, StoreError};
use time::macros::date;

async fn admin_user(db: &TestDatabase, username: &str, roles: Vec<Role>) -> store::users::User {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let user = store::users::create(
        &mut cmd,
        &Can::<ManageUsers>::system(),
        NewUser {
            username: username.into(),
            display_name: format!("{username} name"),
            email: None,
            password_hash: "x".into(),
            roles,
            teams: vec![],
        },
    )
    .await
    .unwrap();
    cmd.commit().await.unwrap();
    user
}

on_both_backends!(
    both_backends_have_the_same_schema,
    users_round_trip_with_roles,
    duplicate_usernames_name_the_field,
    concurrent_edits_are_refused,
    commands_without_audit_are_refused,
    rolled_back_commands_leave_nothing,
    audit_chain_verifies_and_detects_tampering,
    audit_table_refuses_update_and_delete,
    sessions_and_tokens,
    children_search_and_placements,
    migrations_are_idempotent,
    care_history_commands_keep_the_history_sound,
);

async fn both_backends_have_the_same_schema(db: TestDatabase) {
    // Every backend must end up with exactly these tables and columns; the
    // expected list is derived from the one migration source.
    let tables = migrate::table_names(&db.store).await.unwrap();
    let expected = [
        "access_log",
        "accreditation_items",
        "accreditation_reviews",
        "action_updates",
        "adoption_decisions",
        "adoptions",
        "agenda_items",
        "agreement_lines",
        "agreement_variations",
        "allowance_tables",
        "api_tokens",
        "assessments",
        "audit_actions",
        "audit_engagements",
        "audit_events",
        "audit_findings",
        "audit_head",
        "audit_plans",
        "audit_tests",
        "audit_workpapers",
        "break_glass_grants",
        "budgets",
        "care_events",
        "care_leaver_contacts",
        "carer_fees",
        "child_addresses",
        "child_relationships",
        "children",
        "committee_meetings",
        "committee_packs",
        "control_exceptions",
        "control_results",
        "control_runs",
        "dolo_orders",
        "finding_controls",
        "foster_households",
        "framework_lots",
        "framework_members",
        "frameworks",
        "health_outcomes",
        "hearth_migrations",
        "high_cost_reviews",
        "invoice_exceptions",
        "invoices",
        "ledger_entries",
        "legal_statuses",
        "login_attempts",
        "matrix_versions",
        "missing_episodes",
        "monitoring_assignments",
        "monitoring_events",
        "notifications",
        "panel_attendees",
        "panel_items",
        "panel_meetings",
        "payment_adjustments",
        "payment_lines",
        "payment_releases",
        "payment_runs",
        "periods_of_care",
        "placement_agreements",
        "placement_requests",
        "placement_searches",
        "placements",
        "postcode_locations",
        "previous_permanence",
        "providers",
        "recharges",
        "request_approvals",
        "request_elements",
        "resolutions",
        "restricted_teams",
        "search_referrals",
        "service_agreements",
        "service_rate_lines",
        "sessions",
        "setting_registrations",
        "settings",
        "team_members",
        "teams",
        "training_records",
        "user_roles",
        "users",
        "vacancies",
        "worker_allocations",
    ];
    assert_eq!(tables, expected);
    let columns = migrate::column_names(&db.store, "audit_events").await.unwrap();
    assert_eq!(
        columns,
        [
            "seq",
            "at",
            "actor",
            "action",
            "entity",
            "entity_id",
            "before_json",
            "after_json",
            "prev_hash",
            "hash"
        ]
    );
}

async fn users_round_trip_with_roles(db: TestDatabase) {
    let user = admin_user(&db, "amy", vec![Role::TeamManager, Role::PanelMember]).await;
    let found = store::users::find(&db.store, user.id).await.unwrap().unwrap();
    assert_eq!(found.roles, vec![Role::TeamManager, Role::PanelMember]);
    assert!(found.active);
    let principal = store::users::principal(&db.store, user.id).await.unwrap().unwrap();
    assert_eq!(principal.actor, Actor::User(user.id));
    assert_eq!(store::users::list(&db.store).await.unwrap().len(), 1);
}

async fn duplicate_usernames_name_the_field(db: TestDatabase) {
    admin_user(&db, "amy", vec![]).await;
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let err = store::users::create(
        &mut cmd,
        &Can::<ManageUsers>::system(),
        NewUser {
            username: "amy".into(),
            display_name: "Other".into(),
            email: None,
            password_hash: "x".into(),
            roles: vec![],
            teams: vec![],
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { field: "username", .. }), "{err:?}");
}

async fn concurrent_edits_are_refused(db: TestDatabase) {
    let user = admin_user(&db, "bob", vec![Role::SocialWorker]).await;
    let edit = |name: &str| UserUpdate {
        display_name: name.into(),
        email: None,
        active: true,
        roles: vec![Role::SocialWorker],
        teams: vec![],
    };
    let mut first = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::users::update(&mut first, &Can::system(), user.id, user.version, edit("First"))
        .await
        .unwrap();
    first.commit().await.unwrap();
    // A second editor who loaded the same version loses, visibly.
    let mut second = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let err = store::users::update(&mut second, &Can::system(), user.id, user.version, edit("Second"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { entity: "user" }));
    drop(second);
    let stored = store::users::find(&db.store, user.id).await.unwrap().unwrap();
    assert_eq!(stored.display_name, "First");
    assert_eq!(stored.version, 2);
}

async fn commands_without_audit_are_refused(db: TestDatabase) {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    sqlx::query("INSERT INTO teams (name, created_at) VALUES ('Sneaky', 'x')")
        .execute(cmd.conn())
        .await
        .unwrap();
    assert!(matches!(cmd.commit().await, Err(StoreError::Unaudited)));
    assert!(store::teams::list(&db.store).await.unwrap().is_empty());
}

async fn rolled_back_commands_leave_nothing(db: TestDatabase) {
    {
        let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
        store::teams::create(&mut cmd, &Can::system(), "North").await.unwrap();
        // Dropped without commit.
    }
    assert!(store::teams::list(&db.store).await.unwrap().is_empty());
    assert_eq!(audit::head(&db.store).await.unwrap().seq, 0);
}

async fn audit_chain_verifies_and_detects_tampering(db: TestDatabase) {
    admin_user(&db, "amy", vec![]).await;
    admin_user(&db, "bob", vec![]).await;
    let head = audit::verify(&db.store).await.unwrap().unwrap();
    assert_eq!(head.seq, 2);
    let page = audit::list(&db.store, &Default::default(), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].body.action, "user.created");
    assert_eq!(page.items[0].body.actor, "system");

    // An attacker with database access disables the guard and edits event 1.
    disable_audit_guard(&db).await;
    sqlx::query("UPDATE audit_events SET actor = 'user:99' WHERE seq = 1")
        .execute(db.store.pool())
        .await
        .unwrap();
    let broken = audit::verify(&db.store).await.unwrap().unwrap_err();
    assert_eq!(broken.first_bad_event(), 1);
}

async fn disable_audit_guard(db: &TestDatabase) {
    match db.store.backend() {
        store::Backend::Sqlite => {
            sqlx::raw_sql("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
                .execute(db.store.pool())
                .await
                .unwrap();
        }
        store::Backend::Postgres => {
            sqlx::raw_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
                .execute(db.store.pool())
                .await
                .unwrap();
        }
    }
}

async fn audit_table_refuses_update_and_delete(db: TestDatabase) {
    admin_user(&db, "amy", vec![]).await;
    let update = sqlx::query("UPDATE audit_events SET actor = 'x'").execute(db.store.pool()).await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_events").execute(db.store.pool()).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert!(audit::verify(&db.store).await.unwrap().is_ok());
}

async fn sessions_and_tokens(db: TestDatabase) {
    let admin = admin_user(&db, "root", vec![Role::Administrator]).await;
    let mut cmd = db.store.begin(Actor::User(admin.id), db.clock.as_ref()).await.unwrap();
    let new = store::sessions::create(&mut cmd, admin.id, None).await.unwrap();
    cmd.commit().await.unwrap();
    let session = store::sessions::find(&db.store, &new.token).await.unwrap().unwrap();
    assert_eq!(session.user_id, admin.id);
    assert!(store::sessions::find(&db.store, "nope").await.unwrap().is_none());

    let can = authz::authorize::<ManageApiTokens>(&store::users::principal(&db.store, admin.id).await.unwrap().unwrap()).unwrap();
    let mut cmd = db.store.begin(can.actor(), db.clock.as_ref()).await.unwrap();
    let (token, secret) = store::api_tokens::create(&mut cmd, &can, "ledger feed", Role::FinanceOfficer)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let principal = store::api_tokens::authenticate(&db.store, &secret, db.clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(principal.roles, vec![Role::FinanceOfficer]);
    let mut cmd = db.store.begin(can.actor(), db.clock.as_ref()).await.unwrap();
    store::api_tokens::revoke(&mut cmd, &can, token.id).await.unwrap();
    cmd.commit().await.unwrap();
    assert!(store::api_tokens::authenticate(&db.store, &secret, db.clock.now())
        .await
        .unwrap()
        .is_none());
}

async fn children_search_and_placements(db: TestDatabase) {
    let worker = admin_user(&db, "sw", vec![Role::SocialWorker]).await;
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let can = Can::<RecordChildren>::system();
    let child = |id: &str, given: &str, family: &str, dob| NewChild {
        la_child_id: id.into(),
        given_names: given.into(),
        family_name: family.into(),
        date_of_birth: dob,
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: Some(worker.id),
    };
    let ids = store::children::insert_many(
        &mut cmd,
        &can,
        &[
            child("C1", "Ava", "Smith", date!(2012 - 03 - 01)),
            child("C2", "Ben", "Jones", date!(2015 - 07 - 09)),
            child("C3", "Cara", "Smithson", date!(2010 - 01 - 20)),
        ],
    )
    .await
    .unwrap();
    store::placements::insert_many(
        &mut cmd,
        &can,
        &[NewPlacement {
            child_id: ids[0],
            provider_id: None,
            category: PlacementCategory::InHouseFoster,
            place_code: "U6".into(),
            start_date: date!(2025 - 01 - 01),
            end_date: None,
            weekly_cost: Money::from_pence(55_000),
            postcode: Some("AB1 2CD".into()),
        }],
    )
    .await
    .unwrap();
    cmd.commit().await.unwrap();

    let search = |text: &str| ChildQuery {
        text: Some(text.into()),
        ..Default::default()
    };
    let page = store::children::search(&db.store, &search("smith"), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let page = store::children::search(&db.store, &search("SMITH ava"), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(page.items.iter().map(|c| c.la_child_id.as_str()).collect::<Vec<_>>(), ["C1"]);
    let by_dob = ChildQuery {
        date_of_birth: Some(date!(2015 - 07 - 09)),
        sort: ChildSort::DateOfBirth,
        ..Default::default()
    };
    let page = store::children::search(&db.store, &by_dob, PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(page.items[0].given_names, "Ben");
    let mine = ChildQuery {
        allocated_worker: Some(worker.id),
        ..Default::default()
    };
    let page = store::children::search(&db.store, &mine, PageRequest::new(2, 2)).await.unwrap();
    assert_eq!((page.total, page.items.len(), page.page_count()), (3, 1, 2));

    let placements = store::placements::for_child(&db.store, ids[0]).await.unwrap();
    assert_eq!(placements[0].weekly_cost, Money::from_pence(55_000));
    let mix = store::stats::placement_mix(&db.store, date!(2026 - 11 - 22)).await.unwrap();
    assert_eq!(mix[0].children, 1);
    assert_eq!(mix[0].weekly_cost, Money::from_pence(55_000));
    assert!(audit::verify(&db.store).await.unwrap().is_ok());
}

async fn migrations_are_idempotent(db: TestDatabase) {
    let report = migrate::run(&db.store, db.clock.as_ref()).await.unwrap();
    assert!(report.applied.is_empty());
    assert_eq!(report.current, migrate::MIGRATIONS.len() as i64);
}

async fn care_history_commands_keep_the_history_sound(db: TestDatabase) {
    use store::care_history::{HistoryChange, PlacementDetails};
    let codes = children::codes::CodeSets::standard();
    let can = Can::<RecordChildren>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let child = store::children::insert_many(
        &mut cmd,
        &can,
        &[NewChild {
            la_child_id: "CH1".into(),
            given_names: "Ava".into(),
            family_name: "Smith".into(),
            date_of_birth: date!(2014 - 01 - 01),
            sex: "F".into(),
            ethnicity: "WBRI".into(),
            team_id: None,
            allocated_worker_id: None,
        }],
    )
    .await
    .unwrap()[0];
    let placement = |place: &str| PlacementDetails {
        category: PlacementCategory::InHouseFoster,
        place: place.into(),
        provider_id: None,
        provider_type: "PR1".into(),
        urn: None,
        postcode: None,
        weekly_cost: Money::from_pounds(500),
        long_term: false,
    };
    let start = HistoryChange::StartPeriod {
        start: date!(2026 - 01 - 05),
        category_of_need: "N1".into(),
        legal_status: "C1".into(),
        placement: placement("U6"),
    };
    store::care_history::record(&mut cmd, &can, child, &start, &codes).await.unwrap();
    cmd.commit().await.unwrap();

    // A second period may not start while one is open.
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let again = HistoryChange::StartPeriod {
        start: date!(2026 - 03 - 01),
        category_of_need: "N1".into(),
        legal_status: "C2".into(),
        placement: placement("U6"),
    };
    let err = store::care_history::record(&mut cmd, &can, child, &again, &codes)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err:?}");
    drop(cmd);

    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let change = HistoryChange::ChangeLegalStatus {
        on: date!(2026 - 03 - 01),
        code: "C2".into(),
    };
    store::care_history::record(&mut cmd, &can, child, &change, &codes).await.unwrap();
    cmd.commit().await.unwrap();
    let history = store::care_history::history_of(&db.store, child).await.unwrap().history();
    assert!(children::care_history::validate(&history, &codes).is_empty());
    let episodes = children::episodes::episodes(&history);
    assert_eq!(episodes.iter().map(|e| e.rne).collect::<Vec<_>>(), ["S", "L"]);
    assert!(audit::verify(&db.store).await.unwrap().is_ok());
}
