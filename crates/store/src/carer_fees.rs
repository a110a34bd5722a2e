//! In-house carers: the fee level for each placement (proposed by one
//! person, approved by another) and the allowance tables per financial
//! year that turn a child's age and a fee level into weekly rates.
//!
//! A new year's table reaches every live carer agreement as rate lines
//! from the year's start; when that date is already paid, the difference
//! becomes an adjustment in the next run.

use authz::cap::{ApprovePayments, ManageFinance};
use authz::{ensure_different_people, Actor, Can};
use finance::allowances::{self, AllowanceTable};
use finance::RateLine;
use kernel::UserId;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, Duration};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// A fee proposal or decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarerFee {
    pub id: i64,
    pub version: i64,
    pub placement_id: i64,
    pub household_id: i64,
    pub household: String,
    pub la_child_id: String,
    pub birth_date: Date,
    pub fee_level: u8,
    pub reason: String,
    /// `proposed`, `approved` or `rejected`.
    pub state: String,
    pub proposed_by: i64,
    pub proposed_by_name: String,
    pub decided_by_name: Option<String>,
}

const SELECT: &str = "SELECT f.id, f.version, f.placement_id, f.household_id, h.name, c.la_child_id, c.date_of_birth, f.fee_level,
        f.reason, f.state, f.proposed_by, pu.display_name, du.display_name
     FROM carer_fees f JOIN foster_households h ON h.id = f.household_id JOIN placements p ON p.id = f.placement_id
     JOIN children c ON c.id = p.child_id JOIN users pu ON pu.id = f.proposed_by LEFT JOIN users du ON du.id = f.decided_by";

fn fee_from(row: &sqlx::any::AnyRow) -> Result<CarerFee, StoreError> {
    Ok(CarerFee {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        placement_id: row.try_get(2)?,
        household_id: row.try_get(3)?,
        household: row.try_get(4)?,
        la_child_id: row.try_get(5)?,
        birth_date: parse_date(&row.try_get::<String, _>(6)?)?,
        fee_level: u8::try_from(row.try_get::<i64, _>(7)?).map_err(StoreError::corrupt)?,
        reason: row.try_get(8)?,
        state: row.try_get(9)?,
        proposed_by: row.try_get(10)?,
        proposed_by_name: row.try_get(11)?,
        decided_by_name: row.try_get(12)?,
    })
}

pub async fn load(conn: &mut AnyConnection, id: i64) -> Result<CarerFee, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "carer fee" })?;
    fee_from(&row)
}

/// Every fee proposal, newest first.
pub async fn list(store: &Store) -> Result<Vec<CarerFee>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY f.id DESC")).fetch_all(store.pool()).await?;
    rows.iter().map(fee_from).collect()
}

/// An in-house placement that has no fee proposed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unfeed {
    pub placement_id: i64,
    pub la_child_id: String,
    pub start: Date,
}

/// Live in-house fostering placements without a carer fee in play.
pub async fn placements_without_fee(store: &Store, today: Date) -> Result<Vec<Unfeed>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, c.la_child_id, p.start_date FROM placements p JOIN children c ON c.id = p.child_id
         WHERE p.category IN ('in-house-foster', 'kinship') AND (p.end_date IS NULL OR p.end_date > $1)
           AND NOT EXISTS (SELECT 1 FROM carer_fees f WHERE f.placement_id = p.id AND f.state <> 'rejected')
         ORDER BY p.start_date, p.id",
    )
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Unfeed {
                placement_id: row.try_get(0)?,
                la_child_id: row.try_get(1)?,
                start: parse_date(&row.try_get::<String, _>(2)?)?,
            })
        })
        .collect()
}

/// A fee as proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewFee {
    pub placement_id: i64,
    pub household_id: i64,
    pub fee_level: u8,
    pub reason: String,
}

/// Proposes the carer fee for an in-house placement; nothing is paid until
/// another person approves it.
pub async fn propose(cmd: &mut Command, _can: &Can<ManageFinance>, new: &NewFee) -> Result<i64, StoreError> {
    let proposer = cmd
        .actor()
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["Only a person can propose a carer fee".to_owned()]))?;
    let category: Option<String> = sqlx::query("SELECT category FROM placements WHERE id = $1")
        .bind(new.placement_id)
        .fetch_optional(cmd.conn())
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    let mut problems = Vec::new();
    match category.as_deref() {
        None => problems.push(("placement_id", "There is no placement with that id".to_owned())),
        Some("in-house-foster" | "kinship") => {}
        Some(_) => problems.push(("placement_id", "Only an in-house fostering placement has a carer fee".to_owned())),
    }
    let tables = tables(cmd.conn()).await?;
    if new.fee_level != 0 && !tables.iter().any(|t| t.fee_levels.iter().any(|f| f.level == new.fee_level)) {
        problems.push((
            "fee_level",
            format!("There is no fee level {} in the allowance tables", new.fee_level),
        ));
    }
    if new.reason.trim().is_empty() {
        problems.push(("reason", "Say why this fee level".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO carer_fees (placement_id, household_id, fee_level, reason, state, proposed_by, created_at, version)
         VALUES ($1, $2, $3, $4, 'proposed', $5, $6, 1) RETURNING id",
    )
    .bind(new.placement_id)
    .bind(new.household_id)
    .bind(i64::from(new.fee_level))
    .bind(new.reason.trim())
    .bind(proposer.get())
    .bind(at)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_foreign_key(e, "household_id", "There is no household with that id"))?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new("carer_fee.proposed", "carer_fee", id, None::<&()>, Some(new)))
        .await?;
    Ok(id)
}

