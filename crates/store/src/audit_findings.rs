//! Audit findings and areas of strength, the controls they concern, and
//! management's responses.
//!
//! A finding is rated Significant, Moderate or Minor (the ratings the
//! indicative opinion is worked out from) and carries a recommendation; an
//! area of strength has no rating. Each may name controls from the
//! assurance library (`GK-01`…), so audit results and continuous
//! monitoring of the same control can be read together; an id that is not
//! in the library is refused by name.
//!
//! The response is management's, not the auditor's: it is written by a
//! person who may respond to audits, and who and when are kept with it.

use assurance::opinion::FindingRating;
use assurance::ControlId;
use authz::cap::{ConductAudits, RespondToAudits};
use authz::Can;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::internal_audit::open_engagement;
use crate::timestamp::parse_instant;

kernel::coded!(
    /// What an auditor records: something to put right, or something done well.
    FindingKind {
        Finding = "finding", "Finding";
        Strength = "strength", "Area of strength";
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewFinding {
    pub kind: FindingKind,
    pub rating: Option<FindingRating>,
    pub title: String,
    pub detail: String,
    pub recommendation: String,
    /// Control ids as entered, such as `GK-01`.
    pub controls: Vec<String>,
}

/// Management's response to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub text: String,
    pub by: Option<String>,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: i64,
    pub engagement_id: i64,
    pub kind: FindingKind,
    pub rating: Option<FindingRating>,
    pub title: String,
    pub detail: String,
    pub recommendation: String,
    pub controls: Vec<ControlId>,
    pub response: Option<Response>,
    pub version: i64,
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![(field, message.into())])
}

/// The controls named, each checked against the library, without repeats.
fn controls_of(entered: &[String]) -> Result<Vec<ControlId>, (&'static str, String)> {
    let mut out: Vec<ControlId> = Vec::new();
    for text in entered.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let id = assurance::library()
            .iter()
            .map(|control| control.id)
            .find(|id| id.code().eq_ignore_ascii_case(text))
            .ok_or_else(|| ("controls", format!("{text} is not a control in the controls library")))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out.sort();
    Ok(out)
}

