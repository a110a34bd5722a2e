//! A provider's settings: adding one, its page with the registration
//! history and vacancies, changing it (a change of registration status
//! adds to the history, with a note), recording vacancies by hand, and
//! importing a provider's vacancy return as CSV, all or nothing.

use askama::Template;
use authz::cap::{Commission, ViewProviders};
use authz::Permission;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::{ProviderId, SettingId};
use providers::register::{self, Grade, Need, RegistrationStatus, Regulator, Setting, SettingType};
use store::providers::{NewVacancy, ProviderDetails, StoredSetting};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::{parse_date, required_date};
use crate::pages::{in_command, render, Chrome};
use crate::AppState;

/// The choices a setting form offers.
pub struct Choices {
    pub setting_types: Vec<(&'static str, &'static str)>,
    pub regulators: Vec<(&'static str, &'static str)>,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub grades: Vec<(&'static str, &'static str)>,
    pub needs: Vec<(&'static str, &'static str)>,
}

impl Choices {
    fn all() -> Choices {
        Choices {
            setting_types: SettingType::choices(),
            regulators: Regulator::choices(),
            statuses: RegistrationStatus::choices(),
            grades: Grade::choices(),
            needs: Need::choices(),
        }
    }
}

/// Reads a whole number field, naming it when it is not one.
fn number<T: std::str::FromStr>(form: &FormData, field: &'static str, message: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    let parsed = form.text(field).parse::<T>().ok();
    if parsed.is_none() {
        errors.push(FieldError::new(field, message));
    }
    parsed
}

/// Reads a coded choice, naming the field when nothing valid was chosen.
fn choice<T: std::str::FromStr>(form: &FormData, field: &'static str, message: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    number(form, field, message, errors)
}

/// A setting from the form; the domain's own checks run in the store.
pub fn setting_from(form: &FormData, errors: &mut Vec<FieldError>) -> Option<Setting> {
    let setting_type = choice::<SettingType>(form, "setting_type", "Choose the type of setting", errors);
    let regulator = choice::<Regulator>(form, "regulator", "Choose the regulator", errors);
    let registration_status = choice::<RegistrationStatus>(form, "registration_status", "Choose the registration status", errors);
    let grade = choice::<Grade>(form, "grade", "Choose the latest inspection grade", errors);
    let inspected = form.text("inspected_on");
    let inspected_on = match inspected.as_str() {
        "" => None,
        text => {
            let parsed = parse_date(text);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "inspected_on",
                    "Enter the inspection date as a real date, for example 27/3/2026",
                ));
            }
            parsed
        }
    };
    let capacity = number::<u32>(form, "capacity", "Enter the number of children the setting can care for", errors);
    let age_min = number::<u8>(form, "age_min", "Enter the youngest age, in whole years", errors);
    let age_max = number::<u8>(form, "age_max", "Enter the oldest age, in whole years", errors);
    let needs = register::parse_needs(&form.all("needs").join(" "))
        .map_err(|_| errors.push(FieldError::new("needs", "Choose the needs from the list")))
        .ok();
    let number_text = form.text("registration_number").to_uppercase();
    Some(Setting {
        name: form.text("name"),
        setting_type: setting_type?,
        regulator: regulator?,
        registration_number: Some(number_text).filter(|n| !n.is_empty()),
        registration_status: registration_status?,
        grade: grade?,
        inspected_on,
        capacity: capacity?,
        age_min: age_min?,
        age_max: age_max?,
        needs: needs?,
        postcode: form.text("postcode"),
        local_authority: form.text("local_authority"),
    })
    .filter(|_| errors.is_empty())
}

/// The form's fields filled from a stored setting, for the edit page.
fn form_of(stored: &StoredSetting) -> FormData {
    let s = &stored.setting;
    let mut pairs = vec![
        ("version".to_owned(), stored.version.to_string()),
        ("name".to_owned(), s.name.clone()),
        ("setting_type".to_owned(), s.setting_type.code().to_owned()),
        ("regulator".to_owned(), s.regulator.code().to_owned()),
        ("registration_number".to_owned(), s.registration_number.clone().unwrap_or_default()),
        ("registration_status".to_owned(), s.registration_status.code().to_owned()),
        ("grade".to_owned(), s.grade.code().to_owned()),
        (
            "inspected_on".to_owned(),
            s.inspected_on.map(kernel::dates::format_iso_date).unwrap_or_default(),
        ),
        ("capacity".to_owned(), s.capacity.to_string()),
        ("age_min".to_owned(), s.age_min.to_string()),
        ("age_max".to_owned(), s.age_max.to_string()),
        ("postcode".to_owned(), s.postcode.clone()),
        ("local_authority".to_owned(), s.local_authority.clone()),
    ];
    pairs.extend(s.needs.iter().map(|n| ("needs".to_owned(), n.code().to_owned())));
    FormData::from_pairs(pairs)
}

#[derive(Template)]
#[template(path = "settings/form.html")]
struct FormPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    provider: ProviderDetails,
    /// The setting being changed, or none when adding one.
    setting: Option<StoredSetting>,
    choices: Choices,
    today: String,
    form: FormData,
}

