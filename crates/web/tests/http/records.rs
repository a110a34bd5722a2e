//! Children's records through the pages and the API: creating with a
//! duplicate check, care history rules, deadlines and trays, assessments,
//! restricted records and break-glass access.

use authz::Role;
use axum::http::{Method, StatusCode};
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::{Browser, TestApp};

on_both_backends!(
    creating_a_child_checks_fields_and_shows_possible_duplicates,
    care_history_changes_obey_the_rules,
    overdue_deadlines_reach_the_record_and_the_tray,
    assessments_are_never_authorised_by_their_author,
    restricted_records_need_break_glass_which_is_logged_and_reported,
    identity_edits_are_never_silently_lost,
    search_tolerates_spelling_and_order,
    the_api_gives_deadlines_and_records_events,
    the_api_creates_children_and_changes_care_history,
);

async fn new_child(
    app: &TestApp,
    browser: &mut Browser,
    id: &str,
    given: &str,
    family: &str,
    dob: &str,
    extra: &[(&str, &str)],
) -> crate::harness::TestResponse {
    let csrf = app.csrf_for(browser).await;
    let mut fields = vec![
        ("la_child_id", id),
        ("given_names", given),
        ("family_name", family),
        ("date_of_birth", dob),
        ("sex", "F"),
        ("gender_identity", "not-recorded"),
        ("ethnicity", "WBRI"),
    ];
    fields.extend_from_slice(extra);
    app.post_form("/children", browser, &csrf, &fields).await
}

fn id_from(location: Option<&str>) -> String {
    location.unwrap().trim_start_matches("/children/").to_owned()
}

/// Starts a period of care on `on` with a care order and a foster placement.
async fn start_care(app: &TestApp, browser: &mut Browser, child: &str, on: &str) -> crate::harness::TestResponse {
    let csrf = app.csrf_for(browser).await;
    app.post_form(
        &format!("/children/{child}/care"),
        browser,
        &csrf,
        &[
            ("change", "start-period"),
            ("on", on),
            ("category_of_need", "N1"),
            ("legal_status", "C2"),
            ("category", "in-house-foster"),
            ("place", "U6"),
            ("provider_type", "PR1"),
            ("postcode", "DC1 1AA"),
            ("weekly_cost", "550.00"),
        ],
    )
    .await
}

