//! The forms on an engagement's page: drawing a sample, concluding a test,
//! adding a workpaper with its evidence (and downloading it), recording a
//! finding, responding to one and agreeing an action.
//!
//! Each handler reads its form, runs one store command, and either goes
//! back to the page or shows it again with the store's refusals against
//! the form's own field ids. The workpaper form is multipart with a file
//! that need not be text, so it is read with [`Uploaded`], which keeps the
//! file's bytes, name and type.

use assurance::opinion::FindingRating;
use assurance::ControlId;
use authz::cap::{ConductAudits, RespondToAudits, ViewAssurance};
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::UserId;
use store::audit_actions::NewAction;
use store::audit_findings::{FindingKind, NewFinding};
use store::audit_samples::{NewTest, PopulationKind, SampleMethod};
use store::audit_workpapers::{Attachment, NewWorkpaper};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::{FormData, Upload};
use crate::input::parse_date;
use crate::pages::engagement_page::{conflict, show_page, Shown};
use crate::pages::internal_audit::renamed;
use crate::pages::{in_command, path_id, Chrome};
use crate::AppState;

/// The largest workpaper upload body: a 5 MB file and its form.
pub const UPLOAD_LIMIT: usize = 6 * 1024 * 1024;

/// A form whose files are kept as bytes.
#[derive(Debug, Default)]
pub struct Uploaded {
    pub form: FormData,
    pub files: Vec<Upload>,
}

impl<S: Send + Sync> FromRequest<S> for Uploaded {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let boundary = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::form::multipart_boundary);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::invalid("file", "The file must be 5 MB or smaller"))?;
        match boundary {
            Some(boundary) => {
                let (form, files) = crate::form::parse_multipart_uploads(bytes, &boundary).await?;
                Ok(Uploaded { form, files })
            }
            None => Ok(Uploaded {
                form: FormData::parse(&bytes),
                files: Vec::new(),
            }),
        }
    }
}

/// The engagement page a form goes back to, and the part of it to show.
pub struct Return<'a> {
    pub engagement: i64,
    pub anchor: &'a str,
}

/// Goes back to the engagement's page when the work was done, or shows it
/// again with the errors (renamed to the form's field ids by `rename`).
async fn back<T>(
    state: &AppState,
    chrome: Chrome,
    principal: &authz::Principal,
    to: Return<'_>,
    outcome: Result<Result<T, Vec<FieldError>>, AppError>,
    form: FormData,
    rename: impl Fn(&str) -> String,
) -> Result<Response, AppError> {
    let (status, errors) = match outcome {
        Ok(Ok(_)) => return Ok(Redirect::to(&format!("/assurance/audits/{}#{}", to.engagement, to.anchor)).into_response()),
        Ok(Err(errors)) => (None, renamed(errors, rename)),
        Err(AppError::Conflict(_)) => (Some(StatusCode::CONFLICT), conflict(&rename("version"), "record")),
        Err(other) => return Err(other),
    };
    show_page(state, chrome, principal, to.engagement, Shown::again(status, errors, form)).await
}

/// The draw form as the store wants it, or the fields that could not be read.
fn new_test(form: &FormData) -> Result<NewTest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let date = |field: &str, errors: &mut Vec<FieldError>| match form.text(field) {
        text if text.is_empty() => None,
        text => parse_date(&text).or_else(|| {
            errors.push(FieldError::new(field, "Enter a real date, such as 1/4/2026"));
            None
        }),
    };
    let (from, to) = (date("from", &mut errors), date("to", &mut errors));
    let size = form.text("size").parse::<i64>().unwrap_or_else(|_| {
        errors.push(FieldError::new("size", "Enter the sample size as a whole number"));
        0
    });
    let seed = match form.text("seed") {
        text if text.is_empty() => None,
        text => text.parse::<i64>().ok().or_else(|| {
            errors.push(FieldError::new("seed", "Enter the seed as a whole number, or leave it blank"));
            None
        }),
    };
    let kind = form.text("population").parse::<PopulationKind>();
    let method = form.text("method").parse::<SampleMethod>();
    if kind.is_err() {
        errors.push(FieldError::new("population", "Choose the population to sample"));
    }
    if method.is_err() {
        errors.push(FieldError::new("method", "Choose how to draw the sample"));
    }
    match (kind, method) {
        (Ok(kind), Ok(method)) if errors.is_empty() => Ok(NewTest {
            title: form.text("test_title"),
            control_id: form.text("test_control").parse::<ControlId>().ok(),
            kind,
            from,
            to,
            method,
            size,
            seed,
        }),
        _ => Err(errors),
    }
}

/// POST /assurance/audits/{id}/tests: draws and stores a sample.
pub async fn draw(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let outcome = match new_test(&form) {
        Ok(new) => {
            in_command(&state, auth.can.actor(), async |cmd| {
                store::audit_samples::draw_sample(cmd, &auth.can, id, &new).await
            })
            .await
        }
        Err(errors) => Ok(Err(errors)),
    };
    let rename = |field: &str| match field {
        "title" => "test_title".to_owned(),
        "kind" => "population".to_owned(),
        other => other.to_owned(),
    };
    back(
        &state,
        chrome,
        &auth.principal,
        Return {
            engagement: id,
            anchor: "tests",
        },
        outcome,
        form,
        rename,
    )
    .await
}

