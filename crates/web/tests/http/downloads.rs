//! List-page downloads as CSV and XLSX, and the JSON export of one child's
//! record: the files are what they say, downloads keep their page's
//! permission, and every export of a record is logged and audited.

use std::io::Read;

use authz::cap::{ManageUsers, RestrictRecords};
use authz::{Actor, Can, Role};
use axum::http::{header, Method, StatusCode};
use store::on_both_backends;
use store::testing::TestDatabase;

use crate::harness::{TestApp, TestResponse};

on_both_backends!(
    list_pages_offer_csv_and_xlsx_that_open_as_workbooks,
    downloads_keep_their_pages_permission,
    a_childs_record_exports_as_json_logged_and_audited,
    the_record_export_is_refused_where_the_record_is,
);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A small synthetic county, so the lists have rows.
pub(crate) async fn county(db: TestDatabase) -> TestApp {
    let county = demo::plan(&demo::Options {
        children: 12,
        seed: 5,
        today: kernel::Clock::today(db.clock.as_ref()),
        demo_accounts: false,
        casework: true,
    });
    demo::load(&db.store, db.clock.as_ref(), &county, store::passwords::dummy_hash())
        .await
        .expect("load the county");
    TestApp::new(db)
}

pub(crate) fn unzip(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the workbook is a zip");
    let mut file = archive.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

/// The response is an XLSX workbook whose strings hold `header`.
pub(crate) fn assert_workbook(response: &TestResponse, path: &str, header: &[&str]) {
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    assert_eq!(response.headers.get(header::CONTENT_TYPE).unwrap(), XLSX, "{path}");
    let disposition = response.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.ends_with(".xlsx\""),
        "{path}: {disposition}"
    );
    assert!(response.bytes.starts_with(b"PK\x03\x04"), "{path} is not a zip");
    let strings = unzip(&response.bytes, "xl/sharedStrings.xml");
    for title in header {
        assert!(strings.contains(&format!(">{title}<")), "{path}: no header {title} in {strings}");
    }
    let sheet = unzip(&response.bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("<autoFilter") && sheet.contains("state=\"frozen\""),
        "{path}: {sheet}"
    );
}

