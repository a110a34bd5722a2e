//! The placement request form: a social worker drafts a request (or a
//! variation of an approved one, or records an emergency placement made
//! out of hours) and edits it while it is a draft or the panel has asked
//! for more information. The same parser serves create and edit.

use askama::Template;
use authz::cap::RecordChildren;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gateway::details::{Details, EducationContinuity, Element, ElementKind, LocationPreference, Urgency, VariationKind};
use kernel::Money;
use placements::PlacementCategory;
use serde::Deserialize;
use store::requests::{NewRequest, Variation};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::parse_date;
use crate::pages::record::{parse_child_id, sentence};
use crate::pages::{render, Chrome};
use crate::AppState;

/// Package element rows the form offers.
pub const ELEMENT_ROWS: usize = 6;

#[derive(Template)]
#[template(path = "requests/form.html")]
struct RequestForm {
    chrome: Chrome,
    heading: String,
    action: String,
    back: String,
    la_child_id: String,
    errors: Vec<FieldError>,
    form: FormData,
    rows: Vec<usize>,
    version: i64,
    editing: bool,
    providers: Vec<(String, String)>,
}

fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

impl RequestForm {
    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        options(&PlacementCategory::ALL, PlacementCategory::code, PlacementCategory::label)
    }
    fn urgencies(&self) -> Vec<(&'static str, &'static str)> {
        options(Urgency::ALL, Urgency::code, Urgency::label)
    }
    fn locations(&self) -> Vec<(&'static str, &'static str)> {
        options(LocationPreference::ALL, LocationPreference::code, LocationPreference::label)
    }
    fn educations(&self) -> Vec<(&'static str, &'static str)> {
        options(EducationContinuity::ALL, EducationContinuity::code, EducationContinuity::label)
    }
    fn element_kinds(&self) -> Vec<(&'static str, &'static str)> {
        options(ElementKind::ALL, ElementKind::code, ElementKind::label)
    }
    fn variation_kinds(&self) -> Vec<(&'static str, &'static str)> {
        options(VariationKind::ALL, VariationKind::code, VariationKind::label)
    }
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }
}

/// What the form says, or every field at fault.
pub struct Parsed {
    pub details: Details,
    pub emergency_placed_on: Option<time::Date>,
    pub variation: Option<Variation>,
}

fn choice<T: std::str::FromStr>(form: &FormData, field: &str, message: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    let parsed = form.text(field).parse().ok();
    if parsed.is_none() {
        errors.push(FieldError::new(field, message));
    }
    parsed
}

