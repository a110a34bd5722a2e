//! The care finance journey in a real browser. A finance approver sees
//! what is waiting and approves the carers' run the demo finance officer
//! prepared; the finance officer releases the approved monthly run (a
//! release key and a balanced journal), reads a remittance advice, exports
//! the ledger file and adds a backdated rate, which waits as an adjustment
//! for the next run; the officer works through the invoice exception
//! queue; and a head of service reads the forecast for the budgets they
//! hold and runs a price uplift what-if. Every page is checked with
//! axe-core.

use authz::Role;
use e2e::{axe_violations, browser_available, click_and_wait, screenshot, sign_in, text_of, wait_for_path, Driver, Site, DEMO_PASSWORD};
use fantoccini::{Client, Locator};
use store::testing::TestBackend;

async fn check_page(client: &Client, name: &str, failures: &mut Vec<String>) {
    for violation in axe_violations(client).await {
        failures.push(format!("{name}: {violation}"));
    }
    screenshot(client, &format!("finance-{}", name.replace(' ', "-"))).await;
}

/// Opens `path` and waits until it has loaded.
async fn open(client: &Client, base: &str, path: &str) {
    client.goto(&format!("{base}{path}")).await.unwrap();
    let at = wait_for_path(client, path.split(['?', '#']).next().unwrap_or(path)).await;
    assert!(path.starts_with(&at), "opening {path} ended on {at}");
}

/// Signs in as `role` and waits for the home page.
async fn sign_in_as(client: &Client, base: &str, role: Role) {
    sign_in(client, base, role.code(), DEMO_PASSWORD).await;
    assert_eq!(wait_for_path(client, "/").await, "/", "{role} signs in");
}

