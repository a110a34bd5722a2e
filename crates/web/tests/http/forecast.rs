//! Budgets, the forecast and its what-if, and recharges, through the pages
//! and the API: a finance officer sets budgets (errors shown on the form),
//! the forecast says when a line is overspent, a head of service sees only
//! the lines they hold, and people outside finance are refused.
//!
//! One placement at £700 a week (£100 a day) from 1 April 2026 and no run
//! yet: the whole year, 365 days, is committed, £36,500.

use authz::cap::ManageFinance;
use authz::{Actor, Can, Role};
use axum::http::{Method, StatusCode};
use kernel::{Money, UserId};
use store::budgets::NewBudget;
use store::on_both_backends;
use store::testing::{PaidPlacementSpec, TestDatabase};
use time::macros::date;

use crate::harness::TestApp;

on_both_backends!(
    a_finance_officer_sets_budgets_and_the_forecast_shows_the_overspend,
    a_head_of_service_sees_only_the_lines_they_hold,
    the_what_if_shows_the_extra_cost_of_an_uplift,
    the_api_gives_the_forecast_budgets_and_recharges,
    people_outside_finance_are_refused,
);

async fn placement(app: &TestApp) {
    app.db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
}

async fn budget(app: &TestApp, cost_centre: &str, holder: Option<UserId>, pounds: i64) {
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let new = NewBudget {
        year_start: date!(2026 - 04 - 01),
        cost_centre: cost_centre.into(),
        holder_id: holder,
        amount: Money::from_pounds(pounds),
    };
    store::budgets::set_budget(&mut cmd, &Can::<ManageFinance>::system(), &new, None)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
}

async fn a_finance_officer_sets_budgets_and_the_forecast_shows_the_overspend(db: TestDatabase) {
    let app = TestApp::new(db);
    let officer = app.user("fiona", &[Role::FinanceOfficer]).await;
    let head = app.user("harry", &[Role::HeadOfService]).await;
    placement(&app).await;
    let mut fiona = app.session_for(officer).await;
    let page = app.get("/finance/budgets", &mut fiona).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("No budget has been set for 2026-27"), "{}", page.body);
    assert!(page.body.contains("Harry Tester"), "heads of service are offered as holders");
    let csrf = page.csrf_token();
    let holder = head.to_string();
    let mut fields = vec![
        ("year_start", "2026-04-01"),
        ("cost_centre", "csc-res"),
        ("holder_id", holder.as_str()),
        ("amount", "30,000.005"),
    ];
    let bad = app.post_form("/finance/budgets", &mut fiona, &csrf, &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("govuk-error-summary"), "{}", bad.body);
    assert!(bad.body.contains("href=\"#amount\""), "{}", bad.body);
    assert!(
        bad.body.contains("Budget amount: enter no more than 2 decimal places"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"csc-res\""), "what was typed is kept");

    fields[3] = ("amount", "30,000");
    let set = app.post_form("/finance/budgets", &mut fiona, &csrf, &fields).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(set.location(), Some("/finance/budgets?year=2026-04-01"));
    let listed = app.get("/finance/budgets", &mut fiona).await;
    assert!(
        listed.body.contains("CSC-RES") && listed.body.contains("£30,000.00"),
        "{}",
        listed.body
    );

    let forecast = app.get("/finance/forecast", &mut fiona).await;
    assert_eq!(forecast.status, StatusCode::OK, "{}", forecast.body);
    assert!(forecast.body.contains("£36,500.00"), "{}", forecast.body);
    assert!(forecast.body.contains("Overspend of £6,500.00"), "{}", forecast.body);
    assert!(forecast.body.contains("Harry Tester"), "the holder is named");
    assert!(forecast.body.contains("Oak Homes") && forecast.body.contains("Children&#39;s home"));
    assert!(!forecast.body.contains("whose budget you hold"), "finance officers see every line");

    // A change from the version read; the same version again is stale.
    let change = app.get("/finance/budgets?cost_centre=csc-res", &mut fiona).await;
    assert!(change.body.contains("Change the budget for CSC-RES"), "{}", change.body);
    assert!(change.body.contains("name=\"version\" value=\"1\""), "{}", change.body);
    assert!(change.body.contains("value=\"30000.00\""), "{}", change.body);
    let changed = [
        ("year_start", "2026-04-01"),
        ("cost_centre", "CSC-RES"),
        ("holder_id", holder.as_str()),
        ("amount", "40000"),
        ("version", "1"),
    ];
    let saved = app.post_form("/finance/budgets", &mut fiona, &csrf, &changed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = app.post_form("/finance/budgets", &mut fiona, &csrf, &changed).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let after = app.get("/finance/forecast", &mut fiona).await;
    assert!(after.body.contains("Underspend of £3,500.00"), "{}", after.body);

    let csv = app.get("/finance/forecast/export.csv", &mut fiona).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("cost centre,CSC-RES,40000.00,0.00,36500.00,36500.00,3500.00,"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("committed by provider,Oak Homes,,,36500.00"), "{}", csv.body);
    let recharges = app.get("/finance/recharges", &mut fiona).await;
    assert_eq!(recharges.status, StatusCode::OK, "{}", recharges.body);
    assert!(recharges.body.contains("Nothing has been recharged"), "{}", recharges.body);
}