async fn form_page(
    state: &AppState,
    chrome: Chrome,
    provider: ProviderId,
    setting: Option<StoredSetting>,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let page = FormPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        provider: store::providers::details(&mut conn, provider).await?,
        setting,
        choices: Choices::all(),
        today: kernel::dates::format_iso_date(state.clock.today()),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

fn provider_id(text: &str) -> Result<ProviderId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

fn setting_id(text: &str) -> Result<SettingId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// GET /providers/{id}/settings/new
pub async fn new(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<Commission>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    form_page(&state, chrome, provider_id(&id)?, None, Vec::new(), FormData::default()).await
}

/// POST /providers/{id}/settings: adds a setting.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let provider = provider_id(&id)?;
    let mut errors = Vec::new();
    let Some(setting) = setting_from(&form, &mut errors) else {
        return form_page(&state, chrome, provider, None, errors, form).await;
    };
    let today = state.clock.today();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::providers::add_setting(cmd, &auth.can, provider, &setting, today).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/settings/{id}")).into_response()),
        Err(errors) => form_page(&state, chrome, provider, None, errors, form).await,
    }
}

async fn load(state: &AppState, id: SettingId) -> Result<StoredSetting, AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let provider = store::providers::setting(&mut conn, id).await?.provider_id;
    store::providers::settings(&mut conn, Some(provider))
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)
}

/// GET /settings/{id}/edit
pub async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<Commission>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let stored = load(&state, setting_id(&id)?).await?;
    let form = form_of(&stored);
    form_page(&state, chrome, stored.provider_id, Some(stored), Vec::new(), form).await
}

/// POST /settings/{id}: changes a setting from the version read.
pub async fn update(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let stored = load(&state, setting_id(&id)?).await?;
    let mut errors = Vec::new();
    let version = number::<i64>(&form, "version", "The form is out of date; open the setting again", &mut errors);
    let (Some(setting), Some(version)) = (setting_from(&form, &mut errors), version) else {
        return form_page(&state, chrome, stored.provider_id, Some(stored), errors, form).await;
    };
    let (note, today) = (form.text("note"), state.clock.today());
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::providers::update_setting(cmd, &auth.can, stored.id, version, &setting, &note, today).await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/settings/{}", stored.id)).into_response()),
        Err(errors) => form_page(&state, chrome, stored.provider_id, Some(stored), errors, form).await,
    }
}

#[derive(Template)]
#[template(path = "settings/show.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    provider: ProviderDetails,
    stored: StoredSetting,
    may_commission: bool,
    today: String,
    form: FormData,
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    id: SettingId,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let stored = load(state, id).await?;
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let page = ShowPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        provider: store::providers::details(&mut conn, stored.provider_id).await?,
        stored,
        may_commission,
        today: kernel::dates::format_iso_date(state.clock.today()),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /settings/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may = auth.principal.holds(Permission::Commission);
    show_page(&state, chrome, may, setting_id(&id)?, Vec::new(), FormData::default()).await
}

/// POST /settings/{id}/vacancies: records the places free on a date.
pub async fn record_vacancy(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = setting_id(&id)?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let recorded_on = required_date(
        "recorded_on",
        "the date the provider gave the figure",
        &form.text("recorded_on"),
        &mut errors,
    );
    if recorded_on.is_some_and(|on| on > today) {
        errors.push(FieldError::new("recorded_on", "The date cannot be in the future"));
    }
    let places = form.text("places").parse::<u32>().ok().filter(|p| *p <= 500);
    if places.is_none() {
        errors.push(FieldError::new("places", "Enter the number of places free, from 0 to 500"));
    }
    let (Some(recorded_on), Some(places), true) = (recorded_on, places, errors.is_empty()) else {
        return show_page(&state, chrome, true, id, errors, form).await;
    };
    let vacancy = NewVacancy {
        setting: id,
        recorded_on,
        places,
        note: form.text("note"),
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::providers::record_vacancies(cmd, &auth.can, std::slice::from_ref(&vacancy), "entered").await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/settings/{id}#vacancies")).into_response()),
        Err(errors) => show_page(&state, chrome, true, id, errors, form).await,
    }
}

/// Reads a vacancy return against the register; every problem names its
/// line and column, and a file with any problem records nothing.
pub async fn read_vacancy_file(state: &AppState, text: &str) -> Result<Result<Vec<NewVacancy>, Vec<FieldError>>, AppError> {
    let numbers = store::providers::registration_numbers(&state.store).await?;
    let read = providers::vacancies::read_vacancies(text, |n| numbers.contains_key(n), state.clock.today());
    Ok(match read {
        Ok(lines) => Ok(lines
            .into_iter()
            .filter_map(|l| {
                numbers.get(&l.registration_number).map(|&setting| NewVacancy {
                    setting,
                    recorded_on: l.recorded_on,
                    places: l.places,
                    note: l.note,
                })
            })
            .collect()),
        Err(problems) => Err(feed_errors("file", &problems)),
    })
}

/// A file's problems as errors on the form's file field.
pub fn feed_errors(field: &str, problems: &[providers::exchange::FeedError]) -> Vec<FieldError> {
    problems.iter().map(|p| FieldError::new(field, p.to_string())).collect()
}
