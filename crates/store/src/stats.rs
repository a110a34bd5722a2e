//! Aggregate figures for home pages and committee views. No identities.

use std::str::FromStr;

use kernel::{Money, TeamId, UserId};
use placements::PlacementCategory;
use sqlx::Row;
use time::Date;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::date_text;

/// Children in one placement category on a date, and their weekly cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixLine {
    pub category: PlacementCategory,
    pub children: i64,
    pub weekly_cost: Money,
}

/// Placements open on `on`, by category.
pub async fn placement_mix(store: &Store, on: Date) -> Result<Vec<MixLine>, StoreError> {
    let day = date_text(on);
    let rows = sqlx::query(
        "SELECT category, COUNT(*), CAST(COALESCE(SUM(weekly_cost_pence), 0) AS BIGINT)
         FROM placements
         WHERE start_date <= $1 AND (end_date IS NULL OR end_date > $1)
         GROUP BY category ORDER BY category",
    )
    .bind(&day)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MixLine {
                category: PlacementCategory::from_str(&row.try_get::<String, _>(0)?).map_err(StoreError::corrupt)?,
                children: row.try_get(1)?,
                weekly_cost: Money::from_pence(row.try_get(2)?),
            })
        })
        .collect()
}

/// Children allocated to a worker.
pub async fn caseload_size(store: &Store, worker: UserId) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM children WHERE allocated_worker_id = $1")
        .bind(worker.get())
        .fetch_one(store.pool())
        .await?
        .try_get(0)?)
}

/// Children held by any of `teams`.
pub async fn team_children(store: &Store, teams: &[TeamId]) -> Result<i64, StoreError> {
    let mut total = 0;
    for team in teams {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM children WHERE team_id = $1")
            .bind(team.get())
            .fetch_one(store.pool())
            .await?
            .try_get(0)?;
        total += n;
    }
    Ok(total)
}

/// Counts for the administrators' and auditors' home pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemCounts {
    pub users: i64,
    pub active_sessions: i64,
    pub live_api_tokens: i64,
    pub audit_events: i64,
    pub access_log_entries: i64,
}

pub async fn system_counts(store: &Store) -> Result<SystemCounts, StoreError> {
    let count = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(store.pool())
            .await
            .and_then(|row| row.try_get::<i64, _>(0))
    };
    Ok(SystemCounts {
        users: count("SELECT COUNT(*) FROM users WHERE active = 1").await?,
        active_sessions: count("SELECT COUNT(*) FROM sessions").await?,
        live_api_tokens: count("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL").await?,
        audit_events: count("SELECT seq FROM audit_head WHERE id = 1").await?,
        access_log_entries: count("SELECT COUNT(*) FROM access_log").await?,
    })
}
