//! Placement search over HTTP: a Gateway officer searches for an approved
//! request from the form, reads the ranked results and why the rest were
//! excluded, refers, records an offer and a decline, and chooses an offer
//! that is not the cheapest only with a rationale; the evidence page and
//! its CSV keep it all, an internal auditor reads it but changes nothing;
//! and the same flow over the API with a commissioning officer's token.

use authz::cap::Commission;
use authz::{Actor, Can, Role};
use axum::http::{header, Method, StatusCode};
use gateway::request::RequestState;
use kernel::{ProviderId, UserId};
use matching::Location;
use providers::accreditation::{Finding, Review};
use serde_json::json;
use store::on_both_backends;
use store::testing::{DecidedRequest, TestDatabase};
use time::macros::date;

use crate::harness::{Browser, TestApp};
use crate::requests::post;

on_both_backends!(
    a_search_is_run_referred_answered_and_chosen_on_the_pages,
    the_search_flow_over_the_api,
);

const CHECKLIST: [&str; 6] = ["registration", "insurance", "safeguarding", "financial", "workforce", "continuity"];

/// The postcode districts distance is measured from: DC1 and DC9, 60 km apart.
async fn districts(app: &TestApp) {
    let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
    let at = |easting| Location {
        easting,
        northing: 300_000,
    };
    let districts = vec![("DC1".to_owned(), at(400_000)), ("DC9".to_owned(), at(460_000))];
    store::search_candidates::load_locations(&mut cmd, &districts).await.unwrap();
    cmd.commit().await.unwrap();
}

