//! Controls monitoring through the pages and the API: a manager runs the
//! controls, sees each area's level and the exceptions, opens one, assigns
//! it and resolves it with evidence (a stale form is a conflict, missing
//! evidence is named); an auditor reads but cannot resolve; the API lists
//! and resolves; other roles are kept out.

use authz::Role;
use axum::http::{Method, StatusCode};
use serde_json::json;
use store::on_both_backends;
use store::testing::{PaidPlacementSpec, TestDatabase};
use time::macros::date;

use crate::harness::{Browser, TestApp};

on_both_backends!(
    a_manager_runs_the_controls_and_resolves_an_exception,
    auditors_read_and_the_api_resolves,
);

async fn signed_in(app: &TestApp, username: &str, role: Role) -> (Browser, String) {
    let user = app.user(username, &[role]).await;
    let mut browser = app.session_for(user).await;
    let csrf = app.csrf_for(&mut browser).await;
    (browser, csrf)
}

/// The first exception's page path on the list.
fn first_exception(list: &str) -> String {
    list.split("href=\"")
        .map(|rest| rest.split('"').next().unwrap())
        .find(|path| {
            path.strip_prefix("/assurance/exceptions/")
                .is_some_and(|id| id.parse::<i64>().is_ok())
        })
        .expect("an exception link")
        .to_owned()
}

fn version_on(page: &str) -> String {
    let start = page.find("name=\"version\" value=\"").unwrap() + 22;
    page[start..].split('"').next().unwrap().to_owned()
}

async fn a_manager_runs_the_controls_and_resolves_an_exception(db: TestDatabase) {
    let placed = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 6_000))
        .await;
    let app = TestApp::new(db);
    let (mut manager, csrf) = signed_in(&app, "hana", Role::HeadOfService).await;
    let before = app.get("/assurance", &mut manager).await;
    assert!(before.body.contains("The controls have not run yet"));
    let ran = app.post_form("/assurance/run", &mut manager, &csrf, &[]).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER);
    let page = app.get("/assurance", &mut manager).await;
    assert!(page.body.contains("Gatekeeping") && page.body.contains("GK-01"), "{}", page.body);
    assert!(page.body.contains("No assurance"), "one placement, every decision control failed");

    let record = app.get(&format!("/children/{}", placed.child), &mut manager).await;
    assert!(
        record.body.contains("This record breaks") && record.body.contains("GK-01 Gateway approval before placement"),
        "{}",
        record.body
    );
    let list = app.get("/assurance/exceptions?control=GK-01", &mut manager).await;
    assert!(list.body.contains("C1") && list.body.contains("Gateway"), "{}", list.body);
    let path = first_exception(&list.body);
    let shown = app.get(&path, &mut manager).await;
    assert!(shown.body.contains("Open the record"));
    let version = version_on(&shown.body);

    let no_evidence = app
        .post_form(
            &format!("{path}/resolve"),
            &mut manager,
            &csrf,
            &[("version", &version), ("resolution", "Approved late")],
        )
        .await;
    assert_eq!(no_evidence.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_evidence.body.contains("Give the evidence"));

    let people = shown
        .body
        .split("<option value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let assigned = app
        .post_form(
            &format!("{path}/assign"),
            &mut manager,
            &csrf,
            &[("version", &version), ("assigned_to", &people)],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    let stale = app
        .post_form(
            &format!("{path}/resolve"),
            &mut manager,
            &csrf,
            &[
                ("version", &version),
                ("resolution", "Approved late"),
                ("evidence", "Panel minutes"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Panel minutes"), "what was typed is kept");
    let next = (version.parse::<i64>().unwrap() + 1).to_string();
    let resolved = app
        .post_form(
            &format!("{path}/resolve"),
            &mut manager,
            &csrf,
            &[
                ("version", &next),
                ("resolution", "Approved late by panel"),
                ("evidence", "Panel minutes 12 May"),
            ],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
    let after = app.get(&path, &mut manager).await;
    assert!(after.body.contains("Panel minutes 12 May") && after.body.contains("resolved"));
    let csv = app.get("/assurance/exceptions/export.csv?state=all", &mut manager).await;
    assert!(csv.body.starts_with("exception_id,control,") && csv.body.contains("GK-01"));
}

async fn auditors_read_and_the_api_resolves(db: TestDatabase) {
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    let app = TestApp::new(db);
    let admin = app.user("ada", &[Role::Administrator]).await;
    let (mut auditor, csrf) = signed_in(&app, "ian", Role::InternalAuditor).await;
    assert_eq!(
        app.post_form("/assurance/run", &mut auditor, &csrf, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let token = app.token(admin, Role::HeadOfService).await;
    let ran = app.api(Method::POST, "/api/v1/controls/run", Some(&token), None).await;
    assert_eq!(ran.status, StatusCode::OK, "{}", ran.body);
    assert!(ran.json()["exceptions"].as_u64().unwrap() >= 2);
    let listed = app.api(Method::GET, "/api/v1/control-exceptions", Some(&token), None).await;
    let first = &listed.json()[0];
    let id = first["id"].as_i64().unwrap();
    let by_token = app
        .api(
            Method::POST,
            &format!("/api/v1/control-exceptions/{id}/resolve"),
            Some(&token),
            Some(json!({"resolution": "Fixed", "evidence": "Record updated", "version": first["version"]})),
        )
        .await;
    assert_eq!(
        by_token.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a service token is not a person: {}",
        by_token.body
    );
    let exception = app.get(&format!("/assurance/exceptions/{id}"), &mut auditor).await;
    assert_eq!(exception.status, StatusCode::OK);
    assert!(!exception.body.contains("Resolve the exception"), "auditors read only");
    let resolve = app
        .post_form(
            &format!("/assurance/exceptions/{id}/resolve"),
            &mut auditor,
            &csrf,
            &[("version", "1"), ("resolution", "x"), ("evidence", "y")],
        )
        .await;
    assert_eq!(resolve.status, StatusCode::FORBIDDEN);
    let controls = app.api(Method::GET, "/api/v1/controls", Some(&token), None).await;
    assert_eq!(controls.json()["controls"].as_array().unwrap().len(), 14);
    let (mut worker, _) = signed_in(&app, "sam", Role::SocialWorker).await;
    assert_eq!(app.get("/assurance", &mut worker).await.status, StatusCode::FORBIDDEN);
}
