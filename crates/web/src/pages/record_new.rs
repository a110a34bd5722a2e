//! Creating a child's record (with a check for possible duplicates first)
//! and editing their identity.

use askama::Template;
use authz::cap::RecordChildren;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use children::identifiers::{parse_nhs_number, parse_upn};
use children::LaChildId;
use store::child_records::{IdentityDetails, IdentityUpdate};
use store::children::{ChildSummary, NewChild};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::{required_code, required_date};
use crate::pages::record::{parse_child_id, sentence, Choice};
use crate::pages::{render, Chrome};
use crate::AppState;

/// What the form (or an API call) holds, as typed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub(crate) la_child_id: String,
    pub(crate) given_names: String,
    pub(crate) family_name: String,
    pub(crate) date_of_birth: String,
    pub(crate) sex: String,
    pub(crate) gender_identity: String,
    pub(crate) ethnicity: String,
    pub(crate) upn: String,
    pub(crate) nhs_number: String,
    pub(crate) birth_day_unknown: bool,
    pub(crate) uasc: bool,
    pub(crate) uasc_ceased: String,
    pub(crate) disabilities: Vec<String>,
    pub(crate) version: i64,
}

impl Fields {
    fn read(form: &FormData) -> Fields {
        Fields {
            la_child_id: form.text("la_child_id"),
            given_names: form.text("given_names"),
            family_name: form.text("family_name"),
            date_of_birth: form.text("date_of_birth"),
            sex: form.text("sex"),
            gender_identity: form.text("gender_identity"),
            ethnicity: form.text("ethnicity"),
            upn: form.text("upn"),
            nhs_number: form.text("nhs_number"),
            birth_day_unknown: form.has("birth_day_unknown"),
            uasc: form.has("uasc"),
            uasc_ceased: form.text("uasc_ceased"),
            disabilities: form.all("disabilities"),
            version: form.text("version").parse().unwrap_or(0),
        }
    }
}

#[derive(Template)]
#[template(path = "children/new.html")]
struct ChildForm {
    chrome: Chrome,
    editing: Option<i64>,
    errors: Vec<FieldError>,
    fields: Fields,
    duplicates: Vec<ChildSummary>,
    sexes: Vec<Choice>,
    genders: Vec<Choice>,
    ethnicities: Vec<Choice>,
    disabilities: Vec<Choice>,
}

impl ChildForm {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    fn has_disability(&self, code: &str) -> bool {
        self.fields.disabilities.iter().any(|d| d == code)
    }
}

fn choices(state: &AppState, set: &str) -> Vec<Choice> {
    state
        .codes
        .current(set, state.clock.today())
        .into_iter()
        .map(|c| Choice {
            code: c.code.clone(),
            label: c.label.clone(),
        })
        .collect()
}

fn form(
    state: &AppState,
    chrome: Chrome,
    editing: Option<i64>,
    fields: Fields,
    errors: Vec<FieldError>,
    duplicates: Vec<ChildSummary>,
) -> ChildForm {
    ChildForm {
        chrome,
        editing,
        errors,
        fields,
        duplicates,
        sexes: choices(state, "sex"),
        genders: choices(state, "gender-identity"),
        ethnicities: choices(state, "ethnicity"),
        disabilities: choices(state, "disability"),
    }
}

pub async fn new_form(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<RecordChildren>) -> Result<Response, AppError> {
    let fields = Fields {
        gender_identity: "not-recorded".into(),
        ..Fields::default()
    };
    Ok(render(&form(&state, chrome, None, fields, Vec::new(), Vec::new()))?.into_response())
}

