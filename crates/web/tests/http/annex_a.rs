//! Ofsted's Annex A: the page counts the lists, the workbook is an XLSX
//! with a sheet per list under Ofsted's headings, the JSON API lists the
//! children, only those who produce the returns may have them, restricted
//! records stay out for readers outside their teams, and every download is
//! audited.

use std::io::Read;

use authz::cap::{ManageUsers, RecordChildren, RestrictRecords};
use authz::{Actor, Can, Role};
use axum::http::{header, Method, StatusCode};
use children::care_history::{LegalStatus, Period};
use store::on_both_backends;
use store::testing::TestDatabase;
use time::macros::date;

use crate::harness::TestApp;

on_both_backends!(annex_a_lists_children_in_care_as_page_workbook_and_json);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the workbook is a zip");
    let mut file = archive.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

/// List 8 from the JSON document: its headings and rows.
fn list_8(json: &serde_json::Value) -> (Vec<String>, Vec<Vec<String>>) {
    let list = json["lists"].as_array().unwrap().iter().find(|l| l["number"] == 8).expect("list 8");
    let headings = serde_json::from_value(list["headings"].clone()).unwrap();
    let rows = serde_json::from_value(list["rows"].clone()).unwrap();
    (headings, rows)
}

async fn annex_a_lists_children_in_care_as_page_workbook_and_json(db: TestDatabase) {
    let app = TestApp::new(db);
    let head = app.user("hana", &[Role::HeadOfService]).await;
    let social = app.user("sam", &[Role::SocialWorker]).await;
    let admin = app.user("root", &[Role::Administrator]).await;

    // Two children in care since February 2025, one of them restricted to
    // a team the head of service is not in; a third left care in 2024.
    let looked_after = app.child("LAC-801", "Ava", "Annex", Some(social)).await;
    let restricted = app.child("LAC-802", "Bea", "Hidden", None).await;
    let left = app.child("LAC-803", "Cal", "Gone", None).await;
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let period = |end: Option<time::Date>| Period {
        start: date!(2025 - 02 - 01),
        end,
        reason_ceased: end.map(|_| "E4A".to_owned()),
        category_of_need: "N1".to_owned(),
    };
    let status = LegalStatus {
        code: "C2".to_owned(),
        start: date!(2025 - 02 - 01),
        end: None,
    };
    store::care_history::insert_intervals(
        &mut cmd,
        &Can::<RecordChildren>::system(),
        &[
            (looked_after, period(None)),
            (restricted, period(None)),
            (left, period(Some(date!(2024 - 06 - 01)))),
        ],
        &[(looked_after, status.clone()), (restricted, status)],
    )
    .await
    .unwrap();
    let team = store::teams::create(&mut cmd, &Can::<ManageUsers>::system(), "Disabled Children")
        .await
        .unwrap();
    store::restrictions::set_restriction(&mut cmd, &Can::<RestrictRecords>::system(), restricted, &[team.id])
        .await
        .unwrap();
    cmd.commit().await.unwrap();

    // The page: as at today by default, counting each list's rows, and
    // saying a restricted record was left out.
    let mut hana = app.session_for(head).await;
    let page = app.get("/returns/annex-a", &mut hana).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Ofsted Annex A"), "{}", page.body);
    assert!(page.body.contains("List 8: Children in care"), "{}", page.body);
    assert!(page.body.contains("value=\"2026-11-22\""), "{}", page.body);
    assert!(page.body.contains("1 restricted record is left out"), "{}", page.body);
    assert!(page.body.contains("/returns/annex-a.xlsx?as_at=2026-11-22"), "{}", page.body);
    let bad = app.get("/returns/annex-a?as_at=not-a-date", &mut hana).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The workbook: an XLSX zip with a sheet per list, bold frozen
    // headings with an autofilter, and the child's id.
    let file = app.get("/returns/annex-a.xlsx?as_at=2026-11-22", &mut hana).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert_eq!(file.headers.get(header::CONTENT_TYPE).unwrap(), XLSX);
    let disposition = file.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    assert!(disposition.contains("annex-a-2026-11-22.xlsx"), "{disposition}");
    assert!(file.bytes.starts_with(b"PK\x03\x04"), "not a zip");
    let book = unzip(&file.bytes, "xl/workbook.xml");
    for sheet in ["List 8", "List 9", "List 10"] {
        assert!(book.contains(&format!("name=\"{sheet}\"")), "{book}");
    }
    let strings = unzip(&file.bytes, "xl/sharedStrings.xml");
    assert!(strings.contains(">Child Unique ID<") && strings.contains(">Date Started to be Looked After<"));
    assert!(strings.contains(">LAC-801<") && strings.contains(">C2: FCO<"), "{strings}");
    assert!(!strings.contains("LAC-802"), "a restricted record is in the workbook");
    assert!(!strings.contains("Annex") && !strings.contains("Ava"), "names are not in Annex A");
    let sheet = unzip(&file.bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<autoFilter") && sheet.contains("state=\"frozen\""), "{sheet}");

    // The JSON API: the same lists with their headings.
    let token = app.token(admin, Role::HeadOfService).await;
    let api = app
        .api(Method::GET, "/api/v1/returns/annex-a?as_at=2026-11-22", Some(&token), None)
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let json = api.json();
    assert_eq!(json["as_at"], "2026-11-22");
    assert_eq!(json["window_start"], "2026-05-22");
    assert_eq!(json["restricted_withheld"], 1);
    let (headings, rows) = list_8(&json);
    assert_eq!(headings[0], "Child Unique ID");
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["LAC-801"], "{rows:?}");
    let at = |h: &str| headings.iter().position(|x| x == h).unwrap();
    assert_eq!(rows[0][at("Date Started to be Looked After")], "01/02/2025");
    assert_eq!(rows[0][at("Placement Type")], "p) K2: Children's Homes");
    assert_eq!(rows[0][at("Allocated Worker")], "Sam Tester");
    // As at a day before care began, nobody is on list 8.
    let before = app
        .api(Method::GET, "/api/v1/returns/annex-a?as_at=2025-01-01", Some(&token), None)
        .await;
    assert_eq!(list_8(&before.json()).1.len(), 0);
    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    assert!(openapi["paths"]["/api/v1/returns/annex-a"]["get"].is_object());
    assert!(openapi["components"]["schemas"]["AnnexALists"].is_object());

    // Those who do not produce the returns may have none of it.
    let mut sam = app.session_for(social).await;
    assert_eq!(app.get("/returns/annex-a", &mut sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/returns/annex-a.xlsx", &mut sam).await.status, StatusCode::FORBIDDEN);
    let mut root = app.session_for(admin).await;
    assert_eq!(app.get("/returns/annex-a.xlsx", &mut root).await.status, StatusCode::FORBIDDEN);
    let worker_token = app.token(admin, Role::SocialWorker).await;
    let refused = app.api(Method::GET, "/api/v1/returns/annex-a", Some(&worker_token), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Every download (workbook and API) is audited; the page view is not.
    let filter = store::audit::AuditFilter {
        action: Some("annex_a.downloaded".to_owned()),
        entity: None,
        entity_id: None,
        actor: None,
    };
    let events = store::audit::list(&app.db.store, &filter, store::PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(events.total, 3, "{:?}", events.items);
}
