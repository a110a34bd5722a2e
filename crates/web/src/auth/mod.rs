//! Authentication (who is this?) and the bridge to authorisation (may they?).
//!
//! [`session::authenticate`] runs on every request and leaves an
//! [`Authenticated`] in the request extensions when it can establish who is
//! calling. Handlers ask for [`Authorized<C>`], which yields the capability
//! `C` or refuses; the route table's declared access is checked before the
//! handler runs as well (see [`crate::routes`]).

pub mod csrf;
pub mod session;
pub mod sign_in;

use std::net::{IpAddr, SocketAddr};

use authz::{Can, Capability, Principal};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use store::sessions::Session;

use crate::error::AppError;

/// Cookie holding the session token (the `__Host-` prefix pins it to this
/// host, path `/`, and HTTPS).
pub const SESSION_COOKIE: &str = "__Host-hearth-session";
/// Cookie holding the CSRF token for forms shown before sign-in.
pub const ANONYMOUS_CSRF_COOKIE: &str = "__Host-hearth-csrf";

/// The caller, once established.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    /// Present for people using the pages; absent for API tokens.
    pub session: Option<Session>,
}

/// Extracts the caller and proves they hold capability `C`.
#[derive(Debug)]
pub struct Authorized<C: Capability> {
    pub principal: Principal,
    pub can: Can<C>,
    pub session: Option<Session>,
}

impl<S: Send + Sync, C: Capability> FromRequestParts<S> for Authorized<C> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let authenticated = parts.extensions.get::<Authenticated>().cloned().ok_or(AppError::SignInRequired)?;
        let can = authz::authorize::<C>(&authenticated.principal)?;
        Ok(Authorized {
            principal: authenticated.principal,
            can,
            session: authenticated.session,
        })
    }
}

/// The client's address, when the server recorded it (for throttling only).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip()),
        ))
    }
}

/// Reads one cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value with every protection on.
pub fn secure_cookie(name: &str, value: &str, max_age_seconds: Option<i64>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_seconds {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    cookie
}

/// A `Set-Cookie` value that deletes `name`.
pub fn expired_cookie(name: &str) -> String {
    format!("{name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn reads_cookies_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", "a=1; __Host-hearth-session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn cookies_are_locked_down() {
        let value = secure_cookie(SESSION_COOKIE, "x", None);
        for part in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(value.contains(part), "{value}");
        }
    }
}
