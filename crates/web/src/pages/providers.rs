//! The provider register: every organisation with its accreditation status
//! today (filter, search, CSV), a provider's page with its settings,
//! checklist and reviews, and the forms a commissioning officer uses to add
//! a provider and record an accreditation review.

use std::collections::HashMap;

use askama::Template;
use authz::cap::{Commission, ViewProviders};
use authz::Permission;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::ProviderId;
use providers::accreditation::{self, Review, Status};
use providers::register::{LegalForm, Organisation};
use providers::ProviderType;
use serde::{Deserialize, Serialize};
use store::accreditation::{Expiring, StoredItem, StoredReview};
use store::providers::{ProviderDetails, StoredSetting};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{in_command, render, Chrome};
use crate::AppState;

/// One line of the register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterLine {
    pub id: ProviderId,
    pub name: String,
    pub provider_type: ProviderType,
    pub for_profit: bool,
    pub status: Status,
    pub settings: usize,
    pub capacity: u32,
    pub vacancies: u32,
}

/// The register on `today`, by name.
pub async fn register_lines(state: &AppState, today: Date) -> Result<Vec<RegisterLine>, AppError> {
    let details = store::providers::all_details(&state.store).await?;
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let statuses = store::accreditation::statuses(&mut conn, today).await?;
    let settings = store::providers::settings(&mut conn, None).await?;
    let mut by_provider: HashMap<ProviderId, Vec<&StoredSetting>> = HashMap::new();
    for s in &settings {
        by_provider.entry(s.provider_id).or_default().push(s);
    }
    Ok(details
        .into_iter()
        .map(|d| {
            let mine = by_provider.remove(&d.id).unwrap_or_default();
            RegisterLine {
                status: statuses.get(&d.id).copied().unwrap_or(Status::NotAccredited),
                settings: mine.len(),
                capacity: mine.iter().map(|s| s.setting.capacity).sum(),
                vacancies: mine.iter().filter_map(|s| s.vacancy.map(|(_, places)| places)).sum(),
                id: d.id,
                name: d.organisation.legal_name,
                provider_type: d.organisation.provider_type,
                for_profit: d.organisation.for_profit,
            }
        })
        .collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    q: Option<String>,
    status: Option<String>,
    provider_type: Option<String>,
}

impl Filter {
    fn keeps(&self, line: &RegisterLine) -> bool {
        let words = self.q.as_deref().unwrap_or_default().to_lowercase();
        let name = line.name.to_lowercase();
        words.split_whitespace().all(|w| name.contains(w))
            && self.status.as_deref().is_none_or(|s| s.is_empty() || s == line.status.code())
            && self
                .provider_type
                .as_deref()
                .is_none_or(|t| t.is_empty() || t == line.provider_type.code())
    }

    pub fn q(&self) -> &str {
        self.q.as_deref().unwrap_or_default()
    }

    pub fn is_status(&self, code: &&str) -> bool {
        self.status.as_deref() == Some(*code)
    }

    pub fn is_type(&self, code: &&str) -> bool {
        self.provider_type.as_deref() == Some(*code)
    }
}

#[derive(Template)]
#[template(path = "providers/register.html")]
struct RegisterPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    lines: Vec<RegisterLine>,
    total: usize,
    filter: Filter,
    statuses: Vec<(&'static str, &'static str)>,
    types: Vec<(&'static str, &'static str)>,
    legal_forms: Vec<(&'static str, &'static str)>,
    reminders: Vec<Expiring>,
    may_commission: bool,
    form: FormData,
}

async fn register_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    filter: Filter,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let all = register_lines(state, today).await?;
    let total = all.len();
    let page = RegisterPage {
        may_commission,
        chrome,
        lines: all.into_iter().filter(|l| filter.keeps(l)).collect(),
        total,
        filter,
        statuses: Status::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        types: ProviderType::ALL[1..].iter().map(|t| (t.code(), t.label())).collect(),
        legal_forms: LegalForm::choices(),
        reminders: store::accreditation::expiring(&state.store, today, 30).await?,
        status: crate::pages::form_status(&errors),
        errors,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /providers
pub async fn register(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let may = auth.principal.holds(Permission::Commission);
    register_page(&state, chrome, may, filter, Vec::new(), FormData::default()).await
}

/// GET /providers/export?format=csv|xlsx: the register as filtered.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewProviders>,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    let mut table = Table::default();
    table.row([
        "provider_id",
        "legal_name",
        "provider_type",
        "for_profit",
        "accreditation",
        "settings",
        "capacity",
        "vacancies",
    ]);
    for l in register_lines(&state, state.clock.today())
        .await?
        .iter()
        .filter(|l| filter.keeps(l))
    {
        table.row([
            l.id.to_string(),
            l.name.clone(),
            l.provider_type.code().to_owned(),
            if l.for_profit { "yes" } else { "no" }.to_owned(),
            l.status.code().to_owned(),
            l.settings.to_string(),
            l.capacity.to_string(),
            l.vacancies.to_string(),
        ]);
    }
    table.into_download("provider-register", format)
}

fn organisation_from(form: &FormData, errors: &mut Vec<FieldError>) -> Option<Organisation> {
    let optional = |name: &str| Some(form.text(name).trim().to_owned()).filter(|t| !t.is_empty());
    let provider_type = form.text("provider_type").parse::<ProviderType>();
    if provider_type.is_err() {
        errors.push(FieldError::new("provider_type", "Choose the type of provider"));
    }
    let legal_form = form.text("legal_form").parse::<LegalForm>();
    if legal_form.is_err() {
        errors.push(FieldError::new("legal_form", "Choose the legal form"));
    }
    Some(Organisation {
        legal_name: form.text("legal_name").trim().to_owned(),
        companies_house_number: optional("companies_house_number").map(|n| n.to_uppercase()),
        charity_number: optional("charity_number"),
        provider_type: provider_type.ok()?,
        for_profit: form.text("for_profit") == "yes",
        legal_form: legal_form.ok()?,
    })
}

