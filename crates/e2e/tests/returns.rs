//! The statutory returns journey in a real browser. A head of service opens
//! *Returns* from the navigation, picks 2025-26, sees the files with their
//! rows and the rules the return fails, follows a failing rule to its
//! children on this year's data-quality dashboard and one of them to the
//! child's record, which lists the same rule; then opens Ofsted's Annex A. A
//! social worker has no *Returns*. Every page is checked with axe-core.

use authz::Role;
use e2e::{axe_violations, browser_available, screenshot, sign_in, text_of, wait_for_path, Driver, Site, DEMO_PASSWORD};
use fantoccini::{Client, Locator};
use store::testing::TestBackend;

async fn check_page(client: &Client, name: &str, failures: &mut Vec<String>) {
    for violation in axe_violations(client).await {
        failures.push(format!("{name}: {violation}"));
    }
}

async fn browser_as(driver: &Driver, base: &str, role: Role) -> Client {
    let profile = std::env::temp_dir().join(format!("hearth-e2e-returns-{}-{}", role.code(), std::process::id()));
    let client = driver.browser(&profile).await;
    sign_in(&client, base, role.code(), DEMO_PASSWORD).await;
    assert_eq!(wait_for_path(&client, "/").await, "/", "{role} signs in");
    client
}

/// Follows the first link whose href starts with `prefix` and waits for it.
async fn follow_first(client: &Client, css_scope: &str, prefix: &str) -> Option<String> {
    let href = client
        .execute(
            "const a = [...document.querySelectorAll(arguments[0] + ' a')].find(a => a.getAttribute('href').startsWith(arguments[1]));
             return a ? a.getAttribute('href') : null;",
            vec![css_scope.into(), prefix.into()],
        )
        .await
        .unwrap();
    let href = href.as_str()?.to_owned();
    client
        .find(Locator::Css(&format!("{css_scope} a[href='{href}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(client, href.split(['?', '#']).next().unwrap_or(&href)).await;
    Some(href)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_of_service_works_the_return_from_rule_to_child() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let driver = Driver::start().await;
    let base = site.base.clone();
    let mut failures = Vec::new();

    let head = browser_as(&driver, &base, Role::HeadOfService).await;
    head.find(Locator::LinkText("Returns"))
        .await
        .expect("Returns is in the navigation")
        .click()
        .await
        .unwrap();
    wait_for_path(&head, "/returns/ssda903").await;
    head.goto(&format!("{base}/returns/ssda903?year=2026")).await.unwrap();
    wait_for_path(&head, "/returns/ssda903").await;
    let page = text_of(&head, "main").await;
    assert!(page.contains("SSDA903 return 2025-26") && page.contains("episodes.csv"), "{page}");
    check_page(&head, "the return", &mut failures).await;
    screenshot(&head, "returns-ssda903").await;

    head.find(Locator::LinkText("data quality by rule and team"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&head, "/returns/data-quality").await;
    check_page(&head, "data quality", &mut failures).await;
    // The record shows this year's errors (2026-27 on the test clock), so
    // the dashboard is followed for the same year.
    head.goto(&format!("{base}/returns/data-quality")).await.unwrap();
    wait_for_path(&head, "/returns/data-quality").await;
    if follow_first(&head, "main table", "/returns/data-quality?year=2027&rule=")
        .await
        .is_some()
    {
        let rule_page = text_of(&head, "main").await;
        assert!(rule_page.contains("Rule "), "{rule_page}");
        check_page(&head, "a rule's rows", &mut failures).await;
        let heading = text_of(&head, "#rows").await;
        let rule = heading
            .trim_start_matches("Rule ")
            .split([',', ' '])
            .next()
            .unwrap_or_default()
            .to_owned();
        if follow_first(&head, "main table", "/children/").await.is_some() {
            let record = text_of(&head, "main").await;
            if record.contains("SSDA903") {
                assert!(record.contains(&format!("{rule}:")), "the record lists rule {rule}: {record}");
            }
            check_page(&head, "the child's record", &mut failures).await;
        }
    }

    head.goto(&format!("{base}/returns/annex-a")).await.unwrap();
    wait_for_path(&head, "/returns/annex-a").await;
    assert!(text_of(&head, "main").await.contains("List 8"));
    check_page(&head, "Annex A", &mut failures).await;

    let social = browser_as(&driver, &base, Role::SocialWorker).await;
    assert!(
        social.find(Locator::LinkText("Returns")).await.is_err(),
        "social workers do not produce returns"
    );

    head.close().await.unwrap();
    social.close().await.unwrap();
    assert!(failures.is_empty(), "accessibility failures:\n{}", failures.join("\n"));
}
