//! Casework recorded against a child: dated care events (care plans,
//! reviews, visits, health assessments, education plans), placement plans,
//! worker allocations with reasons, addresses and relationships.

use std::fmt;
use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::Can;
use kernel::{ChildId, TeamId, UserId};
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// The dated events statutory timescales are keyed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    CarePlan,
    Review,
    Visit,
    HealthAssessment,
    Pep,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::CarePlan,
        EventKind::Review,
        EventKind::Visit,
        EventKind::HealthAssessment,
        EventKind::Pep,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::CarePlan => "care-plan",
            EventKind::Review => "review",
            EventKind::Visit => "visit",
            EventKind::HealthAssessment => "health-assessment",
            EventKind::Pep => "pep",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::CarePlan => "Care plan agreed",
            EventKind::Review => "Looked-after review held",
            EventKind::Visit => "Statutory visit",
            EventKind::HealthAssessment => "Health assessment",
            EventKind::Pep => "Personal education plan meeting",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| format!("'{s}' is not a kind of event: choose care-plan, review, visit, health-assessment or pep"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CareEvent {
    pub id: i64,
    pub kind: EventKind,
    pub occurred_on: Date,
    pub notes: String,
    pub recorded_by: String,
}

/// Records an event; dates in the future are refused.
pub async fn record_event(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    child: ChildId,
    kind: EventKind,
    occurred_on: Date,
    notes: &str,
    today: Date,
) -> Result<i64, StoreError> {
    if occurred_on > today {
        return Err(StoreError::Rejected(vec![format!(
            "{} cannot be in the future",
            kind.label().to_lowercase()
        )]));
    }
    let actor = cmd.actor().to_string();
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO care_events (child_id, kind, occurred_on, notes, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(child.get())
    .bind(kind.code())
    .bind(date_text(occurred_on))
    .bind(notes.trim())
    .bind(actor)
    .bind(at)
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "child.event_recorded",
        "child",
        child,
        None::<&()>,
        Some(&serde_json::json!({ "event": id, "kind": kind.code(), "on": date_text(occurred_on) })),
    ))
    .await?;
    Ok(id)
}

pub async fn events(store: &Store, child: ChildId) -> Result<Vec<CareEvent>, StoreError> {
    let rows =
        sqlx::query("SELECT id, kind, occurred_on, notes, recorded_by FROM care_events WHERE child_id = $1 ORDER BY occurred_on, id")
            .bind(child.get())
            .fetch_all(store.pool())
            .await?;
    rows.iter()
        .map(|row| {
            Ok(CareEvent {
                id: row.try_get(0)?,
                kind: EventKind::from_str(&row.try_get::<String, _>(1)?).map_err(StoreError::corrupt)?,
                occurred_on: parse_date(&row.try_get::<String, _>(2)?)?,
                notes: row.try_get(3)?,
                recorded_by: row.try_get(4)?,
            })
        })
        .collect()
}

/// Records the date a placement plan was agreed.
pub async fn record_placement_plan(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    child: ChildId,
    placement: i64,
    agreed_on: Date,
) -> Result<(), StoreError> {
    let changed = sqlx::query("UPDATE placements SET placement_plan_on = $1, version = version + 1 WHERE id = $2 AND child_id = $3")
        .bind(date_text(agreed_on))
        .bind(placement)
        .bind(child.get())
        .execute(cmd.conn())
        .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound { entity: "placement" });
    }
    cmd.record(Change::new(
        "placement.plan_agreed",
        "placement",
        placement,
        None::<&()>,
        Some(&serde_json::json!({ "agreed_on": date_text(agreed_on) })),
    ))
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub worker_id: UserId,
    pub worker_name: String,
    pub team_id: Option<TeamId>,
    pub start: Date,
    pub end: Option<Date>,
    pub reason: String,
}