fn check(new: &NewFinding) -> Result<Vec<ControlId>, StoreError> {
    let mut errors = Vec::new();
    match (new.kind, new.rating) {
        (FindingKind::Finding, None) => errors.push(("rating", "Choose how significant the finding is".to_owned())),
        (FindingKind::Strength, Some(_)) => errors.push(("rating", "An area of strength has no rating".to_owned())),
        _ => {}
    }
    if new.title.trim().is_empty() {
        errors.push(("title", "Enter a title".to_owned()));
    }
    if new.detail.trim().is_empty() {
        errors.push(("detail", "Describe what the audit found".to_owned()));
    }
    if new.kind == FindingKind::Finding && new.recommendation.trim().is_empty() {
        errors.push(("recommendation", "Enter the recommendation".to_owned()));
    }
    let controls = controls_of(&new.controls).unwrap_or_else(|error| {
        errors.push(error);
        Vec::new()
    });
    if errors.is_empty() {
        Ok(controls)
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// Records a finding or an area of strength in an open engagement.
pub async fn record(cmd: &mut Command, _can: &Can<ConductAudits>, engagement_id: i64, new: &NewFinding) -> Result<i64, StoreError> {
    open_engagement(cmd.conn(), engagement_id, "title").await?;
    let controls = check(new)?;
    let row = sqlx::query(
        "INSERT INTO audit_findings (engagement_id, kind, rating, title, detail, recommendation, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id",
    )
    .bind(engagement_id)
    .bind(new.kind.code())
    .bind(new.rating.map(FindingRating::code))
    .bind(new.title.trim())
    .bind(new.detail.trim())
    .bind(new.recommendation.trim())
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    for control in &controls {
        sqlx::query("INSERT INTO finding_controls (finding_id, control_id) VALUES ($1, $2)")
            .bind(id)
            .bind(control.code())
            .execute(cmd.conn())
            .await?;
    }
    let after = serde_json::json!({ "engagement_id": engagement_id, "finding": new, "controls": controls });
    cmd.record(Change::new(
        "audit_finding.recorded",
        "audit finding",
        id,
        None::<&()>,
        Some(&after),
    ))
    .await?;
    Ok(id)
}

/// Records (or replaces) management's response to a finding, at the
/// version seen.
pub async fn respond(cmd: &mut Command, _can: &Can<RespondToAudits>, finding_id: i64, version: i64, text: &str) -> Result<(), StoreError> {
    let before = finding(cmd.conn(), finding_id).await?;
    if before.kind == FindingKind::Strength {
        return Err(invalid("response", "An area of strength needs no management response"));
    }
    if text.trim().is_empty() {
        return Err(invalid("response", "Enter management's response"));
    }
    let done = sqlx::query(
        "UPDATE audit_findings SET management_response = $1, responded_by = $2, responded_at = $3, version = version + 1
         WHERE id = $4 AND version = $5",
    )
    .bind(text.trim())
    .bind(cmd.actor().user_id().map(kernel::UserId::get))
    .bind(cmd.at_text())
    .bind(finding_id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "audit finding")?;
    cmd.record(Change::new(
        "audit_finding.response",
        "audit finding",
        finding_id,
        Some(&before.response.map(|r| r.text)),
        Some(&text.trim()),
    ))
    .await?;
    Ok(())
}

const SELECT: &str = "SELECT f.id, f.engagement_id, f.kind, f.rating, f.title, f.detail, f.recommendation, f.management_response,
        u.display_name, f.responded_at, f.version
     FROM audit_findings f LEFT JOIN users u ON u.id = f.responded_by";

async fn finding_from(conn: &mut AnyConnection, row: &sqlx::any::AnyRow) -> Result<Finding, StoreError> {
    let id: i64 = row.try_get(0)?;
    let controls = sqlx::query("SELECT control_id FROM finding_controls WHERE finding_id = $1 ORDER BY control_id")
        .bind(id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0)?.parse::<ControlId>().map_err(StoreError::corrupt))
        .collect::<Result<Vec<_>, _>>()?;
    let response = match (row.try_get::<Option<String>, _>(7)?, row.try_get::<Option<String>, _>(9)?) {
        (Some(text), Some(at)) => Some(Response {
            text,
            by: row.try_get(8)?,
            on: kernel::uk_local_date(parse_instant(&at)?),
        }),
        _ => None,
    };
    Ok(Finding {
        id,
        engagement_id: row.try_get(1)?,
        kind: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
        rating: row
            .try_get::<Option<String>, _>(3)?
            .map(|code| code.parse().map_err(StoreError::corrupt))
            .transpose()?,
        title: row.try_get(4)?,
        detail: row.try_get(5)?,
        recommendation: row.try_get(6)?,
        controls,
        response,
        version: row.try_get(10)?,
    })
}

pub async fn finding(conn: &mut AnyConnection, id: i64) -> Result<Finding, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "audit finding" })?;
    finding_from(conn, &row).await
}

/// One finding, for pages.
pub async fn get(store: &Store, id: i64) -> Result<Finding, StoreError> {
    let mut conn = store.pool().acquire().await?;
    finding(&mut conn, id).await
}

/// An engagement's findings: rated findings first, most serious first,
/// then areas of strength.
pub async fn of_engagement(store: &Store, engagement_id: i64) -> Result<Vec<Finding>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let rows = sqlx::query(&format!("{SELECT} WHERE f.engagement_id = $1 ORDER BY f.id"))
        .bind(engagement_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(finding_from(&mut conn, row).await?);
    }
    // Ratings order Significant < Moderate < Minor; strengths (no rating) last.
    out.sort_by_key(|f| (f.rating.is_none(), f.rating, f.id));
    Ok(out)
}
