//! Server-rendered pages: the shared page chrome and one module per area.
//!
//! Every page template has a `chrome` field ([`Chrome`]) that the layout uses
//! for the header, the signed-in user, navigation by role, and the CSRF
//! token for forms. Navigation is derived from permissions, so a person only
//! sees links they may follow.

pub mod admin;
pub mod agreement_page;
pub mod agreements;
pub mod annex_a;
pub mod assurance;
pub mod audit;
pub mod audit_actions;
pub mod budgets;
pub mod carer_fees;
pub mod children;
pub mod chronology;
pub mod committee_pack;
pub mod committee_workbook;
pub mod committees;
pub mod control_exceptions;
pub mod embedding;
pub mod engagement_forms;
pub mod engagement_page;
pub mod finance_downloads;
pub mod finance_home;
pub mod forecast;
pub mod frameworks;
pub mod gateway_dashboard;
pub mod high_cost;
pub mod home;
pub mod households;
pub mod internal_audit;
pub mod invoice_exceptions;
pub mod invoices;
pub mod list_downloads;
pub mod matrix;
pub mod monitoring;
pub mod more_downloads;
pub mod my_tokens;
pub mod notifications;
pub mod overview;
pub mod panels;
pub mod payment_runs;
pub mod providers;
pub mod recharges;
pub mod record;
pub mod record_forms;
pub mod record_new;
pub mod request_form;
pub mod requests;
pub mod search_evidence;
pub mod search_placement;
pub mod searches;
pub mod service_agreements;
pub mod settings;
pub mod ssda903;
pub mod sufficiency;
pub mod training;
pub mod trays;

use askama::Template;
use authz::Permission;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Extensions;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::csrf::CsrfToken;
use crate::auth::Authenticated;
use crate::error::{AppError, ErrorReport, FieldError};

/// The signed-in person as shown in the header.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub display_name: String,
    pub roles_label: String,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user: Option<UserBadge>,
    pub nav: Vec<NavItem>,
    pub csrf_token: String,
}

/// Navigation entries and the permission each needs.
const NAVIGATION: &[(&str, &str, Permission)] = &[
    ("Home", "/", Permission::UseHearth),
    ("My caseload", "/trays/caseload", Permission::RecordChildren),
    ("My team", "/trays/team", Permission::RecordChildren),
    ("Children", "/children", Permission::SearchChildren),
    ("Requests", "/requests", Permission::WorkOnRequests),
    ("Gateway", "/gateway", Permission::WorkOnRequests),
    ("Panels", "/panels", Permission::WorkOnRequests),
    ("High-cost", "/high-cost", Permission::WorkOnRequests),
    ("Searches", "/searches", Permission::SearchPlacements),
    ("Providers", "/providers", Permission::ViewProviders),
    ("Frameworks", "/frameworks", Permission::ViewProviders),
    ("Sufficiency", "/sufficiency", Permission::ViewAggregates),
    ("Monitoring", "/monitoring", Permission::ViewProviders),
    ("Agreements", "/agreements", Permission::ViewProviders),
    ("Finance", "/finance", Permission::ViewFinance),
    ("Assurance", "/assurance", Permission::ViewAssurance),
    ("Embedding", "/assurance/embedding", Permission::ViewAssurance),
    ("Audits", "/assurance/audits", Permission::ViewAssurance),
    ("Matrix", "/matrix", Permission::ManageMatrix),
    ("Overview", "/overview", Permission::ViewAggregates),
    ("Committees", "/committees", Permission::ViewAggregates),
    ("Committees", "/committees", Permission::ClerkCommittees),
    ("Training", "/training", Permission::ManageTraining),
    ("Returns", "/returns/ssda903", Permission::ProduceReturns),
    ("Users", "/admin/users", Permission::ManageUsers),
    ("Teams", "/admin/teams", Permission::ManageUsers),
    ("API tokens", "/admin/api-tokens", Permission::ManageApiTokens),
    ("Audit trail", "/audit", Permission::ViewAuditTrail),
    ("Notifications", "/notifications", Permission::UseHearth),
    ("Access log", "/audit/access-log", Permission::ViewAuditTrail),
];

impl Chrome {
    fn build(extensions: &Extensions, path: &str) -> Chrome {
        let authenticated = extensions.get::<Authenticated>();
        let nav = authenticated
            .map(|a| {
                NAVIGATION
                    .iter()
                    .filter(|(_, _, permission)| a.principal.holds(*permission))
                    .map(|(label, href, _)| NavItem {
                        label,
                        href,
                        current: if *href == "/" {
                            path == "/"
                        } else {
                            path.starts_with(href) && !deeper_entry_matches(path, href)
                        },
                    })
                    .collect::<Vec<_>>()
            })
            .map(|mut nav| {
                // An entry listed for two permissions (side by side) shows once.
                nav.dedup_by(|a, b| a.href == b.href);
                nav
            })
            .unwrap_or_default();
        Chrome {
            user: authenticated.map(|a| UserBadge {
                display_name: a.principal.display_name.clone(),
                roles_label: a.principal.roles_label(),
            }),
            nav,
            csrf_token: extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default(),
        }
    }

    /// The chrome for an error page, from what the inner layers left on the response.
    pub fn from_response(response: &Response, path: &str) -> Chrome {
        Chrome::build(response.extensions(), path)
    }
}

