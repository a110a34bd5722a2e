//! Committees, packs, training and the committee figures on both backends.
//! The test clock's today is 22 November 2026.

use assurance::suppression::{Percentage, Suppressed};
use authz::cap::{ClerkCommittees, ManageTraining, ManageUsers, RecordChildren};
use authz::{Actor, Can, Role};
use kernel::{Money, Nation, UserId, WorkingDays};
use placements::PlacementCategory;
use store::care_history::{HistoryChange, PlacementDetails};
use store::children::NewChild;
use store::committees::{NewMeeting, NewResolution, ResolutionState};
use store::testing::TestDatabase;
use store::training::{NewTraining, Standing};
use store::{on_both_backends, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    a_resolution_comes_back_only_to_a_later_meeting,
    a_pack_is_kept_as_generated_and_never_updated,
    training_expires_and_a_refresher_counts,
    the_figures_withhold_small_numbers,
);

const TODAY: Date = date!(2026 - 11 - 22);

async fn clerk(db: &TestDatabase) -> UserId {
    db.person("clerk", None, vec![Role::Director]).await
}

async fn meeting(db: &TestDatabase, by: UserId, on: Date, title: &str) -> i64 {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let new = NewMeeting {
        committee: "Audit and Governance Committee".into(),
        meets_on: on,
        title: title.into(),
    };
    let id = store::committees::create_meeting(&mut cmd, &Can::<ClerkCommittees>::system(), &new)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    id
}

async fn resolve(db: &TestDatabase, by: UserId, at: i64, due: Option<i64>) -> Result<i64, StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let new = NewResolution {
        text: "A follow-up audit of care assessments is reported to this Committee, including the roll out of training to social workers."
            .into(),
        agenda_item_id: None,
        action_id: None,
        due_meeting_id: due,
    };
    let id = store::committees::add_resolution(&mut cmd, &Can::system(), at, &new).await?;
    cmd.commit().await.unwrap();
    Ok(id)
}

fn field(error: &StoreError) -> &'static str {
    match error {
        StoreError::Invalid(fields) => fields[0].0,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn a_resolution_comes_back_only_to_a_later_meeting(db: TestDatabase) {
    let by = clerk(&db).await;
    let july = meeting(&db, by, date!(2026 - 07 - 09), "Care assessments internal audit").await;
    let march = meeting(&db, by, date!(2026 - 03 - 05), "Earlier meeting").await;
    let november = meeting(&db, by, date!(2026 - 11 - 26), "Follow-up audit").await;

    for due in [march, july] {
        let refused = resolve(&db, by, july, Some(due)).await.unwrap_err();
        assert_eq!(field(&refused), "due_meeting_id", "{refused}");
    }
    assert_eq!(field(&resolve(&db, by, july, Some(9_999)).await.unwrap_err()), "due_meeting_id");
    let id = resolve(&db, by, july, Some(november)).await.unwrap();

    let due = store::committees::resolutions_due(&db.store, november).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].id, due[0].meeting_id, due[0].state), (id, july, ResolutionState::Open));
    assert_eq!(due[0].due_on, Some(date!(2026 - 11 - 26)));
    assert!(store::committees::resolutions_due(&db.store, july).await.unwrap().is_empty());
    assert_eq!(store::committees::resolutions(&db.store, july).await.unwrap().len(), 1);

    // An agenda item may link only an engagement that exists.
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let refused = store::committees::add_agenda_item(&mut cmd, &Can::system(), july, "Audit report", Some(42))
        .await
        .unwrap_err();
    assert_eq!(field(&refused), "engagement_id");
    let empty = store::committees::add_agenda_item(&mut cmd, &Can::system(), july, "  ", None)
        .await
        .unwrap_err();
    assert_eq!(field(&empty), "title");
    drop(cmd);

    // Done from the version read, once.
    let done = |version| {
        let db = &db;
        async move {
            let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
            store::committees::complete_resolution(&mut cmd, &Can::system(), id, version).await?;
            cmd.commit().await.unwrap();
            Ok::<(), StoreError>(())
        }
    };
    assert!(matches!(done(7).await.unwrap_err(), StoreError::Conflict { .. }));
    done(1).await.unwrap();
    assert_eq!(field(&done(2).await.unwrap_err()), "state");
    let due = store::committees::resolutions_due(&db.store, november).await.unwrap();
    assert_eq!((due[0].state, due[0].version), (ResolutionState::Done, 2));
}

