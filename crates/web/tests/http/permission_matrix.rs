//! Every route × every role, against the declared matrix in
//! `permission_matrix.txt`.

use std::collections::{BTreeMap, BTreeSet};

use authz::Role;
use axum::http::{Method, StatusCode};
use store::on_both_backends;
use store::testing::TestDatabase;
use web::routes::{route_table, Access};

use crate::harness::{Browser, TestApp};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Public,
    Roles(BTreeSet<Role>),
}

fn declared() -> BTreeMap<(String, String), Who> {
    let text = include_str!("permission_matrix.txt");
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut matrix = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some((name, members)) = line.split_once('=') {
            groups.insert(name.trim().to_owned(), members.split_whitespace().map(str::to_owned).collect());
            continue;
        }
        let mut words = line.split_whitespace();
        let method = words.next().unwrap().to_owned();
        let path = words.next().unwrap().to_owned();
        let rest: Vec<&str> = words.collect();
        let who = match rest.as_slice() {
            ["public"] => Who::Public,
            ["all"] => Who::Roles(Role::ALL.into_iter().collect()),
            names => Who::Roles(
                names
                    .iter()
                    .flat_map(|name| groups.get(*name).cloned().unwrap_or_else(|| vec![(*name).to_owned()]))
                    .map(|code| code.parse::<Role>().unwrap_or_else(|e| panic!("{line}: {e}")))
                    .collect(),
            ),
        };
        assert!(matrix.insert((method, path), who).is_none(), "duplicate line: {line}");
    }
    matrix
}

fn actual(access: Access) -> Who {
    match access {
        Access::Public => Who::Public,
        Access::Requires(permission) => Who::Roles(permission.roles().iter().copied().collect()),
        Access::RequiresAny(permissions) => Who::Roles(permissions.iter().flat_map(|p| p.roles().iter().copied()).collect()),
    }
}

#[test]
fn every_route_is_declared_and_matches_its_access() {
    let declared = declared();
    let routes = route_table();
    for route in &routes {
        let key = (route.method.to_string(), route.path.to_owned());
        let expected = declared
            .get(&key)
            .unwrap_or_else(|| panic!("{} {} is not in permission_matrix.txt; declare who may use it", key.0, key.1));
        assert_eq!(
            &actual(route.access),
            expected,
            "{} {}: the router's access differs from the matrix",
            key.0,
            key.1
        );
    }
    for key in declared.keys() {
        assert!(
            routes.iter().any(|r| r.method.as_str() == key.0 && r.path == key.1),
            "permission_matrix.txt lists {} {}, which the router does not have",
            key.0,
            key.1
        );
    }
}

/// Fills path parameters with ids that exist in the test data.
fn concrete_path(path: &str, ids: &Ids) -> String {
    path.replace("{id}", &ids.for_path(path)).replace("{*path}", "hearth.css")
}

struct Ids {
    child: String,
    user: String,
    token: String,
}

impl Ids {
    fn for_path(&self, path: &str) -> String {
        if path.contains("children") || path.starts_with("/assessments") || path.starts_with("/requests") {
            self.child.clone()
        } else if path.contains("api-tokens") {
            self.token.clone()
        } else {
            self.user.clone()
        }
    }
}

on_both_backends!(walks_every_route_with_every_role);

async fn walks_every_route_with_every_role(db: TestDatabase) {
    let app = TestApp::new(db);
    let admin = app.user("root", &[Role::Administrator]).await;
    let child = app.child("C100", "Ava", "Smith", None).await;
    let spare_token = app.token(admin, Role::SocialWorker).await;
    assert!(!spare_token.is_empty());
    let ids = Ids {
        child: child.to_string(),
        user: admin.to_string(),
        token: "1".to_owned(),
    };
    let declared = declared();
    let mut accounts = Vec::new();
    for role in Role::ALL {
        let user = app.user(&format!("user-{}", role.code()), &[role]).await;
        let token = app.token(admin, role).await;
        accounts.push((role, user, token));
    }

    for route in route_table() {
        let path = concrete_path(route.path, &ids);
        let who = &declared[&(route.method.to_string(), route.path.to_owned())];
        let is_api = route.path.starts_with("/api/");

        // Nobody signed in.
        let anonymous = request(&app, &route.method, &path, is_api, None).await;
        match who {
            Who::Public => assert_ne!(anonymous, StatusCode::FORBIDDEN, "{} {path} anonymous", route.method),
            Who::Roles(_) => assert!(
                anonymous == StatusCode::UNAUTHORIZED
                    || anonymous == StatusCode::SEE_OTHER
                    || anonymous == StatusCode::TEMPORARY_REDIRECT
                    || anonymous == StatusCode::FORBIDDEN,
                "{} {path} anonymous got {anonymous}",
                route.method
            ),
        }

        for (role, user, token) in &accounts {
            let credential = if is_api {
                Credential::Token(token.clone())
            } else {
                Credential::Session(app.session_for(*user).await)
            };
            let status = request(&app, &route.method, &path, is_api, Some(credential)).await;
            let allowed = match who {
                // Public routes may still answer 401 to a failed sign-in.
                Who::Public => {
                    assert_ne!(status, StatusCode::FORBIDDEN, "{} {path} as {role}", route.method);
                    continue;
                }
                Who::Roles(roles) => roles.contains(role),
            };
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{} {path} as {role}: expected access, got {status}",
                    route.method
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{} {path} as {role}: expected 403", route.method);
            }
        }
    }
}

enum Credential {
    Session(Browser),
    Token(String),
}

async fn request(app: &TestApp, method: &Method, path: &str, is_api: bool, credential: Option<Credential>) -> StatusCode {
    match credential {
        Some(Credential::Token(token)) => {
            let body = (method == Method::POST).then(|| serde_json::json!({}));
            app.api(method.clone(), path, Some(&token), body).await.status
        }
        Some(Credential::Session(mut browser)) => {
            if method == Method::GET {
                app.get(path, &mut browser).await.status
            } else {
                let csrf = app.csrf_for(&mut browser).await;
                app.post_form(path, &mut browser, &csrf, &[]).await.status
            }
        }
        None if is_api => {
            let body = (method == Method::POST).then(|| serde_json::json!({}));
            app.api(method.clone(), path, None, body).await.status
        }
        None => {
            let mut browser = Browser::default();
            if method == Method::GET {
                app.get(path, &mut browser).await.status
            } else {
                // An anonymous visitor with a valid anonymous form token.
                let page = app.get("/sign-in", &mut browser).await;
                app.post_form(path, &mut browser, &page.csrf_token(), &[]).await.status
            }
        }
    }
}
