//! The downloads of the finance, assurance, committee, administration,
//! notification and work-tray lists: each page links both formats when it
//! has rows (keeping its filters), each file is what it says with the
//! page's header row, and each keeps its page's permission.

use authz::{Actor, Role};
use axum::http::{header, StatusCode};
use store::children::ChildQuery;
use store::on_both_backends;
use store::testing::TestDatabase;
use store::PageRequest;

use crate::downloads::{assert_workbook, county};
use crate::harness::{Browser, TestApp};

on_both_backends!(more_list_pages_offer_csv_and_xlsx, more_downloads_keep_their_pages_permission,);

/// Both links of a page, as Askama writes them, with the filters kept.
fn assert_links(body: &str, page: &str, path: &str, query: &str) {
    let body = body.replace("&#38;", "&amp;");
    for format in ["csv", "xlsx"] {
        let link = format!("{path}?{query}format={format}");
        assert!(body.contains(&link), "{page} links {link}: {body}");
    }
    assert!(body.contains("Download CSV") && body.contains("Download XLSX"), "{page}");
}

/// The CSV answer's first line is `header`.
async fn assert_csv(app: &TestApp, browser: &mut Browser, path: &str, header: &str) -> String {
    let response = app.get(path, browser).await;
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    assert_eq!(
        response.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/csv; charset=utf-8",
        "{path}"
    );
    assert_eq!(response.body.lines().next(), Some(header), "{path}");
    response.body
}

async fn more_list_pages_offer_csv_and_xlsx(db: TestDatabase) {
    let app = county(db).await;
    let head = app.user("hana", &[Role::HeadOfService]).await;
    let admin = app.user("root", &[Role::Administrator]).await;
    let mut hana = app.session_for(head).await;
    let mut root = app.session_for(admin).await;
    // A worker of the county with children allocated, for the trays.
    let children = store::children::search(&app.db.store, &ChildQuery::default(), PageRequest::new(1, 500))
        .await
        .unwrap();
    let worker = children
        .items
        .iter()
        .find_map(|c| c.allocated_worker_id)
        .expect("a child with a worker");
    let mut worker_browser = app.session_for(worker).await;
    // A notification for the head of service, and a token for the list.
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    store::notifications::notify(&mut cmd, head, "test", "Budget set, please check", "/finance/budgets")
        .await
        .unwrap();
    cmd.record(store::Change::new("test.notified", "user", head, None::<&()>, None::<&()>))
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let secret = app.token(admin, Role::FinanceOfficer).await;

    // Each page links both downloads, keeping its filters.
    for (page, path, query) in [
        ("/finance/exceptions?show=all", "/finance/exceptions/export", "show=all&amp;"),
        ("/finance/runs", "/finance/runs/export", ""),
        ("/finance/carer-fees", "/finance/carer-fees/export", ""),
        ("/committees", "/committees/export", ""),
        ("/assurance/audits", "/assurance/audits/export", ""),
        ("/frameworks", "/frameworks/export", ""),
        ("/notifications", "/notifications/export", ""),
    ] {
        let body = app.get(page, &mut hana).await.body;
        assert_links(&body, page, path, query);
    }
    // Budgets: a finance officer sees every one; the head of service, as a
    // budget holder, only those held (none here), in the download too.
    let officer = app.user("fin", &[Role::FinanceOfficer]).await;
    let mut fin = app.session_for(officer).await;
    let budgets = app.get("/finance/budgets", &mut fin).await.body;
    assert_links(&budgets, "/finance/budgets", "/finance/budgets/export", "year=2026-04-01&amp;");
    let all = assert_csv(
        &app,
        &mut fin,
        "/finance/budgets/export?year=2026-04-01",
        "year,cost_centre,budget_holder,budget",
    )
    .await;
    assert!(all.lines().count() > 1, "{all}");
    let held = assert_csv(&app, &mut hana, "/finance/budgets/export", "year,cost_centre,budget_holder,budget").await;
    assert_eq!(held.lines().count(), 1, "{held}");
    for (page, path) in [
        ("/admin/teams", "/admin/teams/export"),
        ("/admin/api-tokens", "/admin/api-tokens/export"),
    ] {
        let body = app.get(page, &mut root).await.body;
        assert_links(&body, page, path, "");
    }
    let tray = app.get("/trays/caseload?sort=child", &mut worker_browser).await.body;
    assert_links(&tray, "/trays/caseload", "/trays/caseload/export", "sort=child&amp;");

    // Each download opens as a workbook with the page's header row.
    for (path, header) in [
        (
            "/finance/exceptions/export?show=all&format=xlsx",
            &["exception_id", "invoice_reference", "what_is_wrong", "status"][..],
        ),
        ("/finance/runs/export?format=xlsx", &["run_id", "payees_paid", "state", "total"][..]),
        (
            "/finance/budgets/export?format=xlsx",
            &["cost_centre", "budget_holder", "budget"][..],
        ),
        (
            "/finance/carer-fees/export?format=xlsx",
            &["child_id", "household", "fee_level"][..],
        ),
        ("/committees/export?format=xlsx", &["meeting_id", "meets_on", "committee"][..]),
        (
            "/assurance/audits/export?format=xlsx",
            &["plan_year", "engagement", "stage", "opinion"][..],
        ),
        ("/frameworks/export?format=xlsx", &["framework", "let_by", "members_now"][..]),
        ("/notifications/export?format=xlsx", &["notification", "when", "status"][..]),
    ] {
        let response = app.get(path, &mut hana).await;
        assert_workbook(&response, path, header);
    }
    for (path, header) in [
        ("/admin/teams/export?format=xlsx", &["team", "members", "who"][..]),
        ("/admin/api-tokens/export?format=xlsx", &["system", "acts_as", "last_used"][..]),
    ] {
        let response = app.get(path, &mut root).await;
        assert_workbook(&response, path, header);
    }
    for path in ["/trays/caseload/export?format=xlsx", "/trays/team/export?format=xlsx"] {
        let response = app.get(path, &mut worker_browser).await;
        assert_workbook(&response, path, &["family_name", "duty", "due", "status"]);
    }

    // The CSVs: the header rows, and the rows the page shows.
    let exceptions = assert_csv(
        &app,
        &mut hana,
        "/finance/exceptions/export?show=all&format=csv",
        "exception_id,raised_on,age_days,overdue,invoice_id,invoice_reference,provider,kind,what_is_wrong,billed,status",
    )
    .await;
    assert!(exceptions.lines().count() > 1, "{exceptions}");
    let open = assert_csv(
        &app,
        &mut hana,
        "/finance/exceptions/export?format=csv",
        "exception_id,raised_on,age_days,overdue,invoice_id,invoice_reference,provider,kind,what_is_wrong,billed,status",
    )
    .await;
    assert!(open.lines().skip(1).all(|l| l.ends_with(",Open")), "open only: {open}");
    assert_csv(
        &app,
        &mut hana,
        "/finance/runs/export?format=csv",
        "run_id,payees_paid,period_first,period_last,state,lines,total",
    )
    .await;
    assert_csv(
        &app,
        &mut hana,
        "/finance/budgets/export?year=2026-04-01&format=csv",
        "year,cost_centre,budget_holder,budget",
    )
    .await;
    let notes = assert_csv(&app, &mut hana, "/notifications/export", "notification,link,when,status").await;
    assert!(notes.contains("\"Budget set, please check\",/finance/budgets,"), "{notes}");
    let meetings = assert_csv(
        &app,
        &mut hana,
        "/committees/export?format=csv",
        "meeting_id,meets_on,committee,meeting",
    )
    .await;
    assert!(meetings.lines().count() > 1, "{meetings}");
    let tray = assert_csv(
        &app,
        &mut worker_browser,
        "/trays/caseload/export?format=csv&status=overdue",
        "record,family_name,given_names,duty,due,status",
    )
    .await;
    assert!(tray.lines().skip(1).all(|l| l.ends_with(",Overdue")), "{tray}");

    // The token list names each system, never a secret or its hash.
    let tokens = assert_csv(
        &app,
        &mut root,
        "/admin/api-tokens/export?format=csv",
        "system,acts_as,created,last_used,status",
    )
    .await;
    assert!(tokens.contains("finance-officer system,"), "{tokens}");
    assert!(!tokens.contains(&secret), "no secret: {tokens}");
    let hash = store::tokens::token_hash(&secret);
    assert!(!tokens.contains(&hash), "no hash: {tokens}");
}

