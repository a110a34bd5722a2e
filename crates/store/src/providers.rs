//! The provider register: organisations, their settings with registration
//! history, and vacancies.
//!
//! Accreditation status is computed, never stored: [`crate::accreditation`]
//! derives it from the checklist, the reviews, the consortium's word and
//! any suspension, for the day asked about.

use std::collections::HashMap;
use std::str::FromStr;

use authz::cap::{Commission, RecordChildren};
use authz::Can;
use kernel::{ProviderId, SettingId};
use providers::accreditation::Status;
use providers::register::{self, Grade, LegalForm, Need, Organisation, RegistrationStatus, Regulator, Setting, SettingType};
use providers::ProviderType;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// A provider in pick lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    pub provider_type: ProviderType,
    pub ofsted_urn: Option<String>,
    pub postcode: Option<String>,
}

/// A provider loaded in bulk (the demo county, imports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewProvider {
    pub name: String,
    pub provider_type: ProviderType,
    pub ofsted_urn: Option<String>,
    pub postcode: Option<String>,
    pub companies_house_number: Option<String>,
    pub charity_number: Option<String>,
    pub for_profit: bool,
    pub legal_form: LegalForm,
}

fn corrupt<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::corrupt(e)
}

/// Inserts providers one by one (there are tens to hundreds) and audits each.
pub async fn insert_many(cmd: &mut Command, _can: &Can<RecordChildren>, providers: &[NewProvider]) -> Result<Vec<ProviderId>, StoreError> {
    let mut ids = Vec::with_capacity(providers.len());
    for new in providers {
        let id = insert_new(cmd, new).await?;
        cmd.record(Change::new("provider.created", "provider", id, None::<&NewProvider>, Some(new)))
            .await?;
        ids.push(id);
    }
    Ok(ids)
}

pub(crate) async fn insert_new(cmd: &mut Command, new: &NewProvider) -> Result<ProviderId, StoreError> {
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO providers (name, provider_type, ofsted_urn, postcode, created_at, version, companies_house_number, charity_number,
                                for_profit, legal_form)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&new.name)
    .bind(new.provider_type.code())
    .bind(&new.ofsted_urn)
    .bind(&new.postcode)
    .bind(&at)
    .bind(&new.companies_house_number)
    .bind(&new.charity_number)
    .bind(i64::from(new.for_profit))
    .bind(new.legal_form.code())
    .fetch_one(cmd.conn())
    .await?;
    Ok(ProviderId::new(row.try_get(0)?))
}

pub async fn list(store: &Store) -> Result<Vec<Provider>, StoreError> {
    let rows = sqlx::query("SELECT id, name, provider_type, ofsted_urn, postcode FROM providers ORDER BY name, id")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Provider {
                id: ProviderId::new(row.try_get(0)?),
                name: row.try_get(1)?,
                provider_type: ProviderType::from_str(&row.try_get::<String, _>(2)?).map_err(StoreError::corrupt)?,
                ofsted_urn: row.try_get(3)?,
                postcode: row.try_get(4)?,
            })
        })
        .collect()
}

/// Adds an organisation to the register.
pub async fn create(cmd: &mut Command, _can: &Can<Commission>, org: &Organisation) -> Result<ProviderId, StoreError> {
    let problems = register::check_organisation(org);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let id = insert_new(
        cmd,
        &NewProvider {
            name: org.legal_name.trim().to_owned(),
            provider_type: org.provider_type,
            ofsted_urn: None,
            postcode: None,
            companies_house_number: org.companies_house_number.clone(),
            charity_number: org.charity_number.clone(),
            for_profit: org.for_profit,
            legal_form: org.legal_form,
        },
    )
    .await?;
    cmd.record(Change::new("provider.created", "provider", id, None::<&Organisation>, Some(org)))
        .await?;
    Ok(id)
}

/// The organisation part of a provider, with its version and standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderDetails {
    pub id: ProviderId,
    pub version: i64,
    pub organisation: Organisation,
    pub suspended: bool,
    pub suspended_reason: Option<String>,
    pub consortium_ref: Option<String>,
    pub consortium: Option<(Status, Option<Date>)>,
}

fn status_code(code: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|s| s.code() == code)
}