async fn list_pages_offer_csv_and_xlsx_that_open_as_workbooks(db: TestDatabase) {
    let app = county(db).await;
    let head = app.user("hana", &[Role::HeadOfService]).await;
    let admin = app.user("root", &[Role::Administrator]).await;
    let gateway = app.user("gail", &[Role::GatewayOfficer]).await;
    let mut hana = app.session_for(head).await;
    let mut root = app.session_for(admin).await;
    let mut gail = app.session_for(gateway).await;

    // Each list page links both downloads, keeping its filters.
    for (page, csv, xlsx) in [
        (
            "/children?q=a&sort=id",
            "/children/export?q=a&amp;sort=id&amp;format=csv",
            "format=xlsx",
        ),
        ("/requests", "/requests/export?format=csv", "/requests/export?format=xlsx"),
        (
            "/providers",
            "/providers/export?q=&amp;format=csv",
            "/providers/export?q=&amp;format=xlsx",
        ),
        (
            "/agreements?ending=soon",
            "/agreements/export?ending=soon&amp;format=csv",
            "format=xlsx",
        ),
        ("/monitoring", "/monitoring/export?format=csv", "/households/export?format=xlsx"),
        ("/high-cost", "/high-cost/export?format=csv", "/high-cost/export?format=xlsx"),
        ("/panels", "/panels/export?format=csv", "/panels/export?format=xlsx"),
        ("/training", "/training/export?format=csv", "/training/export?format=xlsx"),
        ("/assurance/exceptions", "/assurance/exceptions/export?format=csv", "format=xlsx"),
        ("/assurance/actions", "/assurance/actions/export?format=csv", "format=xlsx"),
        ("/finance/agreements", "/finance/agreements/export?format=csv", "format=xlsx"),
        ("/finance/invoices", "/finance/invoices/export?format=csv", "format=xlsx"),
    ] {
        // Askama writes `&` as `&#38;`; hand-written links use `&amp;`.
        let body = app.get(page, &mut hana).await.body.replace("&#38;", "&amp;");
        assert!(
            body.contains("Download CSV") && body.contains("Download XLSX"),
            "{page} offers both"
        );
        assert!(body.contains(csv) && body.contains(xlsx), "{page} links {csv} and {xlsx}: {body}");
    }
    let searches = app.get("/searches", &mut gail).await.body;
    assert!(searches.contains("No searches match") || searches.contains("/searches/export?format=xlsx"));
    // One view of a record, so the access log has a line to list.
    assert_eq!(app.get("/children/1", &mut hana).await.status, StatusCode::OK);
    for (page, link) in [
        ("/admin/users", "/admin/users/export?format=xlsx"),
        ("/audit", "/audit/export?format=xlsx"),
        ("/audit/access-log", "/audit/access-log/export?format=xlsx"),
    ] {
        let body = app.get(page, &mut root).await.body;
        assert!(body.contains(link), "{page} links {link}");
    }

    for (path, header) in [
        (
            "/children/export?format=xlsx",
            &["child_id", "family_name", "date_of_birth", "allocated_worker"][..],
        ),
        ("/requests/export?format=xlsx", &["request", "child_id", "weekly_cost"][..]),
        ("/providers/export?format=xlsx", &["provider_id", "legal_name"][..]),
        ("/monitoring/export?format=xlsx", &["child_id", "risk", "next_visit_due"][..]),
        ("/households/export?format=xlsx", &["reference", "approval"][..]),
        ("/high-cost/export?format=xlsx", &["child_id", "weekly_cost", "next_due"][..]),
        ("/panels/export?format=xlsx", &["meeting_id", "meets_on", "quorum"][..]),
        ("/training/export?format=xlsx", &["person", "course", "status"][..]),
        ("/finance/invoices/export?format=xlsx", &["invoice_id", "amount"][..]),
    ] {
        let response = app.get(path, &mut hana).await;
        assert_workbook(&response, path, header);
    }
    for (path, header) in [
        ("/admin/users/export?format=xlsx", &["username", "roles", "status"][..]),
        ("/audit/export?format=xlsx", &["seq", "action", "hash"][..]),
        ("/audit/access-log/export?format=xlsx", &["at", "who", "child_id"][..]),
    ] {
        let response = app.get(path, &mut root).await;
        assert_workbook(&response, path, header);
    }
    let response = app.get("/searches/export?format=xlsx", &mut gail).await;
    assert_workbook(&response, "/searches/export", &["search_id", "child_id", "state"]);

    // The rows are the page's: the children's names are in the workbook,
    // and the download holds no column the list does not show.
    let csv = app.get("/children/export?format=csv&sort=id", &mut hana).await;
    assert_eq!(csv.headers.get(header::CONTENT_TYPE).unwrap(), "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "child_id,family_name,given_names,date_of_birth,team,allocated_worker");
    assert_eq!(lines.len(), 13, "{}", csv.body);
    let family = lines[1].split(',').nth(1).unwrap().to_owned();
    let xlsx = app.get("/children/export?format=xlsx&sort=id", &mut hana).await;
    assert!(unzip(&xlsx.bytes, "xl/sharedStrings.xml").contains(&family));
    // The old CSV paths still answer CSV, whatever the query says.
    let old = app.get("/children/export.csv?format=xlsx", &mut hana).await;
    assert_eq!(old.headers.get(header::CONTENT_TYPE).unwrap(), "text/csv; charset=utf-8");
    let bad = app.get("/children/export?format=pdf", &mut hana).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn downloads_keep_their_pages_permission(db: TestDatabase) {
    let app = TestApp::new(db);
    app.child("C100", "Ava", "Smith", None).await;
    let member = app.user("cleo", &[Role::CommitteeMember]).await;
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut cleo = app.session_for(member).await;
    let mut sam = app.session_for(worker).await;
    for path in [
        "/children/export?format=xlsx",
        "/monitoring/export?format=xlsx",
        "/high-cost/export?format=csv",
    ] {
        assert_eq!(app.get(path, &mut cleo).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in [
        "/admin/users/export?format=xlsx",
        "/audit/access-log/export?format=xlsx",
        "/training/export?format=xlsx",
        "/finance/invoices/export?format=xlsx",
    ] {
        let response = app.get(path, &mut sam).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!response.bytes.starts_with(b"PK"), "{path}");
    }
    // Signed out: sent to sign in, never a file.
    let mut nobody = crate::harness::Browser::default();
    assert_eq!(
        app.get("/children/export?format=xlsx", &mut nobody).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn a_childs_record_exports_as_json_logged_and_audited(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let child = app.child("C100", "Ava", "Smith", Some(worker)).await;
    let token = app.token(admin, Role::TeamManager).await;

    let path = format!("/api/v1/children/{child}/export");
    let response = app.api(Method::GET, &path, Some(&token), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let doc = response.json();
    assert_eq!(doc["format"], "hearth-child-record");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["child"]["id"], child.get());
    assert_eq!(doc["child"]["la_child_id"], "C100");
    assert_eq!(doc["child"]["family_name"], "Smith");
    assert_eq!(doc["child"]["date_of_birth"], "2012-05-17");
    assert_eq!(doc["child"]["allocated_worker"], "Sam Tester");
    assert_eq!(doc["identifiers"]["uasc"], false);
    let placements = doc["care_history"]["placements"].as_array().unwrap();
    assert_eq!(placements.len(), 1);
    assert_eq!(placements[0]["place"], "K2");
    assert_eq!(placements[0]["start"], "2025-02-01");
    assert_eq!(placements[0]["weekly_cost_pence"], 520_000);
    for key in [
        "addresses",
        "relationships",
        "episodes",
        "care_events",
        "assessments",
        "allocations",
        "placement_requests",
    ] {
        assert!(doc[key].is_array(), "{key}: {doc}");
    }
    assert!(doc["care_history"]["periods"].is_array() && doc["care_history"]["legal_statuses"].is_array());
    assert!(doc["placement_agreements"].is_array(), "{doc}");
    // A finance officer does not work on requests: they are left out.
    let finance = app.token(admin, Role::FinanceOfficer).await;
    let doc = app.api(Method::GET, &path, Some(&finance), None).await.json();
    assert!(
        doc["placement_requests"].is_null() && doc["placement_agreements"].is_array(),
        "{doc}"
    );

    // The page's download: the same document, for a signed-in person.
    let mut sam = app.session_for(worker).await;
    let record = app.get(&format!("/children/{child}"), &mut sam).await;
    assert!(record.body.contains(&format!("/children/{child}/export.json")));
    assert!(record.body.contains("Download this record (JSON)"));
    let file = app.get(&format!("/children/{child}/export.json"), &mut sam).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers.get(header::CONTENT_TYPE).unwrap(), "application/json");
    assert!(file
        .headers
        .get(header::CONTENT_DISPOSITION)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("child-C100.json"));
    assert_eq!(file.json()["child"]["given_names"], "Ava");

    // Both exports are in the access log as exports, and in the audit trail.
    let log = store::access_log::list(&app.db.store, Some(child), store::PageRequest::new(1, 50))
        .await
        .unwrap();
    let exports: Vec<_> = log.items.iter().filter(|e| e.kind == "export").collect();
    assert_eq!(exports.len(), 3, "{:?}", log.items);
    assert!(exports.iter().any(|e| e.reason.as_deref() == Some("api")));
    assert!(exports
        .iter()
        .any(|e| e.reason.as_deref() == Some("page") && e.actor == format!("user:{worker}")));
    let filter = store::audit::AuditFilter {
        action: Some("child.exported".to_owned()),
        entity: None,
        entity_id: Some(child.to_string()),
        actor: None,
    };
    let events = store::audit::list(&app.db.store, &filter, store::PageRequest::new(1, 50))
        .await
        .unwrap();
    assert_eq!(events.total, 3);
    assert!(store::audit::verify(&app.db.store).await.unwrap().is_ok());

    // The OpenAPI document describes the endpoint and its schema.
    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    assert!(openapi["paths"]["/api/v1/children/{id}/export"]["get"].is_object());
    assert!(openapi["components"]["schemas"]["ChildExport"].is_object());
}

async fn the_record_export_is_refused_where_the_record_is(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let child = app.child("R1", "Ava", "Private", None).await;
    let outsider = app.user("olly", &[Role::GatewayOfficer]).await;
    let member = app.user("cleo", &[Role::CommitteeMember]).await;

    // Unknown child: 404, on the API and the page.
    let token = app.token(admin, Role::GatewayOfficer).await;
    let missing = app.api(Method::GET, "/api/v1/children/999999/export", Some(&token), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let mut olly = app.session_for(outsider).await;
    assert_eq!(
        app.get("/children/999999/export.json", &mut olly).await.status,
        StatusCode::NOT_FOUND
    );
    // No permission to view records: 403.
    let mut cleo = app.session_for(member).await;
    assert_eq!(
        app.get(&format!("/children/{child}/export.json"), &mut cleo).await.status,
        StatusCode::FORBIDDEN
    );
    let member_token = app.token(admin, Role::CommitteeMember).await;
    let refused = app
        .api(Method::GET, &format!("/api/v1/children/{child}/export"), Some(&member_token), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A restricted record: refused to those outside its teams, and nothing logged.
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let team = store::teams::create(&mut cmd, &Can::<ManageUsers>::system(), "Disabled Children")
        .await
        .unwrap();
    store::restrictions::set_restriction(&mut cmd, &Can::<RestrictRecords>::system(), child, &[team.id])
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let restricted = app.get(&format!("/children/{child}/export.json"), &mut olly).await;
    assert_eq!(restricted.status, StatusCode::FORBIDDEN);
    assert!(!restricted.body.contains("Private"));
    let api = app
        .api(Method::GET, &format!("/api/v1/children/{child}/export"), Some(&token), None)
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert!(!api.body.contains("Private"));
    let log = store::access_log::list(&app.db.store, Some(child), store::PageRequest::new(1, 50))
        .await
        .unwrap();
    assert!(log.items.iter().all(|e| e.kind != "export"), "{:?}", log.items);

    // After breaking the glass, the export is allowed (and logged).
    let csrf = app.csrf_for(&mut olly).await;
    let glass = app
        .post_form(
            &format!("/children/{child}/break-glass"),
            &mut olly,
            &csrf,
            &[("reason", "Emergency placement out of hours")],
        )
        .await;
    assert_eq!(glass.status, StatusCode::SEE_OTHER);
    let allowed = app.get(&format!("/children/{child}/export.json"), &mut olly).await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(allowed.json()["child"]["family_name"], "Private");
    assert_eq!(allowed.json()["child"]["restricted"], true);
}