fn optional_date(form: &FormData, field: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<time::Date> {
    let text = form.text(field);
    if text.is_empty() {
        return None;
    }
    let date = parse_date(&text);
    if date.is_none() {
        errors.push(FieldError::new(
            field,
            format!("Enter {label} as a real date, for example 20/11/2026"),
        ));
    }
    date
}

fn elements(form: &FormData, errors: &mut Vec<FieldError>) -> Vec<Element> {
    let mut elements = Vec::new();
    for row in 0..ELEMENT_ROWS {
        let (kind, cost, note) = (
            form.nth("element_kind", &row),
            form.nth("element_cost", &row),
            form.nth("element_note", &row),
        );
        if kind.is_empty() && cost.is_empty() {
            continue;
        }
        let field = "elements";
        let Ok(kind) = kind.parse::<ElementKind>() else {
            errors.push(FieldError::new(field, format!("Choose what package element {} is", row + 1)));
            continue;
        };
        match Money::parse(&cost) {
            Ok(weekly) => elements.push(Element { kind, weekly, note }),
            Err(e) => errors.push(FieldError::new(
                field,
                sentence(&format!("package element {} weekly cost: {e}", row + 1)),
            )),
        }
    }
    elements
}

/// Reads the form into a request's content, checking every field.
pub fn parse(form: &FormData) -> Result<Parsed, Vec<FieldError>> {
    let mut errors = Vec::new();
    let urgency = choice::<Urgency>(form, "urgency", "Say how urgently the placement is needed", &mut errors);
    let category = choice::<PlacementCategory>(form, "category", "Select the main type of placement", &mut errors);
    let location = choice::<LocationPreference>(form, "location", "Select the location preference", &mut errors);
    let education = choice::<EducationContinuity>(form, "education", "Select what should happen to education", &mut errors);
    let suitable = form.all("suitable").iter().filter_map(|c| c.parse().ok()).collect();
    let siblings_together = match form.text("siblings_together").as_str() {
        "" => 0,
        text => text.parse::<u8>().unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "siblings_together",
                "Enter the number of siblings as a whole number, such as 0 or 2",
            ));
            0
        }),
    };
    let elements = elements(form, &mut errors);
    let regulator_notified_on = optional_date(form, "regulator_notified_on", "when the regulator was notified", &mut errors);
    let emergency_placed_on = optional_date(form, "emergency_placed_on", "the date of the emergency placement", &mut errors);
    let variation = match form.text("variation_of").as_str() {
        "" => None,
        text => match (text.parse::<i64>(), form.text("variation_kind").parse::<VariationKind>()) {
            (Ok(of), Ok(kind)) => Some(Variation { of, kind }),
            _ => {
                errors.push(FieldError::new("variation_kind", "Choose what kind of variation this is"));
                None
            }
        },
    };
    let provider = match form.text("provider").as_str() {
        "" => None,
        text => match text.parse::<kernel::ProviderId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new("provider", "Choose the proposed provider from the list"));
                None
            }
        },
    };
    let optional = |name: &str| Some(form.text(name)).filter(|t| !t.is_empty());
    let (Some(urgency), Some(category), Some(location), Some(education)) = (urgency, category, location, education) else {
        return Err(errors);
    };
    let details = Details {
        urgency,
        category,
        suitable,
        siblings_together,
        location,
        education,
        needs: form.text("needs"),
        risks: form.text("risks"),
        elements,
        justification: form.text("justification"),
        out_of_area: form.has("out_of_area"),
        at_distance: form.has("at_distance"),
        unregistered: form.has("unregistered"),
        dol_order: optional("dol_order"),
        regulator_notified_on,
        override_reasons: optional("override_reasons"),
        provider,
    };
    errors.extend(
        gateway::details::validate(&details)
            .into_iter()
            .map(|(f, m)| FieldError::new(f, sentence(&m))),
    );
    if errors.is_empty() {
        Ok(Parsed {
            details,
            emergency_placed_on,
            variation,
        })
    } else {
        Err(errors)
    }
}

/// The form's fields filled from stored content.
fn values(details: &Details) -> FormData {
    FormData::from_pairs(value_pairs(details))
}

fn value_pairs(details: &Details) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = vec![
        ("urgency".into(), details.urgency.code().into()),
        ("category".into(), details.category.code().into()),
        ("siblings_together".into(), details.siblings_together.to_string()),
        ("location".into(), details.location.code().into()),
        ("education".into(), details.education.code().into()),
        ("needs".into(), details.needs.clone()),
        ("risks".into(), details.risks.clone()),
        ("justification".into(), details.justification.clone()),
        ("dol_order".into(), details.dol_order.clone().unwrap_or_default()),
        ("override_reasons".into(), details.override_reasons.clone().unwrap_or_default()),
        ("provider".into(), details.provider.map(|p| p.to_string()).unwrap_or_default()),
        (
            "regulator_notified_on".into(),
            details.regulator_notified_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
    ];
    pairs.extend(details.suitable.iter().map(|c| ("suitable".to_owned(), c.code().to_owned())));
    for (flag, on) in [
        ("out_of_area", details.out_of_area),
        ("at_distance", details.at_distance),
        ("unregistered", details.unregistered),
    ] {
        if on {
            pairs.push((flag.into(), "1".into()));
        }
    }
    for element in &details.elements {
        pairs.push(("element_kind".into(), element.kind.code().into()));
        pairs.push((
            "element_cost".into(),
            element.weekly.to_string().trim_start_matches('£').replace(',', ""),
        ));
        pairs.push(("element_note".into(), element.note.clone()));
    }
    pairs
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    variation_of: Option<i64>,
}

