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

pub async fn post(app: &TestApp, browser: &mut Browser, path: &str, fields: &[(&str, &str)]) -> crate::harness::TestResponse {
    let csrf = app.csrf_for(browser).await;
    app.post_form(path, browser, &csrf, fields).await
}

/// Saves a draft whose package is one core fee of `weekly` pounds.
pub async fn draft(app: &TestApp, browser: &mut Browser, child: &str, category: &str, weekly: &str, extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("urgency", "planned"),
        ("category", category),
        ("suitable", category),
        ("location", "near-school"),
        ("education", "keep-school"),
        ("siblings_together", "0"),
        ("element_kind", "core-fee"),
        ("element_cost", weekly),
        ("element_note", ""),
        ("needs", "Needs a stable home near school"),
        ("risks", "Going missing"),
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
    let unlisted = post(&app, &mut gill, &request, &[("action", "list")]).await;
    assert!(unlisted.body.contains("Choose the panel meeting"), "{}", unlisted.body);
    let scheduled = post(
        &app,
        &mut gill,
        "/panels",
        &[("meets_on", "22/11/2026"), ("quorum", "1"), ("papers", "Pack A")],
    )
    .await;
    assert_eq!(scheduled.status, StatusCode::SEE_OTHER, "{}", scheduled.body);
    let meeting = scheduled.location().unwrap().to_owned();
    let meeting_id = meeting.trim_start_matches("/panels/").to_owned();
    assert_eq!(
        post(&app, &mut gill, &request, &[("action", "list"), ("meeting", &meeting_id)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The panel decides only at a quorate meeting it attended.
    let mut pam = app.session_for(panel).await;
    let not_quorate = post(&app, &mut pam, &request, &[("action", "approve"), ("reasons", "Agreed")]).await;
    assert!(
        not_quorate.body.contains("not quorate: 0 of 1 panel members attended"),
        "{}",
        not_quorate.body
    );
    let panel_id = panel.get().to_string();
    let recorded = post(
        &app,
        &mut gill,
        &meeting,
        &[
            ("version", "1"),
            ("quorum", "1"),
            ("attendees", &panel_id),
            ("chair", &panel_id),
            ("papers", "Pack A"),
            ("minutes", ""),
        ],
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let stale = post(
        &app,
        &mut gill,
        &meeting,
        &[("version", "1"), ("quorum", "2"), ("papers", ""), ("minutes", "")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "concurrent edits are never silently lost");
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
    let minutes = app.get(&meeting, &mut gill).await;
    assert!(
        minutes.body.contains("Quorate") && minutes.body.contains("Approved: Needs met"),
        "{}",
        minutes.body
    );
    // Each step told the next person, by request number only.
    let number = request.trim_start_matches("/requests/");
    let told = app.get("/notifications", &mut sam).await;
    assert!(
        told.body.contains(&format!("Placement request {number} is approved")),
        "{}",
        told.body
    );
    let told = app.get("/notifications", &mut dee).await;
    assert!(
        told.body.contains(&format!("Placement request {number} awaits your approval")),
        "{}",
        told.body
    );
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
    // An unregistered setting needs its order, notification and reasons first.
    let unrecorded = post(&app, &mut sam, &request, &[("action", "submit")]).await;
    assert_eq!(unrecorded.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unrecorded.body.contains("Record the deprivation-of-liberty order"),
        "{}",
        unrecorded.body
    );
    let edit = app.get(&format!("{request}/edit"), &mut sam).await;
    assert!(edit.body.contains("value=\"12000.00\""), "{}", edit.body);
    let changed = post(
        &app,
        &mut sam,
        &format!("{request}/edit"),
        &[
            ("version", "1"),
            ("urgency", "today"),
            ("category", "bespoke"),
            ("suitable", "bespoke"),
            ("location", "away-for-safety"),
            ("education", "move-school"),
            ("element_kind", "core-fee"),
            ("element_cost", "12000"),
            ("needs", "Intensive support"),
            ("risks", "Exploitation"),
            ("justification", "Nothing else available"),
            ("unregistered", "1"),
            ("dol_order", "FD26C01234"),
            ("regulator_notified_on", "20/11/2026"),
            ("override_reasons", "No registered provider would accept"),
        ],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
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
        &[
            ("urgency", "today"),
            ("category", "childrens-home"),
            ("location", "in-area"),
            ("education", "keep-school"),
            ("element_kind", "core-fee"),
            ("element_cost", "lots"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Package element 1 weekly cost",
        "Describe the child",
        "Describe the risks",
        "Explain why",
        "Select at least one suitable type",
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