async fn a_head_of_service_sees_only_the_lines_they_hold(db: TestDatabase) {
    let app = TestApp::new(db);
    let harry = app.user("harry", &[Role::HeadOfService]).await;
    let helen = app.user("helen", &[Role::HeadOfService]).await;
    let director = app.user("dora", &[Role::Director]).await;
    placement(&app).await;
    budget(&app, "CSC-RES", Some(harry), 30_000).await;
    budget(&app, "CSC-FOS", Some(helen), 10_000).await;

    let mut browser = app.session_for(harry).await;
    let page = app.get("/finance/forecast", &mut browser).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("only the cost centres whose budget you hold"), "{}", page.body);
    assert!(page.body.contains("CSC-RES") && page.body.contains("Overspend of £6,500.00"));
    assert!(!page.body.contains("CSC-FOS"), "{}", page.body);
    let budgets = app.get("/finance/budgets", &mut browser).await;
    assert!(
        budgets.body.contains("CSC-RES") && !budgets.body.contains("CSC-FOS"),
        "{}",
        budgets.body
    );
    assert!(!budgets.body.contains("Set a budget"), "only finance officers set budgets");

    let mut helens = app.session_for(helen).await;
    let theirs = app.get("/finance/forecast", &mut helens).await;
    assert!(
        theirs.body.contains("CSC-FOS") && !theirs.body.contains("CSC-RES"),
        "{}",
        theirs.body
    );
    assert!(!theirs.body.contains("Oak Homes"), "commitments outside their lines are not shown");

    let mut dora = app.session_for(director).await;
    let all = app.get("/finance/forecast", &mut dora).await;
    assert!(all.body.contains("CSC-RES") && all.body.contains("CSC-FOS"), "{}", all.body);
    assert!(!all.body.contains("whose budget you hold"));
}

async fn the_what_if_shows_the_extra_cost_of_an_uplift(db: TestDatabase) {
    let app = TestApp::new(db);
    let officer = app.user("fiona", &[Role::FinanceOfficer]).await;
    placement(&app).await;
    let mut fiona = app.session_for(officer).await;
    // 3.5% on £700 is £724.50 a week for the 90 days to 31 March.
    let page = app.get("/finance/forecast?uplift=3.5&from=2027-01-01", &mut fiona).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("An uplift of 3.5% from 01/01/2027 would add <strong>£315.00</strong> to the cost of agreements to 31/03/2027"),
        "{}",
        page.body
    );
    assert!(page.body.contains("£9,315.00 instead of £9,000.00"), "{}", page.body);
    let csv = app.get("/finance/forecast/export.csv?uplift=3.5&from=2027-01-01", &mut fiona).await;
    assert!(csv.body.contains("what-if,total: 3.5% from 2027-01-01,,,315.00"), "{}", csv.body);

    let bad = app.get("/finance/forecast?uplift=lots&from=2028-01-01", &mut fiona).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#uplift\""), "{}", bad.body);
    assert!(bad.body.contains("£36,500.00"), "the forecast still shows: {}", bad.body);
    let outside = app.get("/finance/forecast?uplift=2&from=2028-01-01", &mut fiona).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outside.body.contains("The uplift must start within 2026-27"), "{}", outside.body);
}

