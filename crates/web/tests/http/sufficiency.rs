//! The sufficiency view: demand counted from the Gateway's requests,
//! small numbers withheld, on the page, as CSV and over the API, for
//! commissioners and leaders only.

use authz::cap::RecordChildren;
use authz::{Actor, Can, Role};
use axum::http::{Method, StatusCode};
use gateway::details::{Details, EducationContinuity, Element, LocationPreference, Urgency};
use gateway::request::RequestState;
use kernel::{Money, UserId};
use placements::{ElementKind, PlacementCategory};
use store::gateway_board::LoadedRequest;
use store::on_both_backends;
use store::requests::NewRequest;
use store::testing::TestDatabase;
use time::macros::date;
use time::Date;

use crate::harness::TestApp;

on_both_backends!(demand_is_counted_and_small_numbers_are_withheld);

fn details(category: PlacementCategory) -> Details {
    Details {
        urgency: Urgency::Planned,
        category,
        suitable: vec![category],
        siblings_together: 0,
        location: LocationPreference::NearSchool,
        education: EducationContinuity::KeepSchool,
        needs: "Needs".into(),
        risks: "Risks".into(),
        elements: vec![Element {
            kind: ElementKind::CoreFee,
            weekly: Money::from_pounds(900),
            note: String::new(),
        }],
        justification: "Justified".into(),
        out_of_area: false,
        at_distance: false,
        unregistered: false,
        dol_order: None,
        regulator_notified_on: None,
        override_reasons: None,
        provider: None,
    }
}

/// Six approved requests for 14-year-olds in children's homes and two for
/// under-fives in foster care, all submitted in October 2026.
async fn requests(app: &TestApp, worker: UserId) {
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let can = Can::<RecordChildren>::system();
    let mut loaded = Vec::new();
    for n in 0..8 {
        let (born, category): (Date, PlacementCategory) = if n < 6 {
            (date!(2012 - 05 - 17), PlacementCategory::ChildrensHome)
        } else {
            (date!(2023 - 01 - 10), PlacementCategory::IndependentFoster)
        };
        let child = store::children::NewChild {
            la_child_id: format!("D{n}"),
            given_names: "Ava".into(),
            family_name: "Smith".into(),
            date_of_birth: born,
            sex: "F".into(),
            ethnicity: "WBRI".into(),
            team_id: None,
            allocated_worker_id: Some(worker),
        };
        let child = store::children::insert_many(&mut cmd, &can, &[child]).await.unwrap()[0];
        loaded.push(LoadedRequest {
            new: NewRequest {
                child,
                details: details(category),
                emergency_placed_on: None,
                variation: None,
            },
            requester: worker,
            state: RequestState::Approved,
            required: vec![],
            submitted_on: Some(date!(2026 - 10 - 05)),
            decided_on: Some(date!(2026 - 10 - 12)),
            agreed_weekly: Some(Money::from_pounds(900)),
            reasons: Some("Agreed".into()),
            conditions: None,
            panel_items: vec![],
            approvals: vec![],
        });
    }
    store::gateway_board::insert_bulk(&mut cmd, &can, &loaded).await.unwrap();
    cmd.commit().await.unwrap();
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