pub(crate) fn details_from(row: &AnyRow) -> Result<ProviderDetails, StoreError> {
    let consortium = match row.try_get::<Option<String>, _>(10)? {
        Some(code) => Some((
            status_code(&code).ok_or_else(|| corrupt(format!("unknown accreditation status {code}")))?,
            parse_optional_date(row.try_get::<Option<String>, _>(11)?.as_deref())?,
        )),
        None => None,
    };
    Ok(ProviderDetails {
        id: ProviderId::new(row.try_get(0)?),
        version: row.try_get(1)?,
        organisation: Organisation {
            legal_name: row.try_get(2)?,
            provider_type: ProviderType::from_str(&row.try_get::<String, _>(3)?).map_err(corrupt)?,
            companies_house_number: row.try_get(4)?,
            charity_number: row.try_get(5)?,
            for_profit: row.try_get::<i64, _>(6)? != 0,
            legal_form: row.try_get::<String, _>(7)?.parse().map_err(corrupt)?,
        },
        suspended: row.try_get::<i64, _>(8)? != 0,
        suspended_reason: row.try_get(9)?,
        consortium_ref: row.try_get(12)?,
        consortium,
    })
}

pub(crate) const DETAILS_COLUMNS: &str = "id, version, name, provider_type, companies_house_number, charity_number, for_profit, legal_form,
     suspended, suspended_reason, consortium_status, consortium_until, consortium_ref";

pub async fn details(conn: &mut AnyConnection, id: ProviderId) -> Result<ProviderDetails, StoreError> {
    let row = sqlx::query(&format!("SELECT {DETAILS_COLUMNS} FROM providers WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "provider" })?;
    details_from(&row)
}

/// Every provider's details, for the register and its export.
pub async fn all_details(store: &Store) -> Result<Vec<ProviderDetails>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {DETAILS_COLUMNS} FROM providers ORDER BY name, id"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(details_from).collect()
}

/// Changes the organisation's details, refusing a stale version.
pub async fn update(cmd: &mut Command, _can: &Can<Commission>, id: ProviderId, version: i64, org: &Organisation) -> Result<(), StoreError> {
    let problems = register::check_organisation(org);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let before = details(cmd.conn(), id).await?;
    let done = sqlx::query(
        "UPDATE providers SET name = $1, provider_type = $2, companies_house_number = $3, charity_number = $4, for_profit = $5,
                legal_form = $6, version = version + 1
         WHERE id = $7 AND version = $8",
    )
    .bind(org.legal_name.trim())
    .bind(org.provider_type.code())
    .bind(&org.companies_house_number)
    .bind(&org.charity_number)
    .bind(i64::from(org.for_profit))
    .bind(org.legal_form.code())
    .bind(id.get())
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "provider")?;
    cmd.record(Change::new(
        "provider.updated",
        "provider",
        id,
        Some(&before.organisation),
        Some(org),
    ))
    .await?;
    Ok(())
}

/// Suspends a provider (with a reason) or lifts the suspension.
pub async fn set_suspended(
    cmd: &mut Command,
    _can: &Can<Commission>,
    id: ProviderId,
    version: i64,
    suspended: bool,
    reason: &str,
) -> Result<(), StoreError> {
    if suspended && reason.trim().len() < 10 {
        return Err(StoreError::Invalid(vec![(
            "reason",
            "Explain why the provider is suspended (at least 10 characters)".to_owned(),
        )]));
    }
    let done =
        sqlx::query("UPDATE providers SET suspended = $1, suspended_reason = $2, version = version + 1 WHERE id = $3 AND version = $4")
            .bind(i64::from(suspended))
            .bind(suspended.then(|| reason.trim().to_owned()))
            .bind(id.get())
            .bind(version)
            .execute(cmd.conn())
            .await?;
    StoreError::unless_changed(&done, "provider")?;
    let action = if suspended { "provider.suspended" } else { "provider.reinstated" };
    cmd.record(Change::new(action, "provider", id, None::<&()>, Some(&reason.trim())))
        .await?;
    Ok(())
}

/// A setting as stored, with its registration history and latest vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSetting {
    pub id: SettingId,
    pub provider_id: ProviderId,
    pub version: i64,
    pub setting: Setting,
    pub history: Vec<(RegistrationStatus, Date, String)>,
    pub vacancy: Option<(Date, u32)>,
}

const SETTING_COLUMNS: &str = "id, provider_id, version, name, setting_type, regulator, registration_number, registration_status, grade,
     inspected_on, capacity, age_min, age_max, needs, postcode, local_authority";

