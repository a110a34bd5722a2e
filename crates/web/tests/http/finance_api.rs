//! Care finance over the JSON API: a monthly run drafted, calculated,
//! approved by a second named person (never by its preparer, never by a
//! service token), released once (the second release is refused and
//! nothing is posted twice) and exported; a backdated rate change becomes
//! an adjustment and a stale version is a conflict; service agreements
//! are made from exactly one basis; carer fees are decided by someone
//! other than the proposer; and a social worker sees none of it.

use authz::cap::{Commission, RecordChildren, UseHearth};
use authz::{Actor, Can, Role};
use axum::http::{Method, StatusCode};
use contracts::agreements::{Draft, FundingSplit, PriceLine, SignatureStatus};
use contracts::frameworks::SpotReason;
use kernel::{Money, UserId};
use placements::{ElementKind, PlacementCategory};
use providers::foster::ApprovalType;
use providers::register::LegalForm;
use providers::ProviderType;
use serde_json::{json, Value};
use store::children::NewChild;
use store::households::NewHousehold;
use store::on_both_backends;
use store::placements::NewPlacement;
use store::providers::NewProvider;
use store::testing::{PaidPlacementSpec, TestDatabase};
use time::macros::date;

use crate::harness::{TestApp, TestResponse};

on_both_backends!(
    a_run_is_approved_by_another_person_and_released_once,
    service_agreements_come_from_exactly_one_basis,
    carer_fees_are_decided_by_someone_else_and_paid_from_the_tables,
);

/// A personal token: it acts as `user`, with their roles.
async fn personal_token(app: &TestApp, user: UserId) -> String {
    let mut cmd = app.db.store.begin(Actor::User(user), app.db.clock.as_ref()).await.unwrap();
    let (_, secret) = store::api_tokens::create_personal(&mut cmd, &Can::<UseHearth>::system(), "My scripts", Role::FinanceOfficer)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    secret
}

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> TestResponse {
    app.api(method, path, Some(token), body).await
}

fn first_field(response: &TestResponse) -> String {
    response.json()["errors"][0]["field"].as_str().unwrap_or_default().to_owned()
}

