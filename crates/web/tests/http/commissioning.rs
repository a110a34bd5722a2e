//! Commissioning over HTTP: settings with their registration history and
//! optimistic locking, vacancy returns and the consortium's feed uploaded
//! whole or not at all, frameworks with lots and rate cards, the
//! placements export with no names, and in-house households.

use authz::cap::RecordChildren;
use authz::{Actor, Can, Role};
use axum::http::{header, Method, StatusCode};
use kernel::{Money, ProviderId};
use serde_json::json;
use store::children::NewChild;
use store::on_both_backends;
use store::placements::NewPlacement;
use store::testing::TestDatabase;
use time::macros::date;

use crate::harness::{Browser, TestApp};
use crate::requests::{draft, post};

on_both_backends!(
    settings_keep_their_history_and_refuse_stale_changes,
    a_vacancy_return_is_recorded_whole_or_not_at_all,
    the_consortium_feed_goes_in_whole_and_placements_go_out_without_names,
    frameworks_have_lots_members_and_rate_cards,
    households_are_added_and_supervised,
    a_request_naming_an_unaccredited_provider_needs_the_exception,
    the_care_form_refuses_a_provider_that_is_not_accredited,
);

/// A commissioning officer's browser and a provider added through the page.
async fn officer_with_provider(app: &TestApp) -> (Browser, String) {
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let mut cora = app.session_for(officer).await;
    let created = post(
        app,
        &mut cora,
        "/providers",
        &[
            ("legal_name", "Harbour Homes Ltd"),
            ("provider_type", "PR4"),
            ("legal_form", "company-limited-by-shares"),
            ("companies_house_number", "01234567"),
            ("for_profit", "yes"),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let provider = created.location().unwrap().to_owned();
    (cora, provider)
}

const HOME: [(&str, &str); 10] = [
    ("name", "Harbour House"),
    ("setting_type", "childrens-home"),
    ("regulator", "ofsted"),
    ("registration_status", "registered"),
    ("grade", "good"),
    ("inspected_on", "2026-06-01"),
    ("capacity", "4"),
    ("age_min", "8"),
    ("age_max", "17"),
    ("postcode", "DC1 4AA"),
];

fn setting_fields<'a>(number: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    // A form sends each field once: an extra field replaces the usual one.
    let mut fields: Vec<(&str, &str)> = HOME.iter().copied().filter(|(k, _)| extra.iter().all(|(e, _)| e != k)).collect();
    fields.extend([
        ("registration_number", number),
        ("local_authority", "Demo County"),
        ("needs", "autism"),
    ]);
    fields.extend_from_slice(extra);
    fields
}

async fn settings_keep_their_history_and_refuse_stale_changes(db: TestDatabase) {
    let app = TestApp::new(db);
    let (mut cora, provider) = officer_with_provider(&app).await;
    let path = format!("{provider}/settings");
    let refused = post(&app, &mut cora, &path, &setting_fields("", &[])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#registration_number\""), "{}", refused.body);

    let added = post(&app, &mut cora, &path, &setting_fields("SC123456", &[])).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let setting = added.location().unwrap().to_owned();
    let page = app.get(&setting, &mut cora).await;
    assert!(page.body.contains("SC123456: Registered"), "{}", page.body);

    let suspend = setting_fields(
        "SC123456",
        &[
            ("registration_status", "suspended"),
            ("version", "1"),
            ("note", "Ofsted suspended the registration"),
        ],
    );
    let changed = post(&app, &mut cora, &setting, &suspend).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let page = app.get(&setting, &mut cora).await;
    assert!(page.body.contains("Ofsted suspended the registration"), "{}", page.body);
    assert!(page.body.contains("added to the register"), "the history keeps the first line");

    let stale = post(&app, &mut cora, &setting, &suspend).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a second change from version 1 is refused");

    let duplicate = post(&app, &mut cora, &path, &setting_fields("sc123456", &[])).await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate
        .body
        .contains("Another setting on the register has this registration number"));

    let vacancy = post(
        &app,
        &mut cora,
        &format!("{setting}/vacancies"),
        &[("recorded_on", "2026-11-20"), ("places", "2")],
    )
    .await;
    assert_eq!(vacancy.status, StatusCode::SEE_OTHER, "{}", vacancy.body);
    let page = app.get(&setting, &mut cora).await;
    assert!(
        page.body.contains("The latest figure is 2 free, given on 20/11/2026"),
        "{}",
        page.body
    );
}

async fn a_vacancy_return_is_recorded_whole_or_not_at_all(db: TestDatabase) {
    let app = TestApp::new(db);
    let (mut cora, provider) = officer_with_provider(&app).await;
    let added = post(&app, &mut cora, &format!("{provider}/settings"), &setting_fields("SC123456", &[])).await;
    let setting = added.location().unwrap().to_owned();
    let csrf = app.csrf_for(&mut cora).await;

    let bad = "registration_number,recorded_on,places,note\r\nSC123456,2026-11-20,3,\r\nSC123456,2026-11-21,many,\r\n";
    let refused = app.post_file("/providers/vacancies", &mut cora, &csrf, "file", bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("line 3, column places"), "{}", refused.body);
    let page = app.get(&setting, &mut cora).await;
    assert!(
        page.body.contains("No vacancies have been recorded"),
        "nothing from a bad file is kept"
    );

    let good = "registration_number,recorded_on,places,note\r\nSC123456,2026-11-20,3,two sharing\r\n";
    let recorded = app.post_file("/providers/vacancies", &mut cora, &csrf, "file", good).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = app.get(&setting, &mut cora).await;
    assert!(page.body.contains("The latest figure is 3 free"), "{}", page.body);

    let forged = app
        .post_file("/providers/vacancies", &mut cora, "not-the-token", "file", good)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "uploads carry the CSRF token too");
}

