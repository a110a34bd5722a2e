//! In-house foster carer households: approval, capacity and supervising
//! social worker, with the temporary-approval limit and supervision
//! computed by `providers::foster`.

use authz::cap::Commission;
use authz::Can;
use kernel::{Nation, UserId};
use providers::foster::{self, ApprovalStanding, ApprovalType, SupervisionDue};
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// A household as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewHousehold {
    pub reference: String,
    pub name: String,
    pub approval_type: ApprovalType,
    pub approved_on: Date,
    pub extended: bool,
    pub capacity: u32,
    pub age_min: u8,
    pub age_max: u8,
    pub supervising_worker: Option<UserId>,
    pub postcode: String,
    /// Needs and behaviours the approval terms say the household can meet.
    pub accepts: Vec<providers::register::Need>,
}

/// A household with its standing and what is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Household {
    pub id: i64,
    pub household: NewHousehold,
    pub supervising_worker_name: Option<String>,
    pub standing: ApprovalStanding,
    pub last_visit: Option<Date>,
    pub last_review: Option<Date>,
    pub due: SupervisionDue,
    pub quality_scores: Vec<u8>,
    pub open_issues: u32,
}

fn check(h: &NewHousehold, today: Date) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    if h.reference.trim().is_empty() {
        problems.push(("reference", "Enter the household's reference".to_owned()));
    }
    if h.name.trim().is_empty() {
        problems.push(("name", "Enter the household's name".to_owned()));
    }
    if h.approved_on > today {
        problems.push(("approved_on", "The approval date cannot be in the future".to_owned()));
    }
    if h.capacity == 0 || h.capacity > 6 {
        problems.push(("capacity", "A household is approved for 1 to 6 children".to_owned()));
    }
    if h.age_min > h.age_max || h.age_max > 21 {
        problems.push((
            "age_min",
            "The age range runs from the youngest to the oldest, at most 21".to_owned(),
        ));
    }
    if h.postcode.trim().is_empty() {
        problems.push(("postcode", "Enter the household's postcode".to_owned()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// Adds a household to the register of in-house carers.
pub async fn create(cmd: &mut Command, _can: &Can<Commission>, h: &NewHousehold, today: Date) -> Result<i64, StoreError> {
    check(h, today)?;
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO foster_households (reference, name, approval_type, approved_on, extended, capacity, age_min, age_max,
                                        supervising_worker_id, postcode, created_at, version, accepts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12) RETURNING id",
    )
    .bind(h.reference.trim())
    .bind(h.name.trim())
    .bind(h.approval_type.code())
    .bind(date_text(h.approved_on))
    .bind(i64::from(h.extended))
    .bind(i64::from(h.capacity))
    .bind(i64::from(h.age_min))
    .bind(i64::from(h.age_max))
    .bind(h.supervising_worker.map(UserId::get))
    .bind(h.postcode.trim().to_uppercase())
    .bind(at)
    .bind(providers::register::needs_text(&h.accepts))
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_unique(e, "reference", "Another household has this reference"))?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new("household.created", "household", id, None::<&()>, Some(h)))
        .await?;
    Ok(id)
}

/// Every household with its standing on `today`.
pub async fn list(store: &Store, nation: Nation, visit_weeks: u32, today: Date) -> Result<Vec<Household>, StoreError> {
    let rows = sqlx::query(
        "SELECT h.id, h.reference, h.name, h.approval_type, h.approved_on, h.extended, h.capacity, h.age_min, h.age_max,
                h.supervising_worker_id, h.postcode, u.display_name, h.accepts
         FROM foster_households h LEFT JOIN users u ON u.id = h.supervising_worker_id ORDER BY h.reference",
    )
    .fetch_all(store.pool())
    .await?;
    let events = crate::monitoring::household_events(store).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get(0)?;
        let small = |i: usize| -> Result<u8, StoreError> { u8::try_from(row.try_get::<i64, _>(i)?).map_err(StoreError::corrupt) };
        let household = NewHousehold {
            reference: row.try_get(1)?,
            name: row.try_get(2)?,
            approval_type: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
            approved_on: parse_date(&row.try_get::<String, _>(4)?)?,
            extended: row.try_get::<i64, _>(5)? != 0,
            capacity: u32::try_from(row.try_get::<i64, _>(6)?).map_err(StoreError::corrupt)?,
            age_min: small(7)?,
            age_max: small(8)?,
            supervising_worker: row.try_get::<Option<i64>, _>(9)?.map(UserId::new),
            postcode: row.try_get(10)?,
            accepts: providers::register::parse_needs(&row.try_get::<String, _>(12)?).map_err(StoreError::corrupt)?,
        };
        let mine = events.get(&id).cloned().unwrap_or_default();
        let last = |kind: &str| mine.iter().filter(|e| e.kind == kind).map(|e| e.on).max();
        let (last_visit, last_review) = (last("supervisory-visit"), last("annual-review"));
        out.push(Household {
            id,
            standing: foster::standing(household.approval_type, household.approved_on, nation, household.extended, today),
            due: foster::supervision_due(household.approved_on, last_visit, last_review, visit_weeks),
            last_visit,
            last_review,
            quality_scores: mine.iter().filter_map(|e| e.quality_score).collect(),
            open_issues: u32::try_from(mine.iter().filter(|e| e.open_issue).count()).unwrap_or(u32::MAX),
            supervising_worker_name: row.try_get(11)?,
            household,
        });
    }
    Ok(out)
}