fn setting_from(row: &AnyRow) -> Result<StoredSetting, StoreError> {
    let small = |i: usize| -> Result<u8, StoreError> { u8::try_from(row.try_get::<i64, _>(i)?).map_err(corrupt) };
    Ok(StoredSetting {
        id: SettingId::new(row.try_get(0)?),
        provider_id: ProviderId::new(row.try_get(1)?),
        version: row.try_get(2)?,
        setting: Setting {
            name: row.try_get(3)?,
            setting_type: row.try_get::<String, _>(4)?.parse::<SettingType>().map_err(corrupt)?,
            regulator: row.try_get::<String, _>(5)?.parse::<Regulator>().map_err(corrupt)?,
            registration_number: row.try_get(6)?,
            registration_status: row.try_get::<String, _>(7)?.parse::<RegistrationStatus>().map_err(corrupt)?,
            grade: row.try_get::<String, _>(8)?.parse::<Grade>().map_err(corrupt)?,
            inspected_on: parse_optional_date(row.try_get::<Option<String>, _>(9)?.as_deref())?,
            capacity: u32::try_from(row.try_get::<i64, _>(10)?).map_err(corrupt)?,
            age_min: small(11)?,
            age_max: small(12)?,
            needs: register::parse_needs(&row.try_get::<String, _>(13)?).map_err(corrupt)?,
            postcode: row.try_get(14)?,
            local_authority: row.try_get(15)?,
        },
        history: Vec::new(),
        vacancy: None,
    })
}

/// Settings, with history and latest vacancy: of one provider, or all.
pub async fn settings(conn: &mut AnyConnection, provider: Option<ProviderId>) -> Result<Vec<StoredSetting>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {SETTING_COLUMNS} FROM settings WHERE ($1 = 0 OR provider_id = $1) ORDER BY name, id"
    ))
    .bind(provider.map_or(0, ProviderId::get))
    .fetch_all(&mut *conn)
    .await?;
    let mut settings: Vec<StoredSetting> = rows.iter().map(setting_from).collect::<Result<_, _>>()?;
    let index: HashMap<i64, usize> = settings.iter().enumerate().map(|(i, s)| (s.id.get(), i)).collect();
    let history = sqlx::query("SELECT setting_id, status, from_date, note FROM setting_registrations ORDER BY from_date, id")
        .fetch_all(&mut *conn)
        .await?;
    for row in &history {
        if let Some(&i) = index.get(&row.try_get::<i64, _>(0)?) {
            let status = row.try_get::<String, _>(1)?.parse().map_err(corrupt)?;
            settings[i]
                .history
                .push((status, parse_date(&row.try_get::<String, _>(2)?)?, row.try_get(3)?));
        }
    }
    let vacancies = sqlx::query("SELECT setting_id, recorded_on, places FROM vacancies ORDER BY recorded_on, id")
        .fetch_all(&mut *conn)
        .await?;
    for row in &vacancies {
        if let Some(&i) = index.get(&row.try_get::<i64, _>(0)?) {
            let places = u32::try_from(row.try_get::<i64, _>(2)?).map_err(corrupt)?;
            settings[i].vacancy = Some((parse_date(&row.try_get::<String, _>(1)?)?, places));
        }
    }
    Ok(settings)
}

fn bind_setting<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    s: &'q Setting,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(s.name.trim())
        .bind(s.setting_type.code())
        .bind(s.regulator.code())
        .bind(s.registration_number.as_deref().map(str::to_uppercase))
        .bind(s.registration_status.code())
        .bind(s.grade.code())
        .bind(s.inspected_on.map(date_text))
        .bind(i64::from(s.capacity))
        .bind(i64::from(s.age_min))
        .bind(i64::from(s.age_max))
        .bind(register::needs_text(&s.needs))
        .bind(s.postcode.trim().to_uppercase())
        .bind(s.local_authority.trim())
}

