//! Assessments: start, submit, return, authorise, with the workflow rules
//! from `children::assessment` enforced before anything is written.

use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::Can;
use children::assessment::{next_state, Actor, AssessmentKind, AssessmentState, AssessmentStep};
use kernel::{ChildId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub id: i64,
    pub child_id: ChildId,
    pub kind: AssessmentKind,
    pub started_on: Date,
    pub state: AssessmentState,
    pub author_id: UserId,
    pub author_name: String,
    pub summary: String,
    pub submitted_on: Option<Date>,
    pub authorised_by: Option<UserId>,
    pub completed_on: Option<Date>,
    pub version: i64,
}

const SELECT: &str = "SELECT a.id, a.child_id, a.kind, a.started_on, a.state, a.author_id, u.display_name, a.summary, a.submitted_on,
        a.authorised_by, a.completed_on, a.version
    FROM assessments a JOIN users u ON u.id = a.author_id";

fn from_row(row: &AnyRow) -> Result<Assessment, StoreError> {
    Ok(Assessment {
        id: row.try_get(0)?,
        child_id: ChildId::new(row.try_get(1)?),
        kind: AssessmentKind::from_str(&row.try_get::<String, _>(2)?).map_err(StoreError::corrupt)?,
        started_on: parse_date(&row.try_get::<String, _>(3)?)?,
        state: AssessmentState::from_str(&row.try_get::<String, _>(4)?).map_err(StoreError::corrupt)?,
        author_id: UserId::new(row.try_get(5)?),
        author_name: row.try_get(6)?,
        summary: row.try_get(7)?,
        submitted_on: parse_optional_date(row.try_get::<Option<String>, _>(8)?.as_deref())?,
        authorised_by: row.try_get::<Option<i64>, _>(9)?.map(UserId::new),
        completed_on: parse_optional_date(row.try_get::<Option<String>, _>(10)?.as_deref())?,
        version: row.try_get(11)?,
    })
}

/// Starts an assessment; the person starting it is its author.
pub async fn start(
    cmd: &mut Command,
    can: &Can<RecordChildren>,
    child: ChildId,
    kind: AssessmentKind,
    started_on: Date,
    summary: &str,
) -> Result<i64, StoreError> {
    let author = can
        .actor()
        .user_id()
        .ok_or(StoreError::Rejected(vec!["only a person can author an assessment".into()]))?;
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO assessments (child_id, kind, started_on, state, author_id, summary, created_at, version)
         VALUES ($1, $2, $3, 'started', $4, $5, $6, 1) RETURNING id",
    )
    .bind(child.get())
    .bind(kind.code())
    .bind(date_text(started_on))
    .bind(author.get())
    .bind(summary.trim())
    .bind(at)
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "assessment.started",
        "assessment",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "child": child.get(), "kind": kind.code(), "started_on": date_text(started_on) })),
    ))
    .await?;
    Ok(id)
}

/// Moves an assessment a step, if the workflow allows this person to.
pub async fn step(
    cmd: &mut Command,
    can: &Can<RecordChildren>,
    id: i64,
    step: AssessmentStep,
    is_team_manager: bool,
    today: Date,
) -> Result<Assessment, StoreError> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(cmd.conn())
        .await?
        .ok_or(StoreError::NotFound { entity: "assessment" })?;
    let before = from_row(&row)?;
    let actor_id = can
        .actor()
        .user_id()
        .ok_or(StoreError::Rejected(vec!["only a person can act on an assessment".into()]))?;
    let actor = Actor {
        id: actor_id.get(),
        is_team_manager,
    };
    let next =
        next_state(before.state, before.author_id.get(), actor, step).map_err(|refused| StoreError::Rejected(vec![refused.to_string()]))?;
    let (submitted, authorised_by, completed) = match step {
        AssessmentStep::Submit => (Some(today), before.authorised_by, before.completed_on),
        AssessmentStep::Return => (None, None, None),
        AssessmentStep::Authorise => (before.submitted_on, Some(actor_id), Some(today)),
    };
    let changed = sqlx::query(
        "UPDATE assessments SET state = $1, submitted_on = $2, authorised_by = $3, completed_on = $4, version = version + 1
         WHERE id = $5 AND version = $6",
    )
    .bind(next.code())
    .bind(submitted.map(date_text))
    .bind(authorised_by.map(UserId::get))
    .bind(completed.map(date_text))
    .bind(id)
    .bind(before.version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&changed, "assessment")?;
    let after = Assessment {
        state: next,
        submitted_on: submitted,
        authorised_by,
        completed_on: completed,
        version: before.version + 1,
        ..before.clone()
    };
    cmd.record(Change::new("assessment.moved", "assessment", id, Some(&before), Some(&after)))
        .await?;
    Ok(after)
}

pub async fn for_child(store: &Store, child: ChildId) -> Result<Vec<Assessment>, StoreError> {
    let sql = format!("{SELECT} WHERE a.child_id = $1 ORDER BY a.started_on, a.id");
    let rows = sqlx::query(&sql).bind(child.get()).fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(store: &Store, id: i64) -> Result<Option<Assessment>, StoreError> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(store.pool()).await?;
    row.as_ref().map(from_row).transpose()
}

/// An assessment as imported (or generated), with its author and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAssessment {
    pub child: ChildId,
    pub kind: AssessmentKind,
    pub started_on: Date,
    pub state: AssessmentState,
    pub author: UserId,
    pub summary: String,
    pub submitted_on: Option<Date>,
    pub completed_on: Option<Date>,
}

/// Bulk insert for imports and the demo county, audited once.
pub async fn insert_bulk(cmd: &mut Command, _can: &Can<RecordChildren>, assessments: &[ImportedAssessment]) -> Result<(), StoreError> {
    let at = cmd.at_text();
    for a in assessments {
        sqlx::query(
            "INSERT INTO assessments (child_id, kind, started_on, state, author_id, summary, submitted_on, completed_on, created_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
        )
        .bind(a.child.get())
        .bind(a.kind.code())
        .bind(date_text(a.started_on))
        .bind(a.state.code())
        .bind(a.author.get())
        .bind(&a.summary)
        .bind(a.submitted_on.map(date_text))
        .bind(a.completed_on.map(date_text))
        .bind(&at)
        .execute(cmd.conn())
        .await?;
    }
    cmd.record(Change {
        action: "assessment.created_in_bulk",
        entity: "assessment",
        entity_id: "many".to_owned(),
        before: None,
        after: Some(serde_json::json!({ "count": assessments.len() })),
    })
    .await?;
    Ok(())
}
