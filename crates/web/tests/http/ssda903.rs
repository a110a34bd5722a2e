//! The SSDA903 return over HTTP: the year's page lists its files and the
//! rules it fails, each file downloads exactly as the DfE takes it (and is
//! audited), the data-quality dashboard finds the child by rule and team,
//! the child's record shows the error until it is put right, the API gives
//! the same, and only those who produce the returns may have them.

use authz::cap::RecordChildren;
use authz::{Actor, Can, Role};
use axum::http::{header, Method, StatusCode};
use children::care_history::{LegalStatus, Period};
use store::on_both_backends;
use store::testing::TestDatabase;
use time::macros::date;

use crate::harness::TestApp;

on_both_backends!(the_return_its_files_dashboard_and_a_childs_errors);

async fn the_return_its_files_dashboard_and_a_childs_errors(db: TestDatabase) {
    let app = TestApp::new(db);
    let head = app.user("hana", &[Role::HeadOfService]).await;
    let social = app.user("sam", &[Role::SocialWorker]).await;
    let admin = app.user("root", &[Role::Administrator]).await;

    // A child in a children's home since 1 February 2025 (the harness's
    // placement), with no UPN recorded.
    let child = app.child("LAC-901", "Ava", "Return", Some(social)).await;
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let can = Can::<RecordChildren>::system();
    let start = date!(2025 - 02 - 01);
    let period = Period {
        start,
        end: None,
        reason_ceased: None,
        category_of_need: "N1".to_owned(),
    };
    let status = LegalStatus {
        code: "C2".to_owned(),
        start,
        end: None,
    };
    store::care_history::insert_intervals(&mut cmd, &can, &[(child, period)], &[(child, status)])
        .await
        .unwrap();
    cmd.commit().await.unwrap();

    // The year's page: every file with its rows, and the failing rules.
    let mut hana = app.session_for(head).await;
    let page = app.get("/returns/ssda903?year=2026", &mut hana).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("SSDA903 return 2025-26"), "{}", page.body);
    assert!(page.body.contains("/returns/ssda903/2026/episodes.csv"), "{}", page.body);
    assert!(
        page.body.contains("sw_episodes.csv") && !page.body.contains("DoLo.csv"),
        "2025-26 has no DoLo table"
    );
    assert!(page.body.contains(">442<"), "the missing UPN fails rule 442: {}", page.body);
    let bad = app.get("/returns/ssda903?year=2021", &mut hana).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A file, exactly as the DfE takes it, and its download audited.
    let file = app.get("/returns/ssda903/2026/episodes.csv", &mut hana).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(file
        .headers
        .get(header::CONTENT_DISPOSITION)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("2026-episodes.csv"));
    assert!(
        file.body
            .starts_with("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"),
        "{}",
        file.body
    );
    assert!(file.body.contains("LAC-901,01/02/2025,S,C2,N1,K2,"), "{}", file.body);
    let filter = store::audit::AuditFilter {
        action: Some("ssda903.downloaded".to_owned()),
        entity: None,
        entity_id: None,
        actor: None,
    };
    let events = store::audit::list(&app.db.store, &filter, store::PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(events.total, 1, "{:?}", events.items);
    assert_eq!(
        app.get("/returns/ssda903/2026/nothing.csv", &mut hana).await.status,
        StatusCode::NOT_FOUND
    );

    // The dashboard finds the child under the rule, and exports the rows.
    let board = app.get("/returns/data-quality?year=2026&rule=442", &mut hana).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert!(
        board.body.contains(&format!("href=\"/children/{}\">LAC-901<", child.get())),
        "{}",
        board.body
    );
    let xlsx = app
        .get("/returns/data-quality/export?year=2026&rule=442&format=xlsx", &mut hana)
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK\x03\x04"), "not an XLSX");
    let csv = app
        .get("/returns/data-quality/export?year=2026&rule=442&format=csv", &mut hana)
        .await;
    assert!(csv.body.starts_with("rule,message,table,child,team\r\n442,"), "{}", csv.body);

    // The child's record shows the error until the UPN is recorded.
    let mut sam = app.session_for(social).await;
    let record = app.get(&format!("/children/{}", child.get()), &mut sam).await;
    assert!(record.body.contains("SSDA903") && record.body.contains("442:"), "{}", record.body);
    let saved = store::child_records::find_record(&app.db.store, child).await.unwrap().unwrap();
    let mut details = saved.details.clone();
    details.upn = Some("A123456789012".to_owned());
    let update = store::child_records::IdentityUpdate {
        given_names: saved.summary.given_names.clone(),
        family_name: saved.summary.family_name.clone(),
        date_of_birth: saved.summary.date_of_birth,
        sex: saved.summary.sex.clone(),
        ethnicity: saved.summary.ethnicity.clone(),
        details,
    };
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    store::child_records::update_identity(&mut cmd, &can, child, saved.summary.version, &update)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let record = app.get(&format!("/children/{}", child.get()), &mut sam).await;
    assert!(!record.body.contains("442:"), "{}", record.body);

    // The API: the year's validation, and one child's errors.
    let token = app.token(admin, Role::HeadOfService).await;
    let api = app
        .api(Method::GET, "/api/v1/returns/ssda903/validation?year=2026", Some(&token), None)
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let json = api.json();
    assert_eq!(json["year"], 2026);
    assert_eq!(json["children"], 1);
    assert!(json["rules_ran"].as_u64().unwrap() > 250);
    let errors = app
        .api(
            Method::GET,
            &format!("/api/v1/children/{}/ssda903-errors", child.get()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(errors.status, StatusCode::OK, "{}", errors.body);
    assert!(errors.json().as_array().unwrap().iter().all(|e| e["code"] != "442"));
    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    assert!(openapi["paths"]["/api/v1/returns/ssda903/validation"]["get"].is_object());

    // Social workers do not produce returns.
    assert_eq!(app.get("/returns/ssda903", &mut sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/returns/data-quality", &mut sam).await.status, StatusCode::FORBIDDEN);
}
