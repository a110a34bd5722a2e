//! Placement agreements through the pages and the API: an officer creates
//! one for a placement that has none, a funding split that does not add up
//! is refused by name, a variation needs a second person and changes the
//! price only from its effective date, a stale signature form is a
//! conflict that keeps the person's choice, and the list exports as CSV.

use authz::cap::{Commission, RecordChildren};
use authz::{Actor, Can, Role};
use axum::http::{Method, StatusCode};
use contracts::agreements::{SignatureStatus, VariationState};
use kernel::Money;
use placements::{ElementKind, PlacementCategory};
use providers::register::LegalForm;
use providers::ProviderType;
use serde_json::json;
use store::children::NewChild;
use store::on_both_backends;
use store::placements::NewPlacement;
use store::providers::NewProvider;
use store::testing::TestDatabase;
use time::macros::{date, datetime};

use crate::harness::{Browser, TestApp, TestResponse};
use crate::requests::post;

on_both_backends!(
    an_officer_creates_an_agreement_for_a_placement_without_one,
    a_variation_needs_a_second_person_and_prices_from_its_date,
    a_stale_signature_form_is_a_conflict_that_keeps_the_choice,
    the_api_reads_creates_and_names_bad_fields,
);

/// A child placed on 1 November 2026 with an external (private) provider
/// at £4,900 a week, with no agreement; returns the placement's number.
async fn placed(app: &TestApp, la_child_id: &str) -> i64 {
    let db = &app.db;
    let can = Can::<RecordChildren>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let provider = NewProvider {
        name: format!("Brightwater Care {la_child_id} Ltd"),
        provider_type: ProviderType::Private,
        ofsted_urn: None,
        postcode: None,
        companies_house_number: None,
        charity_number: None,
        for_profit: true,
        legal_form: LegalForm::CompanyLimitedByShares,
    };
    let provider = store::providers::insert_many(&mut cmd, &can, &[provider]).await.unwrap()[0];
    let child = NewChild {
        la_child_id: la_child_id.into(),
        given_names: "Ava".into(),
        family_name: "Smith".into(),
        date_of_birth: date!(2012 - 05 - 17),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: None,
    };
    let child = store::children::insert_many(&mut cmd, &can, &[child]).await.unwrap()[0];
    let placement = NewPlacement {
        child_id: child,
        provider_id: Some(provider),
        category: PlacementCategory::ChildrensHome,
        place_code: "K2".into(),
        start_date: date!(2026 - 11 - 01),
        end_date: None,
        weekly_cost: Money::from_pounds(4_900),
        postcode: None,
    };
    store::placements::insert_many(&mut cmd, &can, &[placement]).await.unwrap();
    cmd.commit().await.unwrap();
    let unagreed = store::agreements::without_agreement(&db.store, date!(2026 - 11 - 22))
        .await
        .unwrap();
    unagreed.iter().find(|u| u.la_child_id == la_child_id).unwrap().placement_id
}

