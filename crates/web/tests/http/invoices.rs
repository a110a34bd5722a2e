//! Provider invoices through the pages and the API: an officer enters one
//! and sees its exception, a bad form names each field, a CSV upload needs
//! the form token and reports problems by line and column, another officer
//! resolves the exception with a reason at the version shown, the API
//! enters, imports, lists and resolves, and a social worker is refused.

use authz::Role;
use axum::http::{Method, StatusCode};
use kernel::{ProviderId, UserId};
use serde_json::json;
use store::invoices::{InvoiceState, StoredInvoice};
use store::on_both_backends;
use store::testing::{PaidPlacementSpec, TestDatabase};
use time::macros::date;

use crate::harness::{Browser, TestApp};
use crate::requests::post;

on_both_backends!(
    an_officer_enters_an_invoice_and_sees_its_exception,
    a_bad_invoice_form_names_each_field,
    a_csv_upload_needs_the_form_token_and_reports_lines_and_columns,
    a_second_officer_resolves_the_exception,
    the_api_enters_imports_lists_and_resolves,
    a_social_worker_is_refused,
);

/// Oak Homes, paid £700 a week (£100 a day) from 1 April 2026, and a
/// finance officer.
async fn setting_up(app: &TestApp) -> (ProviderId, UserId) {
    let paid = app
        .db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    (paid.provider, app.user("fay", &[Role::FinanceOfficer]).await)
}

/// A week of May billed at £900: £200 more than agreed.
fn overbilled(provider: ProviderId) -> Vec<(&'static str, String)> {
    vec![
        ("provider_id", provider.to_string()),
        ("reference", "OAK-0501".into()),
        ("period_from", "2026-05-01".into()),
        ("period_to", "07/05/2026".into()),
        ("amount", "900.00".into()),
        ("received_on", "2026-11-20".into()),
    ]
}

async fn enter(app: &TestApp, browser: &mut Browser, fields: &[(&'static str, String)]) -> crate::harness::TestResponse {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(app, browser, "/finance/invoices", &fields).await
}

async fn stored(app: &TestApp, address: &str) -> StoredInvoice {
    let id: i64 = address.trim_start_matches("/finance/invoices/").parse().unwrap();
    store::invoices::get(&app.db.store, id).await.unwrap()
}

async fn an_officer_enters_an_invoice_and_sees_its_exception(db: TestDatabase) {
    let app = TestApp::new(db);
    let (oak, fay) = setting_up(&app).await;
    let mut fay = app.session_for(fay).await;

    let empty = app.get("/finance/invoices", &mut fay).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("No invoices have been entered yet"), "{}", empty.body);
    let form = app.get("/finance/invoices/new", &mut fay).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(&format!("<option value=\"{oak}\">Oak Homes</option>")),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"2026-11-22\""), "received today by default");

    let saved = enter(&app, &mut fay, &overbilled(oak)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let address = saved.location().unwrap().to_owned();
    let page = app.get(&address, &mut fay).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Invoice OAK-0501",
        "Billed £200.00 more than the agreement allows",
        "£900.00",
        "£700.00",
        "01/05/2026 to 07/05/2026 (7 days)",
        "You entered this invoice, so another finance officer must resolve its exceptions.",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("/resolve\""), "the maker gets no resolve form");
    assert_eq!(stored(&app, &address).await.listed.state, InvoiceState::Exception);

    let queue = app.get("/finance/exceptions", &mut fay).await;
    assert!(
        queue.body.contains("OAK-0501") && queue.body.contains("Overbilled") && queue.body.contains("1 exception, oldest first"),
        "{}",
        queue.body
    );
    let later = app.get("/finance/exceptions?kind=duplicate", &mut fay).await;
    assert!(later.body.contains("No exception matches these filters"), "{}", later.body);

    let list = app.get("/finance/invoices?q=oak&sort=amount", &mut fay).await;
    assert!(list.body.contains("Showing 1 to 1 of 1 invoices"), "{}", list.body);
    let none = app.get("/finance/invoices?state=matched", &mut fay).await;
    assert!(none.body.contains("No invoice matches these filters"), "{}", none.body);
    let csv = app.get("/finance/invoices/export.csv?state=exception", &mut fay).await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let row = format!(",{oak},Oak Homes,OAK-0501,2026-05-01,2026-05-07,900.00,700.00,2026-11-20,exception,1\r\n");
    assert!(
        csv.body.starts_with("invoice_id,provider_id,provider,reference,") && csv.body.contains(&row),
        "{}",
        csv.body
    );
}

