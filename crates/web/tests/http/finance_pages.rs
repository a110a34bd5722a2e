//! Care finance through the pages: a finance officer creates a service
//! agreement from a signed placement agreement, changes a rate (a stale
//! form is a conflict), takes a run from draft to export with a finance
//! approver checking it, cannot release it twice, and reads the remittance
//! advice; carer fees and allowance tables name bad input; other roles are
//! kept out.

use authz::Role;
use axum::http::StatusCode;
use store::on_both_backends;
use store::testing::{PaidPlacementSpec, TestDatabase};
use time::macros::date;

use crate::harness::{Browser, TestApp};

on_both_backends!(
    an_officer_creates_an_agreement_and_changes_a_rate,
    a_run_goes_from_draft_to_export_with_a_second_person,
    carer_fees_and_allowance_tables_name_bad_input,
    finance_is_kept_from_other_roles,
);

async fn signed_in(app: &TestApp, username: &str, role: Role) -> (Browser, String) {
    let user = app.user(username, &[role]).await;
    let mut browser = app.session_for(user).await;
    let csrf = app.csrf_for(&mut browser).await;
    (browser, csrf)
}

async fn an_officer_creates_an_agreement_and_changes_a_rate(db: TestDatabase) {
    let signed = db
        .signed_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    let app = TestApp::new(db);
    let (mut fo, csrf) = signed_in(&app, "fiona", Role::FinanceOfficer).await;
    let list = app.get("/finance/agreements", &mut fo).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Ready for a service agreement") && list.body.contains("Oak Homes"));

    let no_cadence = app
        .post_form(
            "/finance/agreements",
            &mut fo,
            &csrf,
            &[("placement_agreement_id", &signed.placement_agreement.to_string())],
        )
        .await;
    assert_eq!(no_cadence.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_cadence.body.contains("Choose how often the payee is paid"));

    let created = app
        .post_form(
            "/finance/agreements",
            &mut fo,
            &csrf,
            &[
                ("placement_agreement_id", &signed.placement_agreement.to_string()),
                ("cadence", "monthly"),
                ("cost_centre", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page_path = created.location().unwrap().to_owned();
    let page = app.get(&page_path, &mut fo).await;
    assert!(page.body.contains("CSC-RES") && page.body.contains("£700.00"), "{}", page.body);

    let rates = format!("{page_path}/rates");
    let bad = app
        .post_form(
            &rates,
            &mut fo,
            &csrf,
            &[
                ("version", "1"),
                ("element", "core-fee"),
                ("weekly", "lots"),
                ("from", "2026-05-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Weekly rate:"));
    let fields = [
        ("element", "core-fee"),
        ("weekly", "770.00"),
        ("from", "2026-05-01"),
        ("reason", "Uplift"),
    ];
    let changed = app
        .post_form(&rates, &mut fo, &csrf, &[&[("version", "1")][..], &fields].concat())
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let stale = app
        .post_form(&rates, &mut fo, &csrf, &[&[("version", "1")][..], &fields].concat())
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Someone else changed this agreement"));

    let csv = app.get("/finance/agreements/export.csv", &mut fo).await;
    assert!(
        csv.body.starts_with("service_agreement_id,") && csv.body.contains("C1"),
        "{}",
        csv.body
    );
}

async fn a_run_goes_from_draft_to_export_with_a_second_person(db: TestDatabase) {
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 10 - 01), 700))
        .await;
    let app = TestApp::new(db);
    let (mut fo, csrf) = signed_in(&app, "fiona", Role::FinanceOfficer).await;
    let (mut fa, fa_csrf) = signed_in(&app, "farid", Role::FinanceApprover).await;

    let bad = app
        .post_form("/finance/runs", &mut fo, &csrf, &[("cadence", "monthly"), ("first", "31/02/2026")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let drafted = app
        .post_form("/finance/runs", &mut fo, &csrf, &[("cadence", "monthly"), ("first", "2026-10-01")])
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let run = drafted.location().unwrap().to_owned();
    let step = |action: &str| format!("{run}/{action}");

    let calculated = app.post_form(&step("calculate"), &mut fo, &csrf, &[("version", "1")]).await;
    assert_eq!(calculated.status, StatusCode::SEE_OTHER);
    let shown = app.get(&run, &mut fo).await;
    assert!(
        shown.body.contains("£3,100.00") && !shown.body.contains("Approve the run"),
        "{}",
        shown.body
    );

    let by_officer = app.post_form(&step("approve"), &mut fo, &csrf, &[("version", "2")]).await;
    assert_eq!(by_officer.status, StatusCode::FORBIDDEN);
    let approved = app.post_form(&step("approve"), &mut fa, &fa_csrf, &[("version", "2")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    let released = app.post_form(&step("release"), &mut fo, &csrf, &[]).await;
    assert_eq!(released.status, StatusCode::SEE_OTHER);
    let twice = app.post_form(&step("release"), &mut fo, &csrf, &[]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("cannot become released") || twice.body.contains("already been released"));

    let page = app.get(&run, &mut fo).await;
    assert!(page.body.contains("Ledger journal") && page.body.contains("Creditor Oak Homes"));
    let exported = app.post_form(&step("export"), &mut fo, &csrf, &[]).await;
    assert_eq!(exported.status, StatusCode::OK);
    assert!(exported.body.starts_with(finance::export::HEADER));
    assert!(exported.body.contains(",3100.00\n"), "{}", exported.body);

    let advice_link = page.body.split("href=\"").find(|s| s.contains("/remittances/")).unwrap();
    let advice_path = advice_link.split('"').next().unwrap();
    let advice = app.get(advice_path, &mut fa).await;
    assert_eq!(advice.status, StatusCode::OK);
    assert!(advice.body.contains("Remittance advice") && advice.body.contains("Total £3,100.00"));
}

async fn carer_fees_and_allowance_tables_name_bad_input(db: TestDatabase) {
    let app = TestApp::new(db);
    let (mut fo, csrf) = signed_in(&app, "fiona", Role::FinanceOfficer).await;
    let page = app.get("/finance/carer-fees", &mut fo).await;
    assert!(page.body.contains("No allowance table has been entered"));
    let bad = app
        .post_form(
            "/finance/allowances",
            &mut fo,
            &csrf,
            &[
                ("year_start", "2026-04-01"),
                ("bands", "0,4,175.00\nten,17,200"),
                ("fee_levels", "1,100.00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Band line 2"), "{}", bad.body);
    let not_april = app
        .post_form(
            "/finance/allowances",
            &mut fo,
            &csrf,
            &[("year_start", "2026-05-01"), ("bands", "0,17,175.00")],
        )
        .await;
    assert!(not_april.body.contains("A table starts on 1 April"), "{}", not_april.body);
    let saved = app
        .post_form(
            "/finance/allowances",
            &mut fo,
            &csrf,
            &[
                ("year_start", "2026-04-01"),
                ("bands", "0,4,175.00\n5,17,200.00"),
                ("fee_levels", "1,100.00"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let again = app
        .post_form(
            "/finance/allowances",
            &mut fo,
            &csrf,
            &[("year_start", "2026-04-01"), ("bands", "0,17,1.00")],
        )
        .await;
    assert!(again.body.contains("tables are never edited"), "{}", again.body);
    let fee = app.post_form("/finance/carer-fees", &mut fo, &csrf, &[("fee_level", "x")]).await;
    assert_eq!(fee.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fee.body.contains("Choose the placement") && fee.body.contains("Choose the carer household"));
}

async fn finance_is_kept_from_other_roles(db: TestDatabase) {
    let app = TestApp::new(db);
    let (mut worker, csrf) = signed_in(&app, "sam", Role::SocialWorker).await;
    assert_eq!(app.get("/finance", &mut worker).await.status, StatusCode::FORBIDDEN);
    let drafted = app.post_form("/finance/runs", &mut worker, &csrf, &[("cadence", "monthly")]).await;
    assert_eq!(drafted.status, StatusCode::FORBIDDEN);
    let (mut head, _) = signed_in(&app, "hana", Role::HeadOfService).await;
    let home = app.get("/finance", &mut head).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("Start the run"));
}
