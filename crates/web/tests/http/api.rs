//! The JSON API: bearer tokens, problem details, OpenAPI.

use authz::Role;
use axum::http::{header, Method, StatusCode};
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::TestApp;

on_both_backends!(
    tokens_authenticate_and_revoked_tokens_do_not,
    bad_input_names_the_field_in_problem_details,
    reading_a_child_over_the_api_is_logged,
);

async fn tokens_authenticate_and_revoked_tokens_do_not(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::FinanceOfficer).await;
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["roles"][0], "finance-officer");
    assert!(me.json()["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "view-child-record"));

    let nobody = app.api(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(nobody.headers.get(header::CONTENT_TYPE).unwrap(), "application/problem+json");
    assert_eq!(nobody.headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");
    let forged = app.api(Method::GET, "/api/v1/me", Some("hth_forged"), None).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    let mut browser = app.session_for(admin).await;
    let page = app.get("/admin/api-tokens", &mut browser).await;
    assert!(page.body.contains("finance-officer system"));
    let csrf = page.csrf_token();
    let revoked = app.post_form("/admin/api-tokens/1/revoke", &mut browser, &csrf, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let after = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);

    // Cookies never authenticate the API, so it needs no CSRF defence.
    let request = axum::http::Request::get("/api/v1/me")
        .header(header::COOKIE, browser.cookie_header())
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::UNAUTHORIZED);
}

async fn bad_input_names_the_field_in_problem_details(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::Administrator).await;
    let bad = serde_json::json!({
        "username": "Bad Name",
        "display_name": "",
        "password": "short",
        "roles": ["wizard"],
    });
    let response = app.api(Method::POST, "/api/v1/users", Some(&token), Some(bad)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.headers.get(header::CONTENT_TYPE).unwrap(), "application/problem+json");
    let problem = response.json();
    assert_eq!(problem["status"], 422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "display_name", "password", "roles"]);

    let wrong_type = serde_json::json!({"username": "ok.name", "display_name": "A", "password": "long enough pass", "roles": "director"});
    let response = app.api(Method::POST, "/api/v1/users", Some(&token), Some(wrong_type)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.json()["errors"][0]["field"], "roles");

    let good = serde_json::json!({"username": "new.person", "display_name": "New Person", "password": "a long pass phrase", "roles": ["director"]});
    let created = app.api(Method::POST, "/api/v1/users", Some(&token), Some(good.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["roles"][0], "director");
    let duplicate = app.api(Method::POST, "/api/v1/users", Some(&token), Some(good)).await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(duplicate.json()["errors"][0]["field"], "username");

    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/me",
        "/api/v1/children",
        "/api/v1/children/{id}",
        "/api/v1/users",
        "/api/v1/audit/verify",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
    assert!(openapi["components"]["securitySchemes"]["bearer"].is_object());
}

async fn reading_a_child_over_the_api_is_logged(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let child = app.child("C1", "Ava", "Smith", None).await;
    let token = app.token(admin, Role::GatewayOfficer).await;
    let list = app.api(Method::GET, "/api/v1/children?q=smith", Some(&token), None).await;
    assert_eq!(list.json()["total"], 1);
    let record = app.api(Method::GET, &format!("/api/v1/children/{child}"), Some(&token), None).await;
    assert_eq!(record.status, StatusCode::OK);
    assert_eq!(record.json()["placements"][0]["weekly_cost_pence"], 520_000);
    let log = store::access_log::list(&app.db.store, Some(child), store::PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(log.total, 1);
    assert_eq!(log.items[0].kind, "api-view");
    let missing = app.api(Method::GET, "/api/v1/children/999", Some(&token), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["title"], "Page not found");
}