/// Providers a request may name, each marked when a new placement there
/// would need the exception for an unaccredited provider.
async fn provider_choices(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    let today = state.clock.today();
    Ok(crate::pages::providers::register_lines(state, today)
        .await?
        .into_iter()
        .map(|line| {
            let note = if crate::pages::providers::allows(&line.status) || !line.provider_type.is_external() {
                String::new()
            } else {
                format!(" ({}: needs an exception)", line.status.label().to_lowercase())
            };
            (line.id.to_string(), format!("{}{note}", line.name))
        })
        .collect())
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    heading: String,
    action: String,
    back: String,
    la_child_id: String,
    form: FormData,
) -> Result<RequestForm, AppError> {
    Ok(RequestForm {
        providers: provider_choices(state).await?,
        chrome,
        heading,
        action,
        back,
        la_child_id,
        errors: Vec::new(),
        form,
        rows: (0..ELEMENT_ROWS).collect(),
        version: 0,
        editing: false,
    })
}

/// GET /children/{id}/requests/new, optionally varying an approved request.
pub async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    Query(params): Query<NewParams>,
) -> Result<Html<String>, AppError> {
    let child_id = parse_child_id(&id)?;
    let child = store::children::find(&state.store, child_id).await?.ok_or(AppError::NotFound)?;
    let (heading, form) = match params.variation_of {
        Some(of) => {
            let original = store::requests::find(&state.store, of).await?.ok_or(AppError::NotFound)?;
            let mut pairs = vec![("variation_of".to_owned(), of.to_string())];
            pairs.extend(value_pairs(&original.details));
            (format!("Vary placement request {of}"), FormData::from_pairs(pairs))
        }
        None => (
            "Request a placement".to_owned(),
            FormData::from_pairs(vec![("urgency".into(), "planned".into())]),
        ),
    };
    render(
        &page(
            &state,
            chrome,
            heading,
            format!("/children/{child_id}/requests"),
            format!("/children/{child_id}"),
            child.la_child_id,
            form,
        )
        .await?,
    )
}

/// POST /children/{id}/requests: saves a draft.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let child_id = parse_child_id(&id)?;
    let child = store::children::find(&state.store, child_id).await?.ok_or(AppError::NotFound)?;
    let outcome = match parse(&form) {
        Ok(parsed) => {
            let new = NewRequest {
                child: child_id,
                details: parsed.details,
                emergency_placed_on: parsed.emergency_placed_on,
                variation: parsed.variation,
            };
            let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
            match store::requests::create_draft(&mut cmd, &auth.can, &new).await {
                Ok(id) => {
                    cmd.commit().await?;
                    return Ok(Redirect::to(&format!("/requests/{id}")).into_response());
                }
                Err(error) => store_errors(error)?,
            }
        }
        Err(errors) => errors,
    };
    let mut view = page(
        &state,
        chrome,
        "Request a placement".to_owned(),
        format!("/children/{child_id}/requests"),
        format!("/children/{child_id}"),
        child.la_child_id,
        form,
    )
    .await?;
    view.errors = outcome;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
}

/// Field problems from the store become form errors; anything else fails.
fn store_errors(error: store::StoreError) -> Result<Vec<FieldError>, AppError> {
    match AppError::from(error) {
        AppError::Invalid(fields) => Ok(fields),
        other => Err(other),
    }
}

/// GET /requests/{id}/edit
pub async fn edit_form(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let mut view = page(
        &state,
        chrome,
        format!("Change placement request {id}"),
        format!("/requests/{id}/edit"),
        format!("/requests/{id}"),
        request.la_child_id.clone(),
        values(&request.details),
    )
    .await?;
    view.version = request.version;
    view.editing = true;
    render(&view)
}

/// POST /requests/{id}/edit
pub async fn update(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let version: i64 = form
        .text("version")
        .parse()
        .map_err(|_| AppError::invalid("version", "The form is missing its version; reload the page"))?;
    let errors = match parse(&form) {
        Ok(parsed) => {
            let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
            match store::requests::update_details(&mut cmd, &auth.can, id, version, &parsed.details).await {
                Ok(_) => {
                    cmd.commit().await?;
                    return Ok(Redirect::to(&format!("/requests/{id}")).into_response());
                }
                Err(error) => store_errors(error)?,
            }
        }
        Err(errors) => errors,
    };
    let mut view = page(
        &state,
        chrome,
        format!("Change placement request {id}"),
        format!("/requests/{id}/edit"),
        format!("/requests/{id}"),
        request.la_child_id,
        form,
    )
    .await?;
    view.version = version;
    view.editing = true;
    view.errors = errors;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
}