const FEED: &str = "provider_ref,legal_name,companies_house_number,charity_number,provider_type,for_profit,legal_form,framework,lot,tier,accreditation,accredited_until,weekly_rate_pence\r\n\
4C-001,Brightwater Care Ltd,01234567,,PR4,yes,company-limited-by-shares,4Cs Residential,Residential,2,accredited,2027-03-31,520000\r\n\
4C-002,Hope Trust,,1098765,PR5,no,charitable-incorporated-organisation,,,,conditional,,\r\n";

/// A child placed with `provider` since 1 February 2025.
async fn placed_with(app: &TestApp, provider: ProviderId) {
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let can = Can::<RecordChildren>::system();
    let child = NewChild {
        la_child_id: "LA-SECRET-1".into(),
        given_names: "Ava".into(),
        family_name: "Quill".into(),
        date_of_birth: date!(2012 - 05 - 17),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: None,
    };
    let ids = store::children::insert_many(&mut cmd, &can, &[child]).await.unwrap();
    let placement = NewPlacement {
        child_id: ids[0],
        provider_id: Some(provider),
        category: placements::PlacementCategory::ChildrensHome,
        place_code: "K2".into(),
        start_date: date!(2025 - 02 - 01),
        end_date: None,
        weekly_cost: Money::from_pounds(5_200),
        postcode: None,
    };
    store::placements::insert_many(&mut cmd, &can, &[placement]).await.unwrap();
    cmd.commit().await.unwrap();
}

async fn the_consortium_feed_goes_in_whole_and_placements_go_out_without_names(db: TestDatabase) {
    let app = TestApp::new(db);
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let mut cora = app.session_for(officer).await;
    let csrf = app.csrf_for(&mut cora).await;

    let broken = r#"[{"provider_ref": "4C-9", "legal_name": "X", "provider_type": "PR4", "for_profit": "no",
        "legal_form": "company-limited-by-shares", "accreditation": "accredited"}, 7]"#;
    let refused = app.post_file("/consortium/feed", &mut cora, &csrf, "feed", broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("item 2, column -: expected an object"), "{}", refused.body);
    assert!(
        store::providers::list(&app.db.store).await.unwrap().is_empty(),
        "nothing was applied"
    );

    let applied = app.post_file("/consortium/feed", &mut cora, &csrf, "feed", FEED).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(
        applied.body.contains("2 providers added, 0 updated, 1 framework places changed"),
        "{}",
        applied.body
    );
    let providers = store::providers::list(&app.db.store).await.unwrap();
    let brightwater = providers.iter().find(|p| p.name == "Brightwater Care Ltd").unwrap().id;
    placed_with(&app, brightwater).await;

    let csv = app.get("/consortium/placements.csv?from=2026-04-01&to=2026-11-22", &mut cora).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let mut lines = csv.body.lines();
    assert_eq!(lines.next().unwrap(), providers::consortium::PLACEMENT_COLUMNS.join(","));
    let row = lines.next().expect("the placement is exported");
    // The route is the provider's standing when the child was placed: it
    // joined the framework with this feed, after the placement began.
    assert!(row.starts_with("1,H1,12,F,K2,4C-001,"), "{row}");
    assert!(row.ends_with(",520000,spot,,no"), "{row}");
    assert!(!csv.body.contains("Ava") && !csv.body.contains("Quill") && !csv.body.contains("LA-SECRET-1"));

    let admin = app.user("ada", &[Role::Administrator]).await;
    let token = app.token(admin, Role::CommissioningOfficer).await;
    let api = app
        .api(Method::GET, "/api/v1/consortium/placements?from=2026-04-01", Some(&token), None)
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()[0]["age_at_start"], 12);
    let bad_period = app
        .api(Method::GET, "/api/v1/consortium/placements?from=soon", Some(&token), None)
        .await;
    assert_eq!(bad_period.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_period.body.contains("\"from\""), "{}", bad_period.body);

    let again = app.api_file("/api/v1/consortium/feed", &token, "text/csv", FEED).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json()["updated"], 2, "the same feed again updates and adds nothing");
    let exports = store::audit::list(
        &app.db.store,
        &store::audit::AuditFilter {
            action: Some("consortium.placements_exported".into()),
            ..Default::default()
        },
        store::PageRequest::new(1, 10),
    )
    .await
    .unwrap();
    assert_eq!(exports.total, 2, "each export is audited");
}