/// Allocates a worker from `on`, ending the current allocation, with the
/// reason for the change.
pub async fn allocate(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    child: ChildId,
    worker: UserId,
    team: Option<TeamId>,
    on: Date,
    reason: &str,
) -> Result<(), StoreError> {
    let current = sqlx::query("SELECT start_date FROM worker_allocations WHERE child_id = $1 AND end_date IS NULL")
        .bind(child.get())
        .fetch_optional(cmd.conn())
        .await?;
    if let Some(row) = current {
        let start = parse_date(&row.try_get::<String, _>(0)?)?;
        if on <= start {
            return Err(StoreError::Rejected(vec![
                "the new allocation must start after the current one".to_owned()
            ]));
        }
    }
    sqlx::query("UPDATE worker_allocations SET end_date = $1 WHERE child_id = $2 AND end_date IS NULL")
        .bind(date_text(on))
        .bind(child.get())
        .execute(cmd.conn())
        .await?;
    sqlx::query("INSERT INTO worker_allocations (child_id, worker_id, team_id, start_date, reason) VALUES ($1, $2, $3, $4, $5)")
        .bind(child.get())
        .bind(worker.get())
        .bind(team.map(TeamId::get))
        .bind(date_text(on))
        .bind(reason)
        .execute(cmd.conn())
        .await?;
    sqlx::query("UPDATE children SET allocated_worker_id = $1, team_id = COALESCE($2, team_id), version = version + 1 WHERE id = $3")
        .bind(worker.get())
        .bind(team.map(TeamId::get))
        .bind(child.get())
        .execute(cmd.conn())
        .await?;
    cmd.record(Change::new(
        "child.worker_allocated",
        "child",
        child,
        None::<&()>,
        Some(&serde_json::json!({ "worker": worker.get(), "team": team.map(TeamId::get), "from": date_text(on), "reason": reason })),
    ))
    .await?;
    Ok(())
}

pub async fn allocations(store: &Store, child: ChildId) -> Result<Vec<Allocation>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.worker_id, u.display_name, a.team_id, a.start_date, a.end_date, a.reason
         FROM worker_allocations a JOIN users u ON u.id = a.worker_id WHERE a.child_id = $1 ORDER BY a.start_date",
    )
    .bind(child.get())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Allocation {
                worker_id: UserId::new(row.try_get(0)?),
                worker_name: row.try_get(1)?,
                team_id: row.try_get::<Option<i64>, _>(2)?.map(TeamId::new),
                start: parse_date(&row.try_get::<String, _>(3)?)?,
                end: parse_optional_date(row.try_get::<Option<String>, _>(4)?.as_deref())?,
                reason: row.try_get(5)?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    pub kind: String,
    pub line: String,
    pub postcode: String,
    pub start: Date,
    pub end: Option<Date>,
}

/// Records a new address of `kind` from `on`, ending the previous one of that kind.
pub async fn add_address(cmd: &mut Command, _can: &Can<RecordChildren>, child: ChildId, address: &Address) -> Result<(), StoreError> {
    sqlx::query("UPDATE child_addresses SET end_date = $1 WHERE child_id = $2 AND kind = $3 AND end_date IS NULL AND start_date < $1")
        .bind(date_text(address.start))
        .bind(child.get())
        .bind(&address.kind)
        .execute(cmd.conn())
        .await?;
    sqlx::query("INSERT INTO child_addresses (child_id, kind, line, postcode, start_date) VALUES ($1, $2, $3, $4, $5)")
        .bind(child.get())
        .bind(&address.kind)
        .bind(&address.line)
        .bind(address.postcode.to_uppercase())
        .bind(date_text(address.start))
        .execute(cmd.conn())
        .await?;
    cmd.record(Change::new("child.address_added", "child", child, None::<&()>, Some(address)))
        .await?;
    Ok(())
}

