//! The child's record beyond the list fields: identity details, creating
//! and editing a record, tolerant search and duplicate checks.

use authz::cap::RecordChildren;
use authz::Can;
use kernel::ChildId;
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::children::{find, ChildQuery, ChildSummary, NewChild};
use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_optional_date};
use crate::{Page, PageRequest};

/// Identity details kept beside the list fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IdentityDetails {
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    pub gender_identity: String,
    /// The day of birth is unknown (often for unaccompanied children): the
    /// 15th of the month is recorded, as the DfE asks.
    pub birth_day_unknown: bool,
    pub uasc: bool,
    pub uasc_ceased: Option<Date>,
    /// DfE disability codes.
    pub disabilities: Vec<String>,
}

/// A child's record: list fields, identity details, restriction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildRecord {
    pub summary: ChildSummary,
    pub details: IdentityDetails,
    pub restricted: bool,
}

pub async fn find_record(store: &Store, id: ChildId) -> Result<Option<ChildRecord>, StoreError> {
    let Some(summary) = find(store, id).await? else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT upn, nhs_number, gender_identity, birth_day_unknown, uasc, uasc_ceased, disabilities, restricted FROM children WHERE id = $1",
    )
    .bind(id.get())
    .fetch_one(store.pool())
    .await?;
    let disabilities: String = row.try_get(6)?;
    Ok(Some(ChildRecord {
        summary,
        details: IdentityDetails {
            upn: row.try_get(0)?,
            nhs_number: row.try_get(1)?,
            gender_identity: row.try_get(2)?,
            birth_day_unknown: row.try_get::<i64, _>(3)? != 0,
            uasc: row.try_get::<i64, _>(4)? != 0,
            uasc_ceased: parse_optional_date(row.try_get::<Option<String>, _>(5)?.as_deref())?,
            disabilities: disabilities.split(',').filter(|d| !d.is_empty()).map(str::to_owned).collect(),
        },
        restricted: row.try_get::<i64, _>(7)? != 0,
    }))
}

async fn write_details(cmd: &mut Command, id: ChildId, details: &IdentityDetails) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE children SET upn = $1, nhs_number = $2, gender_identity = $3, birth_day_unknown = $4, uasc = $5,
         uasc_ceased = $6, disabilities = $7 WHERE id = $8",
    )
    .bind(&details.upn)
    .bind(&details.nhs_number)
    .bind(&details.gender_identity)
    .bind(i64::from(details.birth_day_unknown))
    .bind(i64::from(details.uasc))
    .bind(details.uasc_ceased.map(date_text))
    .bind(details.disabilities.join(","))
    .bind(id.get())
    .execute(cmd.conn())
    .await?;
    Ok(())
}

/// Creates one child's record with its details, audited as `child.created`.
pub async fn create(
    cmd: &mut Command,
    can: &Can<RecordChildren>,
    new: &NewChild,
    details: &IdentityDetails,
) -> Result<ChildId, StoreError> {
    let id = crate::children::insert_one(cmd, can, new).await?;
    write_details(cmd, id, details).await?;
    cmd.record(Change::new("child.created", "child", id, None::<&()>, Some(&(new, details))))
        .await?;
    Ok(id)
}

/// The editable identity of a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityUpdate {
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub ethnicity: String,
    pub details: IdentityDetails,
}

/// Changes identity if the record is still at `expected_version`.
pub async fn update_identity(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    id: ChildId,
    expected_version: i64,
    update: &IdentityUpdate,
) -> Result<(), StoreError> {
    let before = find_record_in(cmd, id).await?;
    let changed = sqlx::query(
        "UPDATE children SET given_names = $1, family_name = $2, date_of_birth = $3, sex = $4, ethnicity = $5,
         name_keys = $6, version = version + 1 WHERE id = $7 AND version = $8",
    )
    .bind(&update.given_names)
    .bind(&update.family_name)
    .bind(date_text(update.date_of_birth))
    .bind(&update.sex)
    .bind(&update.ethnicity)
    .bind(children::names::name_keys(&update.given_names, &update.family_name))
    .bind(id.get())
    .bind(expected_version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&changed, "child's record")?;
    write_details(cmd, id, &update.details).await?;
    cmd.record(Change::new("child.identity_changed", "child", id, Some(&before), Some(update)))
        .await?;
    Ok(())
}

async fn find_record_in(cmd: &mut Command, id: ChildId) -> Result<serde_json::Value, StoreError> {
    let row = sqlx::query(
        "SELECT given_names, family_name, date_of_birth, sex, ethnicity, upn, nhs_number, gender_identity, disabilities FROM children WHERE id = $1",
    )
    .bind(id.get())
    .fetch_optional(cmd.conn())
    .await?
    .ok_or(StoreError::NotFound { entity: "child" })?;
    let text = |i: usize| row.try_get::<Option<String>, _>(i).ok().flatten();
    Ok(serde_json::json!({
        "given_names": text(0), "family_name": text(1), "date_of_birth": text(2), "sex": text(3),
        "ethnicity": text(4), "upn": text(5), "nhs_number": text(6), "gender_identity": text(7), "disabilities": text(8),
    }))
}

