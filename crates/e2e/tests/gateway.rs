//! The Gateway journey in a real browser: a social worker requests a
//! placement, the team manager endorses it, a Gateway officer takes it to
//! panel, the panel approves with conditions, then a head of service and a
//! director give the approvals the matrix requires. Every page is checked
//! with axe-core.

use authz::Role;
use e2e::{axe_violations, browser_available, click_and_wait, screenshot, sign_in, text_of, wait_for_path, Driver, Site, DEMO_PASSWORD};
use fantoccini::{Client, Locator};
use store::testing::TestBackend;

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

async fn type_into(client: &Client, id: &str, text: &str) {
    client.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
}

/// Signs in as `role`, opens the request, checks it with axe, takes the
/// step labelled `button`, and signs out.
async fn as_role(client: &Client, base: &str, role: Role, request: &str, button: &str, failures: &mut Vec<String>) {
    sign_in(client, base, role.code(), DEMO_PASSWORD).await;
    wait_for_path(client, "/").await;
    client.goto(&format!("{base}{request}")).await.unwrap();
    for violation in axe_violations(client).await {
        failures.push(format!("{role} on the request: {violation}"));
    }
    click_and_wait(client, button).await;
    click_and_wait(client, "Sign out").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_goes_from_social_worker_to_director() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let driver = Driver::start().await;
    let profile = std::env::temp_dir().join(format!("hearth-e2e-gateway-{}", std::process::id()));
    let client = driver.browser(&profile).await;
    let base = site.base.clone();
    let mut failures = Vec::new();

    sign_in(&client, &base, Role::SocialWorker.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    client
        .find(Locator::Css("table a[href^='/children/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::LinkText("Request a placement"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for violation in axe_violations(&client).await {
        failures.push(format!("request form: {violation}"));
    }
    for css in [
        "#category option[value='childrens-home']",
        "#suitable-childrens-home",
        "#element_kind-0 option[value='core-fee']",
        "#element_kind-1 option[value='one-to-one']",
    ] {
        click(&client, css).await;
    }
    for (id, text) in [
        ("element_cost-0", "5200"),
        ("element_cost-1", "800"),
        ("element_note-1", "Waking night staff"),
        ("needs", "Needs a small home with waking night staff"),
        ("risks", "Going missing at night"),
    ] {
        type_into(&client, id, text).await;
    }
    client
        .find(Locator::Id("justification"))
        .await
        .unwrap()
        .send_keys("No framework foster placement can meet the risks")
        .await
        .unwrap();
    click_and_wait(&client, "Save draft").await;
    let request = client.current_url().await.unwrap().path().to_owned();
    assert!(
        request.starts_with("/requests/"),
        "saving the draft opens the request, got {request}"
    );
    click_and_wait(&client, "Submit to team manager").await;
    assert!(text_of(&client, ".govuk-tag").await.contains("Awaiting endorsement"));
    click_and_wait(&client, "Sign out").await;

    as_role(&client, &base, Role::TeamManager, &request, "Endorse", &mut failures).await;
    as_role(&client, &base, Role::GatewayOfficer, &request, "Start triage", &mut failures).await;

    // The Gateway officer schedules today's panel, lists the request on it
    // and records who attended, with the panel member in the chair.
    sign_in(&client, &base, Role::GatewayOfficer.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    client.goto(&format!("{base}/panels")).await.unwrap();
    for violation in axe_violations(&client).await {
        failures.push(format!("panels: {violation}"));
    }
    type_into(&client, "meets_on", "22/11/2026").await;
    let quorum = client.find(Locator::Id("quorum")).await.unwrap();
    quorum.clear().await.unwrap();
    quorum.send_keys("1").await.unwrap();
    click_and_wait(&client, "Schedule meeting").await;
    let meeting = client.current_url().await.unwrap().path().to_owned();
    client.goto(&format!("{base}{request}")).await.unwrap();
    click_and_wait(&client, "List for panel").await;
    client.goto(&format!("{base}{meeting}")).await.unwrap();
    click(&client, "input[name='attendees'][data-username='panel-member']").await;
    click(&client, "input[name='chair'][data-username='panel-member']").await;
    for violation in axe_violations(&client).await {
        failures.push(format!("panel meeting: {violation}"));
    }
    click_and_wait(&client, "Save the meeting record").await;
    assert!(text_of(&client, ".govuk-tag").await.contains("Quorate"));
    click_and_wait(&client, "Sign out").await;

    sign_in(&client, &base, Role::PanelMember.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    client.goto(&format!("{base}{request}")).await.unwrap();
    client
        .find(Locator::Id("reasons"))
        .await
        .unwrap()
        .send_keys("Needs and risks justify residential care")
        .await
        .unwrap();
    client
        .find(Locator::Id("conditions"))
        .await
        .unwrap()
        .send_keys("Step-down plan within six months")
        .await
        .unwrap();
    click_and_wait(&client, "Panel approves").await;
    click_and_wait(&client, "Sign out").await;

    as_role(
        &client,
        &base,
        Role::HeadOfService,
        &request,
        "Approve as Head of service",
        &mut failures,
    )
    .await;
    as_role(&client, &base, Role::Director, &request, "Approve as Director", &mut failures).await;

    sign_in(&client, &base, Role::GatewayOfficer.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    client.goto(&format!("{base}{request}")).await.unwrap();
    screenshot(&client, "request-approved").await;
    assert!(text_of(&client, ".govuk-tag").await.contains("Approved"));
    let page = client.source().await.unwrap();
    assert!(page.contains("Step-down plan within six months"));
    assert!(page.contains("£6,000.00"), "the package total is the sum of its elements");
    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        failures.is_empty(),
        "accessibility violations (WCAG 2.2 AA):\n{}",
        failures.join("\n")
    );
}
