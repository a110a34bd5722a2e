//! Signing in and out, sessions, and throttling.

use authz::Role;
use axum::http::StatusCode;
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::{Browser, TestApp, PASSWORD};

on_both_backends!(
    sign_in_shows_the_role_home_and_sign_out_ends_the_session,
    wrong_passwords_get_one_generic_message,
    sessions_are_rotated_at_sign_in,
    idle_and_absolute_timeouts_end_sessions,
    repeated_failures_are_throttled,
    deactivated_accounts_cannot_sign_in,
    protected_pages_send_people_to_sign_in_and_back,
);

async fn sign_in_shows_the_role_home_and_sign_out_ends_the_session(db: TestDatabase) {
    let app = TestApp::new(db);
    app.user("amy", &[Role::TeamManager]).await;
    let (response, mut browser) = app.sign_in("amy", PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/"));
    let set_cookie = response
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let session_cookie = set_cookie.iter().find(|c| c.starts_with("__Host-hearth-session=")).unwrap();
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session_cookie.contains(attribute), "{session_cookie}");
    }

    let home = app.get("/", &mut browser).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Amy Tester"));
    assert!(home.body.contains("Team manager"));
    assert!(home.body.contains("My team"));
    // Navigation follows permissions: a team manager sees children, not users.
    assert!(home.body.contains("href=\"/children\""));
    assert!(!home.body.contains("href=\"/admin/users\""));

    let csrf = home.csrf_token();
    let out = app.post_form("/sign-out", &mut browser, &csrf, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/sign-in"));
    let after = app.get("/", &mut browser).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

async fn wrong_passwords_get_one_generic_message(db: TestDatabase) {
    let app = TestApp::new(db);
    app.user("amy", &[Role::SocialWorker]).await;
    let (wrong_password, _) = app.sign_in("amy", "not the password").await;
    let (unknown_user, _) = app.sign_in("nobody", "not the password").await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_user.status, StatusCode::UNAUTHORIZED);
    for response in [&wrong_password, &unknown_user] {
        assert!(response.body.contains("Enter a correct username and password"));
        assert!(response
            .headers
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap().contains("hearth-session=")));
    }
}

async fn sessions_are_rotated_at_sign_in(db: TestDatabase) {
    let app = TestApp::new(db);
    let user = app.user("amy", &[Role::SocialWorker]).await;
    // A session token planted before sign-in must not survive it.
    let planted = app.session_for(user).await;
    let planted_token = planted.cookie("__Host-hearth-session").unwrap().to_owned();
    let mut browser = planted.clone();
    let page = app.get("/sign-in", &mut browser).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "signed-in people skip the sign-in page");
    let csrf = app.csrf_for(&mut browser).await;
    let response = app
        .post_form("/sign-in", &mut browser, &csrf, &[("username", "amy"), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let new_token = browser.cookie("__Host-hearth-session").unwrap();
    assert_ne!(new_token, planted_token);
    assert!(store::sessions::find(&app.db.store, &planted_token).await.unwrap().is_none());
}

async fn idle_and_absolute_timeouts_end_sessions(db: TestDatabase) {
    let app = TestApp::new(db);
    let user = app.user("amy", &[Role::SocialWorker]).await;
    let mut browser = app.session_for(user).await;
    assert_eq!(app.get("/", &mut browser).await.status, StatusCode::OK);
    app.db.clock.advance(time::Duration::minutes(29));
    assert_eq!(app.get("/", &mut browser).await.status, StatusCode::OK);
    app.db.clock.advance(time::Duration::minutes(31));
    let expired = app.get("/", &mut browser).await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER, "idle for 31 minutes");

    let mut busy = app.session_for(user).await;
    for _ in 0..25 {
        app.db.clock.advance(time::Duration::minutes(29));
        let _ = app.get("/", &mut busy).await;
    }
    // 12 hours and more since sign-in, though never idle.
    assert_eq!(app.get("/", &mut busy).await.status, StatusCode::SEE_OTHER);
}

async fn repeated_failures_are_throttled(db: TestDatabase) {
    let app = TestApp::new(db);
    app.user("amy", &[Role::SocialWorker]).await;
    for _ in 0..5 {
        let (response, _) = app.sign_in("amy", "guess").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
    let (blocked, _) = app.sign_in("amy", PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.body.contains("Too many failed attempts"));
    app.db.clock.advance(time::Duration::minutes(16));
    let (allowed, _) = app.sign_in("amy", PASSWORD).await;
    assert_eq!(allowed.status, StatusCode::SEE_OTHER);
}

async fn deactivated_accounts_cannot_sign_in(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let amy = app.user("amy", &[Role::SocialWorker]).await;
    let mut amy_browser = app.session_for(amy).await;
    let mut admin_browser = app.session_for(admin).await;
    let form = app.get(&format!("/admin/users/{amy}"), &mut admin_browser).await;
    let csrf = form.csrf_token();
    let saved = app
        .post_form(
            &format!("/admin/users/{amy}"),
            &mut admin_browser,
            &csrf,
            &[("version", "1"), ("display_name", "Amy Tester"), ("roles", "social-worker")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // Her open session ended, and she cannot sign in again.
    assert_eq!(app.get("/", &mut amy_browser).await.status, StatusCode::SEE_OTHER);
    let (response, _) = app.sign_in("amy", PASSWORD).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
}

async fn protected_pages_send_people_to_sign_in_and_back(db: TestDatabase) {
    let app = TestApp::new(db);
    app.user("amy", &[Role::SocialWorker]).await;
    let mut browser = Browser::default();
    let response = app.get("/children?q=smith", &mut browser).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/sign-in?next=%2Fchildren%3Fq%3Dsmith"));
    let page = app.get("/sign-in?next=%2Fchildren%3Fq%3Dsmith", &mut browser).await;
    let csrf = page.csrf_token();
    let signed_in = app
        .post_form(
            "/sign-in",
            &mut browser,
            &csrf,
            &[("username", "amy"), ("password", PASSWORD), ("next", "/children?q=smith")],
        )
        .await;
    assert_eq!(signed_in.location(), Some("/children?q=smith"));
}