/// A provider with one children's home, added through the pages;
/// accredited through the store unless `accredited` is false. Returns the
/// setting's number.
async fn home(app: &TestApp, cora: &mut Browser, name: &str, number: &str, needs: &[&str], postcode: &str, accredited: bool) -> i64 {
    let company = format!("01{}", &number[2..]);
    let created = post(
        app,
        cora,
        "/providers",
        &[
            ("legal_name", &format!("{name} Care Ltd")),
            ("provider_type", "PR4"),
            ("legal_form", "company-limited-by-shares"),
            ("companies_house_number", &company),
            ("for_profit", "yes"),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let provider = created.location().unwrap().to_owned();
    let house = format!("{name} House");
    let mut fields = vec![
        ("name", house.as_str()),
        ("setting_type", "childrens-home"),
        ("regulator", "ofsted"),
        ("registration_status", "registered"),
        ("registration_number", number),
        ("grade", "good"),
        ("inspected_on", "2026-06-01"),
        ("capacity", "3"),
        ("age_min", "8"),
        ("age_max", "17"),
        ("postcode", postcode),
        ("local_authority", "Demo County"),
    ];
    fields.extend(needs.iter().map(|n| ("needs", *n)));
    let added = post(app, cora, &format!("{provider}/settings"), &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    if accredited {
        let provider = ProviderId::new(provider.rsplit('/').next().unwrap().parse().unwrap());
        let mut cmd = app.db.store.begin(Actor::System, app.db.clock.as_ref()).await.unwrap();
        for item in CHECKLIST {
            let review = Review {
                item: item.into(),
                finding: Finding::Met,
                evidence: "seen".into(),
                reviewed_on: date!(2026 - 01 - 10),
                expires_on: date!(2027 - 11 - 01),
            };
            store::accreditation::record_review(
                &mut cmd,
                &Can::<Commission>::system(),
                provider,
                &review,
                None,
                date!(2026 - 11 - 22),
            )
            .await
            .unwrap();
        }
        cmd.commit().await.unwrap();
    }
    added.location().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

/// Three homes that take the child (near, a little less specialised, and
/// far) and one whose provider is not accredited.
async fn market(app: &TestApp) -> [i64; 4] {
    districts(app).await;
    let officer = app.user("cora", &[Role::CommissioningOfficer]).await;
    let mut cora = app.session_for(officer).await;
    let both = ["autism", "going-missing"];
    [
        home(app, &mut cora, "Near", "SC100001", &both, "DC1 4AA", true).await,
        home(
            app,
            &mut cora,
            "Mid",
            "SC100002",
            &["autism", "going-missing", "self-harm"],
            "DC1 4AB",
            true,
        )
        .await,
        home(app, &mut cora, "Far", "SC100003", &both, "DC9 1ZZ", true).await,
        home(app, &mut cora, "Unchecked", "SC100004", &both, "DC1 4AC", false).await,
    ]
}

/// A request for a 14-year-old in `state`, approved at up to £5,000 a week.
async fn request(app: &TestApp, worker: UserId, state: RequestState, la_child_id: &str) -> i64 {
    let request = DecidedRequest {
        state,
        ..DecidedRequest::approved(la_child_id)
    };
    app.db.decided_requests(worker, &[request]).await[0].1
}

const CRITERIA: [(&str, &str); 7] = [
    ("start", "2026-11-22"),
    ("categories", "childrens-home"),
    ("needs", "autism"),
    ("risks", "going-missing"),
    ("siblings", "0"),
    ("home_postcode", "DC1 1AA"),
    // A real postcode whose district is not on the list: not an error.
    ("school_postcode", "ZZ9 9ZZ"),
];

fn criteria_with(field: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    CRITERIA
        .iter()
        .map(|&(k, v)| if k == field { (k, value) } else { (k, v) })
        .collect()
}

async fn a_search_is_run_referred_answered_and_chosen_on_the_pages(db: TestDatabase) {
    let app = TestApp::new(db);
    let [near, mid, far, unchecked] = market(&app).await;
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let officer = app.user("gill", &[Role::GatewayOfficer]).await;
    let mut gill = app.session_for(officer).await;
    let draft = request(&app, worker, RequestState::Draft, "S0").await;
    let approved = request(&app, worker, RequestState::Approved, "S1").await;

    let page = app.get(&format!("/requests/{approved}"), &mut gill).await;
    assert!(
        page.body.contains(&format!("href=\"/requests/{approved}/search/new\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/searches\""), "the nav offers searches");
    let form = app.get(&format!("/requests/{approved}/search/new"), &mut gill).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Needs the placement must meet"), "{}", form.body);
    assert!(form.body.contains("Risks the placement must accept"));
    assert!(
        form.body
            .contains("name=\"risks\" type=\"checkbox\" value=\"going-missing\" checked"),
        "pre-filled from the request's words: {}",
        form.body
    );
    assert!(form.body.contains("£5,000.00"), "the approved budget is shown");

    let refused = post(&app, &mut gill, &format!("/requests/{draft}/searches"), &CRITERIA).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("once the Gateway has approved the request"),
        "{}",
        refused.body
    );
    let typo = post(
        &app,
        &mut gill,
        &format!("/requests/{approved}/searches"),
        &criteria_with("siblings", "many"),
    )
    .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.body.contains("href=\"#siblings\""), "{}", typo.body);

    let ran = post(&app, &mut gill, &format!("/requests/{approved}/searches"), &CRITERIA).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER, "{}", ran.body);
    let path = ran.location().unwrap().to_owned();
    let search: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let evidence = app.get(&path, &mut gill).await;
    assert_eq!(evidence.status, StatusCode::OK);
    let body = &evidence.body;
    let at = |text: &str| body.find(text).unwrap_or_else(|| panic!("{text} missing: {body}"));
    assert!(at("Near House") < at("Far House"), "nearer ranks first");
    assert!(body.contains("Not located: distance from school scored as unknown"), "{body}");
    assert!(body.contains("Each excluded candidate and why"), "{body}");
    let excluded = &body[at("Why others were excluded")..at("id=\"referrals\"")];
    assert!(excluded.contains("Unchecked House"), "{excluded}");
    assert!(excluded.contains("accredited"), "{excluded}");
    assert!(body.contains("What the provider is told") && !body.contains("Ava"), "no name");

    let pick = |id: i64| format!("spot:{id}");
    let bad = post(
        &app,
        &mut gill,
        &format!("{path}/referrals"),
        &[("version", "1"), ("pick", &pick(unchecked))],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("href=\"#picks\"") && bad.body.contains("excluded"),
        "{}",
        bad.body
    );
    let picks = [("version", "1"), ("pick", &pick(near)), ("pick", &pick(mid)), ("pick", &pick(far))];
    let referred = post(&app, &mut gill, &format!("{path}/referrals"), &picks).await;
    assert_eq!(referred.status, StatusCode::SEE_OTHER, "{}", referred.body);

    // Spot referrals have 48 hours; on the third day they are overdue.
    app.db.clock.advance(time::Duration::days(3));
    let mut gill = app.session_for(officer).await;
    let page = app.get(&path, &mut gill).await;
    assert!(page.body.contains("Overdue"), "{}", page.body);
    let referrals = store::search_referrals::list(&app.db.store, search).await.unwrap();
    let referral = |id: i64| referrals.iter().find(|r| r.candidate_id == id).unwrap().id;
    let answer = |id: i64| format!("/referrals/{}/answer", referral(id));
    let s = search.to_string();
    let unpriced = post(
        &app,
        &mut gill,
        &answer(near),
        &[("search", &s), ("version", "1"), ("outcome", "offer"), ("offer_weekly", "lots")],
    )
    .await;
    assert_eq!(unpriced.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unpriced.body.contains(&format!("href=\"#offer_weekly-{}\"", referral(near))),
        "{}",
        unpriced.body
    );
    for (id, fields) in [
        (
            near,
            vec![("outcome", "offer"), ("offer_weekly", "4900"), ("conditions", "Education on site")],
        ),
        (far, vec![("outcome", "offer"), ("offer_weekly", "4600.00")]),
        (
            mid,
            vec![("outcome", "decline"), ("decline_reason", "The last place has just been filled")],
        ),
    ] {
        let mut fields = fields;
        fields.extend([("search", s.as_str()), ("version", "1")]);
        let answered = post(&app, &mut gill, &answer(id), &fields).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    }
    let page = app.get(&path, &mut gill).await;
    assert!(page.body.contains("The last place has just been filled"), "{}", page.body);
    assert!(page.body.contains("Compare offers") && page.body.contains("Education on site"));
    assert!(
        page.body.contains("a cheaper offer stands at £4,600.00"),
        "the hint says what a rationale must cover: {}",
        page.body
    );

    let near_referral = referral(near).to_string();
    let unexplained = post(
        &app,
        &mut gill,
        &format!("{path}/choice"),
        &[("version", "2"), ("referral", &near_referral)],
    )
    .await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unexplained.body.contains("href=\"#rationale\""), "{}", unexplained.body);
    let rationale = "Keeps her near her school and her sister";
    let chosen = post(
        &app,
        &mut gill,
        &format!("{path}/choice"),
        &[("version", "2"), ("referral", &near_referral), ("rationale", rationale)],
    )
    .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let page = app.get(&path, &mut gill).await;
    let decision = &page.body[page.body.find("id=\"decision\"").unwrap()..];
    assert!(decision.contains(rationale) && decision.contains("Gill Tester"), "{decision}");
    assert!(
        !page.body.contains("Choose this offer") && !page.body.contains("Refer to the ticked"),
        "forms hidden"
    );

    // The social worker records the placement from the choice: the care
    // form opens filled in from the offer.
    assert!(
        !page.body.contains("Record the placement on the child"),
        "only for those who record care"
    );
    let mut sam = app.session_for(worker).await;
    let placing = app.get(&format!("{path}/placement"), &mut sam).await;
    assert_eq!(placing.status, StatusCode::OK, "{}", placing.body);
    assert!(placing.body.contains("id=\"care-forms\" open"), "{}", placing.body);
    assert!(
        placing
            .body
            .contains("id=\"weekly_cost\" name=\"weekly_cost\" type=\"text\" inputmode=\"decimal\" value=\"4900.00\""),
        "{}",
        placing.body
    );
    assert!(
        placing.body.contains("<option value=\"childrens-home\" selected>"),
        "{}",
        placing.body
    );
    assert_eq!(app.get(&format!("{path}/placement"), &mut gill).await.status, StatusCode::FORBIDDEN);

    let csv = app.get(&format!("{path}/export.csv"), &mut gill).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    for section in ["search,", "result,", "excluded,", "referral,", "choice,"] {
        assert!(csv.body.lines().any(|l| l.starts_with(section)), "{section} {}", csv.body);
    }
    let list = app.get("/searches?state=chosen", &mut gill).await;
    assert!(
        list.body.contains(&format!("href=\"/searches/{search}\"")) && list.body.contains("S1"),
        "{}",
        list.body
    );
    let page = app.get(&format!("/requests/{approved}"), &mut gill).await;
    assert!(page.body.contains(&format!("href=\"/searches/{search}\"")), "{}", page.body);

    let auditor = app.user("ida", &[Role::InternalAuditor]).await;
    let mut ida = app.session_for(auditor).await;
    let read = app.get(&path, &mut ida).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains(rationale));
    assert_eq!(app.get(&format!("{path}/export.csv"), &mut ida).await.status, StatusCode::OK);
    for (target, fields) in [
        (format!("{path}/referrals"), vec![("version", "3"), ("pick", "spot:1")]),
        (
            format!("{path}/choice"),
            vec![("version", "3"), ("referral", near_referral.as_str())],
        ),
        (answer(far), vec![("search", s.as_str()), ("outcome", "decline")]),
        (format!("/requests/{approved}/searches"), CRITERIA.to_vec()),
        (
            format!("{path}/close"),
            vec![("version", "3"), ("close_reason", "Not needed any more")],
        ),
    ] {
        assert_eq!(
            post(&app, &mut ida, &target, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{target}"
        );
    }

    // A finished search cannot be closed; a new one can, with a reason.
    let finished = post(
        &app,
        &mut gill,
        &format!("{path}/close"),
        &[("version", "3"), ("close_reason", "Not needed any more")],
    )
    .await;
    assert_eq!(finished.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", finished.body);
    let again = post(&app, &mut gill, &format!("/requests/{approved}/searches"), &CRITERIA).await;
    let again = again.location().unwrap().to_owned();
    let short = post(
        &app,
        &mut gill,
        &format!("{again}/close"),
        &[("version", "1"), ("close_reason", "no")],
    )
    .await;
    assert!(short.body.contains("href=\"#close_reason\""), "{}", short.body);
    let closed = post(
        &app,
        &mut gill,
        &format!("{again}/close"),
        &[("version", "1"), ("close_reason", "The child returns home")],
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert!(app
        .get(&again, &mut gill)
        .await
        .body
        .contains("Closed without a choice: The child returns home"));
}

async fn the_search_flow_over_the_api(db: TestDatabase) {
    let app = TestApp::new(db);
    let [near, _, far, _] = market(&app).await;
    let worker = app.user("sam", &[Role::SocialWorker]).await;
    let approved = request(&app, worker, RequestState::Approved, "S1").await;
    let admin = app.user("root", &[Role::Administrator]).await;
    let token = app.token(admin, Role::CommissioningOfficer).await;
    let call = |method: Method, path: String, body: Option<serde_json::Value>| {
        let token = token.clone();
        let app = &app;
        async move { app.api(method, &path, Some(&token), body).await }
    };

    let wrong = call(
        Method::POST,
        format!("/api/v1/requests/{approved}/searches"),
        Some(json!({"categories": ["castle"]})),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["errors"][0]["field"], "categories", "{}", wrong.body);
    let wrong = call(
        Method::POST,
        format!("/api/v1/requests/{approved}/searches"),
        Some(json!({"categories": ["childrens-home"], "risks": ["flying"]})),
    )
    .await;
    assert_eq!(wrong.json()["errors"][0]["field"], "risks", "{}", wrong.body);

    let criteria = json!({"categories": ["childrens-home"], "needs": ["autism"], "risks": ["going-missing"], "home_postcode": "DC1 1AA"});
    let ran = call(Method::POST, format!("/api/v1/requests/{approved}/searches"), Some(criteria)).await;
    assert_eq!(ran.status, StatusCode::CREATED, "{}", ran.body);
    let search = ran.json()["id"].as_i64().unwrap();
    let read = call(Method::GET, format!("/api/v1/searches/{search}"), None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let doc = read.json();
    assert_eq!(doc["search"]["findings"]["results"][0]["id"], near, "{doc}");
    assert_eq!(doc["told"]["age"], 14);
    assert!(doc.to_string().contains("accredited"), "exclusions keep their reasons");

    let badly = call(
        Method::POST,
        format!("/api/v1/searches/{search}/referrals"),
        Some(json!({"version": 1, "picks": [{"pass": "nowhere", "id": near}]})),
    )
    .await;
    assert_eq!(badly.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(badly.json()["errors"][0]["field"], "picks[0].pass", "{}", badly.body);
    let picks = json!({"version": 1, "picks": [{"pass": "spot", "id": near}, {"pass": "spot", "id": far}]});
    let referred = call(Method::POST, format!("/api/v1/searches/{search}/referrals"), Some(picks)).await;
    assert_eq!(referred.status, StatusCode::CREATED, "{}", referred.body);
    assert_eq!(referred.json()["referred"], 2);

    let doc = call(Method::GET, format!("/api/v1/searches/{search}"), None).await.json();
    let referral = |candidate: i64| {
        doc["referrals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["candidate_id"] == candidate)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (near_ref, far_ref) = (referral(near), referral(far));
    let both = call(
        Method::POST,
        format!("/api/v1/referrals/{near_ref}/answer"),
        Some(json!({"version": 1, "offer_weekly_pence": 490_000, "decline_reason": "full"})),
    )
    .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(both.json()["errors"][0]["field"], "offer_weekly_pence");
    let offered = call(
        Method::POST,
        format!("/api/v1/referrals/{near_ref}/answer"),
        Some(json!({"version": 1, "offer_weekly_pence": 490_000, "conditions": "Education on site"})),
    )
    .await;
    assert_eq!(offered.status, StatusCode::NO_CONTENT, "{}", offered.body);
    let declined = call(
        Method::POST,
        format!("/api/v1/referrals/{far_ref}/answer"),
        Some(json!({"version": 1, "decline_reason": "No vacancy after all"})),
    )
    .await;
    assert_eq!(declined.status, StatusCode::NO_CONTENT, "{}", declined.body);

    let stale = call(
        Method::POST,
        format!("/api/v1/searches/{search}/choice"),
        Some(json!({"version": 1, "referral": near_ref})),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let chosen = call(
        Method::POST,
        format!("/api/v1/searches/{search}/choice"),
        Some(json!({"version": 2, "referral": near_ref})),
    )
    .await;
    assert_eq!(
        chosen.status,
        StatusCode::NO_CONTENT,
        "the only offer needs no rationale: {}",
        chosen.body
    );
    let doc = call(Method::GET, format!("/api/v1/searches/{search}"), None).await.json();
    assert_eq!(doc["search"]["state"], "chosen");
    assert_eq!(doc["search"]["chosen_referral_id"], near_ref);
    let repriced = call(
        Method::POST,
        format!("/api/v1/referrals/{near_ref}/answer"),
        Some(json!({"version": 2, "offer_weekly_pence": 900_000})),
    )
    .await;
    assert_eq!(
        repriced.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a chosen offer is evidence: {}",
        repriced.body
    );
    let missing = call(
        Method::POST,
        "/api/v1/referrals/999/answer".into(),
        Some(json!({"version": 1, "decline_reason": "x"})),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // A second search for the same request, closed without a choice.
    let criteria = json!({"categories": ["childrens-home"]});
    let second = call(Method::POST, format!("/api/v1/requests/{approved}/searches"), Some(criteria)).await;
    let second = second.json()["id"].as_i64().unwrap();
    let short = call(
        Method::POST,
        format!("/api/v1/searches/{second}/close"),
        Some(json!({"version": 1, "reason": "no"})),
    )
    .await;
    assert_eq!(short.json()["errors"][0]["field"], "reason", "{}", short.body);
    let closed = call(
        Method::POST,
        format!("/api/v1/searches/{second}/close"),
        Some(json!({"version": 1, "reason": "The child returns home to her mother"})),
    )
    .await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT, "{}", closed.body);

    let spec = app.api(Method::GET, "/api/v1/openapi.json", None, None).await.json();
    for path in [
        "/api/v1/requests/{id}/searches",
        "/api/v1/searches/{id}/choice",
        "/api/v1/searches/{id}/close",
        "/api/v1/referrals/{id}/answer",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} is documented");
    }
}