/// Approves or rejects a proposed fee; the proposer may not.
pub async fn decide(cmd: &mut Command, _can: &Can<ApprovePayments>, id: i64, version: i64, approve: bool) -> Result<(), StoreError> {
    let fee = load(cmd.conn(), id).await?;
    if fee.state != "proposed" {
        return Err(StoreError::Rejected(vec!["This fee has already been decided".to_owned()]));
    }
    ensure_different_people(Actor::User(UserId::new(fee.proposed_by)), cmd.actor(), "approve", "proposed")
        .map_err(|e| StoreError::Rejected(vec![crate::sentence(&e.to_string())]))?;
    let state = if approve { "approved" } else { "rejected" };
    let at = cmd.at_text();
    let decider = cmd.actor().user_id().map(UserId::get);
    let done = sqlx::query(
        "UPDATE carer_fees SET state = $1, decided_by = $2, decided_at = $3, version = version + 1
         WHERE id = $4 AND version = $5 AND state = 'proposed'",
    )
    .bind(state)
    .bind(decider)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "carer fee")?;
    cmd.record(Change::new("carer_fee.decided", "carer_fee", id, Some(&fee.state), Some(&state)))
        .await?;
    Ok(())
}

/// Every allowance table, oldest year first.
pub async fn tables(conn: &mut AnyConnection) -> Result<Vec<AllowanceTable>, StoreError> {
    let rows = sqlx::query("SELECT tables_json FROM allowance_tables ORDER BY year_start")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| serde_json::from_str(&row.try_get::<String, _>(0)?).map_err(StoreError::corrupt))
        .collect()
}

pub async fn all_tables(store: &Store) -> Result<Vec<AllowanceTable>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    tables(&mut conn).await
}

/// The allowance and fee lines for a child born on `birth` at `fee_level`
/// from `start` to the day before the child turns 18.
pub async fn lines_for(conn: &mut AnyConnection, birth: Date, fee_level: u8, start: Date) -> Result<Vec<RateLine>, StoreError> {
    let tables = tables(conn).await?;
    // Hearth has no rates for days before its first table: those days were
    // paid (if at all) before Hearth, so the lines start with the table.
    let start = tables.iter().map(|t| t.year_start).min().map_or(start, |first| start.max(first));
    let until = eighteenth_birthday(birth) - Duration::days(1);
    allowances::carer_lines(&tables, birth, fee_level, start, until.max(start))
        .map_err(|e| StoreError::Rejected(vec![crate::sentence(&e.to_string())]))
}

fn eighteenth_birthday(birth: Date) -> Date {
    kernel::months::add_months(birth, 18 * 12)
}

/// Saves a financial year's table (once per year: a change is a new year's
/// table, never an edit) and carries it to every live carer agreement.
pub async fn save_table(cmd: &mut Command, _can: &Can<ManageFinance>, table: &AllowanceTable) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    if table.year_start != kernel::months::financial_year_start(table.year_start) {
        problems.push(("year_start", "A table starts on 1 April".to_owned()));
    }
    if table.bands.is_empty() {
        problems.push(("bands", "Give at least one age band".to_owned()));
    }
    if let Err(e) = allowances::check(table) {
        problems.push(("bands", crate::sentence(&e.to_string())));
    }
    if table.bands.iter().any(|b| b.weekly.is_negative()) || table.fee_levels.iter().any(|f| f.weekly.is_negative()) {
        problems.push(("bands", "A weekly amount cannot be negative".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let at = cmd.at_text();
    let by = cmd.actor().user_id().map(UserId::get);
    sqlx::query("INSERT INTO allowance_tables (year_start, tables_json, created_by, created_at) VALUES ($1, $2, $3, $4)")
        .bind(date_text(table.year_start))
        .bind(serde_json::to_string(table).map_err(StoreError::corrupt)?)
        .bind(by)
        .bind(at)
        .execute(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "year_start", "That year already has a table; tables are never edited"))?;
    cmd.record(Change::new(
        "allowance_table.saved",
        "allowance_table",
        date_text(table.year_start),
        None::<&()>,
        Some(table),
    ))
    .await?;
    carry_to_live_agreements(cmd, table.year_start).await
}

async fn carry_to_live_agreements(cmd: &mut Command, year_start: Date) -> Result<(), StoreError> {
    let rows = sqlx::query(
        "SELECT s.id, c.date_of_birth, f.fee_level FROM service_agreements s JOIN carer_fees f ON f.id = s.carer_fee_id
         JOIN placements p ON p.id = s.placement_id JOIN children c ON c.id = p.child_id
         WHERE p.end_date IS NULL OR p.end_date > $1",
    )
    .bind(date_text(year_start))
    .fetch_all(cmd.conn())
    .await?;
    let reason = format!("allowance table from {year_start}");
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let birth = parse_date(&row.try_get::<String, _>(1)?)?;
        let level = u8::try_from(row.try_get::<i64, _>(2)?).map_err(StoreError::corrupt)?;
        if eighteenth_birthday(birth) <= year_start {
            continue;
        }
        let lines = lines_for(cmd.conn(), birth, level, year_start).await?;
        crate::service_agreements::change_rates(cmd, id, None, &lines, &reason).await?;
    }
    Ok(())
}