/// POST /assurance/audit-tests/{id}/conclusion
pub async fn conclude(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let engagement = store::audit_samples::test(&mut conn, id).await?.engagement_id;
    drop(conn);
    let (text, version) = (form.text("conclusion"), form.version());
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::audit_samples::conclude(cmd, &auth.can, id, version, &text).await
    })
    .await;
    let field = format!("conclusion-{id}");
    let anchor = format!("test-{id}");
    let to = Return {
        engagement,
        anchor: &anchor,
    };
    back(&state, chrome, &auth.principal, to, outcome, form, |_| field.clone()).await
}

/// POST /assurance/audits/{id}/workpapers: a workpaper with an optional
/// file of evidence (multipart).
pub async fn add_workpaper(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    upload: Uploaded,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let form = upload.form;
    // A browser sends an empty, nameless file part when none was chosen.
    let file = upload
        .files
        .into_iter()
        .find(|f| f.field == "file" && !(f.file_name.is_empty() && f.bytes.is_empty()))
        .map(|f| Attachment {
            file_name: f.file_name,
            content_type: f.content_type,
            bytes: f.bytes,
        });
    let test_id = form.text("wp_test").parse::<i64>().ok();
    let new = NewWorkpaper {
        title: form.text("wp_title"),
        notes: form.text("wp_notes"),
        test_id,
        file,
    };
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::audit_workpapers::add(cmd, &auth.can, id, &new).await
    })
    .await;
    let rename = |field: &str| match field {
        "title" => "wp_title".to_owned(),
        "test_id" => "wp_test".to_owned(),
        other => other.to_owned(),
    };
    back(
        &state,
        chrome,
        &auth.principal,
        Return {
            engagement: id,
            anchor: "workpapers",
        },
        outcome,
        form,
        rename,
    )
    .await
}

/// GET /assurance/workpapers/{id}/file: the evidence, always as a download
/// (never shown inline, so an uploaded page cannot run as Hearth's).
pub async fn download(
    State(state): State<AppState>,
    _auth: Authorized<ViewAssurance>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let file = store::audit_workpapers::file(&state.store, path_id(&id)?).await?;
    let ascii: String = file
        .file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.bytes,
    )
        .into_response())
}

/// POST /assurance/audits/{id}/findings
pub async fn record_finding(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ConductAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let new = NewFinding {
        kind: form.text("finding_kind").parse().unwrap_or(FindingKind::Finding),
        rating: form.text("rating").parse::<FindingRating>().ok(),
        title: form.text("finding_title"),
        detail: form.text("detail"),
        recommendation: form.text("recommendation"),
        controls: form.all("controls"),
    };
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::audit_findings::record(cmd, &auth.can, id, &new).await
    })
    .await;
    let rename = |field: &str| match field {
        "title" => "finding_title".to_owned(),
        other => other.to_owned(),
    };
    back(
        &state,
        chrome,
        &auth.principal,
        Return {
            engagement: id,
            anchor: "findings",
        },
        outcome,
        form,
        rename,
    )
    .await
}

/// POST /assurance/findings/{id}/response: management's response at the
/// finding's version shown.
pub async fn respond(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RespondToAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let engagement = store::audit_findings::get(&state.store, id).await?.engagement_id;
    let (text, version) = (form.text("response"), form.version());
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::audit_findings::respond(cmd, &auth.can, id, version, &text).await
    })
    .await;
    let field = format!("response-{id}");
    let anchor = format!("finding-{id}");
    let to = Return {
        engagement,
        anchor: &anchor,
    };
    back(&state, chrome, &auth.principal, to, outcome, form, |_| field.clone()).await
}

/// POST /assurance/findings/{id}/actions: agrees an action for a finding.
pub async fn agree_action(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RespondToAudits>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let engagement = store::audit_findings::get(&state.store, id).await?.engagement_id;
    let mut errors = Vec::new();
    let owner = form.text("owner").parse::<i64>().ok().filter(|n| *n > 0).map(UserId::new);
    if owner.is_none() {
        errors.push(FieldError::new("owner", "Choose who owns the action"));
    }
    let target_on = crate::input::required_date("target_on", "the target date", &form.text("target_on"), &mut errors);
    let outcome = match (owner, target_on) {
        (Some(owner), Some(target_on)) => {
            let new = NewAction {
                description: form.text("description"),
                owner,
                target_on,
            };
            in_command(&state, auth.can.actor(), async |cmd| {
                store::audit_actions::create(cmd, &auth.can, id, &new).await
            })
            .await
        }
        _ => Ok(Err(errors)),
    };
    let anchor = format!("finding-{id}");
    let to = Return {
        engagement,
        anchor: &anchor,
    };
    back(&state, chrome, &auth.principal, to, outcome, form, |field| format!("{field}-{id}")).await
}
