//! The assurance journey in a real browser, from an exception to a finding
//! to an action to the committee pack. A head of service runs the controls;
//! the internal auditor reads the state of control, follows an exception to
//! its control and records a significant finding against that control in
//! the follow-up audit; the head of service responds and agrees an action,
//! which shows on the action list with its RAG status; the director, as
//! clerk, generates the November committee pack, which carries assurance
//! by area and the action plans' progress; and a committee member reads the
//! pack, which names none of the county's children. Every page is checked
//! with axe-core.

use authz::Role;
use e2e::{
    axe_violations, browser_available, click_and_wait, demo_county, screenshot, sign_in, text_of, wait_for_path, Driver, Site,
    DEMO_PASSWORD,
};
use fantoccini::{Client, Locator};
use std::time::Duration;
use store::testing::TestBackend;

async fn check_page(client: &Client, name: &str, failures: &mut Vec<String>) {
    for violation in axe_violations(client).await {
        failures.push(format!("{name}: {violation}"));
    }
}

async fn type_into(client: &Client, id: &str, text: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

/// Sets an input or select's value: a date input's typing depends on the
/// browser's locale, the value does not.
async fn set_value(client: &Client, id: &str, value: &str) {
    let set = client
        .execute(
            "const e = document.getElementById(arguments[0]); if (!e) { return false; } e.value = arguments[1]; return e.value === arguments[1];",
            vec![id.into(), value.into()],
        )
        .await
        .unwrap();
    assert_eq!(set, serde_json::Value::Bool(true), "#{id} cannot take {value:?}");
}

/// Chooses the option of select `id` whose text is `text`.
async fn choose_text(client: &Client, id: &str, text: &str) {
    let chosen = client
        .execute(
            "const s = document.getElementById(arguments[0]);
             const o = s && [...s.options].find(o => o.text.trim() === arguments[1]);
             if (!o) { return false; } s.value = o.value; return true;",
            vec![id.into(), text.into()],
        )
        .await
        .unwrap();
    assert_eq!(chosen, serde_json::Value::Bool(true), "#{id} has no option {text:?}");
}

/// Ticks a GOV.UK checkbox or radio as assistive technology does: the
/// input itself is hidden under the drawn box.
async fn tick(client: &Client, id: &str) {
    let ticked = client
        .execute(
            "const e = document.getElementById(arguments[0]); if (!e) { return false; } e.click(); return e.checked;",
            vec![id.into()],
        )
        .await
        .unwrap();
    assert_eq!(ticked, serde_json::Value::Bool(true), "#{id} is not ticked");
}

/// Clicks the button matching `css` (when several buttons share a label,
/// the one in the right form) and waits for the page it leads to.
async fn press(client: &Client, css: &str) {
    client.execute("window.__hearthOldPage = true; return true;", vec![]).await.unwrap();
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
    for _ in 0..100 {
        let loaded = client
            .execute(
                "return window.__hearthOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .is_ok_and(|v| v == serde_json::Value::Bool(true));
        if loaded {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("pressing {css} did not load a new page");
}

/// Opens `path` and waits until it has loaded.
async fn open(client: &Client, base: &str, path: &str) {
    client.goto(&format!("{base}{path}")).await.unwrap();
    let at = wait_for_path(client, path.split(['?', '#']).next().unwrap_or(path)).await;
    assert!(path.starts_with(&at), "opening {path} ended on {at}");
}

/// Follows the link with exactly this text and waits for its page.
async fn follow(client: &Client, text: &str) -> String {
    let href = client
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("link {text:?}: {e}"))
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("link {text:?} has no href"));
    let path = href.split('#').next().unwrap_or(&href).to_owned();
    client.find(Locator::LinkText(text)).await.unwrap().click().await.unwrap();
    wait_for_path(client, &path).await;
    path
}

/// A new headless browser signed in as `role`, on its home page.
async fn browser_as(driver: &Driver, base: &str, role: Role) -> Client {
    let profile = std::env::temp_dir().join(format!("hearth-e2e-assurance-{}-{}", role.code(), std::process::id()));
    let client = driver.browser(&profile).await;
    sign_in(&client, base, role.code(), DEMO_PASSWORD).await;
    assert_eq!(wait_for_path(&client, "/").await, "/", "{role} signs in");
    client
}

/// The rows of the table captioned `caption`, each as its cells' text.
async fn table_rows(client: &Client, caption: &str) -> Vec<Vec<String>> {
    let rows = client
        .execute(
            "const t = [...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent.trim().startsWith(arguments[0]));
             if (!t) { return null; }
             return [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()));",
            vec![caption.into()],
        )
        .await
        .unwrap();
    serde_json::from_value(rows).unwrap_or_else(|e| panic!("no table captioned {caption:?}: {e}"))
}

fn uk_date(day: time::Date) -> String {
    format!("{:02}/{:02}/{}", day.day(), u8::from(day.month()), day.year())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exception_becomes_a_finding_an_action_and_a_line_in_the_committee_pack() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let today = kernel::Clock::today(store::testing::test_clock().as_ref());
    let driver = Driver::start().await;
    let base = site.base.clone();
    let mut failures = Vec::new();

    // The controls run hourly on a server; here a head of service runs them
    // now, so the state of control has a pass to show.
    let head = browser_as(&driver, &base, Role::HeadOfService).await;
    open(&head, &base, "/assurance").await;
    click_and_wait(&head, "Run the controls now").await;
    assert_eq!(wait_for_path(&head, "/assurance").await, "/assurance");
    let ran = text_of(&head, "main").await;
    assert!(ran.contains("The last pass ran at"), "{ran}");

    // 1. The internal auditor: the state of control, an exception to
    // CT-01, and a finding against that control in the follow-up audit.
    let auditor = browser_as(&driver, &base, Role::InternalAuditor).await;
    open(&auditor, &base, "/assurance").await;
    check_page(&auditor, "state of control", &mut failures).await;
    screenshot(&auditor, "assurance-state-of-control").await;
    assert!(
        auditor.find(Locator::Css("form[action='/assurance/run']")).await.is_err(),
        "auditors test the controls but do not run them"
    );
    let areas = table_rows(&auditor, "Each area's items tested").await;
    assert_eq!(areas.len(), 7, "every area has a line: {areas:?}");
    assert!(
        areas.iter().any(|a| a[4] != "Nothing tested"),
        "some area has a level after the pass: {areas:?}"
    );
    // The scale behind the levels is folded away until its summary is opened.
    auditor.find(Locator::Css("details summary")).await.unwrap().click().await.unwrap();
    let scale = table_rows(&auditor, "Levels, best first").await;
    assert!(scale.len() >= 2, "the scale has levels: {scale:?}");
    assert!(
        areas.iter().all(|a| a[4] == "Nothing tested" || scale.iter().any(|l| l[0] == a[4])),
        "every level shown is on the scale: {areas:?} {scale:?}"
    );
    check_page(&auditor, "state of control with its scale", &mut failures).await;
    follow(&auditor, "Exceptions to work on").await;
    set_value(&auditor, "control", "CT-01").await;
    click_and_wait(&auditor, "Filter").await;
    assert_eq!(wait_for_path(&auditor, "/assurance/exceptions").await, "/assurance/exceptions");
    let url = auditor.current_url().await.unwrap();
    assert!(url.query().unwrap_or_default().contains("control=CT-01"), "{url}");
    check_page(&auditor, "exceptions to CT-01", &mut failures).await;
    let listed = table_rows(&auditor, "Exceptions ").await;
    assert!(!listed.is_empty(), "the demo county has exceptions to CT-01");
    assert!(listed.iter().all(|row| row[0].starts_with("CT-01")), "{listed:?}");
    let exception = auditor
        .find(Locator::Css("table a[href^='/assurance/exceptions/']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    open(&auditor, &base, &exception).await;
    check_page(&auditor, "exception", &mut failures).await;
    let caption = text_of(&auditor, ".govuk-caption-l").await;
    let control = caption.split_whitespace().next().unwrap_or_default().to_owned();
    assert_eq!(control, "CT-01", "{caption}");
    assert!(
        auditor.find(Locator::Css("form[action$='/resolve']")).await.is_err(),
        "putting exceptions right is for management, not audit"
    );

    open(&auditor, &base, "/assurance/audits").await;
    check_page(&auditor, "audit plans", &mut failures).await;
    let engagement = follow(&auditor, "Follow-up: external placements").await;
    assert!(engagement.starts_with("/assurance/audits/"), "{engagement}");
    assert!(text_of(&auditor, ".govuk-summary-list").await.contains("Fieldwork"));
    check_page(&auditor, "follow-up engagement", &mut failures).await;
    let title = "Agreements still signed after the child moves in";
    set_value(&auditor, "rating", "significant").await;
    type_into(&auditor, "finding_title", title).await;
    type_into(
        &auditor,
        "detail",
        &format!(
            "Exception {} and others: placements started with no signed agreement.",
            exception.rsplit('/').next().unwrap_or_default()
        ),
    )
    .await;
    type_into(
        &auditor,
        "recommendation",
        "Refuse to start a placement until its agreement is signed",
    )
    .await;
    tick(&auditor, &format!("control-{control}")).await;
    press(&auditor, "form[action$='/findings'] button[type=submit]").await;
    assert_eq!(wait_for_path(&auditor, &engagement).await, engagement);
    let page = text_of(&auditor, "main").await;
    assert!(!page.contains("There is a problem"), "{page}");
    let mut finding = None;
    for card in auditor.find_all(Locator::Css(".govuk-summary-card[id^='finding-']")).await.unwrap() {
        if card.text().await.unwrap_or_default().contains(title) {
            finding = card.attr("id").await.unwrap();
        }
    }
    let finding = finding.unwrap_or_else(|| panic!("the finding is listed: {page}"));
    let card = text_of(&auditor, &format!("#{finding}")).await;
    assert!(card.contains("Significant"), "{card}");
    assert!(card.contains("CT-01 Placement agreements signed by the start"), "{card}");
    assert!(card.contains("Awaiting a response"), "{card}");
    check_page(&auditor, "finding recorded", &mut failures).await;
    screenshot(&auditor, "assurance-finding").await;
    auditor.close().await.unwrap();

    // 2. The head of service responds and agrees an action they own.
    let number = finding.trim_start_matches("finding-").to_owned();
    open(&head, &base, &engagement).await;
    check_page(&head, "engagement for management", &mut failures).await;
    type_into(&head, &format!("response-{number}"), "Agreed. No placement will start unsigned.").await;
    press(&head, &format!("#{finding} form[action$='/response'] button[type=submit]")).await;
    assert_eq!(wait_for_path(&head, &engagement).await, engagement);
    let me = text_of(&head, "[data-testid=signed-in-user]").await;
    let target = today + time::Duration::days(60);
    let action = "Block the start of any placement without a signed agreement";
    type_into(&head, &format!("description-{number}"), action).await;
    choose_text(&head, &format!("owner-{number}"), &me).await;
    set_value(&head, &format!("target_on-{number}"), &target.to_string()).await;
    press(&head, &format!("#{finding} form[action$='/actions'] button[type=submit]")).await;
    assert_eq!(wait_for_path(&head, &engagement).await, engagement);
    let card = text_of(&head, &format!("#{finding}")).await;
    assert!(!card.contains("Error"), "{card}");
    assert!(card.contains("No placement will start unsigned"), "{card}");
    assert!(
        card.contains(action) && card.contains(&format!("{me}, by {}", uk_date(target))),
        "{card}"
    );
    check_page(&head, "response and action", &mut failures).await;
    follow(&head, action).await;
    check_page(&head, "audit actions", &mut failures).await;
    screenshot(&head, "assurance-actions").await;
    let actions = table_rows(&head, "").await;
    let ours = actions
        .iter()
        .find(|row| row[1].starts_with(action))
        .unwrap_or_else(|| panic!("the action is listed: {actions:?}"));
    assert!(ours[0].starts_with("Green"), "due in 60 days, so on track: {ours:?}");
    assert_eq!(ours[2], me);
    assert_eq!(ours[3], uk_date(target));
    assert_eq!(ours[5], "Not overdue");
    head.close().await.unwrap();

    // 3. The director, clerk to the committee, generates November's pack.
    let clerk = browser_as(&driver, &base, Role::Director).await;
    open(&clerk, &base, "/committees").await;
    check_page(&clerk, "committees", &mut failures).await;
    let meeting = follow(&clerk, "November meeting").await;
    check_page(&clerk, "November meeting", &mut failures).await;
    let agenda = text_of(&clerk, "main ol").await;
    assert!(agenda.contains("Follow-up audit: external placements"), "{agenda}");
    click_and_wait(&clerk, "Generate the pack").await;
    let pack = clerk.current_url().await.unwrap().path().to_owned();
    assert!(pack.starts_with("/committees/packs/"), "generating opens the pack: {pack}");
    check_page(&clerk, "committee pack", &mut failures).await;
    screenshot(&clerk, "assurance-pack").await;
    assert!(text_of(&clerk, "h1").await.contains("November meeting"));
    let assurance = table_rows(&clerk, "Assurance by area").await;
    for area in &areas {
        let line = assurance
            .iter()
            .find(|line| line[0] == area[0])
            .unwrap_or_else(|| panic!("{} is in the pack: {assurance:?}", area[0]));
        if area[1].parse::<u64>().unwrap_or(0) >= 5 {
            assert_eq!(line[4], area[4], "the pack grades {} as the state of control does", area[0]);
        }
    }
    let plans = table_rows(&clerk, "Actions by audit and status").await;
    let follow_up = plans
        .iter()
        .find(|p| p[0] == "Follow-up: external placements")
        .unwrap_or_else(|| panic!("the follow-up's action plan is in the pack: {plans:?}"));
    assert_eq!(follow_up[1..], ["0", "0", "1", "0"], "one green action: {follow_up:?}");
    assert!(
        plans
            .iter()
            .any(|p| p[0] == "External placements: commissioning and contracts" && p[1] != "0"),
        "the original audit's overdue action shows red: {plans:?}"
    );
    let workbook = clerk
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-type')])).catch(e => done([0, String(e)]));",
            vec![format!("{pack}.xlsx").into()],
        )
        .await
        .unwrap();
    assert_eq!(
        workbook,
        serde_json::json!([200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]),
        "the workbook downloads"
    );
    open(&clerk, &base, &meeting).await;
    assert!(
        clerk.find(Locator::Css(&format!("a[href='{pack}']"))).await.is_ok(),
        "the meeting lists the pack"
    );
    clerk.close().await.unwrap();

    // 4. A committee member reads the pack: aggregates only, no child named.
    let member = browser_as(&driver, &base, Role::CommitteeMember).await;
    open(&member, &base, &meeting).await;
    check_page(&member, "November meeting for a member", &mut failures).await;
    assert!(
        member.find(Locator::Css("form[action$='/packs']")).await.is_err(),
        "members read packs; clerks generate them"
    );
    open(&member, &base, &pack).await;
    check_page(&member, "committee pack for a member", &mut failures).await;
    assert!(
        member.find_all(Locator::Css("form")).await.unwrap().is_empty(),
        "the pack is read-only"
    );
    let text = text_of(&member, "body").await;
    assert!(
        text.contains("Controls and audit assurance") && text.contains("Audit action plans"),
        "{text}"
    );
    let county = demo_county(today);
    assert!(!county.children.is_empty());
    for child in &county.children {
        for name in [
            format!("{} {}", child.given_names, child.family_name),
            format!("{}, {}", child.family_name, child.given_names),
        ] {
            assert!(!text.contains(&name), "the pack names a child: {name}");
        }
        assert!(
            !text.contains(&child.la_child_id),
            "the pack gives a child's id: {}",
            child.la_child_id
        );
    }
    member.close().await.unwrap();
    for role in [Role::HeadOfService, Role::InternalAuditor, Role::Director, Role::CommitteeMember] {
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("hearth-e2e-assurance-{}-{}", role.code(), std::process::id())));
    }
    assert!(
        failures.is_empty(),
        "accessibility violations (WCAG 2.2 AA):\n{}",
        failures.join("\n")
    );
}