async fn the_api_gives_the_forecast_budgets_and_recharges(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("ada", &[Role::Administrator]).await;
    placement(&app).await;
    let officer = app.token(admin, Role::FinanceOfficer).await;
    let created = app
        .api(
            Method::POST,
            "/api/v1/budgets",
            Some(&officer),
            Some(serde_json::json!({ "year_start": "2026-04-01", "cost_centre": "csc-res", "amount_pence": 3_000_000 })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["cost_centre"], "CSC-RES");
    assert_eq!(created.json()["version"], 1);
    let refused = app
        .api(
            Method::POST,
            "/api/v1/budgets",
            Some(&officer),
            Some(serde_json::json!({ "year_start": "2026-05-01", "cost_centre": "X", "amount_pence": -1 })),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("year_start") && refused.body.contains("amount"),
        "{}",
        refused.body
    );

    let forecast = app
        .api(Method::GET, "/api/v1/forecast?uplift=3.5&from=2027-01-01", Some(&officer), None)
        .await;
    assert_eq!(forecast.status, StatusCode::OK, "{}", forecast.body);
    let json = forecast.json();
    let line = &json["forecast"]["lines"][0];
    assert_eq!(line["cost_centre"], "CSC-RES");
    assert_eq!(line["committed"], 3_650_000);
    assert_eq!(line["variance"], -650_000);
    assert_eq!(json["what_if"]["overall"]["increase"], 31_500);
    assert_eq!(json["holder_view"], false);
    let budgets = app.api(Method::GET, "/api/v1/budgets?year=2026-10-01", Some(&officer), None).await;
    assert_eq!(budgets.json()["budgets"][0]["amount"], 3_000_000);
    let recharges = app.api(Method::GET, "/api/v1/recharges", Some(&officer), None).await;
    assert_eq!(recharges.status, StatusCode::OK, "{}", recharges.body);
    assert_eq!(recharges.json()["partners"][0]["partner"], "education");

    // A service token acting as a head of service is nobody's budget holder.
    let head = app.token(admin, Role::HeadOfService).await;
    let theirs = app.api(Method::GET, "/api/v1/forecast", Some(&head), None).await;
    assert_eq!(theirs.json()["holder_view"], true);
    assert_eq!(theirs.json()["forecast"]["lines"], serde_json::json!([]));
    let spec = app.api(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert!(spec.body.contains("/api/v1/forecast") && spec.body.contains("/api/v1/budgets"));
}

async fn people_outside_finance_are_refused(db: TestDatabase) {
    let app = TestApp::new(db);
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let head = app.user("harry", &[Role::HeadOfService]).await;
    let admin = app.user("ada", &[Role::Administrator]).await;
    let mut sam = app.session_for(worker).await;
    for path in [
        "/finance/forecast",
        "/finance/budgets",
        "/finance/recharges",
        "/finance/forecast/export.csv",
    ] {
        assert_eq!(app.get(path, &mut sam).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let csrf = app.csrf_for(&mut sam).await;
    let post = app.post_form("/finance/budgets", &mut sam, &csrf, &[("amount", "1")]).await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    // Heads of service read budgets but do not set them.
    let mut harry = app.session_for(head).await;
    let csrf = app.csrf_for(&mut harry).await;
    let post = app.post_form("/finance/budgets", &mut harry, &csrf, &[("amount", "1")]).await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    let token = app.token(admin, Role::SocialWorker).await;
    let api = app.api(Method::GET, "/api/v1/forecast", Some(&token), None).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
}
