//! Committees, packs, training and the embedding dashboard, on the pages
//! and over the API. The pack is generated for a synthetic county of 60
//! children and searched for every child's names and council id: none may
//! appear in the print-ready HTML or in the workbook's strings.

use std::collections::BTreeSet;
use std::io::Read;

use authz::Role;
use axum::http::{header, Method, StatusCode};
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::TestApp;

on_both_backends!(
    a_clerk_generates_a_pack_that_names_no_child,
    meetings_resolutions_and_packs_over_the_api,
    training_is_recorded_and_the_dashboard_shows_it,
);

/// The county as planned (names and ids), loaded into a fresh app.
async fn county(db: TestDatabase) -> (TestApp, demo::County) {
    let county = demo::plan(&demo::Options {
        children: 60,
        seed: 11,
        today: kernel::Clock::today(db.clock.as_ref()),
        demo_accounts: false,
        casework: true,
    });
    demo::load(&db.store, db.clock.as_ref(), &county, store::passwords::dummy_hash())
        .await
        .expect("load the county");
    (TestApp::new(db), county)
}

/// Words a name could share with the pack's own fixed text: checked only
/// as part of the full name. "Green" is a RAG status.
const PACK_VOCABULARY: [&str; 1] = ["Green"];

/// Every child's names and id are absent from `text`.
fn names_no_child(county: &demo::County, text: &str, what: &str) {
    let words: BTreeSet<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for child in &county.children {
        assert!(!text.contains(&child.la_child_id), "{what} holds the id {}", child.la_child_id);
        let full = format!("{} {}", child.given_names, child.family_name);
        assert!(!text.contains(&full), "{what} holds the name {full}");
        for name in child.given_names.split_whitespace().chain(child.family_name.split_whitespace()) {
            if !PACK_VOCABULARY.contains(&name) {
                assert!(!words.contains(name), "{what} holds the name {name}");
            }
        }
    }
}

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the workbook is a zip");
    let mut file = archive.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

fn id_after(location: Option<&str>, prefix: &str) -> i64 {
    let location = location.expect("a redirect");
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['#', '/']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{location} is not under {prefix}"))
}