async fn sign_out(client: &Client) {
    click_and_wait(client, "Sign out").await;
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

async fn type_into(client: &Client, id: &str, text: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

/// The rows of the first table whose caption starts with `caption`, each
/// as its cells' text and the first link's path ("" when it has none).
async fn table_rows(client: &Client, caption: &str) -> Vec<(Vec<String>, String)> {
    let rows = client
        .execute(
            "const t = [...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent.trim().startsWith(arguments[0]));
             if (!t) { return null; }
             return [...t.tBodies[0].rows].map(r => {
               const a = r.querySelector('a[href]');
               return [[...r.cells].map(c => c.textContent.trim().replace(/\\s+/g, ' ')), a ? a.getAttribute('href') : ''];
             });",
            vec![caption.into()],
        )
        .await
        .unwrap();
    serde_json::from_value(rows).unwrap_or_else(|e| panic!("no table captioned {caption:?}: {e}"))
}

/// The value of the summary list row whose key is `key`.
async fn summary_value(client: &Client, key: &str) -> String {
    let value = client
        .execute(
            "const row = [...document.querySelectorAll('.govuk-summary-list__row')]
               .find(r => r.querySelector('dt').textContent.trim() === arguments[0]);
             return row ? row.querySelector('dd').textContent.trim() : null;",
            vec![key.into()],
        )
        .await
        .unwrap();
    serde_json::from_value(value).unwrap_or_else(|e| panic!("no summary row {key:?}: {e}"))
}

/// Whether the page has a button labelled `label`.
async fn has_button(client: &Client, label: &str) -> bool {
    let found = client
        .execute(
            "return [...document.querySelectorAll('button')].some(b => b.textContent.trim() === arguments[0]);",
            vec![label.into()],
        )
        .await
        .unwrap();
    found == serde_json::Value::Bool(true)
}

/// `£1,234.56` or `-£1,234.56` in pence; an empty cell is nothing.
fn pence(text: &str) -> i64 {
    let text = text.trim();
    if text.is_empty() {
        return 0;
    }
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let digits: String = rest.trim_start_matches('£').chars().filter(|c| *c != ',').collect();
    let (pounds, pennies) = digits.split_once('.').unwrap_or_else(|| panic!("not money: {text:?}"));
    let pounds: i64 = pounds.parse().unwrap_or_else(|e| panic!("not money: {text:?}: {e}"));
    let pennies: i64 = pennies.parse().unwrap_or_else(|e| panic!("not money: {text:?}: {e}"));
    sign * (pounds * 100 + pennies)
}

/// A date as the pages show it, `dd/mm/yyyy`, read back.
fn uk_date(text: &str) -> time::Date {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [day, month, year] = parts[..] else {
        panic!("not a date: {text:?}")
    };
    let month = time::Month::try_from(month.parse::<u8>().unwrap()).unwrap();
    time::Date::from_calendar_date(year.parse().unwrap(), month, day.parse().unwrap()).unwrap()
}

fn shown(day: time::Date) -> String {
    format!("{:02}/{:02}/{}", day.day(), u8::from(day.month()), day.year())
}

/// The run on the list with these payees and this state.
async fn run_in_state(client: &Client, cadence: &str, state: &str) -> String {
    let runs = table_rows(client, "Every run").await;
    let (_, href) = runs
        .iter()
        .find(|(cells, _)| cells[1] == cadence && cells[3] == state)
        .unwrap_or_else(|| panic!("no {cadence} run is {state}: {runs:?}"));
    href.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_runs_are_approved_released_and_forecast() {
    if !browser_available() {
        return;
    }
    let Some(site) = Site::start(TestBackend::Sqlite).await else {
        return;
    };
    let today = kernel::Clock::today(store::testing::test_clock().as_ref());
    let driver = Driver::start().await;
    let profile = std::env::temp_dir().join(format!("hearth-e2e-finance-{}", std::process::id()));
    let client = driver.browser(&profile).await;
    let base = site.base.clone();
    let mut failures = Vec::new();

    // 1. The finance approver approves the carers' run someone else prepared.
    sign_in_as(&client, &base, Role::FinanceApprover).await;
    let approver = text_of(&client, "[data-testid=signed-in-user]").await;
    open(&client, &base, "/finance").await;
    check_page(&client, "home", &mut failures).await;
    let waiting = text_of(&client, "main ul").await;
    assert!(waiting.contains("1 run to approve"), "{waiting}");
    assert!(waiting.contains("1 approved run to release"), "{waiting}");
    open(&client, &base, "/finance/runs").await;
    check_page(&client, "runs for the approver", &mut failures).await;
    let carers = run_in_state(&client, "Every 4 weeks", "Calculated").await;
    open(&client, &base, &carers).await;
    check_page(&client, "calculated run", &mut failures).await;
    let preparer = summary_value(&client, "Prepared by").await;
    assert_ne!(preparer, approver, "the preparer never approves");
    click_and_wait(&client, "Approve the run").await;
    assert_eq!(wait_for_path(&client, &carers).await, carers);
    let page = text_of(&client, "main").await;
    assert!(!page.contains("There is a problem"), "{page}");
    assert_eq!(summary_value(&client, "State").await, "Approved");
    assert_eq!(summary_value(&client, "Approved by").await, approver);
    assert!(!has_button(&client, "Approve the run").await, "a run is approved once");
    check_page(&client, "approved run", &mut failures).await;
    sign_out(&client).await;

    // 2. The finance officer releases the approved monthly run.
    sign_in_as(&client, &base, Role::FinanceOfficer).await;
    open(&client, &base, "/finance/runs").await;
    check_page(&client, "runs", &mut failures).await;
    assert!(
        client.find(Locator::Css("form[action='/finance/runs'] #cadence")).await.is_ok(),
        "the officer may start the next run"
    );
    let monthly = run_in_state(&client, "Monthly", "Approved").await;
    open(&client, &base, &monthly).await;
    check_page(&client, "run to release", &mut failures).await;
    assert_eq!(summary_value(&client, "Release key").await, "Not released");
    let total = pence(&summary_value(&client, "Total").await);
    click_and_wait(&client, "Release for payment").await;
    assert_eq!(wait_for_path(&client, &monthly).await, monthly);
    let page = text_of(&client, "main").await;
    assert!(!page.contains("There is a problem"), "{page}");
    assert_eq!(summary_value(&client, "State").await, "Released for payment");
    let key = text_of(&client, ".govuk-summary-list code").await;
    assert!(!key.trim().is_empty(), "the release key is shown");
    let journal = table_rows(&client, "Journal entries for this run").await;
    assert!(!journal.is_empty(), "a released run posts its journal");
    let debits: i64 = journal.iter().map(|(cells, _)| pence(&cells[1])).sum();
    let credits: i64 = journal.iter().map(|(cells, _)| pence(&cells[2])).sum();
    assert!(debits > 0, "{journal:?}");
    assert_eq!(debits, credits, "the journal balances: {journal:?}");
    let expenditure: i64 = journal
        .iter()
        .filter(|(cells, _)| cells[0].starts_with("Expenditure"))
        .map(|(cells, _)| pence(&cells[1]) - pence(&cells[2]))
        .sum();
    assert_eq!(expenditure, total, "expenditure is the run's total: {journal:?}");
    check_page(&client, "released run", &mut failures).await;

    let payees = table_rows(&client, "Each payee's total").await;
    let (payee, remittance) = payees.first().cloned().unwrap_or_else(|| panic!("the run pays someone"));
    assert!(remittance.starts_with(&format!("{monthly}/remittances/")), "{remittance}");
    client
        .find(Locator::Css(&format!("a[href='{remittance}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, &remittance).await;
    check_page(&client, "remittance advice", &mut failures).await;
    let heading = text_of(&client, "h1").await;
    assert!(payee[0].starts_with(&heading), "{heading} for {payee:?}");
    let caption = text_of(&client, "main table caption").await;
    assert_eq!(caption, format!("Total {}", payee[2]), "the advice adds up to the payee's total");
    client
        .find(Locator::LinkText(&format!("Payment run {}", monthly.rsplit('/').next().unwrap())))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(wait_for_path(&client, &monthly).await, monthly);
    assert!(!has_button(&client, "Release for payment").await, "a run is released once");
    assert!(has_button(&client, "Download the ledger export (CSV)").await);
    // The export downloads a file, which a browser does not show: post the
    // form as the button would and read what comes back. (The button's id
    // `action` shadows `form.action`, so the attribute is read.)
    let export = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const form = document.querySelector('form[action$=\"/export\"]');
             fetch(form.getAttribute('action'), { method: 'POST', body: new URLSearchParams(new FormData(form)) })
               .then(async r => done([r.status, r.headers.get('content-type'), await r.text()]))
               .catch(e => done([0, String(e), '']));",
            vec![],
        )
        .await
        .unwrap();
    let (status, kind, csv): (u16, String, String) = serde_json::from_value(export).unwrap();
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"), "{csv}");
    assert!(csv.lines().count() > journal.len(), "a header and the journal: {csv}");
    open(&client, &base, &monthly).await;
    assert_eq!(summary_value(&client, "State").await, "Exported to the ledger");
    assert!(!has_button(&client, "Release for payment").await);
    check_page(&client, "exported run", &mut failures).await;

    // A backdated rate on a monthly agreement waits for the next run.
    open(&client, &base, "/finance/agreements").await;
    check_page(&client, "agreements", &mut failures).await;
    assert!(client.find(Locator::Id("ready")).await.is_ok(), "the ready section is shown");
    set_value(&client, "cadence", "monthly").await;
    click_and_wait(&client, "Filter").await;
    assert_eq!(wait_for_path(&client, "/finance/agreements").await, "/finance/agreements");
    let url = client.current_url().await.unwrap();
    assert!(url.query().unwrap_or_default().contains("cadence=monthly"), "{url}");
    check_page(&client, "monthly agreements", &mut failures).await;
    let csv_link = client
        .find(Locator::Css("a[href^='/finance/agreements/export'][href*='format=csv']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(csv_link.contains("cadence=monthly"), "the CSV keeps the filters: {csv_link}");
    let agreements = table_rows(&client, "Agreements ").await;
    assert!(agreements.iter().all(|(cells, _)| cells[4] == "Monthly"), "{agreements:?}");
    let (_, agreement) = agreements
        .iter()
        .find(|(cells, _)| cells[6] != "Not yet paid")
        .cloned()
        .unwrap_or_else(|| panic!("a monthly agreement has been paid: {agreements:?}"));
    open(&client, &base, &agreement).await;
    check_page(&client, "agreement", &mut failures).await;
    let starts = uk_date(&summary_value(&client, "Runs from").await);
    let paid_up_to = uk_date(&summary_value(&client, "Paid up to").await);
    let weekly = pence(&summary_value(&client, "Weekly today").await);
    let from = (paid_up_to - time::Duration::days(20)).max(starts);
    let reason = "Provider's uplift agreed late, backdated";
    set_value(&client, "element", "core-fee").await;
    let new_weekly = weekly + 10_000;
    type_into(&client, "weekly", &format!("{}.{:02}", new_weekly / 100, new_weekly % 100)).await;
    set_value(&client, "from", &from.to_string()).await;
    type_into(&client, "reason", reason).await;
    click_and_wait(&client, "Add the rate").await;
    assert_eq!(wait_for_path(&client, &agreement).await, agreement);
    let page = text_of(&client, "main").await;
    assert!(!page.contains("There is a problem"), "{page}");
    let rates = table_rows(&client, "Every rate line").await;
    assert!(
        rates
            .iter()
            .any(|(cells, _)| cells[0] == shown(from) && cells[1] == "Core placement fee"),
        "the rate is added from {from}: {rates:?}"
    );
    let adjustments = table_rows(&client, "Adjustments for days already paid").await;
    let ours = adjustments
        .iter()
        .find(|(cells, _)| cells[2] == reason)
        .unwrap_or_else(|| panic!("the backdated rate makes an adjustment: {adjustments:?}"));
    assert!(ours.0[0].starts_with(&shown(from)), "{ours:?}");
    assert!(pence(&ours.0[3]) > 0, "a rise is paid: {ours:?}");
    assert_eq!(ours.0[4], "Waiting for the next run", "{ours:?}");
    check_page(&client, "agreement with an adjustment", &mut failures).await;

    // 3. The officer works through the exception queue.
    open(&client, &base, "/finance/invoices").await;
    check_page(&client, "invoices", &mut failures).await;
    open(&client, &base, "/finance/exceptions").await;
    check_page(&client, "exceptions", &mut failures).await;
    let queue = table_rows(&client, "").await;
    assert!(!queue.is_empty(), "the demo has open exceptions");
    assert!(queue.iter().all(|(cells, _)| cells[6] == "Open"), "{queue:?}");
    assert!(
        queue.iter().any(|(cells, _)| cells[1].contains("Overdue")),
        "some exceptions are over 30 days old: {queue:?}"
    );
    let ages: Vec<i64> = queue
        .iter()
        .map(|(cells, _)| cells[1].split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(ages.windows(2).all(|w| w[0] >= w[1]), "oldest first: {ages:?}");
    let (oldest, invoice) = queue[0].clone();
    client
        .find(Locator::Css(&format!("main table a[href='{invoice}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let invoice_path = invoice.split('#').next().unwrap().to_owned();
    assert_eq!(wait_for_path(&client, &invoice_path).await, invoice_path);
    check_page(&client, "invoice", &mut failures).await;
    let exception = invoice.split('#').nth(1).unwrap();
    let card = text_of(&client, &format!("#{exception}")).await;
    assert!(card.contains(&oldest[4]), "{card}");
    assert!(card.contains("Open"), "{card}");
    sign_out(&client).await;

    // 4. The head of service reads the forecast for the budgets they hold.
    sign_in_as(&client, &base, Role::HeadOfService).await;
    let head = text_of(&client, "[data-testid=signed-in-user]").await;
    open(&client, &base, "/finance/forecast").await;
    check_page(&client, "forecast", &mut failures).await;
    let inset = text_of(&client, "main .govuk-inset-text").await;
    assert!(inset.contains("only the cost centres whose budget you hold"), "{inset}");
    let lines = table_rows(&client, "By cost centre").await;
    let (held, total) = lines.split_at(lines.len() - 1);
    assert!(held.iter().any(|(cells, _)| cells[0].starts_with("CSC-RES")), "{lines:?}");
    assert!(held.iter().all(|(cells, _)| cells[1] == head), "only {head}'s lines: {lines:?}");
    assert_eq!(total[0].0[0], "Total");
    let uplift_from = time::Date::from_calendar_date(
        today.year() + i32::from(today.month() >= time::Month::April),
        time::Month::January,
        1,
    )
    .unwrap();
    set_value(&client, "uplift", "3.5").await;
    set_value(&client, "from", &uplift_from.to_string()).await;
    click_and_wait(&client, "Work out the extra cost").await;
    assert_eq!(wait_for_path(&client, "/finance/forecast").await, "/finance/forecast");
    let url = client.current_url().await.unwrap();
    assert_eq!(url.query(), Some(format!("uplift=3.5&from={uplift_from}").as_str()), "{url}");
    let result = text_of(&client, "#what-if-result").await;
    assert!(result.contains(&format!("from {}", shown(uplift_from))), "{result}");
    let increase = pence(&text_of(&client, "#what-if-result strong").await);
    assert!(increase > 0, "an uplift costs more: {result}");
    let by_centre = table_rows(&client, "The uplift by cost centre").await;
    assert!(
        by_centre
            .iter()
            .all(|(cells, _)| held.iter().any(|(line, _)| line[0].starts_with(&cells[0]))),
        "the what-if covers only the lines held: {by_centre:?}"
    );
    assert_eq!(
        by_centre.iter().map(|(cells, _)| pence(&cells[3])).sum::<i64>(),
        increase,
        "the cost centres add up: {by_centre:?}"
    );
    check_page(&client, "forecast with an uplift", &mut failures).await;
    open(&client, &base, "/finance/budgets").await;
    check_page(&client, "budgets", &mut failures).await;
    open(&client, &base, "/finance/recharges").await;
    check_page(&client, "recharges", &mut failures).await;
    open(&client, &base, "/finance/carer-fees").await;
    check_page(&client, "carer fees", &mut failures).await;

    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        failures.is_empty(),
        "accessibility violations (WCAG 2.2 AA):\n{}",
        failures.join("\n")
    );
}
