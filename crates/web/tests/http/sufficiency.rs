//! The sufficiency view: demand counted from the Gateway's requests,
//! small numbers withheld, on the page, as CSV and over the API, for
//! commissioners and leaders only.

use authz::Role;
use axum::http::{Method, StatusCode};
use kernel::{Money, UserId};
use placements::PlacementCategory;
use store::on_both_backends;
use store::testing::{DecidedRequest, TestDatabase};
use time::macros::date;

use crate::harness::TestApp;

on_both_backends!(demand_is_counted_and_small_numbers_are_withheld);

/// Six approved requests for 14-year-olds in children's homes and two for
/// under-fives in foster care, all submitted in October 2026.
async fn requests(app: &TestApp, worker: UserId) {
    let requests: Vec<DecidedRequest> = (0..8)
        .map(|n| {
            let (born, category) = if n < 6 {
                (date!(2012 - 05 - 17), PlacementCategory::ChildrensHome)
            } else {
                (date!(2023 - 01 - 10), PlacementCategory::IndependentFoster)
            };
            DecidedRequest {
                date_of_birth: born,
                category,
                weekly: Money::from_pounds(900),
                submitted_on: date!(2026 - 10 - 05),
                ..DecidedRequest::approved(&format!("D{n}"))
            }
        })
        .collect();
    app.db.decided_requests(worker, &requests).await;
}

async fn demand_is_counted_and_small_numbers_are_withheld(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let member = app.user("cass", &[Role::CommitteeMember]).await;
    requests(&app, worker).await;
    let mut cass = app.session_for(member).await;
    let page = app.get("/sufficiency?from=2026-04-01&to=2026-11-22", &mut cass).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Children&#39;s home</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">6</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("fewer than 5"), "two under-fives are withheld: {}", page.body);
    assert!(page.body.contains("100%"), "no approved request has a placement chosen yet");
    assert!(!page.body.contains("D0") && !page.body.contains("Smith"), "no child is named");

    let csv = app.get("/sufficiency/export.csv?from=2026-04-01", &mut cass).await;
    assert!(csv.body.contains("requests by month,2026-10,8"), "{}", csv.body);
    assert!(csv.body.contains("requests by age,1 to 4,fewer than 5"), "{}", csv.body);

    let admin = app.user("ada", &[Role::Administrator]).await;
    let token = app.token(admin, Role::CommissioningOfficer).await;
    let api = app
        .api(Method::GET, "/api/v1/sufficiency?from=2026-04-01", Some(&token), None)
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["by_type"]["Children's home"], "6");
    let bad = app
        .api(Method::GET, "/api/v1/sufficiency?from=2026-12-01&to=2026-11-01", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("\"to\""), "{}", bad.body);

    let mut sam = app.session_for(worker).await;
    assert_eq!(app.get("/sufficiency", &mut sam).await.status, StatusCode::FORBIDDEN);
}