fn check(setting: &Setting, today: Date) -> Result<(), StoreError> {
    let problems = register::check_setting(setting, today);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

fn duplicate_number(e: sqlx::Error) -> StoreError {
    match StoreError::on_unique(e, "registration_number", "") {
        StoreError::Duplicate { .. } => StoreError::Invalid(vec![(
            "registration_number",
            "Another setting on the register has this registration number".to_owned(),
        )]),
        other => other,
    }
}

async fn add_history(cmd: &mut Command, setting: SettingId, status: RegistrationStatus, from: Date, note: &str) -> Result<(), StoreError> {
    let at = cmd.at_text();
    sqlx::query("INSERT INTO setting_registrations (setting_id, status, from_date, note, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(setting.get())
        .bind(status.code())
        .bind(date_text(from))
        .bind(note)
        .bind(at)
        .execute(cmd.conn())
        .await?;
    Ok(())
}

/// Adds a setting to a provider; its registration history starts today.
pub async fn add_setting(
    cmd: &mut Command,
    _can: &Can<Commission>,
    provider: ProviderId,
    setting: &Setting,
    today: Date,
) -> Result<SettingId, StoreError> {
    check(setting, today)?;
    details(cmd.conn(), provider).await?;
    let at = cmd.at_text();
    let query = sqlx::query(
        "INSERT INTO settings (name, setting_type, regulator, registration_number, registration_status, grade, inspected_on, capacity,
                               age_min, age_max, needs, postcode, local_authority, provider_id, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) RETURNING id",
    );
    let row = bind_setting(query, setting)
        .bind(provider.get())
        .bind(at)
        .fetch_one(cmd.conn())
        .await
        .map_err(duplicate_number)?;
    let id = SettingId::new(row.try_get(0)?);
    add_history(cmd, id, setting.registration_status, today, "added to the register").await?;
    cmd.record(Change::new("setting.created", "setting", id, None::<&Setting>, Some(setting)))
        .await?;
    Ok(id)
}

pub async fn setting(conn: &mut AnyConnection, id: SettingId) -> Result<StoredSetting, StoreError> {
    let row = sqlx::query(&format!("SELECT {SETTING_COLUMNS} FROM settings WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "setting" })?;
    setting_from(&row)
}

/// Changes a setting. A change of registration status adds a line to its
/// history, with the note.
pub async fn update_setting(
    cmd: &mut Command,
    _can: &Can<Commission>,
    id: SettingId,
    version: i64,
    new: &Setting,
    note: &str,
    today: Date,
) -> Result<(), StoreError> {
    check(new, today)?;
    let before = setting(cmd.conn(), id).await?;
    let query = sqlx::query(
        "UPDATE settings SET name = $1, setting_type = $2, regulator = $3, registration_number = $4, registration_status = $5, grade = $6,
                inspected_on = $7, capacity = $8, age_min = $9, age_max = $10, needs = $11, postcode = $12, local_authority = $13,
                version = version + 1
         WHERE id = $14 AND version = $15",
    );
    let done = bind_setting(query, new)
        .bind(id.get())
        .bind(version)
        .execute(cmd.conn())
        .await
        .map_err(duplicate_number)?;
    StoreError::unless_changed(&done, "setting")?;
    if before.setting.registration_status != new.registration_status {
        add_history(cmd, id, new.registration_status, today, note.trim()).await?;
    }
    cmd.record(Change::new("setting.updated", "setting", id, Some(&before.setting), Some(new)))
        .await?;
    Ok(())
}

/// One vacancy figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewVacancy {
    pub setting: SettingId,
    pub recorded_on: Date,
    pub places: u32,
    pub note: String,
}

/// Records vacancies (entered by hand, or a whole imported file at once).
pub async fn record_vacancies(cmd: &mut Command, _can: &Can<Commission>, vacancies: &[NewVacancy], source: &str) -> Result<(), StoreError> {
    let at = cmd.at_text();
    for v in vacancies {
        sqlx::query("INSERT INTO vacancies (setting_id, recorded_on, places, note, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(v.setting.get())
            .bind(date_text(v.recorded_on))
            .bind(i64::from(v.places))
            .bind(v.note.trim())
            .bind(source)
            .bind(&at)
            .execute(cmd.conn())
            .await?;
    }
    cmd.record(Change::new(
        "vacancies.recorded",
        "vacancies",
        vacancies.len(),
        None::<&()>,
        Some(&vacancies),
    ))
    .await?;
    Ok(())
}

/// Registration numbers on the register, for imports.
pub async fn registration_numbers(store: &Store) -> Result<HashMap<String, SettingId>, StoreError> {
    let rows = sqlx::query("SELECT registration_number, id FROM settings WHERE registration_number IS NOT NULL")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get::<String, _>(0)?, SettingId::new(row.try_get(1)?))))
        .collect()
}

/// Needs as (code, label) pairs, for forms.
pub fn need_choices() -> Vec<(&'static str, &'static str)> {
    Need::choices()
}