async fn a_clerk_generates_a_pack_that_names_no_child(db: TestDatabase) {
    let (app, county) = county(db).await;
    let clerk = app.user("clerk", &[Role::Director]).await;
    let member = app.user("member", &[Role::CommitteeMember]).await;
    let worker = app.user("worker", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(clerk).await;
    let csrf = app.csrf_for(&mut browser).await;

    let page = app.get("/committees", &mut browser).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Schedule a meeting"));
    let meeting = |title: &'static str, on: &'static str| {
        let (app, csrf) = (&app, csrf.clone());
        let mut browser = browser.clone();
        async move {
            let fields = [("committee", "Audit and Governance Committee"), ("meets_on", on), ("title", title)];
            let made = app.post_form("/committees", &mut browser, &csrf, &fields).await;
            assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
            id_after(made.location(), "/committees/")
        }
    };
    let july = meeting("Care assessments internal audit", "9/7/2026").await;
    let november = meeting("Follow-up audit of care assessments", "26/11/2026").await;
    let refused = app
        .post_form("/committees", &mut browser, &csrf, &[("committee", ""), ("meets_on", "31/2/2026")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Enter the meeting date as a real date"));

    let agenda = [("title", "Follow-up internal audit: care assessments")];
    let added = app
        .post_form(&format!("/committees/{november}/agenda"), &mut browser, &csrf, &agenda)
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let text =
        "Findings of the follow-up audit to be reported at the November meeting, including the roll out of training to social workers.";
    let backwards = [("text", text), ("due_meeting_id", &july.to_string())];
    let refused = app
        .post_form(&format!("/committees/{november}/resolutions"), &mut browser, &csrf, &backwards)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("comes back to a later meeting"), "{}", refused.body);
    let due = [("text", text), ("due_meeting_id", &november.to_string())];
    let resolved = app
        .post_form(&format!("/committees/{july}/resolutions"), &mut browser, &csrf, &due)
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);

    let generated = app
        .post_form(&format!("/committees/{november}/packs"), &mut browser, &csrf, &[])
        .await;
    assert_eq!(generated.status, StatusCode::SEE_OTHER, "{}", generated.body);
    let pack = id_after(generated.location(), "/committees/packs/");

    // A committee member reads the meeting and the pack, and keeps nothing.
    let mut reader = app.session_for(member).await;
    let page = app.get(&format!("/committees/{november}"), &mut reader).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Due back at this meeting") && page.body.contains("roll out of training"));
    assert!(page.body.contains(&format!("/committees/packs/{pack}.xlsx")));
    assert!(!page.body.contains("Generate the pack") && !page.body.contains("Record a resolution"));
    let html = app.get(&format!("/committees/packs/{pack}"), &mut reader).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(html.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    for expected in [
        "<svg",
        "<title id=\"chart-mix-title\">",
        "<caption",
        "Placement mix and average weekly cost",
        "roll out of training",
    ] {
        assert!(html.body.contains(expected), "the pack has no {expected}");
    }
    for forbidden in ["<script", " style=", "<style"] {
        assert!(!html.body.contains(forbidden), "the pack holds {forbidden}");
    }
    names_no_child(&county, &html.body, "the pack");

    let download = app.get(&format!("/committees/packs/{pack}.xlsx"), &mut reader).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(download.body.starts_with("PK"), "a zip");
    let stored = store::committees::pack(&app.db.store, pack).await.unwrap().unwrap();
    let workbook = unzip(&stored.xlsx, "xl/workbook.xml");
    for sheet in [
        "Summary",
        "Business",
        "Spend",
        "Placement mix",
        "High-cost",
        "Assurance",
        "Audit opinions",
        "Action plans",
        "Recording",
        "Training",
    ] {
        assert!(workbook.contains(&format!("name=\"{sheet}\"")), "no sheet {sheet}: {workbook}");
    }
    let strings = unzip(&stored.xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains("Audit and Governance Committee"));
    names_no_child(&county, &strings, "the workbook");
    assert!(app.get("/committees/packs/nope.xlsx", &mut reader).await.status == StatusCode::NOT_FOUND);

    // Members read; they do not clerk. Social workers see none of it.
    let reader_csrf = app.csrf_for(&mut reader).await;
    let refused = app
        .post_form(&format!("/committees/{november}/packs"), &mut reader, &reader_csrf, &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut social_worker = app.session_for(worker).await;
    for path in [
        "/committees".to_owned(),
        format!("/committees/{november}"),
        format!("/committees/packs/{pack}"),
        format!("/committees/packs/{pack}.xlsx"),
    ] {
        assert_eq!(app.get(&path, &mut social_worker).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let link = "moj-primary-navigation__link\" href=\"/committees\"";
    let home = app.get("/", &mut social_worker).await;
    assert!(!home.body.contains(link));
    // Clerks who are leaders, and administrators who clerk, see one link.
    let admin = app.user("root", &[Role::Administrator]).await;
    for user in [clerk, admin] {
        let mut browser = app.session_for(user).await;
        assert_eq!(app.get("/", &mut browser).await.body.matches(link).count(), 1);
        assert_eq!(app.get("/committees", &mut browser).await.status, StatusCode::OK);
    }
}

async fn meetings_resolutions_and_packs_over_the_api(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let (clerk, member, worker) = (
        app.token(admin, Role::Administrator).await,
        app.token(admin, Role::CommitteeMember).await,
        app.token(admin, Role::SocialWorker).await,
    );
    let api = |method: Method, path: String, token: &String, body: Option<serde_json::Value>| {
        let (app, token) = (&app, token.clone());
        async move { app.api(method, &path, Some(&token), body).await }
    };
    let meeting = |title: &str, on: &str| serde_json::json!({ "committee": "Scrutiny", "meets_on": on, "title": title });
    let july = api(
        Method::POST,
        "/api/v1/committee-meetings".into(),
        &clerk,
        Some(meeting("July", "2026-07-09")),
    )
    .await;
    assert_eq!(july.status, StatusCode::CREATED, "{}", july.body);
    let july = july.json()["id"].as_i64().unwrap();
    let november = api(
        Method::POST,
        "/api/v1/committee-meetings".into(),
        &clerk,
        Some(meeting("November", "2026-11-26")),
    )
    .await;
    let november = november.json()["id"].as_i64().unwrap();
    let bad = api(
        Method::POST,
        "/api/v1/committee-meetings".into(),
        &clerk,
        Some(meeting("", "2026-13-01")),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let resolution = |due: i64| serde_json::json!({ "text": "A follow-up audit comes back to this committee.", "due_meeting_id": due });
    let path = format!("/api/v1/committee-meetings/{november}/resolutions");
    let refused = api(Method::POST, path, &clerk, Some(resolution(july))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("due_meeting_id"), "{}", refused.body);
    let path = format!("/api/v1/committee-meetings/{july}/resolutions");
    let made = api(Method::POST, path, &clerk, Some(resolution(november))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let resolution_id = made.json()["id"].as_i64().unwrap();
    let item = serde_json::json!({ "title": "Follow-up audit report" });
    let added = api(
        Method::POST,
        format!("/api/v1/committee-meetings/{november}/agenda-items"),
        &clerk,
        Some(item),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);

    let generated = api(Method::POST, format!("/api/v1/committee-meetings/{november}/packs"), &clerk, None).await;
    assert_eq!(generated.status, StatusCode::CREATED, "{}", generated.body);
    let pack = generated.json()["id"].as_i64().unwrap();
    assert_eq!(generated.json()["links"]["xlsx"], format!("/committees/packs/{pack}.xlsx"));

    let shown = api(Method::GET, format!("/api/v1/committee-meetings/{november}"), &member, None).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(shown["due_back"][0]["id"], resolution_id);
    assert_eq!(shown["agenda"][0]["title"], "Follow-up audit report");
    assert_eq!(shown["packs"][0]["pack"]["id"], pack);
    let figures = api(Method::GET, format!("/api/v1/committee-packs/{pack}"), &member, None).await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
    let figures = figures.json();
    assert_eq!(figures["figures"]["children_placed"], serde_json::json!({ "shown": 0 }));
    assert_eq!(figures["links"]["html"], format!("/committees/packs/{pack}"));

    let done = |version: i64| {
        api(
            Method::POST,
            format!("/api/v1/resolutions/{resolution_id}/done"),
            &clerk,
            Some(serde_json::json!({ "version": version })),
        )
    };
    assert_eq!(done(5).await.status, StatusCode::CONFLICT);
    assert_eq!(done(1).await.status, StatusCode::NO_CONTENT);
    assert_eq!(done(2).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let listed = api(Method::GET, "/api/v1/committee-meetings".into(), &member, None).await;
    assert_eq!(listed.json()["meetings"].as_array().unwrap().len(), 2);
    assert_eq!(
        api(Method::GET, "/api/v1/committee-meetings".into(), &worker, None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api(Method::GET, format!("/api/v1/committee-packs/{pack}"), &worker, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let by_member = api(Method::POST, format!("/api/v1/committee-meetings/{november}/packs"), &member, None).await;
    assert_eq!(by_member.status, StatusCode::FORBIDDEN);
}

async fn training_is_recorded_and_the_dashboard_shows_it(db: TestDatabase) {
    let app = TestApp::new(db);
    let manager = app.user("manager", &[Role::TeamManager]).await;
    let worker = app.user("worker", &[Role::SocialWorker]).await;
    let member = app.user("member", &[Role::CommitteeMember]).await;
    let mut browser = app.session_for(manager).await;
    let csrf = app.csrf_for(&mut browser).await;

    let worker_id = worker.to_string();
    let soon = [
        ("user_id", worker_id.as_str()),
        ("course", "Recording in Hearth"),
        ("completed_on", "20/12/2025"),
        ("expires_on", "20/12/2026"),
    ];
    let recorded = app.post_form("/training", &mut browser, &csrf, &soon).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let backwards = [
        ("user_id", worker_id.as_str()),
        ("course", "Data protection"),
        ("completed_on", "20/12/2025"),
        ("expires_on", "19/12/2025"),
    ];
    let refused = app.post_form("/training", &mut browser, &csrf, &backwards).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("cannot be before the day the course was completed"),
        "{}",
        refused.body
    );

    let page = app.get("/training", &mut browser).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Worker Tester") && page.body.contains("Expiring soon"),
        "{}",
        page.body
    );

    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::TeamManager).await;
    let body = serde_json::json!({ "user_id": worker.get(), "course": "Data protection", "completed_on": "2026-11-01" });
    let made = app.api(Method::POST, "/api/v1/training-records", Some(&token), Some(body)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let body = serde_json::json!({ "user_id": worker.get(), "course": "Data protection", "completed_on": "2026-12-01" });
    let future = app.api(Method::POST, "/api/v1/training-records", Some(&token), Some(body)).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains("completed_on"), "{}", future.body);
    let listed = app.api(Method::GET, "/api/v1/training-records", Some(&token), None).await.json();
    assert_eq!(listed["records"].as_array().unwrap().len(), 2);
    assert_eq!(listed["expiring"][0]["course"], "Recording in Hearth");

    let dashboard = app.get("/assurance/embedding", &mut browser).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("Recording by team") && dashboard.body.contains("Training by team"));
    let api = app.api(Method::GET, "/api/v1/embedding", Some(&token), None).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["required_courses"][0], "Recording in Hearth");

    let mut social_worker = app.session_for(worker).await;
    assert_eq!(app.get("/training", &mut social_worker).await.status, StatusCode::FORBIDDEN);
    let mut committee_member = app.session_for(member).await;
    assert_eq!(
        app.get("/assurance/embedding", &mut committee_member).await.status,
        StatusCode::FORBIDDEN
    );
}
