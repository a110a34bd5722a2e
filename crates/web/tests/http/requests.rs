//! Placement requests through the Gateway: the whole lifecycle, the hard
//! stops, reasons for decisions, and the approval chain's segregation of duties.

use authz::Role;
use axum::http::StatusCode;
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::{Browser, TestApp};

on_both_backends!(
    a_request_goes_from_worker_to_director_with_every_duty_separated,
    hard_stops_refuse_unlawful_placements,
    high_cost_placements_are_reviewed_on_schedule,
);

async fn post(app: &TestApp, browser: &mut Browser, path: &str, fields: &[(&str, &str)]) -> crate::harness::TestResponse {
    let csrf = app.csrf_for(browser).await;
    app.post_form(path, browser, &csrf, fields).await
}

async fn draft(app: &TestApp, browser: &mut Browser, child: &str, category: &str, weekly: &str, extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("urgency", "planned"),
        ("category", category),
        ("weekly_cost", weekly),
        ("needs", "Needs a stable home near school"),
        ("justification", "No in-house carer available"),
    ];
    fields.extend_from_slice(extra);
    let created = post(app, browser, &format!("/children/{child}/requests"), &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().unwrap().to_owned()
}

async fn a_request_goes_from_worker_to_director_with_every_duty_separated(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let manager = app.user("tess", &[Role::TeamManager]).await;
    let officer = app.user("gill", &[Role::GatewayOfficer]).await;
    let panel = app.user("pam", &[Role::PanelMember]).await;
    let head = app.user("hugh", &[Role::HeadOfService, Role::Director]).await;
    let director = app.user("dee", &[Role::Director]).await;
    let child = app.child("G1", "Ava", "Smith", Some(worker)).await;
    let mut sam = app.session_for(worker).await;
    let request = draft(&app, &mut sam, &child.to_string(), "childrens-home", "6000", &[]).await;

    let too_early = post(&app, &mut sam, &request, &[("action", "endorse")]).await;
    assert!(
        too_early.body.contains("A request cannot be endorsed while it is draft"),
        "{}",
        too_early.body
    );
    let submitted = post(&app, &mut sam, &request, &[("action", "submit")]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let own_endorse = post(&app, &mut sam, &request, &[("action", "endorse")]).await;
    assert_eq!(own_endorse.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own_endorse.body.contains("Only a team manager can do this"), "{}", own_endorse.body);

    let mut tess = app.session_for(manager).await;
    assert_eq!(
        post(&app, &mut tess, &request, &[("action", "endorse")]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut gill = app.session_for(officer).await;
    assert_eq!(
        post(&app, &mut gill, &request, &[("action", "triage")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&app, &mut gill, &request, &[("action", "list")]).await.status,
        StatusCode::SEE_OTHER
    );

    let mut pam = app.session_for(panel).await;
    let no_reasons = post(&app, &mut pam, &request, &[("action", "approve")]).await;
    assert!(no_reasons.body.contains("reasons for its decision"), "{}", no_reasons.body);
    let approved = post(
        &app,
        &mut pam,
        &request,
        &[
            ("action", "approve"),
            ("reasons", "Needs met; cost within framework"),
            ("conditions", "Review in 3 months"),
            ("agreed_weekly_cost", "5800"),
        ],
    )
    .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let page = app.get(&request, &mut pam).await;
    assert!(
        page.body.contains("Awaiting approval") && page.body.contains("Head of service, then Director"),
        "{}",
        page.body
    );

    // The requester can never approve, and one person gives one approval only.
    let by_requester = post(&app, &mut sam, &format!("{request}/approve"), &[]).await;
    assert!(by_requester.body.contains("so you cannot approve it"), "{}", by_requester.body);
    let mut hugh = app.session_for(head).await;
    assert_eq!(
        post(&app, &mut hugh, &format!("{request}/approve"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let twice = post(&app, &mut hugh, &format!("{request}/approve"), &[]).await;
    assert!(twice.body.contains("already approved"), "{}", twice.body);
    let mut dee = app.session_for(director).await;
    assert_eq!(
        post(&app, &mut dee, &format!("{request}/approve"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let done = app.get(&request, &mut dee).await;
    assert!(done.body.contains(">Approved<"), "{}", done.body);
    let queue = app.get("/requests?state=approved", &mut gill).await;
    assert!(queue.body.contains("G1"));
    let board = app.get("/gateway", &mut gill).await;
    assert!(
        board.body.contains("£6,000.00 a week over 1 approved requests") && board.body.contains("£5,800.00 a week"),
        "{}",
        board.body
    );
    assert!(board.body.contains("median 0 days over 1 decisions"));
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
    assert!(events.total >= 8, "every step is audited");
}

async fn hard_stops_refuse_unlawful_placements(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    // The harness's child was born in 2012: under 16 on 22 November 2026.
    let child = app.child("G2", "Ben", "Jones", Some(worker)).await;
    let mut sam = app.session_for(worker).await;
    let request = draft(&app, &mut sam, &child.to_string(), "bespoke", "12000", &[("unregistered", "1")]).await;
    let refused = post(&app, &mut sam, &request, &[("action", "submit")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("cannot be placed in an unregulated setting"),
        "{}",
        refused.body
    );
    let bad = post(
        &app,
        &mut sam,
        &format!("/children/{child}/requests"),
        &[("urgency", "soon"), ("category", "castle"), ("weekly_cost", "lots")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Say how urgently",
        "Select the type of placement",
        "Weekly cost",
        "Describe the child",
        "Explain why",
    ] {
        assert!(bad.body.contains(message), "{message}");
    }
}

async fn high_cost_placements_are_reviewed_on_schedule(db: TestDatabase) {
    let app = TestApp::new(db);
    let head = app.user("hugh", &[Role::HeadOfService]).await;
    // The harness's child has a £5,200-a-week children's home placement since 1 February 2025.
    app.child("H1", "Ava", "Smith", None).await;
    let mut hugh = app.session_for(head).await;
    let list = app.get("/high-cost", &mut hugh).await;
    assert!(list.body.contains("H1") && list.body.contains("£5,200.00"), "{}", list.body);
    assert!(
        list.body.contains("01/05/2025") && list.body.contains("1 reviews overdue"),
        "{}",
        list.body
    );
    let csrf = list.csrf_token();
    let empty = app
        .post_form(
            "/high-cost/1/reviews",
            &mut hugh,
            &csrf,
            &[("reviewed_on", "2026-11-20"), ("outcome", "renegotiate"), ("actions", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Record the actions agreed"));
    let reviewed = app
        .post_form(
            "/high-cost/1/reviews",
            &mut hugh,
            &csrf,
            &[
                ("reviewed_on", "2026-11-20"),
                ("outcome", "renegotiate"),
                ("actions", "Ask the provider for a framework rate"),
            ],
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::SEE_OTHER);
    let list = app.get("/high-cost", &mut hugh).await;
    assert!(
        list.body.contains("20/02/2027") && list.body.contains("0 reviews overdue") && list.body.contains("Renegotiate the cost"),
        "{}",
        list.body
    );
}