async fn a_pack_is_kept_as_generated_and_never_updated(db: TestDatabase) {
    let by = clerk(&db).await;
    let id = meeting(&db, by, date!(2026 - 11 - 26), "November").await;
    let xlsx: Vec<u8> = (0..=255u8).cycle().take(1_000).collect();
    let save = |html: &'static str| {
        let (db, xlsx) = (&db, xlsx.clone());
        async move {
            let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
            let figures = serde_json::json!({ "children_placed": { "shown": 12 } });
            let pack = store::committees::save_pack(&mut cmd, &Can::system(), id, html, &xlsx, &figures)
                .await
                .unwrap();
            cmd.commit().await.unwrap();
            pack
        }
    };
    let first = save("<p>first</p>").await;
    let pack = store::committees::pack(&db.store, first).await.unwrap().unwrap();
    assert_eq!((pack.html.as_str(), pack.xlsx.as_slice()), ("<p>first</p>", xlsx.as_slice()));
    assert_eq!(pack.summary.generated_by, Some(by));
    assert_eq!(pack.summary.generated_by_name.as_deref(), Some("clerk name"));
    let figures = store::committees::pack_figures(&db.store, first).await.unwrap().unwrap();
    assert_eq!(figures["children_placed"]["shown"], 12);

    for sql in [
        "UPDATE committee_packs SET html = 'changed'",
        "UPDATE committee_packs SET xlsx_base64 = ''",
    ] {
        let refused = sqlx::query(sql).execute(db.store.pool()).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
    }
    // Regenerating keeps the first.
    let second = save("<p>second</p>").await;
    let packs = store::committees::packs(&db.store, id).await.unwrap();
    assert_eq!(packs.iter().map(|p| p.id).collect::<Vec<_>>(), vec![second, first]);
    assert_eq!(
        store::committees::pack(&db.store, first).await.unwrap().unwrap().html,
        "<p>first</p>"
    );

    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let missing = store::committees::save_pack(&mut cmd, &Can::system(), 9_999, "x", b"x", &()).await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));
}

async fn train(db: &TestDatabase, user: UserId, course: &str, completed: Date, expires: Option<Date>) -> Result<i64, StoreError> {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let new = NewTraining {
        user_id: user,
        course: course.into(),
        completed_on: completed,
        expires_on: expires,
    };
    let id = store::training::record(&mut cmd, &Can::<ManageTraining>::system(), &new).await?;
    cmd.commit().await.unwrap();
    Ok(id)
}

async fn staff_in_team(db: &TestDatabase, team_name: &str, usernames: &[&str]) -> Vec<UserId> {
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let team = store::teams::create(&mut cmd, &Can::<ManageUsers>::system(), team_name)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for username in usernames {
        let new = store::users::NewUser {
            username: (*username).into(),
            display_name: format!("{username} name"),
            email: None,
            password_hash: "x".into(),
            roles: vec![Role::SocialWorker],
            teams: vec![team.id],
        };
        ids.push(store::users::create(&mut cmd, &Can::system(), new).await.unwrap().id);
    }
    cmd.commit().await.unwrap();
    ids
}

fn rules<'a>(timescales: &'a compliance::Timescales, calendar: &'a WorkingDays) -> store::deadlines::Rules<'a> {
    store::deadlines::Rules {
        timescales,
        calendar,
        placement_needs_working_days: 10,
        today: TODAY,
    }
}

