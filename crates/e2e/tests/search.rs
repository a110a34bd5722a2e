//! The placement search journey in a real browser, from an approved
//! request to the placement: a Gateway officer searches, refers the child
//! to the best result, records the provider's offer and chooses it; the
//! social worker then records the placement from the choice, the form
//! already filled in from the offer. Every page is checked with axe-core.

use authz::Role;
use e2e::{axe_violations, browser_available, click_and_wait, sign_in, text_of, wait_for_path, Driver, Site, DEMO_PASSWORD};
use fantoccini::{Client, Locator};
use store::testing::TestBackend;

async fn check_page(client: &Client, name: &str, failures: &mut Vec<String>) {
    for violation in axe_violations(client).await {
        failures.push(format!("{name}: {violation}"));
    }
}

/// Ticks the first checkbox or radio matching `css`. GOV.UK Frontend
/// draws its own box over the hidden input, and a table's labels are
/// visually hidden, so the input is clicked as assistive technology does.
async fn click(client: &Client, css: &str) {
    let input = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    let id = input.attr("id").await.unwrap().unwrap_or_else(|| panic!("{css} has no id"));
    client
        .execute("document.getElementById(arguments[0]).click();", vec![id.into()])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_officer_searches_refers_and_chooses_an_offer() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let driver = Driver::start().await;
    let profile = std::env::temp_dir().join(format!("hearth-e2e-search-{}", std::process::id()));
    let client = driver.browser(&profile).await;
    let base = site.base.clone();
    let mut failures = Vec::new();

    sign_in(&client, &base, Role::GatewayOfficer.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    // An approved request the demo has already searched for successfully.
    client.goto(&format!("{base}/searches?state=open")).await.unwrap();
    check_page(&client, "searches", &mut failures).await;
    let first = client
        .find(Locator::Css("table a[href^='/searches/']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    client.goto(&format!("{base}{first}")).await.unwrap();
    let caption = text_of(&client, ".govuk-caption-l").await;
    let request = caption.rsplit(' ').next().unwrap().to_owned();

    client.goto(&format!("{base}/requests/{request}")).await.unwrap();
    check_page(&client, "approved request", &mut failures).await;
    client
        .find(Locator::LinkText("Search for a placement"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, &format!("/requests/{request}/search/new")).await;
    check_page(&client, "search form", &mut failures).await;
    click_and_wait(&client, "Search").await;
    let evidence = client.current_url().await.unwrap().path().to_owned();
    assert!(evidence.starts_with("/searches/"), "{evidence}");
    check_page(&client, "search results", &mut failures).await;
    let page = text_of(&client, "main").await;
    assert!(page.contains("Why others were excluded"), "{page}");

    click(&client, "input[name='pick']").await;
    click_and_wait(&client, "Refer to the ticked settings").await;
    wait_for_path(&client, &evidence).await;
    check_page(&client, "referred", &mut failures).await;
    // The answer form is folded away under its referral until opened.
    for summary in client.find_all(Locator::Css("summary")).await.unwrap() {
        if summary.text().await.unwrap_or_default().starts_with("Record the answer from") {
            summary.click().await.unwrap();
            break;
        }
    }
    click(&client, "input[name='outcome'][value='offer']").await;
    client
        .find(Locator::Css("input[name='offer_weekly']"))
        .await
        .unwrap()
        .send_keys("100.00")
        .await
        .unwrap();
    click_and_wait(&client, "Record the answer").await;
    wait_for_path(&client, &evidence).await;
    check_page(&client, "offer recorded", &mut failures).await;
    click(&client, "input[name='referral']").await;
    click_and_wait(&client, "Choose this offer").await;
    wait_for_path(&client, &evidence).await;
    let decision = text_of(&client, "main").await;
    assert!(!decision.contains("There is a problem"), "{decision}");
    assert!(decision.contains("Offer chosen"), "{decision}");
    assert!(decision.contains("£100.00 a week"), "{decision}");
    check_page(&client, "decision", &mut failures).await;
    let chosen = text_of(&client, "#decision + .govuk-summary-list").await;
    let provider = chosen
        .lines()
        .find_map(|l| l.strip_prefix("Offer chosen "))
        .and_then(|l| l.split(", ").nth(1))
        .unwrap_or_else(|| panic!("no provider in {chosen}"))
        .to_owned();

    // The social worker records the placement from the choice.
    let profile = std::env::temp_dir().join(format!("hearth-e2e-search-worker-{}", std::process::id()));
    let worker = driver.browser(&profile).await;
    sign_in(&worker, &base, Role::SocialWorker.code(), DEMO_PASSWORD).await;
    wait_for_path(&worker, "/").await;
    worker.goto(&format!("{base}{evidence}")).await.unwrap();
    worker
        .find(Locator::LinkText("Record the placement on the child's record"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&worker, &format!("{evidence}/placement")).await;
    check_page(&worker, "placement form", &mut failures).await;
    let weekly = worker.find(Locator::Id("weekly_cost")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(weekly.as_deref(), Some("100.00"), "the form starts from the offer");
    worker
        .execute(
            "document.getElementById('on').value = '2026-11-22';
             for (const id of ['reason_for_change', 'category_of_need', 'legal_status']) {
               const select = document.getElementById(id);
               if (select && !select.value) { select.value = [...select.options].find(o => o.value).value; }
             }",
            vec![],
        )
        .await
        .unwrap();
    click_and_wait(&worker, "Record change").await;
    let record = text_of(&worker, "main").await;
    assert!(!record.contains("There is a problem"), "{record}");
    let mut placed = false;
    for row in worker.find_all(Locator::Css("table.govuk-table tbody tr")).await.unwrap() {
        let text = row.text().await.unwrap_or_default();
        placed |= text.contains(&provider) && text.contains("22/11/2026");
    }
    assert!(placed, "a placement with {provider} from 22/11/2026: {record}");
    check_page(&worker, "placement recorded", &mut failures).await;
    assert!(failures.is_empty(), "accessibility: {failures:#?}");
}
