//! CSRF, security headers, error pages that leak nothing.

use authz::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::{Browser, TestApp};

on_both_backends!(
    forms_without_the_right_token_are_refused,
    cross_site_posts_are_refused,
    security_headers_are_on_every_response,
    error_pages_are_styled_and_leak_nothing,
    health_and_metrics,
);

async fn forms_without_the_right_token_are_refused(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let mut browser = app.session_for(admin).await;
    let fields = [("name", "Ledger"), ("role", "finance-officer")];
    let missing = app.post_form("/admin/api-tokens", &mut browser, "", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("This form has expired"));
    let wrong = app.post_form("/admin/api-tokens", &mut browser, "0123", &fields).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let csrf = app.csrf_for(&mut browser).await;
    let right = app.post_form("/admin/api-tokens", &mut browser, &csrf, &fields).await;
    assert_eq!(right.status, StatusCode::CREATED);
    assert!(right.body.contains("hth_"));
}

async fn cross_site_posts_are_refused(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let mut browser = app.session_for(admin).await;
    let csrf = app.csrf_for(&mut browser).await;
    let request = Request::post("/admin/api-tokens")
        .header(header::COOKIE, browser.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "hearth.example")
        .body(Body::from(format!("csrf_token={csrf}&name=x&role=director")))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
}

async fn security_headers_are_on_every_response(db: TestDatabase) {
    let app = TestApp::new(db);
    let mut browser = Browser::default();
    for path in [
        "/sign-in",
        "/no-such-page",
        "/healthz",
        "/api/v1/openapi.json",
        "/assets/hearth.css",
    ] {
        let response = app.get(path, &mut browser).await;
        let csp = response.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(response.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff", "{path}");
        assert_eq!(response.headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY", "{path}");
    }
    let page = app.get("/sign-in", &mut browser).await;
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(!page.body.contains("<script>"), "no inline script");
    assert!(
        page.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "HSTS only behind TLS"
    );
}

async fn error_pages_are_styled_and_leak_nothing(db: TestDatabase) {
    let app = TestApp::new(db);
    let user = app.user("amy", &[Role::CommitteeMember]).await;
    let mut browser = app.session_for(user).await;
    let missing = app.get("/no-such-page", &mut browser).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("govuk-heading-l") && missing.body.contains("Page not found"));
    assert!(missing.body.contains("Amy Tester"), "the header still shows who is signed in");
    let forbidden = app.get("/children", &mut browser).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.body.contains("You do not have permission"));
    let bad_id = app.get("/children/not-a-number", &mut browser).await;
    assert_eq!(bad_id.status, StatusCode::FORBIDDEN, "permission is checked before the id is read");
    for body in [&missing.body, &forbidden.body] {
        for leak in ["sqlx", "panicked", "stack", "src/"] {
            assert!(!body.contains(leak), "{leak}");
        }
    }
}

async fn health_and_metrics(db: TestDatabase) {
    let app = TestApp::new(db);
    let mut browser = Browser::default();
    let health = app.get("/healthz", &mut browser).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["database"], "reachable");
    let _ = app.get("/sign-in", &mut browser).await;
    let metrics = app.get("/metrics", &mut browser).await;
    assert!(
        metrics
            .body
            .contains("hearth_http_requests_total{method=\"GET\",route=\"/sign-in\",status=\"200\"} 1"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("hearth_db_pool_connections{state=\"open\"}"));
    assert!(metrics.body.contains("hearth_http_request_duration_seconds_bucket"));
}