/// Checks the identity fields; the date is the one codes are checked for.
pub(crate) fn check(state: &AppState, fields: &Fields, errors: &mut Vec<FieldError>) -> Option<(time::Date, IdentityDetails)> {
    if fields.given_names.is_empty() {
        errors.push(FieldError::new("given_names", "Enter the child's first names"));
    }
    if fields.family_name.is_empty() {
        errors.push(FieldError::new("family_name", "Enter the child's last name"));
    }
    let today = state.clock.today();
    let mut dob = required_date("date_of_birth", "the date of birth", &fields.date_of_birth, errors);
    if dob.is_some_and(|d| d > today) {
        errors.push(FieldError::new("date_of_birth", "The date of birth must be today or in the past"));
    }
    if fields.birth_day_unknown {
        // The DfE convention for an unknown day of birth is the 15th.
        dob = dob.and_then(|d| d.replace_day(15).ok());
    }
    required_code(&state.codes, "sex", "sex", "the child's sex", &fields.sex, today, errors);
    required_code(
        &state.codes,
        "ethnicity",
        "ethnicity",
        "the child's ethnicity",
        &fields.ethnicity,
        today,
        errors,
    );
    required_code(
        &state.codes,
        "gender-identity",
        "gender_identity",
        "the child's gender identity",
        &fields.gender_identity,
        today,
        errors,
    );
    for code in &fields.disabilities {
        required_code(&state.codes, "disability", "disabilities", "a disability", code, today, errors);
    }
    let upn = match fields.upn.as_str() {
        "" => None,
        text => parse_upn(text)
            .map_err(|e| errors.push(FieldError::new("upn", sentence(&e.to_string()))))
            .ok(),
    };
    let nhs_number = match fields.nhs_number.as_str() {
        "" => None,
        text => parse_nhs_number(text)
            .map_err(|e| errors.push(FieldError::new("nhs_number", sentence(&e.to_string()))))
            .ok(),
    };
    let uasc_ceased = match fields.uasc_ceased.trim() {
        "" => None,
        text => crate::input::required_date("uasc_ceased", "the date UASC status ended", text, errors),
    };
    if uasc_ceased.is_some() && !fields.uasc {
        errors.push(FieldError::new(
            "uasc_ceased",
            "Only an unaccompanied asylum-seeking child has a date that status ended",
        ));
    }
    let details = IdentityDetails {
        upn,
        nhs_number,
        gender_identity: fields.gender_identity.clone(),
        birth_day_unknown: fields.birth_day_unknown,
        uasc: fields.uasc,
        uasc_ceased,
        disabilities: fields.disabilities.clone(),
    };
    dob.filter(|_| errors.is_empty()).map(|d| (d, details))
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    form_data: FormData,
) -> Result<Response, AppError> {
    let fields = Fields::read(&form_data);
    let mut errors = Vec::new();
    let la_child_id = LaChildId::parse(&fields.la_child_id)
        .map_err(|e| errors.push(FieldError::new("la_child_id", sentence(&e.to_string()))))
        .ok();
    let checked = check(&state, &fields, &mut errors);
    let (Some(la_child_id), Some((dob, details))) = (la_child_id, checked) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form(&state, chrome, None, fields, errors, Vec::new()))?,
        )
            .into_response());
    };
    if !form_data.has("confirm_new") {
        let duplicates =
            store::child_records::possible_duplicates(&state.store, &fields.given_names, &fields.family_name, dob, &details).await?;
        if !duplicates.is_empty() {
            return Ok(render(&form(&state, chrome, None, fields, Vec::new(), duplicates))?.into_response());
        }
    }
    let new = NewChild {
        la_child_id: la_child_id.as_str().to_owned(),
        given_names: fields.given_names.clone(),
        family_name: fields.family_name.clone(),
        date_of_birth: dob,
        sex: fields.sex.clone(),
        ethnicity: fields.ethnicity.clone(),
        team_id: auth.principal.teams.first().copied(),
        allocated_worker_id: None,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::child_records::create(&mut cmd, &auth.can, &new, &details).await {
        Ok(id) => {
            cmd.commit().await?;
            Ok(Redirect::to(&format!("/children/{id}")).into_response())
        }
        Err(store::StoreError::Duplicate { field, message }) => {
            let errors = vec![FieldError::new(field, sentence(&message))];
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&form(&state, chrome, None, fields, errors, Vec::new()))?,
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    if !store::restrictions::may_see(&state.store, &auth.principal, id, state.clock.now()).await? {
        return Err(AppError::Forbidden);
    }
    let record = store::child_records::find_record(&state.store, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = Fields {
        la_child_id: record.summary.la_child_id.clone(),
        given_names: record.summary.given_names.clone(),
        family_name: record.summary.family_name.clone(),
        date_of_birth: kernel::dates::format_iso_date(record.summary.date_of_birth),
        sex: record.summary.sex.clone(),
        gender_identity: record.details.gender_identity.clone(),
        ethnicity: record.summary.ethnicity.clone(),
        upn: record.details.upn.clone().unwrap_or_default(),
        nhs_number: record.details.nhs_number.clone().unwrap_or_default(),
        birth_day_unknown: record.details.birth_day_unknown,
        uasc: record.details.uasc,
        uasc_ceased: record.details.uasc_ceased.map(kernel::dates::format_iso_date).unwrap_or_default(),
        disabilities: record.details.disabilities.clone(),
        version: record.summary.version,
    };
    Ok(render(&form(&state, chrome, Some(id.get()), fields, Vec::new(), Vec::new()))?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form_data: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    if !store::restrictions::may_see(&state.store, &auth.principal, id, state.clock.now()).await? {
        return Err(AppError::Forbidden);
    }
    let mut fields = Fields::read(&form_data);
    let existing = store::children::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    fields.la_child_id = existing.la_child_id;
    let mut errors = Vec::new();
    let Some((dob, details)) = check(&state, &fields, &mut errors) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form(&state, chrome, Some(id.get()), fields, errors, Vec::new()))?,
        )
            .into_response());
    };
    let update = IdentityUpdate {
        given_names: fields.given_names.clone(),
        family_name: fields.family_name.clone(),
        date_of_birth: dob,
        sex: fields.sex.clone(),
        ethnicity: fields.ethnicity.clone(),
        details,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::child_records::update_identity(&mut cmd, &auth.can, id, fields.version, &update).await {
        Ok(()) => {
            cmd.commit().await?;
            Ok(Redirect::to(&format!("/children/{id}")).into_response())
        }
        Err(conflict @ store::StoreError::Conflict { .. }) => {
            let errors = vec![FieldError::new("given_names", sentence(&conflict.to_string()))];
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&form(&state, chrome, Some(id.get()), fields, errors, Vec::new()))?,
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}
