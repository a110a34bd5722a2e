//! Children's records, the access log, and the audit trail through the pages.

use authz::Role;
use axum::http::StatusCode;
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::TestApp;

on_both_backends!(
    viewing_a_record_is_logged_and_shown_to_auditors,
    search_filters_sorts_pages_and_exports,
    admin_changes_are_audited_and_concurrent_edits_refused,
    committee_members_see_aggregates_only,
    administrators_create_teams_with_unique_names,
);

async fn viewing_a_record_is_logged_and_shown_to_auditors(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let auditor = app.user("ian", &[Role::InternalAuditor]).await;
    let child = app.child("C7", "Ava", "Smith", Some(worker)).await;
    let mut browser = app.session_for(worker).await;
    let record = app.get(&format!("/children/{child}"), &mut browser).await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.body.contains("Ava Smith") && record.body.contains("£5,200.00"));
    assert!(record.body.contains("Your view of this record has been logged"));
    let home = app.get("/", &mut browser).await;
    assert!(home.body.contains("1 children are allocated to you") || home.body.contains("My caseload"));

    let mut auditor_browser = app.session_for(auditor).await;
    let log = app.get(&format!("/audit/access-log?child={child}"), &mut auditor_browser).await;
    assert!(log.body.contains("C7") && log.body.contains(&format!("user:{worker}")));
    let trail = app.get("/audit?verify=1", &mut auditor_browser).await;
    assert!(trail.body.contains("The chain is intact"), "{}", trail.body);
}

async fn search_filters_sorts_pages_and_exports(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    for n in 0..30 {
        app.child(
            &format!("K{n:02}"),
            &format!("Child{n}"),
            "Jones",
            if n % 2 == 0 { Some(worker) } else { None },
        )
        .await;
    }
    let mut browser = app.session_for(worker).await;
    let first = app.get("/children?q=jones", &mut browser).await;
    assert!(first.body.contains("Showing 1 to 25 of 30 children"), "{}", first.body);
    let second = app.get("/children?q=jones&page=2", &mut browser).await;
    assert!(second.body.contains("Showing 26 to 30 of 30 children"));
    let mine = app.get("/children?mine=1", &mut browser).await;
    assert!(mine.body.contains("of 15 children"));
    let none = app.get("/children?q=zzzz", &mut browser).await;
    assert!(none.body.contains("No children match your search"));
    let bad_date = app.get("/children?dob=31%2F2%2F2012", &mut browser).await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.body.contains("Enter the date of birth as day/month/year"));
    let csv = app.get("/children/export.csv?q=jones&sort=id", &mut browser).await;
    assert_eq!(csv.headers.get("content-type").unwrap(), "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 31);
    assert!(lines[1].starts_with("K00,Jones,Child0,2012-05-17"));
}

async fn admin_changes_are_audited_and_concurrent_edits_refused(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let mut browser = app.session_for(admin).await;
    let form = app.get("/admin/users/new", &mut browser).await;
    let csrf = form.csrf_token();
    let invalid = app
        .post_form(
            "/admin/users",
            &mut browser,
            &csrf,
            &[("username", "x"), ("display_name", ""), ("password", "short")],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "a username must be 3 to 64 characters",
        "full name (up to 100 characters)",
        "at least 12 characters",
        "Select at least one role",
    ] {
        assert!(invalid.body.contains(message), "{message}");
    }
    let created = app
        .post_form(
            "/admin/users",
            &mut browser,
            &csrf,
            &[
                ("username", "pat.lee"),
                ("display_name", "Pat Lee"),
                ("password", "a long pass phrase"),
                ("roles", "panel-member"),
                ("roles", "director"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let events = store::audit::list(
        &app.db.store,
        &store::audit::AuditFilter {
            action: Some("user.created".into()),
            ..Default::default()
        },
        store::PageRequest::new(1, 10),
    )
    .await
    .unwrap();
    let latest = &events.items[0];
    assert_eq!(latest.body.actor, format!("user:{admin}"));
    assert!(latest.body.after.as_deref().unwrap().contains("pat.lee"));
    assert!(
        !latest.body.after.as_deref().unwrap().contains("argon2"),
        "no password hash in the trail"
    );

    let users = store::users::list(&app.db.store).await.unwrap();
    let pat = users.iter().find(|u| u.username == "pat.lee").unwrap();
    let path = format!("/admin/users/{}", pat.id);
    let edit = |name: &'static str| [("version", "1"), ("display_name", name), ("roles", "director"), ("active", "1")];
    let first = app.post_form(&path, &mut browser, &csrf, &edit("Pat Lee-Smith")).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = app.post_form(&path, &mut browser, &csrf, &edit("Patricia Lee")).await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(second.body.contains("changed by someone else"));
    let stored = store::users::find(&app.db.store, pat.id).await.unwrap().unwrap();
    assert_eq!(stored.display_name, "Pat Lee-Smith");
}

async fn committee_members_see_aggregates_only(db: TestDatabase) {
    let app = TestApp::new(db);
    let member = app.user("cllr", &[Role::CommitteeMember]).await;
    for n in 0..6 {
        app.child(&format!("A{n}"), "Secret", &format!("Name{n}"), None).await;
    }
    let mut browser = app.session_for(member).await;
    let overview = app.get("/overview", &mut browser).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("6 children in placements"));
    assert!(!overview.body.contains("Secret") && !overview.body.contains("A0"));
    assert_eq!(app.get("/children", &mut browser).await.status, StatusCode::FORBIDDEN);
}

async fn administrators_create_teams_with_unique_names(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let mut browser = app.session_for(admin).await;
    let csrf = app.csrf_for(&mut browser).await;
    let created = app
        .post_form("/admin/teams", &mut browser, &csrf, &[("name", "Fostering Recruitment")])
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form("/admin/teams", &mut browser, &csrf, &[("name", "Fostering Recruitment")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already exists"));
    let blank = app.post_form("/admin/teams", &mut browser, &csrf, &[("name", " ")]).await;
    assert!(blank.body.contains("Enter the team"));
    let list = app.get("/admin/teams", &mut browser).await;
    assert!(list.body.contains("Fostering Recruitment"));
    let events = store::audit::list(
        &app.db.store,
        &store::audit::AuditFilter {
            action: Some("team.created".into()),
            ..Default::default()
        },
        store::PageRequest::new(1, 5),
    )
    .await
    .unwrap();
    assert_eq!(events.total, 1);
}