/// Records that might be the same child as the one about to be created:
/// same UPN or NHS number, or same date of birth with a similar name.
pub async fn possible_duplicates(
    store: &Store,
    given_names: &str,
    family_name: &str,
    date_of_birth: Date,
    details: &IdentityDetails,
) -> Result<Vec<ChildSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, given_names, family_name FROM children
         WHERE date_of_birth = $1 OR (upn IS NOT NULL AND upn = $2) OR (nhs_number IS NOT NULL AND nhs_number = $3)",
    )
    .bind(date_text(date_of_birth))
    .bind(details.upn.clone().filter(|u| !u.starts_with("UN")))
    .bind(&details.nhs_number)
    .fetch_all(store.pool())
    .await?;
    let query = format!("{given_names} {family_name}");
    let mut matches = Vec::new();
    for row in rows {
        let (given, family): (String, String) = (row.try_get(1)?, row.try_get(2)?);
        let id = ChildId::new(row.try_get(0)?);
        let record = find_record(store, id).await?;
        let same_identifier = record.as_ref().is_some_and(|r| {
            (details.nhs_number.is_some() && r.details.nhs_number == details.nhs_number)
                || (details.upn.as_ref().is_some_and(|u| !u.starts_with("UN")) && r.details.upn == details.upn)
        });
        if same_identifier || children::names::similarity(&query, &given, &family) >= 0.8 {
            if let Some(record) = record {
                matches.push(record.summary);
            }
        }
    }
    Ok(matches)
}

/// Tolerant search: words in any order, misspellings allowed. The database
/// shortlists by name text, child id and Soundex keys; the shortlist is
/// ranked by similarity and paged here.
pub async fn search_by_name(store: &Store, text: &str, base: &ChildQuery, page: PageRequest) -> Result<Page<ChildSummary>, StoreError> {
    let words: Vec<String> = text.split_whitespace().take(5).map(str::to_lowercase).collect();
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    for word in &words {
        binds.push(format!("%{word}%"));
        let n = binds.len();
        let mut alternatives = format!("LOWER(given_names) LIKE ${n} OR LOWER(family_name) LIKE ${n} OR LOWER(la_child_id) LIKE ${n}");
        if let Some(key) = children::names::soundex(word) {
            binds.push(format!("% {key} %"));
            alternatives.push_str(&format!(" OR name_keys LIKE ${}", binds.len()));
        }
        clauses.push(format!("({alternatives})"));
    }
    if clauses.is_empty() {
        return crate::children::search(store, base, page).await;
    }
    let sql = format!(
        "SELECT id, given_names, family_name, la_child_id, date_of_birth, allocated_worker_id, team_id FROM children WHERE {} LIMIT 5000",
        clauses.join(" OR ")
    );
    let mut query = sqlx::query(&sql);
    for bind in &binds {
        query = query.bind(bind);
    }
    let rows = query.fetch_all(store.pool()).await?;
    let mut scored: Vec<(f64, i64)> = Vec::new();
    for row in rows {
        let candidate = Candidate {
            date_of_birth: crate::timestamp::parse_date(&row.try_get::<String, _>(4)?)?,
            worker: row.try_get::<Option<i64>, _>(5)?,
            team: row.try_get::<Option<i64>, _>(6)?,
        };
        if !candidate.passes(base) {
            continue;
        }
        let (id, given, family, child_id): (i64, String, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
        let id_hit = words.iter().any(|w| w.len() >= 2 && child_id.to_lowercase().contains(w.as_str()));
        let score = if id_hit {
            1.0
        } else {
            children::names::similarity(text, &given, &family)
        };
        if score >= 0.75 {
            scored.push((score, id));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let total = i64::try_from(scored.len()).unwrap_or(i64::MAX);
    let start = usize::try_from(page.offset()).unwrap_or(0).min(scored.len());
    let end = (start + usize::try_from(page.limit()).unwrap_or(0)).min(scored.len());
    let mut items = Vec::with_capacity(end - start);
    for (_, id) in &scored[start..end] {
        if let Some(child) = find(store, ChildId::new(*id)).await? {
            items.push(child);
        }
    }
    Ok(Page {
        items,
        total,
        request: page,
    })
}

/// The fields the list filters look at.
struct Candidate {
    date_of_birth: Date,
    worker: Option<i64>,
    team: Option<i64>,
}

impl Candidate {
    fn passes(&self, base: &ChildQuery) -> bool {
        base.date_of_birth.is_none_or(|d| self.date_of_birth == d)
            && base.allocated_worker.is_none_or(|w| self.worker == Some(w.get()))
            && base
                .teams
                .as_ref()
                .is_none_or(|teams| self.team.is_some_and(|t| teams.iter().any(|x| x.get() == t)))
    }
}

/// Fills Soundex keys for records created before they existed.
pub async fn backfill_name_keys(store: &Store) -> Result<u64, StoreError> {
    let rows = sqlx::query("SELECT id, given_names, family_name FROM children WHERE name_keys = ''")
        .fetch_all(store.pool())
        .await?;
    let mut filled = 0;
    for row in rows {
        let (id, given, family): (i64, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        filled += sqlx::query("UPDATE children SET name_keys = $1 WHERE id = $2")
            .bind(children::names::name_keys(&given, &family))
            .bind(id)
            .execute(store.pool())
            .await?
            .rows_affected();
    }
    Ok(filled)
}
