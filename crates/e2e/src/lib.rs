//! Browser test support: a real Hearth server on a free loopback port, a
//! chromedriver process, and a headless Chromium session driven through
//! WebDriver, with an axe-core check that fails on any WCAG 2.2 AA violation.
//!
//! Chromium and chromedriver come from Debian (`apt-get install chromium
//! chromium-driver`). Without them the journeys print SKIPPED and pass,
//! except when `CI=true`, where their absence fails the run.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use store::testing::{TestBackend, TestDatabase};

/// Where Debian installs the browser and its driver.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Whether the browser tools are installed; prints SKIPPED when not.
pub fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(!in_ci(), "CI=true requires {CHROMIUM} and {CHROMEDRIVER} for the browser suite");
        eprintln!("SKIPPED browser journey: install chromium and chromium-driver to run it");
    }
    present
}

/// A running Hearth with a small demo county.
pub struct Site {
    pub base: String,
    pub accounts: Vec<(String, String)>,
    _db: TestDatabase,
    _server: tokio::task::JoinHandle<()>,
}

pub const DEMO_PASSWORD: &str = "browser-demo";

/// The small demo county a [`Site`] is built from on `today` (the test
/// clock's date), so a journey can check a page against the plan: that it
/// names none of the county's children, for instance.
pub fn demo_county(today: time::Date) -> demo::County {
    demo::plan(&demo::Options {
        children: 60,
        seed: 7,
        today,
        demo_accounts: true,
        casework: true,
    })
}

impl Site {
    pub async fn start(backend: TestBackend) -> Option<Site> {
        let db = TestDatabase::new(backend).await?;
        let county = demo_county(kernel::Clock::today(db.clock.as_ref()));
        let hash = store::passwords::hash(DEMO_PASSWORD);
        let report = demo::load(&db.store, db.clock.as_ref(), &county, &hash)
            .await
            .expect("load the demo county");
        let mut config = web::WebConfig::standard("Browser Test Council");
        config.demo_accounts = report.demo_accounts.clone();
        let clock: Arc<dyn kernel::Clock> = db.clock.clone();
        let state = web::AppState::new(
            db.store.clone(),
            clock,
            kernel::WorkingDays::new(kernel::Nation::England, []),
            config,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let address = listener.local_addr().expect("local address");
        let app = web::app(state).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Some(Site {
            base: format!("http://{address}"),
            accounts: report.demo_accounts,
            _db: db,
            _server: server,
        })
    }
}

/// A chromedriver process, killed on drop.
pub struct Driver {
    process: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

impl Driver {
    pub async fn start() -> Driver {
        let port = free_port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Driver { process, url }
    }

    /// A fresh headless Chromium with its own empty profile.
    pub async fn browser(&self, profile: &Path) -> Client {
        // The closed network refuses Chromium's background connections; these
        // flags stop it trying.
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("connect to chromedriver")
    }
}

/// The axe-core script installed by the web crate's npm step.
fn axe_source() -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/frontend/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e} (build the web crate first)", path.display()))
}

/// Runs axe-core on the current page against WCAG 2.0–2.2 A and AA rules and
/// returns each violation as "rule: help (n nodes)".
pub async fn axe_violations(client: &Client) -> Vec<String> {
    client.execute(&axe_source(), vec![]).await.expect("inject axe-core");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
           .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ' nodes: ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')')))
           .catch(e => done(['axe failed: ' + e]));
    "#;
    let result = client.execute_async(script, vec![]).await.expect("run axe-core");
    serde_json::from_value(result).expect("a list of violations")
}

/// Signs in through the form.
pub async fn sign_in(client: &Client, base: &str, username: &str, password: &str) {
    client.goto(&format!("{base}/sign-in")).await.expect("open sign-in");
    client
        .find(Locator::Id("username"))
        .await
        .expect("username")
        .send_keys(username)
        .await
        .expect("type username");
    client
        .find(Locator::Id("password"))
        .await
        .expect("password")
        .send_keys(password)
        .await
        .expect("type password");
    client
        .find(Locator::Css("form[action='/sign-in'] button[type=submit]"))
        .await
        .expect("sign-in button")
        .click()
        .await
        .expect("click sign in");
}

/// Text of the first element matching `css`.
pub async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("element text")
}

/// Saves a PNG of the page when `HEARTH_SCREENSHOTS` names a folder, so a
/// person can look at what each role sees.
pub async fn screenshot(client: &Client, name: &str) {
    let Ok(folder) = std::env::var("HEARTH_SCREENSHOTS") else {
        return;
    };
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::create_dir_all(&folder);
        let _ = std::fs::write(Path::new(&folder).join(format!("{name}.png")), png);
    }
}

/// Waits (up to 10 seconds) until the browser has navigated to `path`, and
/// returns the path it ends on.
pub async fn wait_for_path(client: &Client, path: &str) -> String {
    let mut current = String::new();
    for _ in 0..100 {
        current = client.current_url().await.map(|u| u.path().to_owned()).unwrap_or_default();
        let ready = client
            .execute("return document.readyState", vec![])
            .await
            .is_ok_and(|state| state == "complete");
        if current == path && ready {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    current
}

/// Clicks the button labelled `label` and waits until the browser has
/// loaded the page the click led to. Buttons that post back to the same
/// address are why the URL alone cannot tell: a marker set on the old
/// document disappears when the new one loads.
pub async fn click_and_wait(client: &Client, label: &str) {
    client
        .execute("window.__hearthOldPage = true; return true;", vec![])
        .await
        .expect("mark the page");
    let mut clicked = false;
    for _ in 0..50 {
        if let Ok(buttons) = client.find_all(Locator::Css("button")).await {
            for button in buttons {
                if button.text().await.map(|t| t.trim() == label).unwrap_or(false) && button.click().await.is_ok() {
                    clicked = true;
                    break;
                }
            }
        }
        if clicked {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(clicked, "no button labelled {label:?}");
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
    panic!("clicking {label:?} did not load a new page");
}