async fn a_run_is_approved_by_another_person_and_released_once(db: TestDatabase) {
    let paid = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    // Dana prepares runs and approves them: she may still not approve her own.
    let dana = app.user("dana", &[Role::FinanceOfficer, Role::FinanceApprover]).await;
    let fin = app.user("fin", &[Role::FinanceApprover]).await;
    let dana = personal_token(&app, dana).await;
    let fin = personal_token(&app, fin).await;
    let officer = app.token(admin, Role::FinanceOfficer).await;
    let approver = app.token(admin, Role::FinanceApprover).await;
    let worker = app.token(admin, Role::SocialWorker).await;

    let listed = call(&app, Method::GET, "/api/v1/service-agreements", &officer, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listed = listed.json();
    assert_eq!(listed["total"], 1);
    let item = &listed["items"][0];
    assert_eq!(item["id"].as_i64(), Some(paid.service_agreement));
    assert_eq!(
        item["payee"],
        json!({"kind": "provider", "id": paid.provider.get(), "name": "Oak Homes"})
    );
    assert_eq!(
        (item["la_child_id"].as_str(), item["cadence"].as_str(), item["start"].as_str()),
        (Some("C1"), Some("monthly"), Some("2026-04-01"))
    );
    assert_eq!(
        (item["weekly_today_pence"].as_i64(), item["paid_through"].is_null()),
        (Some(70_000), true)
    );

    // A social worker sees none of care finance.
    for (method, path) in [(Method::GET, "/api/v1/service-agreements"), (Method::GET, "/api/v1/payment-runs")] {
        let refused = call(&app, method, path, &worker, None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    let refused = call(
        &app,
        Method::POST,
        "/api/v1/payment-runs",
        &worker,
        Some(json!({"cadence": "monthly", "first": "2026-04-01"})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let drafted = call(
        &app,
        Method::POST,
        "/api/v1/payment-runs",
        &dana,
        Some(json!({"cadence": "monthly", "first": "2026-04-01"})),
    )
    .await;
    assert_eq!(drafted.status, StatusCode::CREATED, "{}", drafted.body);
    let run = drafted.json()["id"].as_i64().unwrap();
    let path = |tail: &str| format!("/api/v1/payment-runs/{run}{tail}");
    let gap = call(
        &app,
        Method::POST,
        "/api/v1/payment-runs",
        &dana,
        Some(json!({"cadence": "monthly", "first": "2026-06-01"})),
    )
    .await;
    assert_eq!(
        (gap.status, first_field(&gap)),
        (StatusCode::UNPROCESSABLE_ENTITY, "first".to_owned()),
        "{}",
        gap.body
    );

    let stale = call(&app, Method::POST, &path("/calculate"), &dana, Some(json!({"version": 5}))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let calculated = call(&app, Method::POST, &path("/calculate"), &dana, Some(json!({"version": 1}))).await;
    assert_eq!(calculated.status, StatusCode::OK, "{}", calculated.body);
    let calculated = calculated.json();
    // April: 30 days at £100 a day.
    assert_eq!(
        (calculated["lines"].as_i64(), calculated["total_pence"].as_i64()),
        (Some(1), Some(300_000))
    );
    assert_eq!(calculated["run"]["state"], "calculated");
    let version = calculated["run"]["version"].clone();

    let own = call(&app, Method::POST, &path("/approve"), &dana, Some(json!({"version": version}))).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert!(own.body.contains("another person must do it"), "{}", own.body);
    let by_token = call(&app, Method::POST, &path("/approve"), &approver, Some(json!({"version": version}))).await;
    assert_eq!(by_token.status, StatusCode::FORBIDDEN, "{}", by_token.body);
    assert!(by_token.body.contains("personal API token"), "{}", by_token.body);
    let approved = call(&app, Method::POST, &path("/approve"), &fin, Some(json!({"version": version}))).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let approved = approved.json();
    assert_eq!(
        (
            approved["state"].as_str(),
            approved["prepared_by"].as_str(),
            approved["approved_by"].as_str()
        ),
        (Some("approved"), Some("Dana Tester"), Some("Fin Tester"))
    );

    let early = call(&app, Method::POST, &path("/export"), &officer, None).await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unreleased run is not exported: {}",
        early.body
    );

    let released = call(&app, Method::POST, &path("/release"), &officer, None).await;
    assert_eq!(released.status, StatusCode::OK, "{}", released.body);
    let released = released.json();
    assert_eq!(
        (released["total_pence"].as_i64(), released["run"]["state"].as_str()),
        (Some(300_000), Some("released"))
    );
    let entries = released["entries"].as_u64().unwrap();
    let again = call(&app, Method::POST, &path("/release"), &officer, None).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert_eq!(again.headers["content-type"], "application/problem+json");
    assert!(again.body.contains("already been released"), "{}", again.body);
    let journal = store::payment_runs::journal(&app.db.store, Some(&format!("run:{run}")))
        .await
        .unwrap();
    assert_eq!(journal.len() as u64, entries, "one set of entries: {journal:?}");
    let debits = Money::sum(journal.iter().map(|p| p.entry.debit)).unwrap();
    let credits = Money::sum(journal.iter().map(|p| p.entry.credit)).unwrap();
    assert_eq!((debits, credits), (Money::from_pence(300_000), Money::from_pence(300_000)));

    let shown = call(&app, Method::GET, &path(""), &approver, None).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(
        (shown["state"].as_str(), shown["total_pence"].as_i64()),
        (Some("released"), Some(300_000))
    );
    let line = &shown["lines"][0];
    assert_eq!(
        (
            line["first"].as_str(),
            line["last"].as_str(),
            line["days"].as_i64(),
            line["amount_pence"].as_i64()
        ),
        (Some("2026-04-01"), Some("2026-04-30"), Some(30), Some(300_000))
    );
    assert_eq!(line["payee"]["name"], "Oak Homes");
    let advices = call(&app, Method::GET, &path("/remittances"), &approver, None).await.json();
    assert_eq!(
        (advices[0]["payee"]["name"].as_str(), advices[0]["total_pence"].as_i64()),
        (Some("Oak Homes"), Some(300_000))
    );

    let csv = call(&app, Method::POST, &path("/export"), &officer, None).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.body
            .starts_with("run_id,period_first,period_last,agreement_id,payee,cost_centre,element,first,last,days,amount\n"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",core-fee,2026-04-01,2026-04-30,30,3000.00\n"), "{}", csv.body);
    let runs = call(&app, Method::GET, "/api/v1/payment-runs", &approver, None).await.json();
    assert_eq!(runs[0]["state"], "exported");

    // A rise backdated into April, which is paid: the difference waits for
    // the next run as an adjustment. A stale version is a conflict.
    let rates = format!("/api/v1/service-agreements/{}/rates", paid.service_agreement);
    let rise = |version: i64, weekly: i64| json!({"element": "core-fee", "weekly_pence": weekly, "from": "2026-04-15", "reason": "Annual uplift agreed", "version": version});
    let stale = call(&app, Method::POST, &rates, &officer, Some(rise(7, 77_000))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(stale.headers["content-type"], "application/problem+json");
    let negative = call(&app, Method::POST, &rates, &officer, Some(rise(1, -5))).await;
    assert_eq!(
        (negative.status, first_field(&negative)),
        (StatusCode::UNPROCESSABLE_ENTITY, "weekly_pence".to_owned())
    );
    let changed = call(&app, Method::POST, &rates, &officer, Some(rise(1, 77_000))).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let changed = changed.json();
    assert_eq!(
        changed["adjustments"],
        json!([{"element": "core-fee", "first": "2026-04-15", "last": "2026-04-30", "amount_pence": 16_000}])
    );
    let agreement = &changed["agreement"];
    assert_eq!(
        (agreement["version"].as_i64(), agreement["paid_through"].as_str()),
        (Some(2), Some("2026-04-30"))
    );
    assert_eq!(agreement["lines"].as_array().map(Vec::len), Some(2));
    assert_eq!(agreement["weekly_today_pence"].as_i64(), Some(77_000));

    let openapi = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    for path in [
        "/api/v1/payment-runs/{id}/release",
        "/api/v1/service-agreements/{id}/rates",
        "/api/v1/carer-fees/{id}/decision",
    ] {
        assert!(openapi["paths"][path]["post"].is_object(), "{path}");
    }
}

/// A child placed with a new provider on 1 November 2026 at £4,900 a
/// week, with a placement agreement at `status`; returns its number.
async fn placement_agreement(app: &TestApp, la_child_id: &str, status: SignatureStatus) -> i64 {
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
    let child = store::children::insert_many(&mut cmd, &can, &[new_child(la_child_id)])
        .await
        .unwrap()[0];
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
    let placement = store::placements::for_child(&db.store, child).await.unwrap()[0].id.get();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let new = store::agreements::NewAgreement {
        placement_id: placement,
        draft: Draft {
            start: date!(2026 - 11 - 01),
            end: None,
            lines: vec![PriceLine {
                kind: ElementKind::CoreFee,
                weekly: Money::from_pounds(4_900),
                effective_from: date!(2026 - 11 - 01),
            }],
            funding: FundingSplit {
                social_care: 80,
                education: 20,
                health: 0,
            },
        },
        spot: Some((SpotReason::NeedsNotMet, String::new())),
    };
    let id = store::agreements::create(&mut cmd, &Can::<Commission>::system(), &new)
        .await
        .unwrap();
    if status != SignatureStatus::Draft {
        store::agreements::set_signature(&mut cmd, &Can::<Commission>::system(), id, 1, status)
            .await
            .unwrap();
    }
    cmd.commit().await.unwrap();
    id
}

fn new_child(la_child_id: &str) -> NewChild {
    NewChild {
        la_child_id: la_child_id.into(),
        given_names: "Ava".into(),
        family_name: "Smith".into(),
        date_of_birth: date!(2012 - 05 - 17),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: None,
    }
}

async fn service_agreements_come_from_exactly_one_basis(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let officer = app.token(admin, Role::FinanceOfficer).await;
    let signed = placement_agreement(&app, "S1", SignatureStatus::FullySigned).await;
    let unsigned = placement_agreement(&app, "S2", SignatureStatus::Sent).await;

    let ready = call(&app, Method::GET, "/api/v1/service-agreements/ready", &officer, None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    let ready = ready.json();
    assert_eq!(ready.as_array().map(Vec::len), Some(1), "only the signed one: {ready}");
    assert_eq!(ready[0]["placement_agreement_id"].as_i64(), Some(signed));

    let create = |body: Value| call(&app, Method::POST, "/api/v1/service-agreements", &officer, Some(body));
    let none = create(json!({"cadence": "four-weekly"})).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", none.body);
    assert_eq!(none.headers["content-type"], "application/problem+json");
    assert_eq!(first_field(&none), "placement_agreement_id");
    let both = create(json!({"cadence": "four-weekly", "placement_agreement_id": signed, "carer_fee_id": 1})).await;
    assert_eq!(
        (both.status, first_field(&both)),
        (StatusCode::UNPROCESSABLE_ENTITY, "carer_fee_id".to_owned())
    );
    let cadence = create(json!({"cadence": "fortnightly", "placement_agreement_id": signed})).await;
    assert_eq!(
        (cadence.status, first_field(&cadence)),
        (StatusCode::UNPROCESSABLE_ENTITY, "cadence".to_owned())
    );
    let not_signed = create(json!({"cadence": "four-weekly", "placement_agreement_id": unsigned})).await;
    assert_eq!(not_signed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", not_signed.body);
    let missing = create(json!({"cadence": "four-weekly", "placement_agreement_id": 9_999})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);

    let created = create(json!({"cadence": "four-weekly", "placement_agreement_id": signed, "cost_centre": "cc-42"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let shown = call(&app, Method::GET, &format!("/api/v1/service-agreements/{id}"), &officer, None).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(
        (
            shown["cadence"].as_str(),
            shown["cost_centre"].as_str(),
            shown["placement_agreement_id"].as_i64()
        ),
        (Some("four-weekly"), Some("CC-42"), Some(signed))
    );
    assert_eq!(shown["funding"], json!({"social_care": 80, "education": 20, "health": 0}));
    assert_eq!(
        shown["lines"],
        json!([{"element": "core-fee", "weekly_pence": 490_000, "from": "2026-11-01"}])
    );
    assert_eq!(shown["weekly_today_pence"].as_i64(), Some(490_000));

    let twice = create(json!({"cadence": "monthly", "placement_agreement_id": signed})).await;
    assert_eq!(
        (twice.status, first_field(&twice)),
        (StatusCode::UNPROCESSABLE_ENTITY, "placement_id".to_owned()),
        "{}",
        twice.body
    );
    let gone = call(&app, Method::GET, "/api/v1/service-agreements/9999", &officer, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

async fn carer_fees_are_decided_by_someone_else_and_paid_from_the_tables(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let dana = app.user("dana", &[Role::FinanceOfficer, Role::FinanceApprover]).await;
    let fin = app.user("fin", &[Role::FinanceApprover]).await;
    let dana = personal_token(&app, dana).await;
    let fin = personal_token(&app, fin).await;
    let officer = app.token(admin, Role::FinanceOfficer).await;
    let approver = app.token(admin, Role::FinanceApprover).await;

    // An in-house carer household and a child aged 14 placed there.
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let household = NewHousehold {
        reference: "FH-001".into(),
        name: "The Rowans".into(),
        approval_type: ApprovalType::Mainstream,
        approved_on: date!(2024 - 03 - 01),
        extended: false,
        capacity: 2,
        age_min: 0,
        age_max: 17,
        supervising_worker: None,
        postcode: "AB1 2CD".into(),
        accepts: Vec::new(),
    };
    let household = store::households::create(&mut cmd, &Can::<Commission>::system(), &household, date!(2026 - 11 - 22))
        .await
        .unwrap();
    let can = Can::<RecordChildren>::system();
    let child = store::children::insert_many(&mut cmd, &can, &[new_child("F1")]).await.unwrap()[0];
    let placement = NewPlacement {
        child_id: child,
        provider_id: None,
        category: PlacementCategory::InHouseFoster,
        place_code: "U4".into(),
        start_date: date!(2026 - 10 - 01),
        end_date: None,
        weekly_cost: Money::from_pounds(410),
        postcode: None,
    };
    store::placements::insert_many(&mut cmd, &can, &[placement]).await.unwrap();
    cmd.commit().await.unwrap();
    let placement = store::placements::for_child(&app.db.store, child).await.unwrap()[0].id.get();

    let table = json!({
        "year_start": "2026-04-01",
        "bands": [
            {"age_from": 0, "age_to": 4, "weekly_pence": 16_000},
            {"age_from": 5, "age_to": 10, "weekly_pence": 18_000},
            {"age_from": 11, "age_to": 15, "weekly_pence": 21_000},
            {"age_from": 16, "age_to": 17, "weekly_pence": 25_000},
        ],
        "fee_levels": [{"level": 1, "weekly_pence": 10_000}, {"level": 2, "weekly_pence": 20_000}],
    });
    let mut may = table.clone();
    may["year_start"] = json!("2026-05-01");
    let tables = "/api/v1/allowance-tables";
    let wrong = call(&app, Method::POST, tables, &officer, Some(may)).await;
    assert_eq!(
        (wrong.status, first_field(&wrong)),
        (StatusCode::UNPROCESSABLE_ENTITY, "year_start".to_owned())
    );
    let saved = call(&app, Method::POST, tables, &officer, Some(table.clone())).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    let again = call(&app, Method::POST, tables, &officer, Some(table.clone())).await;
    assert_eq!(
        (again.status, first_field(&again)),
        (StatusCode::UNPROCESSABLE_ENTITY, "year_start".to_owned())
    );
    let listed = call(&app, Method::GET, tables, &approver, None).await.json();
    assert_eq!(listed, json!([table]));

    let fees = call(&app, Method::GET, "/api/v1/carer-fees", &officer, None).await.json();
    assert_eq!(fees["without_fee"][0]["placement_id"].as_i64(), Some(placement), "{fees}");
    let proposal =
        json!({"placement_id": placement, "household_id": household, "fee_level": 2, "reason": "Skilled carers for complex needs"});
    let by_token = call(&app, Method::POST, "/api/v1/carer-fees", &officer, Some(proposal.clone())).await;
    assert_eq!(
        by_token.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only a person proposes: {}",
        by_token.body
    );
    let proposed = call(&app, Method::POST, "/api/v1/carer-fees", &dana, Some(proposal)).await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
    let fee = proposed.json()["id"].as_i64().unwrap();
    let decision = format!("/api/v1/carer-fees/{fee}/decision");

    let own = call(&app, Method::POST, &decision, &dana, Some(json!({"approve": true, "version": 1}))).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    let by_token = call(
        &app,
        Method::POST,
        &decision,
        &approver,
        Some(json!({"approve": true, "version": 1})),
    )
    .await;
    assert_eq!(by_token.status, StatusCode::FORBIDDEN, "{}", by_token.body);
    let stale = call(&app, Method::POST, &decision, &fin, Some(json!({"approve": true, "version": 4}))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let decided = call(&app, Method::POST, &decision, &fin, Some(json!({"approve": true, "version": 1}))).await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    let decided = decided.json();
    assert_eq!(
        (
            decided["state"].as_str(),
            decided["proposed_by"].as_str(),
            decided["decided_by"].as_str()
        ),
        (Some("approved"), Some("Dana Tester"), Some("Fin Tester"))
    );

    let created = call(
        &app,
        Method::POST,
        "/api/v1/service-agreements",
        &officer,
        Some(json!({"carer_fee_id": fee, "cadence": "weekly"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let shown = call(&app, Method::GET, &format!("/api/v1/service-agreements/{id}"), &officer, None)
        .await
        .json();
    assert_eq!(
        (
            shown["payee"]["kind"].as_str(),
            shown["payee"]["name"].as_str(),
            shown["carer_fee_id"].as_i64()
        ),
        (Some("household"), Some("The Rowans"), Some(fee))
    );
    // Aged 14: the 11 to 15 allowance and the level 2 fee.
    assert_eq!(shown["weekly_today_pence"].as_i64(), Some(41_000), "{shown}");
}