async fn more_downloads_keep_their_pages_permission(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let member = app.user("cleo", &[Role::CommitteeMember]).await;
    let head = app.user("hana", &[Role::HeadOfService]).await;
    let mut sam = app.session_for(worker).await;
    let mut cleo = app.session_for(member).await;
    let mut hana = app.session_for(head).await;
    for path in [
        "/finance/exceptions/export?format=xlsx",
        "/finance/runs/export?format=xlsx",
        "/finance/budgets/export?format=csv",
        "/finance/carer-fees/export?format=xlsx",
        "/committees/export?format=xlsx",
        "/assurance/audits/export?format=xlsx",
        "/admin/teams/export?format=xlsx",
        "/admin/api-tokens/export?format=csv",
    ] {
        let response = app.get(path, &mut sam).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!response.bytes.starts_with(b"PK"), "{path}");
    }
    for path in [
        "/frameworks/export?format=xlsx",
        "/trays/caseload/export?format=xlsx",
        "/trays/team/export?format=csv",
    ] {
        assert_eq!(app.get(path, &mut cleo).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in ["/admin/teams/export?format=csv", "/admin/api-tokens/export?format=xlsx"] {
        assert_eq!(app.get(path, &mut hana).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    // Notifications are everyone's own: signed out, sent to sign in.
    let mut nobody = Browser::default();
    assert_eq!(
        app.get("/notifications/export?format=xlsx", &mut nobody).await.status,
        StatusCode::SEE_OTHER
    );
    // An empty list gets no links, but its download is the header alone.
    let runs = app.get("/finance/runs", &mut hana).await.body;
    assert!(!runs.contains("/finance/runs/export"), "no rows, no links");
    let csv = app.get("/finance/runs/export?format=csv", &mut hana).await;
    assert_eq!(csv.body, "run_id,payees_paid,period_first,period_last,state,lines,total\r\n");
    let bad = app.get("/finance/runs/export?format=pdf", &mut hana).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