/// The new-agreement form filled in: a £4,000 core fee and £900 of 1:1
/// staffing from the placement's start, ending on 10 January 2027, bought
/// off framework; `funding` is (social care, education, health).
fn agreement_form(placement: &str, funding: [&'static str; 3]) -> Vec<(&'static str, String)> {
    [
        ("placement", placement.to_owned()),
        ("start_date", "2026-11-01".to_owned()),
        ("end_date", "10/01/2027".to_owned()),
        ("social_care", funding[0].to_owned()),
        ("education", funding[1].to_owned()),
        ("health", funding[2].to_owned()),
        ("element_kind", "core-fee".to_owned()),
        ("element_weekly", "4,000.00".to_owned()),
        ("element_kind", "one-to-one".to_owned()),
        ("element_weekly", "£900".to_owned()),
        ("element_kind", String::new()),
        ("element_weekly", String::new()),
        ("spot_reason", "no-framework-vacancy".to_owned()),
        ("spot_note", String::new()),
    ]
    .into_iter()
    .collect()
}

async fn submit(app: &TestApp, browser: &mut Browser, path: &str, fields: &[(&'static str, String)]) -> TestResponse {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(app, browser, path, &fields).await
}

/// Creates an agreement through the page; returns its address.
async fn create(app: &TestApp, browser: &mut Browser, placement: i64) -> String {
    let created = submit(
        app,
        browser,
        "/agreements",
        &agreement_form(&placement.to_string(), ["100", "0", "0"]),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().unwrap().to_owned()
}

async fn stored(app: &TestApp, address: &str) -> store::agreements::Agreement {
    let id: i64 = address.trim_start_matches("/agreements/").parse().unwrap();
    let mut conn = app.db.store.pool().acquire().await.unwrap();
    store::agreements::load(&mut conn, id).await.unwrap()
}

async fn an_officer_creates_an_agreement_for_a_placement_without_one(db: TestDatabase) {
    let app = TestApp::new(db);
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let placement = placed(&app, "A1").await;
    let mut cora = app.session_for(officer).await;

    let list = app.get("/agreements", &mut cora).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("No placement agreements have been made yet."), "{}", list.body);
    let link = format!("href=\"/agreements/new?placement={placement}\"");
    assert!(list.body.contains(&link), "{}", list.body);
    assert!(list.body.contains(">Agreements</a>"), "the navigation has the entry");

    let form = app.get(&format!("/agreements/new?placement={placement}"), &mut cora).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("value=\"4900.00\""),
        "the core fee starts at the placement's cost"
    );
    assert!(form.body.contains(
        "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--m\"><h2 class=\"govuk-fieldset__heading\">Funding split"
    ));

    // A split that does not add up is named, and nothing is written.
    let bad = submit(
        &app,
        &mut cora,
        "/agreements",
        &agreement_form(&placement.to_string(), ["60", "30", "5"]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("href=\"#funding\""), "{}", bad.body);
    assert!(bad.body.contains("must add up to 100%, not 95%"), "{}", bad.body);
    assert!(bad.body.contains("value=\"£900\""), "what was typed is kept");
    assert!(store::agreements::list(&app.db.store).await.unwrap().is_empty());

    let address = create(&app, &mut cora, placement).await;
    let agreement = stored(&app, &address).await;
    assert_eq!(agreement.weekly_on(date!(2026 - 11 - 22)), Money::from_pounds(4_900));
    assert_eq!(
        (agreement.signature, agreement.end),
        (SignatureStatus::Draft, Some(date!(2027 - 01 - 10)))
    );
    let page = app.get(&address, &mut cora).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "£4,900.00",
        "Not yet sent",
        "Spot purchase: No framework provider had a vacancy",
        "ends in 49 days",
        "Propose a variation",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }

    let list = app.get("/agreements", &mut cora).await;
    assert!(list.body.contains("Ends in 49 days"), "{}", list.body);
    assert!(list
        .body
        .contains("Every current placement with an external provider has an agreement."));
    let none = app.get("/agreements?signature=fully-signed&q=brightwater", &mut cora).await;
    assert!(none.body.contains("No agreement matches these filters."), "{}", none.body);
    let soon = app.get("/agreements?ending=soon&q=brightwater", &mut cora).await;
    assert!(soon.body.contains("1 agreement shown"), "{}", soon.body);

    let csv = app.get("/agreements/export.csv?ending=soon", &mut cora).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(csv
        .body
        .starts_with("agreement_id,placement_id,child_id,provider,start_date,end_date,weekly_today,signature_status,ending_in_days\r\n"));
    let row = format!(",{placement},A1,Brightwater Care A1 Ltd,2026-11-01,2027-01-10,\"£4,900.00\",draft,49\r\n");
    assert!(csv.body.contains(&row), "{}", csv.body);

    // A reader who does not commission sees the agreement but no forms.
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut sam = app.session_for(worker).await;
    let read = app.get(&address, &mut sam).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(
        !read.body.contains("Propose a variation") && !read.body.contains("/signature\""),
        "{}",
        read.body
    );
}

async fn a_variation_needs_a_second_person_and_prices_from_its_date(db: TestDatabase) {
    let app = TestApp::new(db);
    // Dana both commissions and approves: she may still not approve her own.
    let both = app.user("dana", &[Role::CommissioningOfficer, Role::FinanceApprover]).await;
    let approver = app.user("fin", &[Role::FinanceApprover]).await;
    let placement = placed(&app, "V1").await;
    let mut dana = app.session_for(both).await;
    let address = create(&app, &mut dana, placement).await;

    let vary = [
        ("effective_from", "2027-01-01"),
        ("reason", "Core fee rises; one-to-one staffing ends"),
        ("element_kind", "core-fee"),
        ("element_weekly", "4200"),
        ("element_kind", "one-to-one"),
        ("element_weekly", "0"),
        ("new_end", "2027-06-30"),
    ];
    let short = post(
        &app,
        &mut dana,
        &format!("{address}/variations"),
        &[("effective_from", "2027-01-01"), ("reason", "more")],
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("href=\"#reason\"") && short.body.contains("href=\"#elements\""),
        "{}",
        short.body
    );
    let proposed = post(&app, &mut dana, &format!("{address}/variations"), &vary).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let agreement = stored(&app, &address).await;
    let variation = &agreement.variations[0];
    let decision = format!("{address}/variations/{}/decision", variation.id);
    let version = variation.version.to_string();

    let page = app.get(&address, &mut dana).await;
    assert!(
        page.body
            .contains("Core placement fee £4,200.00 a week; Extra staffing 1:1 removed; ends 30/06/2027"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("action=\"{decision}\"")),
        "an approver sees the buttons"
    );
    let own = post(&app, &mut dana, &decision, &[("approve", "yes"), ("version", &version)]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert!(
        own.body.contains("you proposed yourself; another person must do it"),
        "{}",
        own.body
    );
    assert!(own.body.contains(&format!("href=\"#approve-{}\"", variation.id)), "{}", own.body);
    let unchanged = stored(&app, &address).await;
    assert_eq!(
        (unchanged.variations[0].state, unchanged.lines.len(), unchanged.end),
        (VariationState::Proposed, 2, Some(date!(2027 - 01 - 10)))
    );

    let mut fin = app.session_for(approver).await;
    let approved = post(&app, &mut fin, &decision, &[("approve", "yes"), ("version", &version)]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let varied = stored(&app, &address).await;
    assert_eq!(varied.variations[0].state, VariationState::Approved);
    assert_eq!(varied.end, Some(date!(2027 - 06 - 30)));
    assert_eq!(varied.weekly_on(date!(2026 - 12 - 31)), Money::from_pounds(4_900));
    assert_eq!(varied.weekly_on(date!(2027 - 01 - 01)), Money::from_pounds(4_200));
    let page = app.get(&address, &mut fin).await;
    assert!(
        page.body.contains("Dana Tester") && page.body.contains("Fin Tester"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<dd class=\"govuk-summary-list__value\">£4,900.00</dd>"),
        "today is before the rise"
    );
    // Decided once only.
    let again = post(
        &app,
        &mut fin,
        &decision,
        &[("approve", "no"), ("version", &varied.variations[0].version.to_string())],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);

    // From the effective date the list and the page show the new price.
    app.db.clock.set(datetime!(2027-01-04 09:00 UTC));
    let mut fin = app.session_for(approver).await;
    let page = app.get(&address, &mut fin).await;
    assert!(
        page.body.contains("<dd class=\"govuk-summary-list__value\">£4,200.00</dd>"),
        "{}",
        page.body
    );
    let list = app.get("/agreements", &mut fin).await;
    assert!(list.body.contains("£4,200.00") && !list.body.contains("£4,900.00"), "{}", list.body);
}

async fn a_stale_signature_form_is_a_conflict_that_keeps_the_choice(db: TestDatabase) {
    let app = TestApp::new(db);
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let placement = placed(&app, "S1").await;
    let mut cora = app.session_for(officer).await;
    let address = create(&app, &mut cora, placement).await;
    let opened = stored(&app, &address).await.version.to_string();

    // Someone else records that it was sent after Cora opened the page.
    let id = stored(&app, &address).await.id;
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    store::agreements::set_signature(&mut cmd, &Can::<Commission>::system(), id, 1, SignatureStatus::Sent)
        .await
        .unwrap();
    cmd.commit().await.unwrap();

    let signature = format!("{address}/signature");
    let stale = post(
        &app,
        &mut cora,
        &signature,
        &[("signature_status", "fully-signed"), ("version", &opened)],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale.body.contains("Someone else changed this agreement after you opened it"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("<option value=\"fully-signed\" selected>"),
        "the choice is kept: {}",
        stale.body
    );
    assert_eq!(stored(&app, &address).await.signature, SignatureStatus::Sent);

    let current = stored(&app, &address).await.version.to_string();
    let saved = post(
        &app,
        &mut cora,
        &signature,
        &[("signature_status", "fully-signed"), ("version", &current)],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(stored(&app, &address).await.signature, SignatureStatus::FullySigned);
}

async fn the_api_reads_creates_and_names_bad_fields(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let placement = placed(&app, "P1").await;
    let token = app.token(admin, Role::CommissioningOfficer).await;
    let body = |funding: serde_json::Value| {
        json!({
            "placement_id": placement,
            "start": "2026-11-01",
            "end": "2027-03-31",
            "funding": funding,
            "lines": [{"kind": "core-fee", "weekly_pence": 400_000}, {"kind": "therapy", "weekly_pence": 25_050}],
            "spot_reason": "continuity",
        })
    };

    let bad = app
        .api(
            Method::POST,
            "/api/v1/agreements",
            Some(&token),
            Some(body(json!({"social_care": 50, "education": 40, "health": 0}))),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.headers["content-type"], "application/problem+json");
    assert_eq!(bad.json()["errors"][0]["field"], "funding");
    let mut unknown = body(json!({"social_care": 100, "education": 0, "health": 0}));
    unknown["lines"][1]["kind"] = json!("massage");
    let refused = app.api(Method::POST, "/api/v1/agreements", Some(&token), Some(unknown)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "lines[1].kind");
    let mut extra = body(json!({"social_care": 100, "education": 0, "health": 0}));
    extra["notes"] = json!("not a field");
    let refused = app.api(Method::POST, "/api/v1/agreements", Some(&token), Some(extra)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["errors"][0]["field"], "notes", "{}", refused.body);
    let mut twice = body(json!({"social_care": 100, "education": 0, "health": 0}));
    twice["lines"][1]["kind"] = json!("core-fee");
    let refused = app.api(Method::POST, "/api/v1/agreements", Some(&token), Some(twice)).await;
    assert_eq!(refused.json()["errors"][0]["field"], "lines[1].kind", "{}", refused.body);

    let created = app
        .api(
            Method::POST,
            "/api/v1/agreements",
            Some(&token),
            Some(body(json!({"social_care": 70, "education": 30, "health": 0}))),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let shown = app.api(Method::GET, &format!("/api/v1/agreements/{id}"), Some(&token), None).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(
        (shown["la_child_id"].as_str(), shown["weekly_today"].as_i64()),
        (Some("P1"), Some(425_050))
    );
    assert_eq!((shown["signature"].as_str(), shown["version"].as_i64()), (Some("draft"), Some(1)));
    assert_eq!(shown["funding"], json!({"social_care": 70, "education": 30, "health": 0}));
    assert_eq!(shown["social_care_weekly"].as_i64(), Some(297_535));
    let listed = app
        .api(Method::GET, "/api/v1/agreements?q=brightwater", Some(&token), None)
        .await
        .json();
    assert_eq!(listed["agreements"][0]["id"].as_i64(), Some(id));
    assert_eq!(listed["without_agreement"], json!([]));

    let stale = app
        .api(
            Method::POST,
            &format!("/api/v1/agreements/{id}/signature"),
            Some(&token),
            Some(json!({"status": "sent", "version": 7})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let sent = app
        .api(
            Method::POST,
            &format!("/api/v1/agreements/{id}/signature"),
            Some(&token),
            Some(json!({"status": "sent", "version": 1})),
        )
        .await;
    assert_eq!((sent.status, sent.json()["signature"].as_str()), (StatusCode::OK, Some("sent")));

    // A service token is nobody in particular: it cannot propose, nor decide.
    let variation =
        json!({"effective_from": "2027-01-01", "reason": "Therapy ends after review", "lines": [{"kind": "therapy", "weekly_pence": 0}]});
    let by_token = app
        .api(
            Method::POST,
            &format!("/api/v1/agreements/{id}/variations"),
            Some(&token),
            Some(variation.clone()),
        )
        .await;
    assert_eq!(by_token.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", by_token.body);
    let mut cmd = app.db.store.begin(Actor::User(officer), app.db.clock.as_ref()).await.unwrap();
    let proposal = contracts::agreements::Variation {
        effective_from: date!(2027 - 01 - 01),
        reason: "Therapy ends after review".into(),
        lines: vec![(ElementKind::Therapy, Money::ZERO)],
        new_end: None,
    };
    let vid = store::agreements::propose_variation(&mut cmd, &Can::<Commission>::system(), id, &proposal)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let finance = app.token(admin, Role::FinanceApprover).await;
    let decision = format!("/api/v1/agreements/{id}/variations/{vid}/decision");
    let refused = app
        .api(
            Method::POST,
            &decision,
            Some(&finance),
            Some(json!({"approve": true, "version": 1})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    assert!(openapi["paths"]["/api/v1/agreements/{id}/variations/{vid}/decision"]["post"].is_object());
}
