//! Budgets: one amount per financial year and cost centre, each with a
//! budget holder (a person, normally a head of service) who answers for it.
//!
//! A budget is set by a finance officer and changed only from the version
//! read, so two people revising the same line cannot silently overwrite
//! each other. The forecast (`forecasts`) reads budgets against actual
//! spend and commitments; holders see only the lines they hold.

use authz::cap::ManageFinance;
use authz::{Can, Role};
use kernel::months::financial_year_start;
use kernel::{Money, UserId};
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// The longest cost centre code the ledger accepts.
const CODE_MAX: usize = 20;

/// A budget as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewBudget {
    /// 1 April of the financial year.
    pub year_start: Date,
    pub cost_centre: String,
    pub holder_id: Option<UserId>,
    pub amount: Money,
}

/// A stored budget with its holder's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub id: i64,
    pub version: i64,
    pub year_start: Date,
    pub cost_centre: String,
    pub holder_id: Option<UserId>,
    pub holder_name: Option<String>,
    pub amount: Money,
}

/// "2026-27" for the year starting 1 April 2026, as finance teams write it.
pub fn year_label(year_start: Date) -> String {
    format!("{}-{:02}", year_start.year(), (year_start.year() + 1).rem_euclid(100))
}

/// The cost centre as stored (trimmed, upper case), or what is wrong with it.
pub fn cost_centre_code(text: &str) -> Result<String, String> {
    let code = text.trim().to_uppercase();
    if code.is_empty() {
        return Err("Enter the cost centre, such as CSC-RES".to_owned());
    }
    if code.len() > CODE_MAX || !code.chars().all(|c| c.is_ascii_alphanumeric() || "-_/".contains(c)) {
        return Err(format!(
            "A cost centre is up to {CODE_MAX} letters, numbers, hyphens, underscores or slashes"
        ));
    }
    Ok(code)
}

/// Checks a budget, naming each field at fault.
fn check(new: &NewBudget) -> Result<String, StoreError> {
    let mut problems = Vec::new();
    if new.year_start != financial_year_start(new.year_start) {
        problems.push((
            "year_start",
            format!(
                "A budget year starts on 1 April; {} is not the start of a financial year",
                new.year_start
            ),
        ));
    }
    if new.amount.is_negative() {
        problems.push(("amount", "A budget cannot be negative".to_owned()));
    }
    let code = cost_centre_code(&new.cost_centre).map_err(|message| problems.push(("cost_centre", message)));
    match code {
        Ok(code) if problems.is_empty() => Ok(code),
        _ => Err(StoreError::Invalid(problems)),
    }
}

/// Sets the budget for a year and cost centre: creates it when `version`
/// is `None`, otherwise changes it from that version (a stale version is a
/// conflict). Returns the budget's id.
pub async fn set_budget(cmd: &mut Command, _can: &Can<ManageFinance>, new: &NewBudget, version: Option<i64>) -> Result<i64, StoreError> {
    let code = check(new)?;
    if let Some(holder) = new.holder_id {
        // Checked here rather than left to the foreign key so the message
        // names the field and an inactive account is refused too.
        let active = sqlx::query("SELECT active FROM users WHERE id = $1")
            .bind(holder.get())
            .fetch_optional(cmd.conn())
            .await?
            .map(|row| row.try_get::<i64, _>(0))
            .transpose()?;
        if active != Some(1) {
            return Err(StoreError::Invalid(vec![(
                "holder_id",
                "Choose a budget holder with an active account".to_owned(),
            )]));
        }
    }
    let before = find(cmd, new.year_start, &code).await?;
    let id = match (version, &before) {
        (None, Some(_)) => {
            return Err(StoreError::Duplicate {
                field: "cost_centre",
                message: format!(
                    "{code} already has a budget for {}; change that one instead",
                    year_label(new.year_start)
                ),
            })
        }
        (Some(_), None) => return Err(StoreError::NotFound { entity: "budget" }),
        (None, None) => {
            let row = sqlx::query(
                "INSERT INTO budgets (year_start, cost_centre, holder_id, amount_pence, created_at, version)
                 VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
            )
            .bind(date_text(new.year_start))
            .bind(&code)
            .bind(new.holder_id.map(UserId::get))
            .bind(new.amount.pence())
            .bind(cmd.at_text())
            .fetch_one(cmd.conn())
            .await
            .map_err(|e| StoreError::on_unique(e, "cost_centre", format!("{code} already has a budget for this year")))?;
            row.try_get::<i64, _>(0)?
        }
        (Some(version), Some(existing)) => {
            let done =
                sqlx::query("UPDATE budgets SET holder_id = $1, amount_pence = $2, version = version + 1 WHERE id = $3 AND version = $4")
                    .bind(new.holder_id.map(UserId::get))
                    .bind(new.amount.pence())
                    .bind(existing.id)
                    .bind(version)
                    .execute(cmd.conn())
                    .await?;
            StoreError::unless_changed(&done, "budget")?;
            existing.id
        }
    };
    let after = NewBudget {
        cost_centre: code,
        ..new.clone()
    };
    cmd.record(Change::new("budget.set", "budget", id, before.as_ref(), Some(&after)))
        .await?;
    Ok(id)
}

const SELECT: &str = "SELECT b.id, b.version, b.year_start, b.cost_centre, b.holder_id, u.display_name, b.amount_pence
     FROM budgets b LEFT JOIN users u ON u.id = b.holder_id";

fn budget_from(row: &sqlx::any::AnyRow) -> Result<Budget, StoreError> {
    Ok(Budget {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        year_start: parse_date(&row.try_get::<String, _>(2)?)?,
        cost_centre: row.try_get(3)?,
        holder_id: row.try_get::<Option<i64>, _>(4)?.map(UserId::new),
        holder_name: row.try_get(5)?,
        amount: Money::from_pence(row.try_get(6)?),
    })
}

async fn find(cmd: &mut Command, year_start: Date, code: &str) -> Result<Option<Budget>, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE b.year_start = $1 AND b.cost_centre = $2"))
        .bind(date_text(year_start))
        .bind(code)
        .fetch_optional(cmd.conn())
        .await?;
    row.as_ref().map(budget_from).transpose()
}

/// The year's budgets, by cost centre.
pub async fn budgets(store: &Store, year_start: Date) -> Result<Vec<Budget>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE b.year_start = $1 ORDER BY b.cost_centre"))
        .bind(date_text(year_start))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(budget_from).collect()
}

/// A person who may hold a budget, for the form's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub id: UserId,
    pub display_name: String,
}

/// Active heads of service and directors: the people who answer for a
/// budget. Finance staff set budgets but do not hold them.
pub async fn holders(store: &Store) -> Result<Vec<Holder>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.display_name FROM users u JOIN user_roles r ON r.user_id = u.id
         WHERE u.active = 1 AND r.role IN ($1, $2) ORDER BY u.display_name, u.id",
    )
    .bind(Role::HeadOfService.code())
    .bind(Role::Director.code())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Holder {
                id: UserId::new(row.try_get(0)?),
                display_name: row.try_get(1)?,
            })
        })
        .collect()
}