async fn frameworks_have_lots_members_and_rate_cards(db: TestDatabase) {
    let app = TestApp::new(db);
    let (mut cora, provider) = officer_with_provider(&app).await;
    let provider_id = provider.rsplit('/').next().unwrap().to_owned();
    let refused = post(
        &app,
        &mut cora,
        "/frameworks",
        &[("name", ""), ("scope", "local"), ("starts_on", "2026-04-01")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#name\""), "{}", refused.body);
    let created = post(
        &app,
        &mut cora,
        "/frameworks",
        &[("name", "Demo Residential"), ("scope", "local"), ("starts_on", "2026-04-01")],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let framework = created.location().unwrap().to_owned();
    let lot = post(
        &app,
        &mut cora,
        &format!("{framework}/lots"),
        &[("lot_name", "Homes"), ("category", "childrens-home")],
    )
    .await;
    assert_eq!(lot.status, StatusCode::SEE_OTHER, "{}", lot.body);

    let admin = app.user("ada", &[Role::Administrator]).await;
    let token = app.token(admin, Role::CommissioningOfficer).await;
    let listed = app.api(Method::GET, "/api/v1/frameworks", Some(&token), None).await;
    let lot_id = listed.json()[0]["lots"][0]["id"].as_i64().unwrap().to_string();
    let member = post(
        &app,
        &mut cora,
        &format!("{framework}/members"),
        &[
            ("lot", &lot_id),
            ("provider", &provider_id),
            ("tier", "1"),
            ("weekly_rate", "4,850.50"),
            ("joined_on", "2026-04-01"),
        ],
    )
    .await;
    assert_eq!(member.status, StatusCode::SEE_OTHER, "{}", member.body);
    let page = app.get(&framework, &mut cora).await;
    assert!(page.body.contains("Rate card today"), "{}", page.body);
    assert!(page.body.contains("£4,850.50"), "{}", page.body);

    let bad_tier = app
        .api(
            Method::POST,
            &format!("/api/v1{framework}/members"),
            Some(&token),
            Some(
                json!({"lot": lot_id.parse::<i64>().unwrap(), "provider": provider_id.parse::<i64>().unwrap(),
                        "tier": 12, "weekly_rate_pence": 400000, "joined_on": "2026-05-01"}),
            ),
        )
        .await;
    assert_eq!(bad_tier.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_tier.body.contains("\"tier\""), "{}", bad_tier.body);
}

async fn households_are_added_and_supervised(db: TestDatabase) {
    let app = TestApp::new(db);
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut cora = app.session_for(officer).await;
    let mut fields = vec![
        ("reference", "FC-100"),
        ("name", "The Okafor household"),
        ("approval_type", "kinship-temporary"),
        ("approved_on", "2026-10-01"),
        ("capacity", "0"),
        ("age_min", "0"),
        ("age_max", "12"),
        ("postcode", "DC2 9ZZ"),
    ];
    let refused = post(&app, &mut cora, "/households", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#capacity\""), "{}", refused.body);
    fields[4] = ("capacity", "2");
    let worker_id = worker.to_string();
    fields.push(("supervising_worker", &worker_id));
    let added = post(&app, &mut cora, "/households", &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let household = added.location().unwrap().to_owned();
    let page = app.get(&household, &mut cora).await;
    assert!(
        page.body.contains("Temporary: 59 days left"),
        "16 weeks from 1 October, to 20 January: {}",
        page.body
    );
    assert!(page.body.contains("Sam Tester"), "{}", page.body);

    let visit = post(
        &app,
        &mut cora,
        &format!("{household}/events"),
        &[
            ("kind", "supervisory-visit"),
            ("occurred_on", "2026-11-18"),
            ("summary", "Settled well"),
        ],
    )
    .await;
    assert_eq!(visit.status, StatusCode::SEE_OTHER, "{}", visit.body);
    let page = app.get(&household, &mut cora).await;
    assert!(page.body.contains("Settled well"), "{}", page.body);
    assert!(page.body.contains("30/12/2026"), "the next visit is 6 weeks on: {}", page.body);

    let mut sam = app.session_for(worker).await;
    let forbidden = post(&app, &mut sam, "/households", &fields).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

async fn a_request_naming_an_unaccredited_provider_needs_the_exception(db: TestDatabase) {
    let app = TestApp::new(db);
    let (_, provider) = officer_with_provider(&app).await;
    let provider_id = provider.rsplit('/').next().unwrap().to_owned();
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let child = app.child("X1", "Ava", "Smith", Some(worker)).await;
    let mut sam = app.session_for(worker).await;

    let form = app.get(&format!("/children/{child}/requests/new"), &mut sam).await;
    assert!(
        form.body.contains("Harbour Homes Ltd (not accredited: needs an exception)"),
        "{}",
        form.body
    );
    let unknown = post(
        &app,
        &mut sam,
        &format!("/children/{child}/requests"),
        &[("urgency", "planned"), ("category", "childrens-home"), ("provider", "999")],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // £800 a week in area needs no approval after the panel, but for the
    // exception.
    let request = draft(
        &app,
        &mut sam,
        &child.to_string(),
        "childrens-home",
        "800",
        &[("provider", &provider_id)],
    )
    .await;
    let submitted = post(&app, &mut sam, &request, &[("action", "submit")]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let page = app.get(&request, &mut sam).await;
    assert!(page.body.contains("Not accredited: exception"), "{}", page.body);
    let stored = store::requests::find(&app.db.store, request.rsplit('/').next().unwrap().parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.unaccredited_provider);
    assert_eq!(stored.required, vec![Role::HeadOfService]);
}

async fn the_care_form_refuses_a_provider_that_is_not_accredited(db: TestDatabase) {
    let app = TestApp::new(db);
    let (_, provider) = officer_with_provider(&app).await;
    let provider_id = provider.rsplit('/').next().unwrap().to_owned();
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let child = NewChild {
        la_child_id: "P1".into(),
        given_names: "Ava".into(),
        family_name: "Quill".into(),
        date_of_birth: date!(2012 - 05 - 17),
        sex: "F".into(),
        ethnicity: "WBRI".into(),
        team_id: None,
        allocated_worker_id: Some(worker),
    };
    let child = store::children::insert_many(&mut cmd, &Can::<RecordChildren>::system(), &[child])
        .await
        .unwrap()[0];
    cmd.commit().await.unwrap();
    let mut sam = app.session_for(worker).await;
    let page = app.get(&format!("/children/{child}"), &mut sam).await;
    assert!(page.body.contains("Harbour Homes Ltd</option>"), "the care form lists the register");
    let refused = post(&app, &mut sam, &format!("/children/{child}/care"), &start_with(&provider_id)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("not accredited"), "{}", refused.body);
    let history = store::care_history::history_of(&app.db.store, child).await.unwrap();
    assert!(history.placements.is_empty(), "nothing is written");
}

/// A start of care in a children's home with `provider`.
fn start_with(provider: &str) -> Vec<(&str, &str)> {
    vec![
        ("change", "start-period"),
        ("on", "2026-11-20"),
        ("category_of_need", "N1"),
        ("legal_status", "C2"),
        ("category", "childrens-home"),
        ("place", "K2"),
        ("provider_type", "PR4"),
        ("provider_id", provider),
        ("postcode", "DC1 1AA"),
        ("weekly_cost", "4500"),
    ]
}
