//! Internal audit through the pages and the API: an auditor adds a plan and
//! an engagement, draws a sample from live placements and sees it drawn
//! again the same, uploads evidence (a binary file, with the form token)
//! and downloads it byte for byte, and records a significant finding
//! linked to a control; a head of service responds, agrees an action and
//! updates it, and the action list shows its status in words and colour
//! and exports it; the API does the same; a social worker is refused
//! everything and an auditor cannot respond to a finding.

use authz::Role;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::{Browser, TestApp, TestResponse};
use crate::requests::post;

on_both_backends!(
    an_auditor_plans_samples_uploads_and_finds,
    a_head_of_service_responds_and_updates_an_action,
    the_api_runs_an_audit_and_its_action_plan,
    a_social_worker_is_refused,
    an_auditor_cannot_respond_to_findings,
);

/// Posts a multipart form with one binary file, as a browser does.
async fn upload(
    app: &TestApp,
    browser: &mut Browser,
    path: &str,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    file: &[u8],
) -> TestResponse {
    let boundary = "audit-evidence-boundary";
    let mut body: Vec<u8> = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    };
    if let Some(csrf) = csrf {
        text("csrf_token", csrf);
    }
    for (name, value) in fields {
        text(name, value);
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"approvals.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::COOKIE, browser.cookie_header())
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

/// An auditor's session with the 2026/27 plan and one engagement; returns
/// the engagement's address.
async fn planned(app: &TestApp, ida: &mut Browser) -> String {
    let saved = post(
        app,
        ida,
        "/assurance/audits/plans",
        &[("plan_year_start", "2026-03-31"), ("plan_title", "")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", saved.body);
    assert!(saved.body.contains("year starts on 1 April"), "{}", saved.body);
    assert!(saved.body.contains("href=\"#plan_title\""), "errors link to their fields");
    let saved = post(
        app,
        ida,
        "/assurance/audits/plans",
        &[("plan_year_start", "2026-04-01"), ("plan_title", "Plan 2026/27")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let plan = store::internal_audit::plans(&app.db.store).await.unwrap()[0].id.to_string();
    let fields = [
        ("plan_id", plan.as_str()),
        ("title", "Gateway approvals"),
        ("area", "gatekeeping"),
        ("scope", "Placements approved before they start"),
        ("starts_on", "01/10/2026"),
        ("ends_on", "2026-12-18"),
    ];
    let created = post(app, ida, "/assurance/audits", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().unwrap().to_owned()
}

async fn an_auditor_plans_samples_uploads_and_finds(db: TestDatabase) {
    let app = TestApp::new(db);
    for (id, name) in [("C1", "Ava"), ("C2", "Ben"), ("C3", "Cat"), ("C4", "Dan")] {
        app.child(id, name, "Smith", None).await;
    }
    let ida = app.user("ida", &[Role::InternalAuditor]).await;
    let mut ida = app.session_for(ida).await;
    let address = planned(&app, &mut ida).await;
    let id: i64 = address.trim_start_matches("/assurance/audits/").parse().unwrap();
    let list = app.get("/assurance/audits", &mut ida).await;
    assert!(
        list.body.contains("Gateway approvals") && list.body.contains(">Audits<"),
        "{}",
        list.body
    );

    // A sample of two from the four current placements, with a given seed.
    let draw = [
        ("test_title", "Approved before start"),
        ("test_control", "GK-01"),
        ("population", "placements"),
        ("method", "random"),
        ("size", "2"),
        ("seed", "42"),
    ];
    let drawn = post(&app, &mut ida, &format!("{address}/tests"), &draw).await;
    assert_eq!(drawn.status, StatusCode::SEE_OTHER, "{}", drawn.body);
    let test = store::audit_samples::tests_of(&app.db.store, id).await.unwrap().remove(0);
    assert_eq!((test.seed, test.population_size, test.sample.len()), (42, 4, 2));
    let sample = test.sample.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let page = app.get(&format!("{address}?redraw={}", test.id), &mut ida).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("data-testid=\"sample-{}\">{sample}<", test.id)),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Same sample") && page.body.contains("The population is unchanged"),
        "{}",
        page.body
    );
    let bad = post(
        &app,
        &mut ida,
        &format!("{address}/tests"),
        &[("population", "placements"), ("method", "random"), ("size", "0")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("href=\"#test_title\"") && bad.body.contains("href=\"#size\""),
        "{}",
        bad.body
    );

    // Evidence that is not text: refused without the form token, kept byte for byte with it.
    let evidence: Vec<u8> = vec![0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0xfe, 0x0a];
    let fields = [
        ("wp_title", "Approval records"),
        ("wp_notes", "Seen on the Gateway record"),
        ("wp_test", ""),
    ];
    let forged = upload(&app, &mut ida, &format!("{address}/workpapers"), None, &fields, &evidence).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let csrf = app.csrf_for(&mut ida).await;
    let uploaded = upload(&app, &mut ida, &format!("{address}/workpapers"), Some(&csrf), &fields, &evidence).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let paper = store::audit_workpapers::of_engagement(&app.db.store, id).await.unwrap().remove(0);
    let request = Request::get(format!("/assurance/workpapers/{}/file", paper.id))
        .header(header::COOKIE, ida.cookie_header())
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(web::app(app_state(&app)), request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"approvals.pdf\""
    );
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    assert_eq!(bytes.as_ref(), evidence.as_slice());

    let finding = [
        ("finding_kind", "finding"),
        ("rating", "significant"),
        ("finding_title", "Placements started before approval"),
        ("detail", "One of two sampled placements started before approval"),
        ("recommendation", "Do not start a placement without an approval"),
        ("controls", "GK-01"),
    ];
    let recorded = post(&app, &mut ida, &format!("{address}/findings"), &finding).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = app.get(&address, &mut ida).await;
    assert!(
        page.body
            .contains("govuk-tag--red\">Significant</strong> Placements started before approval"),
        "{}",
        page.body
    );
    assert!(page.body.contains("GK-01 Gateway approval before placement"), "{}", page.body);
    assert!(
        page.body.contains("Limited assurance<br>"),
        "one significant finding indicates Limited: {}",
        page.body
    );
}

/// The app's state again, to send a request whose body is bytes.
fn app_state(app: &TestApp) -> web::AppState {
    let clock: std::sync::Arc<dyn kernel::Clock> = app.db.clock.clone();
    let calendar = kernel::WorkingDays::new(kernel::Nation::England, []);
    web::AppState::new(app.db.store.clone(), clock, calendar, web::WebConfig::standard("Test Council"))
}

/// An engagement with a significant finding, recorded by an auditor over
/// the pages; returns the finding's id.
async fn with_finding(app: &TestApp) -> i64 {
    let ida = app.user("ida", &[Role::InternalAuditor]).await;
    let mut ida = app.session_for(ida).await;
    let address = planned(app, &mut ida).await;
    let finding = [
        ("finding_kind", "finding"),
        ("rating", "moderate"),
        ("finding_title", "Late ratification"),
        ("detail", "Emergency placements ratified late"),
        ("recommendation", "Chase ratification daily"),
        ("controls", "GK-02"),
    ];
    let recorded = post(app, &mut ida, &format!("{address}/findings"), &finding).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let id: i64 = address.trim_start_matches("/assurance/audits/").parse().unwrap();
    store::audit_findings::of_engagement(&app.db.store, id).await.unwrap()[0].id
}

async fn a_head_of_service_responds_and_updates_an_action(db: TestDatabase) {
    let app = TestApp::new(db);
    let finding = with_finding(&app).await;
    let tom = app.user("tom", &[Role::TeamManager]).await;
    let hos = app.user("hana", &[Role::HeadOfService]).await;
    let mut hana = app.session_for(hos).await;

    let path = format!("/assurance/findings/{finding}/response");
    let empty = post(
        &app,
        &mut hana,
        &path,
        &[("version", "1"), ("item", &finding.to_string()), ("response", "")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains(&format!("href=\"#response-{finding}\"")), "{}", empty.body);
    let saved = post(
        &app,
        &mut hana,
        &path,
        &[("version", "1"), ("response", "Agreed; a daily check starts in December")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = post(&app, &mut hana, &path, &[("version", "1"), ("response", "Changed")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

    let tom_id = tom.to_string();
    let agreed = post(
        &app,
        &mut hana,
        &format!("/assurance/findings/{finding}/actions"),
        &[
            ("description", "Daily ratification check"),
            ("owner", &tom_id),
            ("target_on", "2026-12-31"),
        ],
    )
    .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER, "{}", agreed.body);
    let action = store::audit_actions::list(&app.db.store, kernel::Clock::today(app.db.clock.as_ref()))
        .await
        .unwrap()
        .remove(0);
    let list = app.get("/assurance/actions", &mut hana).await;
    assert!(list.body.contains("govuk-tag--green\">Green</strong>"), "{}", list.body);
    assert!(
        list.body.contains(&format!("/assurance/actions/{}/updates", action.id)),
        "the head of service may update"
    );

    // Not the owner, but a head of service: the update is accepted.
    let update = format!("/assurance/actions/{}/updates", action.id);
    let moved = post(
        &app,
        &mut hana,
        &update,
        &[
            ("version", "1"),
            ("note", "The new rota starts in January"),
            ("revised_target", "2026-12-01"),
        ],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let list = app.get("/assurance/actions", &mut hana).await;
    assert!(
        list.body.contains("govuk-tag--orange\">Amber</strong>"),
        "due within 14 days: {}",
        list.body
    );
    assert!(
        list.body.contains("01/12/2026") && list.body.contains("The new rota starts in January"),
        "{}",
        list.body
    );
    let same = post(
        &app,
        &mut hana,
        &update,
        &[("version", "2"), ("note", "Again"), ("revised_target", "2026-12-01")],
    )
    .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        same.body.contains(&format!("href=\"#revised_target-{}\"", action.id)),
        "{}",
        same.body
    );

    // Another manager who is not the owner is refused by the store.
    let gail = app.user("gail", &[Role::GatewayOfficer]).await;
    let mut gail = app.session_for(gail).await;
    let refused = post(&app, &mut gail, &update, &[("version", "2"), ("note", "Not mine")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("a head of service or a director may update it"),
        "{}",
        refused.body
    );

    let csv = app.get("/assurance/actions/export.csv?show=open", &mut hana).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("Action,Description,Engagement"), "{}", csv.body);
    assert!(
        csv.body
            .contains("Daily ratification check,Gateway approvals,Late ratification,Moderate,Tom Tester,2026-12-31,2026-12-01,,Amber,0,,1"),
        "{}",
        csv.body
    );
}

async fn the_api_runs_an_audit_and_its_action_plan(db: TestDatabase) {
    let app = TestApp::new(db);
    app.child("C1", "Ava", "Smith", None).await;
    app.child("C2", "Ben", "Jones", None).await;
    let admin = app.user("root", &[Role::Administrator]).await;
    let tom = app.user("tom", &[Role::TeamManager]).await;
    let auditor = app.token(admin, Role::InternalAuditor).await;
    let head = app.token(admin, Role::HeadOfService).await;
    let call =
        async |token: &str, method: Method, path: &str, body: Option<serde_json::Value>| app.api(method, path, Some(token), body).await;

    let plan = call(
        &auditor,
        Method::POST,
        "/api/v1/audit-plans",
        Some(json!({"year_start": "2026-04-02", "title": "Plan"})),
    )
    .await;
    assert_eq!(plan.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", plan.body);
    assert!(plan.body.contains("year_start"));
    let plan = call(
        &auditor,
        Method::POST,
        "/api/v1/audit-plans",
        Some(json!({"year_start": "2026-04-01", "title": "Plan"})),
    )
    .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.body);
    let engagement = json!({
        "plan_id": plan.json()["id"], "title": "Care finance", "area": "finance", "scope": "Payments",
        "starts_on": "2026-11-01", "ends_on": "2026-12-31"
    });
    let created = call(&auditor, Method::POST, "/api/v1/engagements", Some(engagement)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let test = json!({"title": "Placements", "population": "placements", "method": "stratified", "size": 1, "seed": 5});
    let drawn = call(&auditor, Method::POST, &format!("/api/v1/engagements/{id}/tests"), Some(test)).await;
    assert_eq!(drawn.status, StatusCode::CREATED, "{}", drawn.body);
    assert_eq!(
        (drawn.json()["seed"].as_i64(), drawn.json()["population_size"].as_i64()),
        (Some(5), Some(2))
    );
    let finding = json!({"kind": "finding", "rating": "minor", "title": "Notes", "detail": "Thin notes", "recommendation": "Write more", "controls": ["FN-01"]});
    let found = call(&auditor, Method::POST, &format!("/api/v1/engagements/{id}/findings"), Some(finding)).await;
    assert_eq!(found.status, StatusCode::CREATED, "{}", found.body);
    let finding = found.json()["id"].as_i64().unwrap();
    let strength = json!({"kind": "strength", "rating": "minor", "title": "Good", "detail": "Clear"});
    let refused = call(
        &auditor,
        Method::POST,
        &format!("/api/v1/engagements/{id}/findings"),
        Some(strength),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("\"rating\""), "{}", refused.body);

    let response = json!({"response": "Agreed", "version": 1});
    let responded = call(&head, Method::POST, &format!("/api/v1/findings/{finding}/response"), Some(response)).await;
    assert_eq!(responded.status, StatusCode::OK, "{}", responded.body);
    let action = json!({"description": "Improve notes", "owner_id": tom.get(), "target_on": "2027-01-31"});
    let agreed = call(&head, Method::POST, &format!("/api/v1/findings/{finding}/actions"), Some(action)).await;
    assert_eq!(agreed.status, StatusCode::CREATED, "{}", agreed.body);
    let action = agreed.json()["id"].as_i64().unwrap();
    let update = json!({"note": "Template drafted", "completed": true, "version": 1});
    let updated = call(&head, Method::POST, &format!("/api/v1/actions/{action}/updates"), Some(update)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.json()["completed_on"], "2026-11-22");

    let shown = call(&auditor, Method::GET, &format!("/api/v1/engagements/{id}"), None).await;
    assert_eq!(shown.json()["indicative_opinion"], "substantial");
    assert_eq!(shown.json()["findings"][0]["controls"], json!(["FN-01"]));
    let actions = call(&auditor, Method::GET, "/api/v1/actions", None).await;
    assert_eq!(actions.json()[0]["rag"], "green");
    let plans = call(&head, Method::GET, "/api/v1/audit-plans", None).await;
    assert_eq!(plans.json()[0]["engagements"][0]["title"], "Care finance");
}

async fn a_social_worker_is_refused(db: TestDatabase) {
    let app = TestApp::new(db);
    let sam = app.user("sam", &[Role::SocialWorker]).await;
    let mut sam = app.session_for(sam).await;
    assert_eq!(app.get("/assurance/audits", &mut sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/assurance/actions", &mut sam).await.status, StatusCode::FORBIDDEN);
    let home = app.get("/", &mut sam).await;
    assert!(!home.body.contains("/assurance/audits"), "no navigation entry");
    let planned = post(
        &app,
        &mut sam,
        "/assurance/audits/plans",
        &[("plan_year_start", "2026-04-01"), ("plan_title", "Mine")],
    )
    .await;
    assert_eq!(planned.status, StatusCode::FORBIDDEN);
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::SocialWorker).await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/audit-plans", Some(&token), None).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(store::internal_audit::plans(&app.db.store).await.unwrap().is_empty());
}

async fn an_auditor_cannot_respond_to_findings(db: TestDatabase) {
    let app = TestApp::new(db);
    let finding = with_finding(&app).await;
    let ida = store::users::list(&app.db.store).await.unwrap().remove(0).id;
    let mut ida = app.session_for(ida).await;
    let page = app.get("/assurance/audits", &mut ida).await;
    assert_eq!(page.status, StatusCode::OK);
    let path = format!("/assurance/findings/{finding}/response");
    let refused = post(&app, &mut ida, &path, &[("version", "1"), ("response", "We agree with ourselves")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::InternalAuditor).await;
    let api = app
        .api(
            Method::POST,
            &format!("/api/v1/findings/{finding}/response"),
            Some(&token),
            Some(json!({"response": "x", "version": 1})),
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert!(store::audit_findings::get(&app.db.store, finding).await.unwrap().response.is_none());
}
