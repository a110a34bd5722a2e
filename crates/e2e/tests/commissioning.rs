//! The commissioning journey in a real browser: a commissioning officer
//! finds a provider that is not accredited, records a checklist review
//! with its evidence, then takes responsibility for a placement and
//! records a monitoring visit. Every page is checked with axe-core.

use authz::Role;
use contracts::monitoring::RiskLevel;
use e2e::{axe_violations, browser_available, click_and_wait, sign_in, text_of, wait_for_path, Driver, Site, DEMO_PASSWORD};
use fantoccini::{Client, Locator};
use store::testing::TestBackend;

async fn type_into(client: &Client, id: &str, text: &str) {
    client.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
}

/// Sets a date input to an ISO date: typing into one depends on the
/// browser's locale, the value does not.
async fn set_date(client: &Client, id: &str, iso: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![id.into(), iso.into()],
        )
        .await
        .unwrap();
}

/// The date the next visit falls due after the visit on 20/11/2026,
/// read from the risk level the page shows.
fn expected_next_visit(summary: &str) -> String {
    let shown = summary
        .lines()
        .find_map(|line| line.strip_prefix("Risk "))
        .unwrap_or_else(|| panic!("no risk row: {summary}"));
    let level = RiskLevel::ALL
        .iter()
        .copied()
        .find(|level| shown.starts_with(level.label()))
        .unwrap_or_else(|| panic!("no risk level shown: {shown}"));
    let visited = time::Date::from_calendar_date(2026, time::Month::November, 20).unwrap();
    let due = visited + time::Duration::weeks(level.visit_interval_weeks());
    format!("{:02}/{:02}/{}", due.day(), u8::from(due.month()), due.year())
}

/// The path the first link matching `css` leads to.
async fn first_link(client: &Client, css: &str) -> String {
    let href = client.find(Locator::Css(css)).await.unwrap().attr("href").await.unwrap().unwrap();
    href
}

async fn check_page(client: &Client, name: &str, failures: &mut Vec<String>) {
    for violation in axe_violations(client).await {
        failures.push(format!("{name}: {violation}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commissioning_officer_accredits_a_provider_and_records_a_visit() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let driver = Driver::start().await;
    let profile = std::env::temp_dir().join(format!("hearth-e2e-commissioning-{}", std::process::id()));
    let client = driver.browser(&profile).await;
    let base = site.base.clone();
    let mut failures = Vec::new();

    sign_in(&client, &base, Role::CommissioningOfficer.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    client.goto(&format!("{base}/providers?provider_type=PR4")).await.unwrap();
    check_page(&client, "register", &mut failures).await;
    let provider = first_link(&client, "table a[href^='/providers/']").await;
    client.goto(&format!("{base}{provider}")).await.unwrap();
    wait_for_path(&client, &provider).await;
    check_page(&client, "provider", &mut failures).await;
    client
        .find(Locator::Css("#item option[value='insurance']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_into(&client, "evidence", "Insurance certificate ZX-4471").await;
    set_date(&client, "reviewed_on", "2026-11-22").await;
    set_date(&client, "expires_on", "2027-11-21").await;
    click_and_wait(&client, "Record review").await;
    wait_for_path(&client, &provider).await;
    let checklist = text_of(&client, "main").await;
    assert!(checklist.contains("Insurance certificate ZX-4471"), "{checklist}");

    client.goto(&format!("{base}/monitoring")).await.unwrap();
    check_page(&client, "monitoring", &mut failures).await;
    let placement = first_link(&client, "table a[href^='/monitoring/placements/']").await;
    client.goto(&format!("{base}{placement}")).await.unwrap();
    wait_for_path(&client, &placement).await;
    check_page(&client, "placement monitoring", &mut failures).await;
    click_and_wait(&client, "Make me the responsible officer").await;
    wait_for_path(&client, &placement).await;
    set_date(&client, "occurred_on", "2026-11-20").await;
    type_into(&client, "summary", "Visited the home; the child is settled and attending school.").await;
    click_and_wait(&client, "Record").await;
    wait_for_path(&client, &placement).await;
    let page = text_of(&client, "main").await;
    assert!(!page.contains("There is a problem"), "{page}");
    let history = text_of(&client, "main table").await;
    assert!(history.contains("the child is settled"), "{history}");
    assert!(!page.contains("None assigned"), "the officer is named: {page}");
    let summary = text_of(&client, ".govuk-summary-list").await;
    let expected = expected_next_visit(&summary);
    assert!(
        summary.contains(&format!("Next visit due {expected}")),
        "the next visit falls due one risk interval after this one: {summary} {history}"
    );
    check_page(&client, "placement monitoring after the visit", &mut failures).await;
    assert!(failures.is_empty(), "accessibility: {failures:#?}");
}