async fn a_bad_invoice_form_names_each_field(db: TestDatabase) {
    let app = TestApp::new(db);
    let (oak, fay) = setting_up(&app).await;
    let mut fay = app.session_for(fay).await;
    let bad = enter(
        &app,
        &mut fay,
        &[
            ("provider_id", String::new()),
            ("reference", String::new()),
            ("period_from", "2026-05-01".into()),
            ("period_to", "31/02/2026".into()),
            ("amount", "lots".into()),
            ("received_on", "2026-11-20".into()),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for field in ["provider_id", "reference", "period_to", "amount"] {
        assert!(bad.body.contains(&format!("href=\"#{field}\"")), "{field}: {}", bad.body);
        assert!(bad.body.contains(&format!("id=\"{field}-error\"")), "{field} beside the field");
    }
    assert!(bad.body.contains("<title>Error: Enter an invoice"), "{}", bad.body);
    assert!(bad.body.contains("value=\"lots\""), "what was typed is kept");

    // The store's own checks come back against the fields they name.
    let mut backwards = overbilled(oak);
    backwards[3].1 = "2026-04-30".into();
    let refused = enter(&app, &mut fay, &backwards).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("href=\"#period_to\"")
            && refused
                .body
                .contains("The last day billed must not be before the first day billed."),
        "{}",
        refused.body
    );
    let list = store::invoices::list(&app.db.store, &Default::default(), store::PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(list.total, 0, "nothing was written");
}

const HEADER: &str = "provider_id,reference,period_from,period_to,amount,received_on\n";

async fn a_csv_upload_needs_the_form_token_and_reports_lines_and_columns(db: TestDatabase) {
    let app = TestApp::new(db);
    let (oak, fay) = setting_up(&app).await;
    let mut fay = app.session_for(fay).await;
    let page = app.get("/finance/invoices/import", &mut fay).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""), "{}", page.body);
    let good = format!(
        "{HEADER}{oak},OAK-0401,2026-04-01,2026-04-30,3000.00,2026-05-02\n{oak},OAK-0501,2026-05-01,2026-05-07,900.00,2026-06-02\n"
    );

    let forged = app
        .post_file("/finance/invoices/import", &mut fay, "not-the-token", "file", &good)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);

    let csrf = page.csrf_token();
    let bad =
        format!("{HEADER}{oak},OAK-0401,2026-04-01,2026-04-30,3000.00,2026-05-02\n{oak},OAK-0501,2026-05-01,2026-05-07,nine,2026-06-02\n");
    let refused = app.post_file("/finance/invoices/import", &mut fay, &csrf, "file", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("Line 3, column amount:"), "{}", refused.body);
    assert!(refused.body.contains("href=\"#file\""), "{}", refused.body);
    assert_eq!(
        store::invoices::exceptions(&app.db.store, false, date!(2026 - 11 - 22))
            .await
            .unwrap()
            .len(),
        0
    );

    let done = app.post_file("/finance/invoices/import", &mut fay, &csrf, "file", &good).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("2 invoices imported") && done.body.contains("1 with exceptions to resolve."),
        "{}",
        done.body
    );
    let list = app.get("/finance/invoices?state=matched", &mut fay).await;
    assert!(list.body.contains("OAK-0401") && !list.body.contains("OAK-0501"), "{}", list.body);
}

async fn a_second_officer_resolves_the_exception(db: TestDatabase) {
    let app = TestApp::new(db);
    let (oak, fay) = setting_up(&app).await;
    let gus = app.user("gus", &[Role::FinanceOfficer]).await;
    let mut fay = app.session_for(fay).await;
    let address = enter(&app, &mut fay, &overbilled(oak)).await.location().unwrap().to_owned();
    let exception = stored(&app, &address).await.exceptions[0].clone();
    let resolve = format!("/finance/exceptions/{}/resolve", exception.id);
    let version = exception.version.to_string();
    let decision = |outcome: &'static str, reason: &'static str, version: String| {
        vec![("outcome", outcome.to_owned()), ("reason", reason.to_owned()), ("version", version)]
    };
    let send = async |browser: &mut Browser, fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&app, browser, &resolve, &fields).await
    };

    let own = send(&mut fay, decision("accepted", "Agreed extra staffing", version.clone())).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert!(own.body.contains("you entered yourself; another person must do it"), "{}", own.body);

    let mut gus = app.session_for(gus).await;
    let page = app.get(&address, &mut gus).await;
    assert!(page.body.contains(&format!("action=\"{resolve}\"")), "{}", page.body);
    let blank = send(&mut gus, decision("accepted", "", version.clone())).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
    assert!(blank.body.contains(&format!("href=\"#reason-{}\"", exception.id)), "{}", blank.body);
    assert!(blank.body.contains("value=\"accepted\" checked"), "the choice is kept");
    let stale = send(&mut gus, decision("accepted", "Agreed extra staffing", "99".into())).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Agreed extra staffing</textarea>"), "the reason is kept");

    let done = send(&mut gus, decision("accepted", "Agreed extra staffing", version)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some(format!("{address}#exceptions").as_str()));
    let invoice = stored(&app, &address).await;
    assert_eq!(invoice.listed.state, InvoiceState::Accepted);
    let page = app.get(&address, &mut gus).await;
    assert!(
        page.body.contains("Agreed extra staffing") && page.body.contains("Decided by Gus Tester"),
        "{}",
        page.body
    );
    let queue = app.get("/finance/exceptions", &mut gus).await;
    assert!(queue.body.contains("No exceptions are open"), "{}", queue.body);
    let all = app.get("/finance/exceptions?show=all", &mut gus).await;
    assert!(all.body.contains("OAK-0501"), "{}", all.body);
}

