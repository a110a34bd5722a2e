//! Cross-site request forgery protection for every state-changing page request.
//!
//! Three layers, all always on: cookies are `SameSite=Lax`; a request whose
//! `Sec-Fetch-Site` says cross-site, or whose `Origin` names another host, is
//! refused; and every form carries a secret token (`csrf_token`) that must
//! match the session's (or, before sign-in, a random cookie's). The API is
//! exempt because it authenticates with bearer tokens, never cookies.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use store::tokens::{constant_time_eq, random_token};

use crate::auth::{cookie, secure_cookie, Authenticated, ANONYMOUS_CSRF_COOKIE};
use crate::error::AppError;

/// The token forms on this page must carry, for templates.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The name of the hidden form field.
pub const FIELD: &str = "csrf_token";
/// The header alternative, for forms posted by script.
pub const HEADER: &str = "x-csrf-token";

/// Largest form body accepted by page routes: room for a 5 MB workpaper
/// file and its form (routes still cap their own bodies at 2 MB unless
/// they raise the limit, as the workpaper upload does).
const MAX_FORM_BYTES: usize = 6 * 1024 * 1024;

pub async fn protect(mut request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/") || request.uri().path().starts_with("/assets/") {
        return next.run(request).await;
    }
    let session_token = request
        .extensions()
        .get::<Authenticated>()
        .and_then(|a| a.session.as_ref())
        .map(|s| s.csrf_token.clone());
    let anonymous_token = cookie(request.headers(), ANONYMOUS_CSRF_COOKIE).map(str::to_owned);
    let (expected, issue_cookie) = match (session_token, anonymous_token) {
        (Some(token), _) => (token, None),
        (None, Some(token)) => (token, None),
        (None, None) => {
            let token = random_token();
            (token.clone(), Some(token))
        }
    };

    if !is_safe(request.method()) {
        if !same_origin(request.headers()) || issue_cookie.is_some() {
            return AppError::CsrfRejected.into_response();
        }
        request = match check_token(request, &expected).await {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        };
    }

    request.extensions_mut().insert(CsrfToken(expected.clone()));
    let mut response = next.run(request).await;
    response.extensions_mut().insert(CsrfToken(expected));
    if let Some(token) = issue_cookie {
        if let Ok(value) = secure_cookie(ANONYMOUS_CSRF_COOKIE, &token, None).parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses requests that browsers mark as coming from another site.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site == "cross-site" || site == "same-site" {
            return false;
        }
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, origin_host)| origin_host == host),
        _ => true,
    }
}

/// Checks the header or the form field, then puts the body back.
async fn check_token(request: Request, expected: &str) -> Result<Request, AppError> {
    if let Some(value) = request.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(value, expected) {
            Ok(request)
        } else {
            Err(AppError::CsrfRejected)
        };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let boundary = crate::form::multipart_boundary(content_type);
    if !is_form && boundary.is_none() {
        return Err(AppError::CsrfRejected);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::invalid("form", "the form is too large"))?;
    let submitted = match boundary {
        Some(boundary) => crate::form::parse_multipart_uploads(bytes.clone(), &boundary)
            .await
            .ok()
            .map(|(form, _)| form.text(FIELD))
            .filter(|token| !token.is_empty()),
        None => form_urlencoded::parse(&bytes)
            .find(|(key, _)| key == FIELD)
            .map(|(_, value)| value.into_owned()),
    };
    match submitted {
        Some(token) if constant_time_eq(&token, expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(AppError::CsrfRejected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn cross_site_requests_are_refused() {
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "hearth.council.gov.uk")
        ])));
        assert!(!same_origin(&headers(&[("origin", "null")])));
    }

    #[test]
    fn same_origin_requests_pass() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(same_origin(&headers(&[])));
    }
}