async fn training_expires_and_a_refresher_counts(db: TestDatabase) {
    let staff = staff_in_team(&db, "Children in Care North", &["amy", "ben"]).await;
    let (amy, ben) = (staff[0], staff[1]);

    let backwards = train(&db, amy, "Data protection", date!(2026 - 06 - 01), Some(date!(2026 - 05 - 31))).await;
    assert_eq!(field(&backwards.unwrap_err()), "expires_on");
    let future = train(&db, amy, "Data protection", date!(2026 - 11 - 23), None).await;
    assert_eq!(field(&future.unwrap_err()), "completed_on");
    assert_eq!(
        field(&train(&db, UserId::new(9_999), "Data protection", TODAY, None).await.unwrap_err()),
        "user_id"
    );
    assert_eq!(field(&train(&db, amy, "   ", TODAY, None).await.unwrap_err()), "course");

    // Amy: every required course, one expiring in 30 days (still counts).
    train(&db, amy, "Recording in Hearth", date!(2026 - 01 - 10), None).await.unwrap();
    train(
        &db,
        amy,
        "safeguarding   CHILDREN",
        date!(2025 - 12 - 22),
        Some(date!(2026 - 12 - 22)),
    )
    .await
    .unwrap();
    train(&db, amy, "Data protection", date!(2024 - 11 - 01), Some(date!(2025 - 11 - 01)))
        .await
        .unwrap();
    // Ben: expired yesterday; Amy's expired data protection is refreshed.
    train(&db, ben, "Recording in Hearth", date!(2025 - 11 - 21), Some(date!(2026 - 11 - 21)))
        .await
        .unwrap();
    train(&db, amy, "Data protection", date!(2026 - 10 - 01), Some(date!(2027 - 10 - 01)))
        .await
        .unwrap();

    assert_eq!(store::training::standing(Some(TODAY), TODAY), Standing::ExpiringSoon);
    assert_eq!(store::training::standing(Some(date!(2026 - 12 - 23)), TODAY), Standing::InDate);
    assert_eq!(store::training::standing(Some(date!(2026 - 11 - 21)), TODAY), Standing::Expired);
    assert_eq!(store::training::standing(None, TODAY), Standing::InDate);

    let expiring = store::training::expiring(&db.store, TODAY).await.unwrap();
    let listed: Vec<(UserId, &str, Standing)> = expiring.iter().map(|r| (r.user_id, r.course.as_str(), r.standing(TODAY))).collect();
    assert_eq!(
        listed,
        vec![
            (ben, "Recording in Hearth", Standing::Expired),
            (amy, "safeguarding CHILDREN", Standing::ExpiringSoon),
        ],
        "the refreshed course is not listed"
    );
    assert_eq!(store::training::for_user(&db.store, amy).await.unwrap().len(), 4);
    let team_records = store::training::records(&db.store).await.unwrap();
    assert!(team_records.iter().all(|r| r.teams == vec!["Children in Care North".to_owned()]));

    let (timescales, calendar) = (
        compliance::Timescales::statutory(Nation::England),
        WorkingDays::new(Nation::England, []),
    );
    let dashboard = store::embedding::dashboard(&db.store, &rules(&timescales, &calendar))
        .await
        .unwrap();
    let north = &dashboard.training[0];
    assert_eq!(
        (north.team.as_str(), north.staff, north.fully_trained),
        ("Children in Care North", 2, 1)
    );
    assert_eq!(north.courses.iter().map(|c| c.in_date).collect::<Vec<_>>(), vec![1, 1, 1]);
}