async fn the_api_enters_imports_lists_and_resolves(db: TestDatabase) {
    let app = TestApp::new(db);
    let (oak, fay) = setting_up(&app).await;
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::FinanceOfficer).await;
    let body = |reference: &str, to: &str, pence: i64| {
        json!({
            "provider_id": oak.get(), "reference": reference, "period_from": "2026-05-01", "period_to": to,
            "amount_pence": pence, "received_on": "2026-11-20"
        })
    };

    let created = app
        .api(
            Method::POST,
            "/api/v1/invoices",
            Some(&token),
            Some(body("OAK-0501", "2026-05-07", 90_000)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created = created.json();
    assert_eq!(created["match"]["outcome"], "exceptions");
    assert_eq!(created["match"]["exceptions"][0], json!({ "kind": "overbilled", "by": 20_000 }));
    let id = created["id"].as_i64().unwrap();

    let bad = app
        .api(Method::POST, "/api/v1/invoices", Some(&token), Some(body(" ", "2026-04-01", 0)))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.headers["content-type"], "application/problem+json");
    let fields: Vec<String> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["reference", "period_to", "amount"]);

    let csv = format!("{HEADER}{oak},OAK-0601,2026-06-01,2026-06-30,3000.00,2026-07-02\n");
    let imported = app.api_file("/api/v1/invoices/import", &token, "text/csv", &csv).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(
        imported.json()["invoices"][0]["match"],
        json!({ "outcome": "ok", "expected": 300_000 })
    );
    let broken = app
        .api_file("/api/v1/invoices/import", &token, "text/csv", "reference,amount\n")
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(broken.json()["errors"][0]["field"], "file");

    let list = app
        .api(Method::GET, "/api/v1/invoices?state=exception", Some(&token), None)
        .await
        .json();
    assert_eq!((list["total"].as_i64(), list["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    let one = app
        .api(Method::GET, &format!("/api/v1/invoices/{id}"), Some(&token), None)
        .await
        .json();
    assert_eq!(one["exceptions"][0]["detail"], "Billed £200.00 more than the agreement allows");
    let queue = app.api(Method::GET, "/api/v1/invoice-exceptions", Some(&token), None).await.json();
    assert_eq!(queue[0]["age_days"], 0);
    let exception = queue[0]["id"].as_i64().unwrap();
    let version = queue[0]["version"].as_i64().unwrap();

    // A service token is no person, so it cannot be the checker.
    let path = format!("/api/v1/invoice-exceptions/{exception}/resolve");
    let decision = json!({ "outcome": "rejected", "reason": "Not agreed", "version": version });
    let by_token = app.api(Method::POST, &path, Some(&token), Some(decision.clone())).await;
    assert_eq!(by_token.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", by_token.body);
    assert!(by_token.body.contains("Only a named person can resolve"), "{}", by_token.body);
    // A personal token acts as its person: Fay entered nothing over the API.
    let personal = personal_token(&app, fay).await;
    let resolved = app.api(Method::POST, &path, Some(&personal), Some(decision)).await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.body);
    assert_eq!(resolved.json()["state"], "rejected");

    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    for path in [
        "/api/v1/invoices",
        "/api/v1/invoices/import",
        "/api/v1/invoice-exceptions/{id}/resolve",
    ] {
        assert!(
            openapi["paths"][path]["post"].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
}

/// A personal API token for `user`, acting as them.
async fn personal_token(app: &TestApp, user: UserId) -> String {
    let mut cmd = app.db.store.begin(authz::Actor::User(user), app.db.clock.as_ref()).await.unwrap();
    let can = authz::Can::<authz::cap::UseHearth>::system();
    let (_, secret) = store::api_tokens::create_personal(&mut cmd, &can, "My scripts", Role::FinanceOfficer)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    secret
}

async fn a_social_worker_is_refused(db: TestDatabase) {
    let app = TestApp::new(db);
    let (oak, _) = setting_up(&app).await;
    let sam = app.user("sam", &[Role::SocialWorker]).await;
    let mut sam = app.session_for(sam).await;
    for path in ["/finance/invoices", "/finance/invoices/new", "/finance/exceptions"] {
        assert_eq!(app.get(path, &mut sam).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(enter(&app, &mut sam, &overbilled(oak)).await.status, StatusCode::FORBIDDEN);
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::SocialWorker).await;
    let api = app.api(Method::GET, "/api/v1/invoices", Some(&token), None).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
}
