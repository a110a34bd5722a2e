//! The one application error, mapped to HTTP in one place.
//!
//! Handlers return [`AppError`]. Its `IntoResponse` only attaches an
//! [`ErrorReport`] to an empty response; the `render_errors` middleware then
//! turns it into a GOV.UK-styled page, or into `application/problem+json`
//! under `/api/`, so both surfaces share the same statuses and messages.
//! Internal details (database errors, panics) are logged by kind only and
//! never shown.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::StoreError;

/// A problem with one field of a form or JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name as submitted, e.g. `username`.
    pub field: String,
    /// What is wrong and how to fix it, in plain English.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in to continue")]
    SignInRequired,
    #[error("you do not have permission to do this")]
    Forbidden,
    #[error("{0}")]
    Refused(String),
    #[error("page not found")]
    NotFound,
    #[error("this form has expired or did not come from Hearth; go back, reload the page and try again")]
    CsrfRejected,
    #[error("there is a problem with what you entered")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; wait a few minutes and try again")]
    TooManyAttempts,
    #[error("sorry, there is a problem with the service")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected | AppError::Refused(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::SignInRequired => "Sign in to continue",
            AppError::Forbidden | AppError::Refused(_) => "You do not have permission to do this",
            AppError::NotFound => "Page not found",
            AppError::CsrfRejected => "This form has expired",
            AppError::Invalid(_) => "There is a problem",
            AppError::Conflict(_) => "Someone else changed this",
            AppError::TooManyAttempts => "Too many attempts",
            AppError::Internal(_) => "Sorry, there is a problem with the service",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound { .. } => AppError::NotFound,
            StoreError::Conflict { .. } => AppError::Conflict(error.to_string()),
            StoreError::Duplicate { field, message } => AppError::invalid(field, message),
            StoreError::Invalid(fields) => AppError::Invalid(fields.into_iter().map(|(f, m)| FieldError::new(f, sentence(&m))).collect()),
            StoreError::Rejected(reasons) => {
                AppError::Invalid(reasons.into_iter().map(|m| FieldError::new("action", sentence(&m))).collect())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<authz::Denied> for AppError {
    fn from(_: authz::Denied) -> AppError {
        AppError::Forbidden
    }
}

impl From<authz::DutyViolation> for AppError {
    fn from(violation: authz::DutyViolation) -> AppError {
        AppError::Refused(violation.to_string())
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> AppError {
        AppError::Internal(format!("template: {error}"))
    }
}

/// What the error middleware needs to render a response.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub fields: Vec<FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            AppError::Internal(internal) => {
                // Logged without request data: no personal data reaches logs.
                tracing::error!(error = %internal, "internal error");
                "Try again later. If the problem continues, contact your system administrator.".to_owned()
            }
            other => sentence(&other.to_string()),
        };
        let fields = match &self {
            AppError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorReport {
            status,
            title: self.title(),
            detail,
            fields,
        });
        response
    }
}

fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// The body of an `application/problem+json` response (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Renders any [`ErrorReport`] left on a response, and gives bare error
/// statuses from axum itself (unknown route, wrong method, bad JSON) the
/// same treatment.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if response.status().is_client_error() || response.status().is_server_error() => {
            if has_body_of_its_own(&response) {
                return response;
            }
            bare_status_report(response.status())
        }
        None => return response,
    };
    let extra_headers = response.headers().clone();
    let mut rendered = if is_api {
        problem_response(&report)
    } else {
        let chrome = crate::pages::Chrome::from_response(&response, &path);
        crate::pages::error_page(&chrome, &report)
    };
    for (name, value) in &extra_headers {
        if name == header::WWW_AUTHENTICATE || name == header::RETRY_AFTER || name == header::SET_COOKIE {
            rendered.headers_mut().append(name, value.clone());
        }
    }
    rendered
}

fn has_body_of_its_own(response: &Response) -> bool {
    response.headers().contains_key(header::CONTENT_TYPE)
        && response.status() != StatusCode::NOT_FOUND
        && response.status() != StatusCode::METHOD_NOT_ALLOWED
        && !response.status().is_server_error()
}

fn bare_status_report(status: StatusCode) -> ErrorReport {
    let (title, detail) = match status {
        StatusCode::NOT_FOUND => ("Page not found", "If you typed the web address, check it is correct."),
        StatusCode::METHOD_NOT_ALLOWED => ("Page not found", "This address does not accept that kind of request."),
        StatusCode::PAYLOAD_TOO_LARGE => ("What you sent is too large", "Send a smaller file or fewer rows."),
        s if s.is_server_error() => (
            "Sorry, there is a problem with the service",
            "Try again later. If the problem continues, contact your system administrator.",
        ),
        _ => ("There is a problem", "The request could not be understood."),
    };
    ErrorReport {
        status,
        title,
        detail: detail.to_owned(),
        fields: Vec::new(),
    }
}

fn problem_response(report: &ErrorReport) -> Response {
    let problem = Problem {
        kind: "about:blank".to_owned(),
        title: report.title.to_owned(),
        status: report.status.as_u16(),
        detail: report.detail.clone(),
        errors: report.fields.clone(),
    };
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    (report.status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_duplicates_become_field_errors() {
        let err: AppError = StoreError::Duplicate {
            field: "username",
            message: "taken".into(),
        }
        .into();
        assert!(matches!(&err, AppError::Invalid(fields) if fields[0].field == "username"));
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn internal_details_are_not_shown() {
        let response = AppError::Internal("password=hunter2 at db".into()).into_response();
        let report = response.extensions().get::<ErrorReport>().unwrap();
        assert!(!report.detail.contains("hunter2"));
    }
}
