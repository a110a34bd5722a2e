//! The test app: one router per test, with helpers to sign in, browse and
//! submit forms as a browser would (cookies and CSRF tokens included).

use std::sync::{Arc, OnceLock};

use authz::cap::{ManageApiTokens, ManageUsers, RecordChildren};
use authz::{Actor, Can, Role};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kernel::{ChildId, Money, UserId};
use store::children::NewChild;
use store::placements::NewPlacement;
use store::testing::TestDatabase;
use store::users::NewUser;
use time::macros::date;
use tower::ServiceExt;
use web::{AppState, WebConfig};

pub const PASSWORD: &str = "correct horse battery staple";

/// One argon2 hash for every test user: hashing is deliberately slow.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| store::passwords::hash(PASSWORD))
}

pub struct TestApp {
    pub db: TestDatabase,
    router: Router,
}

/// A browser's cookie jar for one signed-in person.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Applies `Set-Cookie` headers like a browser.
    pub fn absorb(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !attributes.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent, for binary downloads (XLSX).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of the first hidden `csrf_token` field on the page.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("page has a csrf_token field") + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

impl TestApp {
    pub fn new(db: TestDatabase) -> TestApp {
        let clock: Arc<dyn kernel::Clock> = db.clock.clone();
        let calendar = kernel::WorkingDays::new(kernel::Nation::England, []);
        let state = AppState::new(db.store.clone(), clock, calendar, WebConfig::standard("Test Council"));
        TestApp {
            router: web::app(state),
            db,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str, browser: &mut Browser) -> TestResponse {
        let request = Request::get(path)
            .header(header::COOKIE, browser.cookie_header())
            .body(Body::empty())
            .unwrap();
        let response = self.send(request).await;
        browser.absorb(&response.headers);
        response
    }

    /// Posts a form, adding the CSRF token the browser holds for `csrf`.
    pub async fn post_form(&self, path: &str, browser: &mut Browser, csrf: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", csrf);
        for (key, value) in fields {
            body.append_pair(key, value);
        }
        let request = Request::post(path)
            .header(header::COOKIE, browser.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.finish()))
            .unwrap();
        let response = self.send(request).await;
        browser.absorb(&response.headers);
        response
    }

    /// Posts a form with one file, as a browser does for a file input.
    pub async fn post_file(&self, path: &str, browser: &mut Browser, csrf: &str, field: &str, contents: &str) -> TestResponse {
        let boundary = "hearth-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"upload\"\r\n\
             Content-Type: text/plain\r\n\r\n{contents}\r\n--{boundary}--\r\n"
        );
        let request = Request::post(path)
            .header(header::COOKIE, browser.cookie_header())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        let response = self.send(request).await;
        browser.absorb(&response.headers);
        response
    }

    /// Sends a file as the body of an API request.
    pub async fn api_file(&self, path: &str, token: &str, content_type: &str, contents: &str) -> TestResponse {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(contents.to_owned()))
            .unwrap();
        self.send(request).await
    }

    pub async fn api(&self, method: Method, path: &str, token: Option<&str>, json: Option<serde_json::Value>) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match json {
            Some(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// Creates an account with [`PASSWORD`].
    pub async fn user(&self, username: &str, roles: &[Role]) -> UserId {
        let mut cmd = self.db.store.begin(Actor::System, self.db.clock.as_ref()).await.unwrap();
        let user = store::users::create(
            &mut cmd,
            &Can::<ManageUsers>::system(),
            NewUser {
                username: username.into(),
                display_name: format!("{} Tester", capitalise(username)),
                email: None,
                password_hash: password_hash().to_owned(),
                roles: roles.to_vec(),
                teams: vec![],
            },
        )
        .await
        .unwrap();
        cmd.commit().await.unwrap();
        user.id
    }

    /// A browser signed in as `user`, without the cost of a password check.
    pub async fn session_for(&self, user: UserId) -> Browser {
        let mut cmd = self.db.store.begin(Actor::User(user), self.db.clock.as_ref()).await.unwrap();
        let new = store::sessions::create(&mut cmd, user, None).await.unwrap();
        cmd.commit().await.unwrap();
        Browser {
            cookies: vec![("__Host-hearth-session".into(), new.token)],
        }
    }

    /// The CSRF token of a signed-in browser's session.
    pub async fn csrf_for(&self, browser: &mut Browser) -> String {
        self.get("/", browser).await.csrf_token()
    }

    /// Signs in through the real form.
    pub async fn sign_in(&self, username: &str, password: &str) -> (TestResponse, Browser) {
        let mut browser = Browser::default();
        let page = self.get("/sign-in", &mut browser).await;
        let csrf = page.csrf_token();
        let response = self
            .post_form("/sign-in", &mut browser, &csrf, &[("username", username), ("password", password)])
            .await;
        (response, browser)
    }

    /// An API token acting as `role`, created by an administrator.
    pub async fn token(&self, admin: UserId, role: Role) -> String {
        let principal = store::users::principal(&self.db.store, admin).await.unwrap().unwrap();
        let can = authz::authorize::<ManageApiTokens>(&principal).unwrap();
        let mut cmd = self.db.store.begin(can.actor(), self.db.clock.as_ref()).await.unwrap();
        let (_, secret) = store::api_tokens::create(&mut cmd, &can, &format!("{role} system"), role)
            .await
            .unwrap();
        cmd.commit().await.unwrap();
        secret
    }

    /// One child with one current placement; returns its id.
    pub async fn child(&self, la_child_id: &str, given: &str, family: &str, worker: Option<UserId>) -> ChildId {
        let mut cmd = self.db.store.begin(Actor::System, self.db.clock.as_ref()).await.unwrap();
        let can = Can::<RecordChildren>::system();
        let ids = store::children::insert_many(
            &mut cmd,
            &can,
            &[NewChild {
                la_child_id: la_child_id.into(),
                given_names: given.into(),
                family_name: family.into(),
                date_of_birth: date!(2012 - 05 - 17),
                sex: "F".into(),
                ethnicity: "WBRI".into(),
                team_id: None,
                allocated_worker_id: worker,
            }],
        )
        .await
        .unwrap();
        store::placements::insert_many(
            &mut cmd,
            &can,
            &[NewPlacement {
                child_id: ids[0],
                provider_id: None,
                category: placements::PlacementCategory::ChildrensHome,
                place_code: "K2".into(),
                start_date: date!(2025 - 02 - 01),
                end_date: None,
                weekly_cost: Money::from_pounds(5_200),
                postcode: None,
            }],
        )
        .await
        .unwrap();
        cmd.commit().await.unwrap();
        ids[0]
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
