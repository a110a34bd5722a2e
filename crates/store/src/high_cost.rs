//! High-cost placements and their reviews.

use std::str::FromStr;

use authz::cap::WorkOnRequests;
use authz::Can;
use gateway::high_cost::{Outcome, Policy};
use kernel::{ChildId, Money};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// A current high-cost placement and where its reviews stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighCostLine {
    pub placement_id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub category: PlacementCategory,
    pub provider: Option<String>,
    pub weekly_cost: Money,
    pub start: Date,
    pub last_review: Option<Date>,
    pub last_outcome: Option<Outcome>,
    pub due: Date,
    pub overdue: bool,
}

/// Every placement open today above the policy's threshold, most overdue first.
pub async fn lines(store: &Store, policy: &Policy, today: Date) -> Result<Vec<HighCostLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.child_id, c.la_child_id, p.category, pr.name, p.weekly_cost_pence, p.start_date,
                (SELECT MAX(r.reviewed_on) FROM high_cost_reviews r WHERE r.placement_id = p.id),
                (SELECT r.outcome FROM high_cost_reviews r WHERE r.placement_id = p.id ORDER BY r.reviewed_on DESC, r.id DESC LIMIT 1)
         FROM placements p JOIN children c ON c.id = p.child_id LEFT JOIN providers pr ON pr.id = p.provider_id
         WHERE p.weekly_cost_pence > $1 AND p.start_date <= $2 AND (p.end_date IS NULL OR p.end_date > $2)",
    )
    .bind(policy.weekly_threshold.pence())
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let start = parse_date(&row.try_get::<String, _>(6)?)?;
        let last_review = parse_optional_date(row.try_get::<Option<String>, _>(7)?.as_deref())?;
        let due = policy.next_due(start, last_review);
        lines.push(HighCostLine {
            placement_id: row.try_get(0)?,
            child_id: ChildId::new(row.try_get(1)?),
            la_child_id: row.try_get(2)?,
            category: PlacementCategory::from_str(&row.try_get::<String, _>(3)?).map_err(StoreError::corrupt)?,
            provider: row.try_get(4)?,
            weekly_cost: Money::from_pence(row.try_get(5)?),
            start,
            last_review,
            last_outcome: row
                .try_get::<Option<String>, _>(8)?
                .map(|o| Outcome::from_str(&o))
                .transpose()
                .map_err(StoreError::corrupt)?,
            due,
            overdue: due < today,
        });
    }
    lines.sort_by_key(|l| (!l.overdue, l.due));
    Ok(lines)
}

/// Records a review of a high-cost placement.
pub async fn record_review(
    cmd: &mut Command,
    _can: &Can<WorkOnRequests>,
    placement: i64,
    reviewed_on: Date,
    outcome: Outcome,
    actions: &str,
    today: Date,
) -> Result<(), StoreError> {
    if reviewed_on > today {
        return Err(StoreError::Rejected(vec!["the review date cannot be in the future".into()]));
    }
    if actions.trim().is_empty() {
        return Err(StoreError::Rejected(vec!["record the actions agreed at the review".into()]));
    }
    let exists = sqlx::query("SELECT COUNT(*) FROM placements WHERE id = $1")
        .bind(placement)
        .fetch_one(cmd.conn())
        .await?
        .try_get::<i64, _>(0)?;
    if exists == 0 {
        return Err(StoreError::NotFound { entity: "placement" });
    }
    let (reviewer, at) = (cmd.actor().to_string(), cmd.at_text());
    sqlx::query(
        "INSERT INTO high_cost_reviews (placement_id, reviewed_on, outcome, actions, reviewer, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(placement)
    .bind(date_text(reviewed_on))
    .bind(outcome.code())
    .bind(actions.trim())
    .bind(reviewer)
    .bind(at)
    .execute(cmd.conn())
    .await?;
    cmd.record(Change::new(
        "placement.high_cost_reviewed",
        "placement",
        placement,
        None::<&()>,
        Some(&serde_json::json!({ "on": date_text(reviewed_on), "outcome": outcome.code(), "actions": actions.trim() })),
    ))
    .await?;
    Ok(())
}

/// Open placements above the threshold, read inside a command (so ones
/// created in the same command are seen): (placement id, start date).
pub async fn open_above_threshold(cmd: &mut Command, policy: &Policy) -> Result<Vec<(i64, Date)>, StoreError> {
    let rows = sqlx::query("SELECT id, start_date FROM placements WHERE weekly_cost_pence > $1 AND end_date IS NULL ORDER BY id")
        .bind(policy.weekly_threshold.pence())
        .fetch_all(cmd.conn())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, parse_date(&r.try_get::<String, _>(1)?)?)))
        .collect()
}