async fn creating_a_child_checks_fields_and_shows_possible_duplicates(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(worker).await;
    let bad = new_child(
        &app,
        &mut browser,
        "N1",
        "Ava",
        "Smith",
        "2030-01-01",
        &[("nhs_number", "943 476 5918")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("The date of birth must be today or in the past"));
    assert!(bad.body.contains("check digit is wrong"));

    let created = new_child(
        &app,
        &mut browser,
        "N1",
        "Ava",
        "Smith",
        "2014-02-03",
        &[("nhs_number", "943 476 5919"), ("disabilities", "AUT")],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let record = app.get(created.location().unwrap(), &mut browser).await;
    assert!(record.body.contains("Ava Smith") && record.body.contains("9434765919") && record.body.contains("AUT"));

    // A second referral for the same child, spelt differently, is caught.
    let again = new_child(&app, &mut browser, "N2", "Eva", "Smyth", "2014-02-03", &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("This child may already have a record") && again.body.contains("N1"));
    let confirmed = new_child(&app, &mut browser, "N2", "Eva", "Smyth", "2014-02-03", &[("confirm_new", "1")]).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let reused = new_child(&app, &mut browser, "N1", "Bo", "Jones", "2015-01-01", &[]).await;
    assert!(reused.body.contains("never reused"), "{}", reused.body);

    // The day of birth may be unknown: the 15th is recorded.
    let unknown_day = new_child(
        &app,
        &mut browser,
        "N3",
        "Omid",
        "Karimi",
        "2010-07-01",
        &[("birth_day_unknown", "1"), ("uasc", "1")],
    )
    .await;
    let record = app.get(unknown_day.location().unwrap(), &mut browser).await;
    assert!(record.body.contains("15 July 2010 (day not known)"), "{}", record.body);
}

async fn care_history_changes_obey_the_rules(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(worker).await;
    let child = id_from(
        new_child(&app, &mut browser, "H1", "Ava", "Smith", "2014-02-03", &[])
            .await
            .location(),
    );
    assert_eq!(
        start_care(&app, &mut browser, &child, "2026-03-02").await.status,
        StatusCode::SEE_OTHER
    );

    // A move dated before the current placement began would overlap it.
    let csrf = app.csrf_for(&mut browser).await;
    let backwards = app
        .post_form(
            &format!("/children/{child}/care"),
            &mut browser,
            &csrf,
            &[
                ("change", "move-placement"),
                ("on", "2026-02-01"),
                ("reason_for_change", "CARPL"),
                ("category", "childrens-home"),
                ("place", "K2"),
                ("provider_type", "PR4"),
                ("weekly_cost", "4500"),
            ],
        )
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        backwards.body.contains("must end after it starts") || backwards.body.contains("overlaps"),
        "{}",
        backwards.body
    );

    let retired_code = app
        .post_form(
            &format!("/children/{child}/care"),
            &mut browser,
            &csrf,
            &[("change", "legal-status"), ("on", "2026-06-01"), ("legal_status", "Z9")],
        )
        .await;
    assert!(
        retired_code.body.contains("is not a legal status code in 2026-27"),
        "{}",
        retired_code.body
    );

    let moved = app
        .post_form(
            &format!("/children/{child}/care"),
            &mut browser,
            &csrf,
            &[
                ("change", "move-placement"),
                ("on", "2026-06-01"),
                ("reason_for_change", "CARPL"),
                ("category", "childrens-home"),
                ("place", "K2"),
                ("provider_type", "PR4"),
                ("urn", "SC123456"),
                ("weekly_cost", "4500"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let ended = app
        .post_form(
            &format!("/children/{child}/care"),
            &mut browser,
            &csrf,
            &[("change", "end-period"), ("on", "2026-10-01"), ("reason_ceased", "E4A")],
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let record = app.get(&format!("/children/{child}"), &mut browser).await;
    assert!(
        record.body.contains("903 episodes derived from this history (2)"),
        "{}",
        record.body
    );
    assert!(record.body.contains("E4A"));
    let chronology = app.get(&format!("/children/{child}/chronology"), &mut browser).await;
    assert!(chronology.body.contains("Placement ended") && chronology.body.contains("Stopped being looked after"));
}

async fn overdue_deadlines_reach_the_record_and_the_tray(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(worker).await;
    let child = id_from(
        new_child(&app, &mut browser, "D1", "Ava", "Smith", "2014-02-03", &[])
            .await
            .location(),
    );
    // Allocate to Sam so the child is on Sam's caseload.
    let csrf = app.csrf_for(&mut browser).await;
    let allocated = app
        .post_form(
            &format!("/children/{child}/allocation"),
            &mut browser,
            &csrf,
            &[
                ("worker", &worker.to_string()),
                ("allocated_on", "2026-09-01"),
                ("reason", "allocation"),
            ],
        )
        .await;
    assert_eq!(allocated.status, StatusCode::SEE_OTHER, "{}", allocated.body);
    // In care since 1 September 2026; no review by 22 November (due 29 September).
    start_care(&app, &mut browser, &child, "2026-09-01").await;
    let record = app.get(&format!("/children/{child}"), &mut browser).await;
    assert!(record.body.contains("Looked-after review"), "{}", record.body);
    assert!(record.body.contains("29/09/2026") && record.body.contains("Overdue"));

    let tray = app.get("/trays/caseload?status=overdue&obligation=review", &mut browser).await;
    assert!(
        tray.body.contains("Smith, Ava") && tray.body.contains("29/09/2026"),
        "{}",
        tray.body
    );

    let csrf = app.csrf_for(&mut browser).await;
    let reviewed = app
        .post_form(
            &format!("/children/{child}/events"),
            &mut browser,
            &csrf,
            &[("kind", "review"), ("occurred_on", "2026-10-05")],
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::SEE_OTHER);
    let future = app
        .post_form(
            &format!("/children/{child}/events"),
            &mut browser,
            &csrf,
            &[("kind", "visit"), ("occurred_on", "2027-01-01")],
        )
        .await;
    assert!(future.body.contains("cannot be in the future"));
    let tray = app.get("/trays/caseload?status=overdue&obligation=review", &mut browser).await;
    assert!(!tray.body.contains("29/09/2026"), "the late review was held");
    let record = app.get(&format!("/children/{child}"), &mut browser).await;
    assert!(record.body.contains("Completed late"));
}

async fn assessments_are_never_authorised_by_their_author(db: TestDatabase) {
    let app = TestApp::new(db);
    let author = app.user("pat", &[Role::SocialWorker, Role::TeamManager]).await;
    let other_manager = app.user("max", &[Role::TeamManager]).await;
    let mut browser = app.session_for(author).await;
    let child = id_from(
        new_child(&app, &mut browser, "A1", "Ava", "Smith", "2014-02-03", &[])
            .await
            .location(),
    );
    let csrf = app.csrf_for(&mut browser).await;
    let started = app
        .post_form(
            &format!("/children/{child}/assessments"),
            &mut browser,
            &csrf,
            &[
                ("kind", "child-and-family"),
                ("started_on", "2026-11-02"),
                ("summary", "Referral from school"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let record = app.get(&format!("/children/{child}"), &mut browser).await;
    assert!(record.body.contains("07/01/2027"), "45 working days, past Christmas and New Year");
    let submit = app.post_form("/assessments/1", &mut browser, &csrf, &[("step", "submit")]).await;
    assert_eq!(submit.status, StatusCode::SEE_OTHER);
    let own = app.post_form("/assessments/1", &mut browser, &csrf, &[("step", "authorise")]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.body.contains("cannot be authorised by the person who wrote it"));
    let mut manager = app.session_for(other_manager).await;
    let csrf = app.csrf_for(&mut manager).await;
    let authorised = app.post_form("/assessments/1", &mut manager, &csrf, &[("step", "authorise")]).await;
    assert_eq!(authorised.status, StatusCode::SEE_OTHER);
    let record = app.get(&format!("/children/{child}"), &mut manager).await;
    assert!(record.body.contains("Authorised on 22/11/2026"));
}

async fn restricted_records_need_break_glass_which_is_logged_and_reported(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let mut admin_browser = app.session_for(admin).await;
    let csrf = app.csrf_for(&mut admin_browser).await;
    app.post_form("/admin/teams", &mut admin_browser, &csrf, &[("name", "Disabled Children")])
        .await;
    let manager = app.user("tess", &[Role::TeamManager]).await;
    let outsider = app.user("olly", &[Role::GatewayOfficer]).await;
    let form = app.get(&format!("/admin/users/{manager}"), &mut admin_browser).await;
    let csrf = form.csrf_token();
    app.post_form(
        &format!("/admin/users/{manager}"),
        &mut admin_browser,
        &csrf,
        &[
            ("version", "1"),
            ("display_name", "Tess Tester"),
            ("roles", "team-manager"),
            ("teams", "1"),
            ("active", "1"),
        ],
    )
    .await;

    let mut browser = app.session_for(manager).await;
    let child = id_from(
        new_child(&app, &mut browser, "R1", "Ava", "Private", "2014-02-03", &[])
            .await
            .location(),
    );
    let csrf = app.csrf_for(&mut browser).await;
    let restricted = app
        .post_form(&format!("/children/{child}/restriction"), &mut browser, &csrf, &[("teams", "1")])
        .await;
    assert_eq!(restricted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/children/{child}"), &mut browser).await.status,
        StatusCode::OK,
        "the team still sees it"
    );

    let mut outside = app.session_for(outsider).await;
    let notice = app.get(&format!("/children/{child}"), &mut outside).await;
    assert_eq!(notice.status, StatusCode::FORBIDDEN);
    assert!(notice.body.contains("This record is restricted") && !notice.body.contains("Private"));
    let exported = app.get("/children/export.csv?q=R1", &mut outside).await;
    assert!(
        exported.body.contains("R1,Restricted") && !exported.body.contains("Private"),
        "exports mask restricted records as the page does: {}",
        exported.body
    );
    let search = app.get("/children?q=R1", &mut outside).await;
    assert!(search.body.contains("R1") && search.body.contains("restricted record") && !search.body.contains("Ava"));
    let csrf = notice.csrf_token();
    let short = app
        .post_form(
            &format!("/children/{child}/break-glass"),
            &mut outside,
            &csrf,
            &[("reason", "need it")],
        )
        .await;
    assert!(short.body.contains("at least 10 characters"));
    let glass = app
        .post_form(
            &format!("/children/{child}/break-glass"),
            &mut outside,
            &csrf,
            &[("reason", "Police report of a missing child at 2am")],
        )
        .await;
    assert_eq!(glass.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/children/{child}"), &mut outside).await.status, StatusCode::OK);
    let log = store::access_log::list(&app.db.store, Some(child.parse().unwrap()), store::PageRequest::new(1, 20))
        .await
        .unwrap();
    assert!(log
        .items
        .iter()
        .any(|e| e.kind == "break-glass" && e.reason.as_deref() == Some("Police report of a missing child at 2am")));
    let told = store::notifications::notifications(&app.db.store, manager, 10).await.unwrap();
    assert!(
        told.iter().any(|n| n.subject.contains("R1") && !n.subject.contains("Private")),
        "{told:?}"
    );
    // The grant lasts an hour.
    app.db.clock.advance(time::Duration::minutes(61));
    let mut outside = app.session_for(outsider).await;
    assert_eq!(
        app.get(&format!("/children/{child}"), &mut outside).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn identity_edits_are_never_silently_lost(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(worker).await;
    let child = id_from(
        new_child(&app, &mut browser, "E1", "Ava", "Smith", "2014-02-03", &[])
            .await
            .location(),
    );
    let form = app.get(&format!("/children/{child}/edit"), &mut browser).await;
    let csrf = form.csrf_token();
    let edit = |given: &'static str| {
        vec![
            ("version", "1"),
            ("given_names", given),
            ("family_name", "Smith"),
            ("date_of_birth", "2014-02-03"),
            ("sex", "F"),
            ("gender_identity", "female"),
            ("ethnicity", "WBRI"),
        ]
    };
    let first = app
        .post_form(&format!("/children/{child}/edit"), &mut browser, &csrf, &edit("Eva"))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = app
        .post_form(&format!("/children/{child}/edit"), &mut browser, &csrf, &edit("Evie"))
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(second.body.contains("changed by someone else"));
    let events = store::audit::list(
        &app.db.store,
        &store::audit::AuditFilter {
            action: Some("child.identity_changed".into()),
            ..Default::default()
        },
        store::PageRequest::new(1, 5),
    )
    .await
    .unwrap();
    assert_eq!(events.total, 1);
    assert!(events.items[0].body.before.as_deref().unwrap().contains("Ava"));
}

async fn search_tolerates_spelling_and_order(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    app.child("S1", "Muhammad", "Ali", None).await;
    app.child("S2", "Ava", "Smith", None).await;
    let mut browser = app.session_for(worker).await;
    let found = app.get("/children?q=ali+mohammed", &mut browser).await;
    assert!(found.body.contains("Ali, Muhammad"), "{}", found.body);
    assert!(!found.body.contains("Smith, Ava"));
    let by_id = app.get("/children?q=s2", &mut browser).await;
    assert!(by_id.body.contains("Smith, Ava"));
}

async fn the_api_gives_deadlines_and_records_events(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(worker).await;
    let child = id_from(
        new_child(&app, &mut browser, "P1", "Ava", "Smith", "2014-02-03", &[])
            .await
            .location(),
    );
    start_care(&app, &mut browser, &child, "2026-09-01").await;
    let token = app.token(admin, Role::SocialWorker).await;
    let deadlines = app
        .api(Method::GET, &format!("/api/v1/children/{child}/deadlines"), Some(&token), None)
        .await
        .json();
    let review = deadlines.as_array().unwrap().iter().find(|d| d["obligation"] == "review").unwrap();
    assert_eq!(review["due"], "2026-09-29");
    assert_eq!(review["status"], "overdue");
    let bad = app
        .api(
            Method::POST,
            &format!("/api/v1/children/{child}/events"),
            Some(&token),
            Some(serde_json::json!({"kind": "visit", "occurred_on": "yesterday"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["errors"][0]["field"], "occurred_on");
    let good = app
        .api(
            Method::POST,
            &format!("/api/v1/children/{child}/events"),
            Some(&token),
            Some(serde_json::json!({"kind": "review", "occurred_on": "2026-10-05"})),
        )
        .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.body);
    let review = good
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["obligation"] == "review")
        .unwrap()
        .clone();
    assert_eq!(review["status"], "completed-late");
}

async fn the_api_creates_children_and_changes_care_history(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::SocialWorker).await;
    let child = serde_json::json!({
        "la_child_id": "API1", "given_names": "Ava", "family_name": "Smith", "date_of_birth": "2014-02-03",
        "sex": "F", "ethnicity": "WBRI", "nhs_number": "9434765919"
    });
    let created = app.api(Method::POST, "/api/v1/children", Some(&token), Some(child)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let twin = serde_json::json!({
        "la_child_id": "API2", "given_names": "Ava", "family_name": "Smyth", "date_of_birth": "2014-02-03", "sex": "F", "ethnicity": "XXXX"
    });
    let refused = app.api(Method::POST, "/api/v1/children", Some(&token), Some(twin)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "ethnicity");
    let twin = serde_json::json!({
        "la_child_id": "API2", "given_names": "Ava", "family_name": "Smyth", "date_of_birth": "2014-02-03", "sex": "F", "ethnicity": "WBRI"
    });
    let duplicate = app.api(Method::POST, "/api/v1/children", Some(&token), Some(twin)).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.json()["detail"].as_str().unwrap().contains("API1"));

    let start = serde_json::json!({
        "change": "start-period", "on": "2026-09-01", "category_of_need": "N1", "legal_status": "C2",
        "placement": { "category": "in-house-foster", "place": "U6", "provider_type": "PR1", "weekly_cost_pence": 55000 }
    });
    let started = app
        .api(
            Method::POST,
            &format!("/api/v1/children/{id}/care"),
            Some(&token),
            Some(start.clone()),
        )
        .await;
    assert_eq!(started.status, StatusCode::NO_CONTENT, "{}", started.body);
    let overlap = app
        .api(Method::POST, &format!("/api/v1/children/{id}/care"), Some(&token), Some(start))
        .await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        overlap.body.contains("no end date but a later one exists") || overlap.body.contains("overlaps"),
        "{}",
        overlap.body
    );
    let missing = app
        .api(
            Method::POST,
            &format!("/api/v1/children/{id}/care"),
            Some(&token),
            Some(serde_json::json!({"change": "legal-status", "on": "2026-10-01"})),
        )
        .await;
    assert_eq!(missing.json()["errors"][0]["field"], "legal_status");
}
