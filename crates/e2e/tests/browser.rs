//! The browser journey: every role signs in, sees its own home page, passes
//! an axe-core WCAG 2.2 AA check on each page it visits, and signs out.

use authz::Role;
use e2e::{axe_violations, browser_available, screenshot, sign_in, text_of, wait_for_path, Driver, Site, DEMO_PASSWORD};
use fantoccini::Locator;
use store::testing::TestBackend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_signs_in_sees_its_home_and_signs_out() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let driver = Driver::start().await;
    let profile = std::env::temp_dir().join(format!("hearth-e2e-{}", std::process::id()));
    let client = driver.browser(&profile).await;
    let mut failures = Vec::new();

    client.goto(&format!("{}/sign-in", site.base)).await.unwrap();
    for violation in axe_violations(&client).await {
        failures.push(format!("sign-in page: {violation}"));
    }

    for role in Role::ALL {
        sign_in(&client, &site.base, role.code(), DEMO_PASSWORD).await;
        assert_eq!(wait_for_path(&client, "/").await, "/", "{role}: signing in lands on the home page");
        let heading = text_of(&client, "h1").await;
        assert!(heading.starts_with("Your work"), "{role}: heading was {heading:?}");
        let shown_role = text_of(&client, "[data-testid=signed-in-role]").await;
        assert!(shown_role.contains(role.label()), "{role}: header shows {shown_role:?}");
        screenshot(&client, &format!("{}-home", role.code())).await;
        for violation in axe_violations(&client).await {
            failures.push(format!("{role} home: {violation}"));
        }
        // Each navigation link the role has must open and pass axe too.
        let links = client.find_all(Locator::Css(".moj-primary-navigation__link")).await.unwrap();
        let mut hrefs = Vec::new();
        for link in links {
            if let Some(href) = link.attr("href").await.unwrap() {
                hrefs.push(href);
            }
        }
        // Forms and error pages are checked as well as the navigation.
        let extra: &[&str] = match role {
            Role::Administrator => &["/admin/users/new", "/no-such-page"],
            Role::SocialWorker => &["/children?dob=not-a-date", "/children/new"],
            _ => &[],
        };
        hrefs.extend(extra.iter().map(|s| (*s).to_owned()));
        for href in hrefs.iter().filter(|h| h.as_str() != "/") {
            client.goto(&format!("{}{href}", site.base)).await.unwrap();
            screenshot(&client, &format!("{}{}", role.code(), href.replace('/', "-"))).await;
            let title = client.title().await.unwrap();
            assert!(
                !title.starts_with("You do not have permission"),
                "{role}: {href} is in the navigation but refused"
            );
            for violation in axe_violations(&client).await {
                failures.push(format!("{role} {href}: {violation}"));
            }
        }
        client
            .find(Locator::Css("form[action='/sign-out'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert_eq!(
            wait_for_path(&client, "/sign-in").await,
            "/sign-in",
            "{role}: signing out returns to sign-in"
        );
    }

    // A child's record opens for a case reader, and passes axe.
    sign_in(&client, &site.base, Role::SocialWorker.code(), DEMO_PASSWORD).await;
    wait_for_path(&client, "/").await;
    client
        .find(Locator::Css("table a[href^='/children/']"))
        .await
        .expect("the social worker's caseload lists children")
        .click()
        .await
        .unwrap();
    assert!(text_of(&client, ".govuk-inset-text").await.contains("logged"));
    screenshot(&client, "child-record").await;
    for violation in axe_violations(&client).await {
        failures.push(format!("child record: {violation}"));
    }

    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        failures.is_empty(),
        "accessibility violations (WCAG 2.2 AA):\n{}",
        failures.join("\n")
    );
}