async fn place(db: &TestDatabase, la_child_id: &str, category: PlacementCategory, place: &str, pounds: i64) {
    let can = Can::<RecordChildren>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let new = NewChild {
        la_child_id: la_child_id.into(),
        given_names: "Ava".into(),
        family_name: "Smith".into(),
        date_of_birth: date!(2014 - 01 - 01),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: None,
    };
    let child = store::children::insert_many(&mut cmd, &can, &[new]).await.unwrap()[0];
    let start = HistoryChange::StartPeriod {
        start: date!(2026 - 01 - 05),
        category_of_need: "N1".into(),
        legal_status: "C2".into(),
        placement: PlacementDetails {
            category,
            place: place.into(),
            provider_id: None,
            provider_type: "PR1".into(),
            urn: None,
            postcode: None,
            weekly_cost: Money::from_pounds(pounds),
            long_term: false,
        },
    };
    let codes = children::codes::CodeSets::standard();
    store::care_history::record(&mut cmd, &can, child, &start, &codes).await.unwrap();
    cmd.commit().await.unwrap();
}

async fn the_figures_withhold_small_numbers(db: TestDatabase) {
    for n in 0..5 {
        place(&db, &format!("F{n}"), PlacementCategory::InHouseFoster, "U6", 400 + 100 * n).await;
    }
    for n in 0..3 {
        place(&db, &format!("K{n}"), PlacementCategory::Kinship, "U3", 6_000).await;
    }
    // A controls pass: assessments tested 3 (too few), gatekeeping 40 with 2 exceptions.
    sqlx::raw_sql(
        "INSERT INTO control_runs (run_at, run_on, exceptions, duration_ms) VALUES ('2026-11-22T06:00:00.000000Z', '2026-11-22', 3, 12);
         INSERT INTO control_results (run_id, control_id, population, exceptions) VALUES (1, 'AS-01', 3, 1), (1, 'GK-01', 30, 2), (1, 'GK-02', 10, 0);",
    )
    .execute(db.store.pool())
    .await
    .unwrap();

    let (timescales, calendar) = (
        compliance::Timescales::statutory(Nation::England),
        WorkingDays::new(Nation::England, []),
    );
    let settings = store::committee_figures::Settings {
        high_cost: &gateway::high_cost::Policy::default(),
        scale: &assurance::opinion::Scale::default(),
    };
    let figures = store::committee_figures::figures(&db.store, &rules(&timescales, &calendar), settings)
        .await
        .unwrap();
    assert_eq!(figures.children_placed, Suppressed::Shown(8));
    let mix: Vec<(PlacementCategory, Suppressed, Option<Money>)> =
        figures.mix.iter().map(|m| (m.category, m.children, m.average_weekly)).collect();
    assert_eq!(
        mix,
        vec![
            (
                PlacementCategory::InHouseFoster,
                Suppressed::Shown(5),
                Some(Money::from_pounds(600))
            ),
            (PlacementCategory::Kinship, Suppressed::FewerThanFive, None),
        ]
    );
    assert_eq!(figures.high_cost.len(), 1);
    assert_eq!(
        (figures.high_cost[0].placements, figures.high_cost[0].weekly_total),
        (Suppressed::FewerThanFive, None)
    );
    assert_eq!(figures.high_cost_total, Suppressed::FewerThanFive);

    let area = |code: &str| figures.assurance.iter().find(|a| a.area.code() == code).unwrap();
    let assessments = area("assessments");
    assert_eq!(
        (assessments.tested, assessments.level.as_deref()),
        (Suppressed::FewerThanFive, None)
    );
    assert_eq!(assessments.exception_rate, Percentage::Withheld);
    let gatekeeping = area("gatekeeping");
    assert_eq!(gatekeeping.tested, Suppressed::Shown(40));
    assert_eq!(
        (gatekeeping.exceptions, gatekeeping.exception_rate),
        (Suppressed::FewerThanFive, Percentage::Withheld)
    );
    assert_eq!(gatekeeping.level.as_deref(), Some("Reasonable"));
    assert_eq!(figures.controls_run_on, Some(TODAY));

    // Nothing in the figures names a child.
    let json = serde_json::to_string(&figures).unwrap();
    for identifier in ["Ava", "Smith", "F0", "K1", "2014-01-01"] {
        assert!(!json.contains(identifier), "{identifier} in {json}");
    }
}
