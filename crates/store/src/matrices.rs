//! The delegated-authority matrix as stored: each version proposed by one
//! administrator and approved or rejected by another
//! (`gateway::matrix::approve_change`). One version is active at a time;
//! until an administrator approves one, the configured matrix applies.

use authz::cap::ManageMatrix;
use authz::{Actor, Can, Role};
use gateway::matrix::{approve_change, Matrix, MatrixChange, Rule};
use kernel::UserId;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;

/// A stored version of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixVersion {
    pub id: i64,
    pub rules: Vec<Rule>,
    /// proposed, active, superseded or rejected.
    pub state: String,
    pub reason: String,
    pub proposed_by: UserId,
    pub proposed_by_name: String,
    pub proposed_at: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
}

impl MatrixVersion {
    pub fn matrix(&self) -> Matrix {
        Matrix {
            version: self.id,
            rules: self.rules.clone(),
        }
    }
}

const SELECT: &str = "SELECT m.id, m.rules, m.state, m.reason, m.proposed_by, p.display_name, m.proposed_at, d.display_name, m.decided_at
    FROM matrix_versions m JOIN users p ON p.id = m.proposed_by LEFT JOIN users d ON d.id = m.decided_by";

fn from_row(row: &AnyRow) -> Result<MatrixVersion, StoreError> {
    Ok(MatrixVersion {
        id: row.try_get(0)?,
        rules: serde_json::from_str(&row.try_get::<String, _>(1)?).map_err(StoreError::corrupt)?,
        state: row.try_get(2)?,
        reason: row.try_get(3)?,
        proposed_by: UserId::new(row.try_get(4)?),
        proposed_by_name: row.try_get(5)?,
        proposed_at: row.try_get(6)?,
        decided_by_name: row.try_get(7)?,
        decided_at: row.try_get(8)?,
    })
}

/// Every version, newest first.
pub async fn history(store: &Store) -> Result<Vec<MatrixVersion>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY m.id DESC")).fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// The matrix in force: the active version, or `default` if none yet.
pub async fn in_force(store: &Store, default: &Matrix) -> Result<Matrix, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE m.state = 'active' ORDER BY m.id DESC LIMIT 1"))
        .fetch_optional(store.pool())
        .await?;
    match row {
        Some(row) => Ok(from_row(&row)?.matrix()),
        None => Ok(default.clone()),
    }
}

fn check(rules: &[Rule], reason: &str) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    if rules.is_empty() {
        problems.push(("rules", "a matrix needs at least one rule".to_owned()));
    }
    for (i, rule) in rules.iter().enumerate() {
        if rule.name.trim().is_empty() {
            problems.push(("rules", format!("rule {} needs a name", i + 1)));
        }
        if rule.approvers.is_empty() {
            problems.push(("rules", format!("rule {} needs at least one approver", i + 1)));
        }
    }
    if reason.trim().is_empty() {
        problems.push(("reason", "say why the matrix is changing".to_owned()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// One administrator proposes a new matrix.
pub async fn propose(cmd: &mut Command, can: &Can<ManageMatrix>, rules: &[Rule], reason: &str) -> Result<i64, StoreError> {
    check(rules, reason)?;
    let proposer = can
        .actor()
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["only a person can propose a matrix".into()]))?;
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO matrix_versions (rules, state, reason, proposed_by, proposed_at) VALUES ($1, 'proposed', $2, $3, $4) RETURNING id",
    )
    .bind(serde_json::to_string(rules).map_err(StoreError::corrupt)?)
    .bind(reason.trim())
    .bind(proposer.get())
    .bind(at)
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "matrix.proposed",
        "matrix",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "rules": rules, "reason": reason.trim() })),
    ))
    .await?;
    Ok(id)
}

/// A second administrator approves (making it active) or rejects a proposal.
pub async fn decide(cmd: &mut Command, can: &Can<ManageMatrix>, id: i64, roles: &[Role], approve: bool) -> Result<(), StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(cmd.conn())
        .await?
        .ok_or(StoreError::NotFound { entity: "matrix version" })?;
    let version = from_row(&row)?;
    if version.state != "proposed" {
        return Err(StoreError::Rejected(vec![format!(
            "this matrix is {}, not awaiting a decision",
            version.state
        )]));
    }
    let decider = can.actor();
    let change = MatrixChange {
        proposed_by: Actor::User(version.proposed_by),
        matrix: version.matrix(),
    };
    approve_change(&change, decider, roles).map_err(|e| StoreError::Rejected(vec![e.to_string()]))?;
    let decider_id = decider
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["only a person can decide".into()]))?;
    if approve {
        sqlx::query("UPDATE matrix_versions SET state = 'superseded' WHERE state = 'active'")
            .execute(cmd.conn())
            .await?;
    }
    let at = cmd.at_text();
    let changed =
        sqlx::query("UPDATE matrix_versions SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = 'proposed'")
            .bind(if approve { "active" } else { "rejected" })
            .bind(decider_id.get())
            .bind(at)
            .bind(id)
            .execute(cmd.conn())
            .await?;
    StoreError::unless_changed(&changed, "matrix version")?;
    cmd.record(Change::new(
        if approve { "matrix.approved" } else { "matrix.rejected" },
        "matrix",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "decided_by": decider_id.get() })),
    ))
    .await?;
    Ok(())
}

/// A version loaded from elsewhere (the demo county, a migration from
/// another system): proposed by one person and, if decided, approved by
/// another, dated `on`. The two-person rule holds here too.
pub async fn import(
    cmd: &mut Command,
    rules: &[Rule],
    proposed_by: UserId,
    approved_by: Option<UserId>,
    reason: &str,
    on: time::Date,
) -> Result<i64, StoreError> {
    check(rules, reason)?;
    if approved_by == Some(proposed_by) {
        return Err(StoreError::Rejected(vec![
            "a matrix cannot be approved by the administrator who proposed it".into(),
        ]));
    }
    let at = format!("{}T09:00:00.000000Z", crate::timestamp::date_text(on));
    if approved_by.is_some() {
        sqlx::query("UPDATE matrix_versions SET state = 'superseded' WHERE state = 'active'")
            .execute(cmd.conn())
            .await?;
    }
    let row = sqlx::query(
        "INSERT INTO matrix_versions (rules, state, reason, proposed_by, proposed_at, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(serde_json::to_string(rules).map_err(StoreError::corrupt)?)
    .bind(if approved_by.is_some() { "active" } else { "proposed" })
    .bind(reason.trim())
    .bind(proposed_by.get())
    .bind(&at)
    .bind(approved_by.map(|u| u.get()))
    .bind(approved_by.map(|_| at.clone()))
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "matrix.imported",
        "matrix",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "rules": rules })),
    ))
    .await?;
    Ok(id)
}