pub async fn addresses(store: &Store, child: ChildId) -> Result<Vec<Address>, StoreError> {
    let rows =
        sqlx::query("SELECT kind, line, postcode, start_date, end_date FROM child_addresses WHERE child_id = $1 ORDER BY start_date")
            .bind(child.get())
            .fetch_all(store.pool())
            .await?;
    rows.iter()
        .map(|row| {
            Ok(Address {
                kind: row.try_get(0)?,
                line: row.try_get(1)?,
                postcode: row.try_get(2)?,
                start: parse_date(&row.try_get::<String, _>(3)?)?,
                end: parse_optional_date(row.try_get::<Option<String>, _>(4)?.as_deref())?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationship {
    pub kind: String,
    pub related_child: Option<ChildId>,
    pub related_child_id: Option<String>,
    pub name: Option<String>,
}

/// Records a relationship; siblings who are also looked after are linked
/// both ways.
pub async fn add_relationship(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    child: ChildId,
    relationship: &Relationship,
) -> Result<(), StoreError> {
    let insert = "INSERT INTO child_relationships (child_id, kind, related_child_id, name) VALUES ($1, $2, $3, $4)";
    sqlx::query(insert)
        .bind(child.get())
        .bind(&relationship.kind)
        .bind(relationship.related_child.map(ChildId::get))
        .bind(&relationship.name)
        .execute(cmd.conn())
        .await?;
    if let (Some(other), true) = (relationship.related_child, relationship.kind.contains("sibling")) {
        sqlx::query(insert)
            .bind(other.get())
            .bind(&relationship.kind)
            .bind(child.get())
            .bind(None::<String>)
            .execute(cmd.conn())
            .await?;
    }
    cmd.record(Change::new(
        "child.relationship_added",
        "child",
        child,
        None::<&()>,
        Some(relationship),
    ))
    .await?;
    Ok(())
}

pub async fn relationships(store: &Store, child: ChildId) -> Result<Vec<Relationship>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.kind, r.related_child_id, c.la_child_id, COALESCE(r.name, c.given_names || ' ' || c.family_name)
         FROM child_relationships r LEFT JOIN children c ON c.id = r.related_child_id WHERE r.child_id = $1 ORDER BY r.id",
    )
    .bind(child.get())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Relationship {
                kind: row.try_get(0)?,
                related_child: row.try_get::<Option<i64>, _>(1)?.map(ChildId::new),
                related_child_id: row.try_get(2)?,
                name: row.try_get(3)?,
            })
        })
        .collect()
}

/// Bulk casework for imports and the demo county, audited per batch: events
/// as (child, kind, date, notes), allocations as (child, worker, team, from,
/// reason), and placement plans as (child, placement start, agreed on).
pub async fn insert_bulk(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    events: &[(ChildId, EventKind, Date, String)],
    allocations: &[(ChildId, UserId, Option<TeamId>, Date, String)],
    placement_plans: &[(ChildId, Date, Date)],
) -> Result<(), StoreError> {
    for (child, start, agreed) in placement_plans {
        sqlx::query("UPDATE placements SET placement_plan_on = $1 WHERE child_id = $2 AND start_date = $3")
            .bind(date_text(*agreed))
            .bind(child.get())
            .bind(date_text(*start))
            .execute(cmd.conn())
            .await?;
    }
    let at = cmd.at_text();
    let actor = cmd.actor().to_string();
    for chunk in events.chunks(400) {
        let mut sql = String::from("INSERT INTO care_events (child_id, kind, occurred_on, notes, recorded_by, recorded_at) VALUES ");
        sql.push_str(&crate::sql::values_list(chunk.len(), 6, ""));
        let mut query = sqlx::query(&sql);
        for (child, kind, on, notes) in chunk {
            query = query
                .bind(child.get())
                .bind(kind.code())
                .bind(date_text(*on))
                .bind(notes)
                .bind(&actor)
                .bind(&at);
        }
        query.execute(cmd.conn()).await?;
    }
    for chunk in allocations.chunks(400) {
        let mut sql = String::from("INSERT INTO worker_allocations (child_id, worker_id, team_id, start_date, reason) VALUES ");
        sql.push_str(&crate::sql::values_list(chunk.len(), 5, ""));
        let mut query = sqlx::query(&sql);
        for (child, worker, team, from, reason) in chunk {
            query = query
                .bind(child.get())
                .bind(worker.get())
                .bind(team.map(TeamId::get))
                .bind(date_text(*from))
                .bind(reason);
        }
        query.execute(cmd.conn()).await?;
    }
    cmd.record(Change {
        action: "casework.created_in_bulk",
        entity: "child",
        entity_id: "many".to_owned(),
        before: None,
        after: Some(
            serde_json::json!({ "events": events.len(), "allocations": allocations.len(), "placement_plans": placement_plans.len() }),
        ),
    })
    .await?;
    Ok(())
}
