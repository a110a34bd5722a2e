//! The rest of the Gateway end to end: emergencies chased until ratified,
//! the matrix under two administrators, variations, and the whole request
//! journey over the JSON API with personal tokens.

use authz::{Actor, Role};
use axum::http::{Method, StatusCode};
use serde_json::json;
use store::on_both_backends;
use store::testing::TestDatabase;
use time::macros::{date, datetime};

use crate::harness::{Browser, TestApp};
use crate::requests::{draft, post};

on_both_backends!(
    emergencies_are_chased_until_a_panel_ratifies_them,
    the_matrix_changes_only_with_a_second_administrator,
    approved_requests_come_back_as_variations,
    the_api_takes_a_request_through_the_gateway,
);

/// A personal token for `user`, created through the page.
async fn personal_token(app: &TestApp, browser: &mut Browser) -> String {
    let created = post(app, browser, "/account/tokens", &[("name", "My scripts")]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let start = created.body.find("hth_").expect("the secret is shown once");
    created.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

async fn emergencies_are_chased_until_a_panel_ratifies_them(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let officer = app.user("gill", &[Role::GatewayOfficer]).await;
    let child = app.child("E1", "Ava", "Smith", Some(worker)).await;
    let mut sam = app.session_for(worker).await;
    let request = draft(
        &app,
        &mut sam,
        &child.to_string(),
        "childrens-home",
        "4000",
        &[("emergency_placed_on", "21/11/2026")],
    )
    .await;
    let mut gill = app.session_for(officer).await;
    let board = app.get("/gateway", &mut gill).await;
    assert!(board.body.contains("No panel scheduled; placed 1 days ago"), "{}", board.body);

    let scheduled = post(&app, &mut gill, "/panels", &[("meets_on", "26/11/2026"), ("quorum", "3")]).await;
    assert_eq!(scheduled.status, StatusCode::SEE_OTHER, "{}", scheduled.body);
    let board = app.get("/gateway", &mut gill).await;
    assert!(board.body.contains("Due at the panel on 2026-11-26"), "{}", board.body);

    // The panel meets without ratifying it: from the next day it is chased,
    // once a day, however often the chase runs.
    app.db.clock.set(datetime!(2026-11-27 08:00 UTC));
    let mut gill = app.session_for(officer).await;
    let board = app.get("/gateway", &mut gill).await;
    assert!(
        board.body.contains("Overdue: the panel on 2026-11-26 met 1 days ago"),
        "{}",
        board.body
    );
    for _ in 0..2 {
        let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
        store::request_steps::chase_ratifications(&mut cmd, date!(2026 - 11 - 27))
            .await
            .unwrap();
        cmd.commit().await.unwrap();
    }
    let number = request.trim_start_matches("/requests/");
    let tray = app.get("/notifications", &mut gill).await;
    let subject = format!("Emergency placement request {number} awaits ratification at panel");
    assert_eq!(tray.body.matches(&subject).count(), 1, "{}", tray.body);
    let emergencies = app.get("/requests?emergencies=1", &mut gill).await;
    assert!(emergencies.body.contains("E1") && emergencies.body.contains("Emergency"));
    let csv = app.get("/requests/export.csv?emergencies=1", &mut gill).await;
    assert!(csv.body.starts_with("request,child_id,state"), "{}", csv.body);
    assert!(
        csv.body
            .contains(",E1,draft,planned,childrens-home,\"£4,000.00\",,,,2026-11-21,,Sam Tester"),
        "{}",
        csv.body
    );
}

async fn the_matrix_changes_only_with_a_second_administrator(db: TestDatabase) {
    let app = TestApp::new(db);
    let first = app.user("ada", &[Role::Administrator]).await;
    let second = app.user("bob", &[Role::Administrator]).await;
    let mut ada = app.session_for(first).await;
    let shown = app.get("/matrix", &mut ada).await;
    assert!(shown.body.contains("£5,000 a week or more"), "{}", shown.body);
    let rule = [
        ("rule_name", "Every placement"),
        ("rule_when", "weekly-cost-at-least"),
        ("rule_amount", "0.01"),
        ("rule_category", ""),
        ("rule_approvers_0", "director"),
    ];
    let unexplained = post(&app, &mut ada, "/matrix/proposals", &rule).await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unexplained.body.contains("Say why the matrix is changing"), "{}", unexplained.body);
    let mut fields = rule.to_vec();
    fields.push(("reason", "Director signs every placement during the overspend"));
    let proposed = post(&app, &mut ada, "/matrix/proposals", &fields).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let id = store::matrices::history(&app.db.store).await.unwrap()[0].id;

    let own = post(&app, &mut ada, &format!("/matrix/proposals/{id}"), &[("decision", "approve")]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.body.contains("proposed"), "{}", own.body);
    let mut bob = app.session_for(second).await;
    let approved = post(&app, &mut bob, &format!("/matrix/proposals/{id}"), &[("decision", "approve")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let in_force = store::matrices::in_force(&app.db.store, &gateway::matrix::Matrix::standard())
        .await
        .unwrap();
    assert_eq!(in_force.rules.len(), 1);
    assert_eq!(in_force.rules[0].approvers, vec![Role::Director]);

    // A request submitted now needs the director, however cheap.
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let child = app.child("M1", "Ava", "Smith", Some(worker)).await;
    let mut sam = app.session_for(worker).await;
    let request = draft(&app, &mut sam, &child.to_string(), "independent-foster", "900", &[]).await;
    post(&app, &mut sam, &request, &[("action", "submit")]).await;
    let id: i64 = request.trim_start_matches("/requests/").parse().unwrap();
    let stored = store::requests::find(&app.db.store, id).await.unwrap().unwrap();
    assert_eq!(stored.required, vec![Role::Director]);
}

async fn approved_requests_come_back_as_variations(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let child = app.child("V1", "Ava", "Smith", Some(worker)).await;
    let mut sam = app.session_for(worker).await;
    let request = draft(&app, &mut sam, &child.to_string(), "independent-foster", "900", &[]).await;
    let id = request.trim_start_matches("/requests/").to_owned();
    let early = post(
        &app,
        &mut sam,
        &format!("/children/{child}/requests"),
        &[
            ("variation_of", &id),
            ("variation_kind", "extension"),
            ("urgency", "planned"),
            ("category", "independent-foster"),
            ("suitable", "independent-foster"),
            ("location", "in-area"),
            ("education", "keep-school"),
            ("element_kind", "core-fee"),
            ("element_cost", "950"),
            ("needs", "As before"),
            ("risks", "None known"),
            ("justification", "Extension for six months"),
        ],
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early.body.contains("Only an approved request for this child can be varied"),
        "{}",
        early.body
    );

    // An approved request (loaded as if imported) offers a variation,
    // pre-filled from it.
    let original = store::requests::find(&app.db.store, id.parse().unwrap()).await.unwrap().unwrap();
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let ids = store::gateway_board::insert_bulk(
        &mut cmd,
        &authz::Can::<authz::cap::RecordChildren>::system(),
        &[store::gateway_board::LoadedRequest {
            new: store::requests::NewRequest {
                child,
                details: original.details.clone(),
                emergency_placed_on: None,
                variation: None,
            },
            requester: worker,
            state: gateway::request::RequestState::Approved,
            required: Vec::new(),
            submitted_on: Some(date!(2026 - 11 - 01)),
            decided_on: Some(date!(2026 - 11 - 05)),
            agreed_weekly: Some(original.weekly_cost),
            reasons: Some("Agreed".into()),
            conditions: None,
            panel_items: Vec::new(),
            approvals: Vec::new(),
        }],
    )
    .await
    .unwrap();
    cmd.commit().await.unwrap();
    let id = ids[0].to_string();
    let request = format!("/requests/{id}");
    let page = app.get(&request, &mut sam).await;
    assert!(page.body.contains(&format!("requests/new?variation_of={id}")), "{}", page.body);
    let form = app
        .get(&format!("/children/{child}/requests/new?variation_of={id}"), &mut sam)
        .await;
    assert!(form.body.contains(&format!("Vary placement request {id}")) && form.body.contains("value=\"900.00\""));
    let varied = post(
        &app,
        &mut sam,
        &format!("/children/{child}/requests"),
        &[
            ("variation_of", &id),
            ("variation_kind", "cost-increase"),
            ("urgency", "planned"),
            ("category", "independent-foster"),
            ("suitable", "independent-foster"),
            ("location", "in-area"),
            ("education", "keep-school"),
            ("element_kind", "core-fee"),
            ("element_cost", "900"),
            ("element_kind", "one-to-one"),
            ("element_cost", "250.50"),
            ("needs", "As before"),
            ("risks", "None known"),
            ("justification", "Extra support after school"),
        ],
    )
    .await;
    assert_eq!(varied.status, StatusCode::SEE_OTHER, "{}", varied.body);
    let shown = app.get(varied.location().unwrap(), &mut sam).await;
    assert!(
        shown.body.contains("Cost increase: varies") && shown.body.contains("£1,150.50"),
        "{}",
        shown.body
    );
}

async fn the_api_takes_a_request_through_the_gateway(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let manager = app.user("tess", &[Role::TeamManager]).await;
    let child = app.child("A1", "Ava", "Smith", Some(worker)).await;
    let mut sam = app.session_for(worker).await;
    let sam_token = personal_token(&app, &mut sam).await;
    let details = json!({
        "urgency": "planned", "category": "independent-foster", "suitable": ["independent-foster"],
        "siblings_together": 1, "location": "near-school", "education": "keep-school",
        "needs": "Stable home", "risks": "None known",
        "elements": [{"kind": "core-fee", "weekly": 95000, "note": ""}],
        "justification": "Sibling group", "out_of_area": false, "at_distance": false, "unregistered": false,
        "dol_order": null, "regulator_notified_on": null, "override_reasons": null
    });
    let bad = app
        .api(
            Method::POST,
            "/api/v1/requests",
            Some(&sam_token),
            Some(json!({ "child_id": child.get(), "details": { "urgency": "soon" } })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("details"), "{}", bad.body);
    let created = app
        .api(
            Method::POST,
            "/api/v1/requests",
            Some(&sam_token),
            Some(json!({ "child_id": child.get(), "details": details })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/requests/{id}");
    let submitted = app
        .api(
            Method::POST,
            &format!("{path}/steps"),
            Some(&sam_token),
            Some(json!({ "action": "submit" })),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    assert_eq!(submitted.json()["state"], "submitted");
    let own = app
        .api(
            Method::POST,
            &format!("{path}/steps"),
            Some(&sam_token),
            Some(json!({ "action": "endorse" })),
        )
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.body.contains("Only a team manager can do this"), "{}", own.body);
    let mut tess = app.session_for(manager).await;
    let tess_token = personal_token(&app, &mut tess).await;
    let endorsed = app
        .api(
            Method::POST,
            &format!("{path}/steps"),
            Some(&tess_token),
            Some(json!({ "action": "endorse" })),
        )
        .await;
    assert_eq!(endorsed.json()["state"], "endorsed", "{}", endorsed.body);
    let shown = app.api(Method::GET, &path, Some(&tess_token), None).await;
    let body = shown.json();
    assert_eq!(body["details"]["elements"][0]["weekly"], 95000);
    assert_eq!(body["details"]["siblings_together"], 1);
    let listed = app
        .api(Method::GET, "/api/v1/requests?state=endorsed", Some(&tess_token), None)
        .await;
    assert_eq!(listed.json()["total"], 1);
    let unknown = app.api(Method::GET, "/api/v1/requests?state=lost", Some(&tess_token), None).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let matrix = app.api(Method::GET, "/api/v1/matrix", Some(&tess_token), None).await;
    assert!(matrix.body.contains("£5,000 a week or more"));
    // The audit trail names the person behind the token.
    let events = store::audit::list(
        &app.db.store,
        &store::audit::AuditFilter {
            entity: Some("request".into()),
            ..Default::default()
        },
        store::PageRequest::new(1, 50),
    )
    .await
    .unwrap();
    assert!(
        events.items.iter().any(|e| e.body.actor == format!("user:{}", manager.get())),
        "{:?}",
        events.items
    );
}