/// POST /providers: adds an organisation to the register.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let Some(org) = organisation_from(&form, &mut errors) else {
        return register_page(&state, chrome, true, Filter::default(), errors, form).await;
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::providers::create(cmd, &auth.can, &org).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/providers/{id}")).into_response()),
        Err(errors) => register_page(&state, chrome, true, Filter::default(), errors, form).await,
    }
}

/// POST /providers/vacancies: imports a vacancy return (CSV), whole or
/// not at all.
pub async fn import_vacancies(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    form: FormData,
) -> Result<Response, AppError> {
    let vacancies = match crate::pages::settings::read_vacancy_file(&state, &form.text("file")).await? {
        Ok(vacancies) => vacancies,
        Err(errors) => return register_page(&state, chrome, true, Filter::default(), errors, FormData::default()).await,
    };
    if vacancies.is_empty() {
        let errors = vec![FieldError::new(
            "file",
            "Choose a vacancy file with at least one line after the header",
        )];
        return register_page(&state, chrome, true, Filter::default(), errors, FormData::default()).await;
    }
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::providers::record_vacancies(cmd, &auth.can, &vacancies, "imported").await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to("/providers").into_response()),
        Err(errors) => register_page(&state, chrome, true, Filter::default(), errors, FormData::default()).await,
    }
}

/// One checklist line on the provider's page.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistLine {
    pub item: StoredItem,
    pub latest: Option<StoredReview>,
    pub expired: bool,
}

/// Everything the provider's page (and the API) shows.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderView {
    pub details: ProviderDetails,
    pub status: Status,
    pub settings: Vec<StoredSetting>,
    pub checklist: Vec<ChecklistLine>,
    pub reviews: Vec<StoredReview>,
    pub memberships: Vec<contracts::frameworks::Membership>,
}

impl ProviderView {
    pub async fn load(state: &AppState, id: ProviderId) -> Result<ProviderView, AppError> {
        let today = state.clock.today();
        let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
        let details = store::providers::details(&mut conn, id).await?;
        let items = store::accreditation::checklist(&mut conn).await?;
        let mut reviews = store::accreditation::all_reviews(&mut conn).await?.remove(&id).unwrap_or_default();
        let status = store::accreditation::status_of(&mut conn, id, today).await?;
        let checklist = items
            .into_iter()
            .map(|item| {
                let latest = reviews
                    .iter()
                    .rev()
                    .filter(|r| r.review.item == item.item.code)
                    .max_by_key(|r| r.review.reviewed_on)
                    .cloned();
                ChecklistLine {
                    expired: latest.as_ref().is_some_and(|r| r.review.expires_on <= today),
                    item,
                    latest,
                }
            })
            .collect();
        reviews.reverse();
        Ok(ProviderView {
            settings: store::providers::settings(&mut conn, Some(id)).await?,
            memberships: store::frameworks::memberships_of(&mut conn, id).await?,
            details,
            status,
            checklist,
            reviews,
        })
    }
}

#[derive(Template)]
#[template(path = "providers/show.html")]
struct ProviderPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    view: ProviderView,
    may_commission: bool,
    findings: Vec<(&'static str, &'static str)>,
    today: String,
    form: FormData,
}

async fn provider_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    id: ProviderId,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let page = ProviderPage {
        may_commission,
        chrome,
        view: ProviderView::load(state, id).await?,
        findings: vec![
            ("met", "Met"),
            ("met-with-conditions", "Met with conditions"),
            ("not-met", "Not met"),
        ],
        today: kernel::dates::format_iso_date(state.clock.today()),
        status: crate::pages::form_status(&errors),
        errors,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /providers/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: ProviderId = id.parse().map_err(|_| AppError::NotFound)?;
    let may = auth.principal.holds(Permission::Commission);
    provider_page(&state, chrome, may, id, Vec::new(), FormData::default()).await
}

/// POST /providers/{id}/reviews: records a review of one checklist item.
pub async fn review(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id: ProviderId = id.parse().map_err(|_| AppError::NotFound)?;
    let mut errors = Vec::new();
    let reviewed_on = required_date("reviewed_on", "the date of the review", &form.text("reviewed_on"), &mut errors);
    let expires_on = required_date("expires_on", "the date the evidence expires", &form.text("expires_on"), &mut errors);
    let finding = crate::api::commissioning::finding(&form.text("finding"))
        .map_err(|_| errors.push(FieldError::new("finding", "Choose what the review found")))
        .ok();
    let (Some(reviewed_on), Some(expires_on), Some(finding)) = (reviewed_on, expires_on, finding) else {
        return provider_page(&state, chrome, true, id, errors, form).await;
    };
    let review = Review {
        item: form.text("item"),
        finding,
        evidence: form.text("evidence"),
        reviewed_on,
        expires_on,
    };
    let (reviewer, today) = (auth.principal.actor.user_id(), state.clock.today());
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::accreditation::record_review(cmd, &auth.can, id, &review, reviewer, today).await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/providers/{id}#accreditation")).into_response()),
        Err(errors) => provider_page(&state, chrome, true, id, errors, form).await,
    }
}

/// Whether the register's status allows new placements (for templates).
pub fn allows(status: &Status) -> bool {
    accreditation::Status::allows_new_placements(*status)
}