/// True when a longer navigation entry matches `path`, so only it is current.
fn deeper_entry_matches(path: &str, href: &str) -> bool {
    NAVIGATION
        .iter()
        .any(|(_, other, _)| other.len() > href.len() && other.starts_with(href) && path.starts_with(other))
}

impl<S: Send + Sync> FromRequestParts<S> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Chrome::build(&parts.extensions, parts.uri.path()))
    }
}

/// Renders a template into a response.
pub fn render(template: &impl Template) -> Result<Html<String>, AppError> {
    Ok(Html(template.render()?))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: &'a Chrome,
    title: &'a str,
    detail: &'a str,
    fields: &'a [FieldError],
    sign_in: bool,
}

/// The GOV.UK-styled error page for `report`.
pub fn error_page(chrome: &Chrome, report: &ErrorReport) -> Response {
    let page = ErrorPage {
        chrome,
        title: report.title,
        detail: &report.detail,
        fields: &report.fields,
        sign_in: report.status == axum::http::StatusCode::UNAUTHORIZED,
    };
    match page.render() {
        Ok(html) => (report.status, Html(html)).into_response(),
        Err(_) => (report.status, report.title).into_response(),
    }
}

/// 200 for a page shown fresh, 422 when it is shown again with errors.
pub fn form_status(errors: &[crate::error::FieldError]) -> axum::http::StatusCode {
    if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A store refusal as the fields to show on the form again; anything else
/// stays an error for the error page.
pub fn field_errors(error: store::StoreError) -> Result<Vec<crate::error::FieldError>, AppError> {
    match AppError::from(error) {
        AppError::Invalid(errors) => Ok(errors),
        other => Err(other),
    }
}

/// `?from=&to=` for reports and exports over a period.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

impl Period {
    /// The period's days, each end defaulting when not given; the end may
    /// not come before the start.
    pub fn dates(
        &self,
        default_from: impl FnOnce(time::Date) -> time::Date,
        default_to: time::Date,
    ) -> Result<(time::Date, time::Date), AppError> {
        let read = |field: &str, text: &Option<String>| match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => crate::input::parse_date(text)
                .map(Some)
                .ok_or_else(|| AppError::invalid(field, "Enter a real date, such as 2026-04-01")),
        };
        let to = read("to", &self.to)?.unwrap_or(default_to);
        let from = read("from", &self.from)?.unwrap_or_else(|| default_from(to));
        if to < from {
            return Err(AppError::invalid("to", "The end of the period must not be before its start"));
        }
        Ok((from, to))
    }
}

/// A record number from a path; anything else is a page not found.
pub fn path_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::NotFound)
}

/// Runs one command in one transaction for a form: the work's result when
/// it commits, or the fields to show on the form again when a rule is
/// broken (nothing is written then). Other failures stay errors.
pub async fn in_command<T>(
    state: &crate::AppState,
    actor: authz::Actor,
    work: impl AsyncFnOnce(&mut store::Command) -> Result<T, store::StoreError>,
) -> Result<Result<T, Vec<crate::error::FieldError>>, AppError> {
    let mut cmd = state.store.begin(actor, state.clock.as_ref()).await?;
    match work(&mut cmd).await {
        Ok(value) => {
            cmd.commit().await?;
            Ok(Ok(value))
        }
        Err(error) => {
            drop(cmd);
            Ok(Err(field_errors(error)?))
        }
    }
}

/// A date, or a reference to one however deep (templates add references).
pub trait AsDate {
    fn as_date(&self) -> time::Date;
}

impl AsDate for time::Date {
    fn as_date(&self) -> time::Date {
        *self
    }
}

impl<T: AsDate + ?Sized> AsDate for &T {
    fn as_date(&self) -> time::Date {
        (**self).as_date()
    }
}

/// A date as people read it (01/02/2026).
pub fn uk_date(date: impl AsDate) -> String {
    kernel::dates::format_uk_date(date.as_date())
}

/// Query-string page number, defaulting to 1.
pub fn page_number(page: Option<u32>) -> u32 {
    page.unwrap_or(1).max(1)
}

/// Links for a GOV.UK pagination block.
#[derive(Debug, Clone)]
pub struct Pagination {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub current: u32,
    pub pages: u32,
    pub total: i64,
    pub first_item: i64,
    pub last_item: i64,
}

impl Pagination {
    /// `base_query` is the query string without `page=`, already encoded.
    pub fn new<T>(page: &store::Page<T>, path: &str, base_query: &str) -> Pagination {
        let current = page.request.page;
        let pages = page.page_count().max(1);
        let link = |n: u32| {
            if base_query.is_empty() {
                format!("{path}?page={n}")
            } else {
                format!("{path}?{base_query}&page={n}")
            }
        };
        let per_page = i64::from(page.request.per_page);
        let first_item = if page.total == 0 {
            0
        } else {
            i64::from(current - 1) * per_page + 1
        };
        Pagination {
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < pages).then(|| link(current + 1)),
            current,
            pages,
            total: page.total,
            first_item,
            last_item: (first_item + page.items.len() as i64 - 1).max(0),
        }
    }
}

/// Encodes key/value pairs as a query string, skipping empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if !value.is_empty() {
            out.append_pair(key, value);
        }
    }
    out.finish()
}
