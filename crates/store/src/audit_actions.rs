//! Action plans: what management agreed to do about each finding, by when,
//! and every update since.
//!
//! The original target is never overwritten: a revised date is one of the
//! updates appended to `action_updates` (which refuses edits and deletes),
//! and the latest revision is the target that counts. RAG status and
//! escalation are derived with `assurance::actions` on the day asked, never
//! stored, so an action turns red on the day after its target without
//! anyone marking it.
//!
//! Updates come from the action's owner, or from a head of service or
//! director who answers for the service; other managers may read the plan
//! but not speak for someone else's action.

use assurance::actions::{escalation, rag, Action, ActionError, Escalation, Rag, Revision};
use assurance::opinion::FindingRating;
use assurance::ActionId;
use authz::cap::RespondToAudits;
use authz::{Can, Principal, Role};
use kernel::{uk_local_date, UserId};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::audit_findings::FindingKind;
use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::internal_audit::Person;
use crate::timestamp::{date_text, parse_date, parse_instant, parse_optional_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAction {
    pub description: String,
    pub owner: UserId,
    pub target_on: Date,
}

/// An update as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionUpdate {
    pub note: String,
    pub revised_target: Option<Date>,
    pub completed: bool,
}

/// An update as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredUpdate {
    pub note: String,
    pub revised_target_on: Option<Date>,
    pub completed: bool,
    pub by: Option<String>,
    pub on: Date,
}

/// An action with its history and its status on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditAction {
    pub id: i64,
    pub finding_id: i64,
    pub finding_title: String,
    pub rating: Option<FindingRating>,
    pub engagement_id: i64,
    pub engagement_title: String,
    pub description: String,
    pub owner: Person,
    pub original_target: Date,
    /// The latest revised target, else the original.
    pub target: Date,
    pub completed_on: Option<Date>,
    pub updates: Vec<StoredUpdate>,
    pub rag: Rag,
    pub escalation: Escalation,
    pub days_overdue: i64,
    pub version: i64,
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![(field, message.into())])
}

/// Agrees an action for a finding (not an area of strength).
pub async fn create(cmd: &mut Command, _can: &Can<RespondToAudits>, finding_id: i64, new: &NewAction) -> Result<i64, StoreError> {
    let finding = crate::audit_findings::finding(cmd.conn(), finding_id).await?;
    let today = uk_local_date(cmd.at());
    let mut errors = Vec::new();
    if finding.kind == FindingKind::Strength {
        errors.push(("description", "An area of strength needs no action".to_owned()));
    }
    if new.description.trim().is_empty() {
        errors.push(("description", "Describe what will be done".to_owned()));
    }
    if new.target_on < today {
        errors.push(("target_on", "The target date must be today or later".to_owned()));
    }
    let active: Option<i64> = sqlx::query("SELECT active FROM users WHERE id = $1")
        .bind(new.owner.get())
        .fetch_optional(cmd.conn())
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    if active != Some(1) {
        errors.push(("owner", "Choose a current user to own the action".to_owned()));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let row = sqlx::query(
        "INSERT INTO audit_actions (finding_id, description, owner_id, target_on, created_at, version) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
    )
    .bind(finding_id)
    .bind(new.description.trim())
    .bind(new.owner.get())
    .bind(date_text(new.target_on))
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = serde_json::json!({ "finding_id": finding_id, "action": new });
    cmd.record(Change::new("audit_action.agreed", "audit action", id, None::<&()>, Some(&after)))
        .await?;
    Ok(id)
}

/// Whether `who` may update an action owned by `owner`: the owner, or a
/// head of service or director.
pub fn may_update(who: &Principal, owner: UserId) -> bool {
    who.actor.user_id() == Some(owner) || who.roles.iter().any(|r| matches!(r, Role::HeadOfService | Role::Director))
}

fn refusal(error: ActionError) -> StoreError {
    match error {
        ActionError::AlreadyComplete => invalid("completed", "This action is already complete"),
        ActionError::NoReason | ActionError::EmptyUpdate => invalid("note", "Write what has happened"),
        ActionError::SameTarget => invalid("revised_target", "The revised date is the current target; enter a different date"),
    }
}

/// Appends an update by `who` at the action's version seen: a note, and
/// perhaps a revised target (the note is its reason) or completion.
pub async fn add_update(
    cmd: &mut Command,
    can: &Can<RespondToAudits>,
    who: &Principal,
    action_id: i64,
    version: i64,
    update: &ActionUpdate,
) -> Result<(), StoreError> {
    if who.actor != can.actor() || who.actor != cmd.actor() {
        return Err(StoreError::Rejected(vec![
            "the update must be made by the person signed in".to_owned()
        ]));
    }
    let today = uk_local_date(cmd.at());
    let before = action(cmd.conn(), action_id, today).await?;
    if !may_update(who, before.owner.id) {
        return Err(invalid(
            "action",
            "Only the action's owner, a head of service or a director may update it",
        ));
    }
    if update.completed && update.revised_target.is_some() {
        return Err(invalid(
            "revised_target",
            "Leave the revised date empty when the action is complete",
        ));
    }
    if update.revised_target.is_some_and(|to| to < today) {
        return Err(invalid("revised_target", "A revised target cannot be in the past"));
    }
    // The domain value checks the update: a note, a real change of date,
    // nothing revised or completed once complete.
    let mut domain = domain(&before);
    domain
        .add_update(today, who.actor.user_id().unwrap_or(UserId::new(0)), &update.note)
        .map_err(refusal)?;
    if let Some(to) = update.revised_target {
        domain.revise(to, today, &update.note).map_err(refusal)?;
    }
    if update.completed {
        domain.complete(today).map_err(refusal)?;
    }
    sqlx::query(
        "INSERT INTO action_updates (action_id, note, revised_target_on, completed, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(action_id)
    .bind(update.note.trim())
    .bind(update.revised_target.map(date_text))
    .bind(i64::from(update.completed))
    .bind(who.actor.user_id().map(UserId::get))
    .bind(cmd.at_text())
    .execute(cmd.conn())
    .await?;
    let done = sqlx::query("UPDATE audit_actions SET completed_on = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(domain.completed_on.map(date_text))
        .bind(action_id)
        .bind(version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&done, "audit action")?;
    let before_image = serde_json::json!({ "target": before.target, "completed_on": before.completed_on });
    let after = serde_json::json!({ "update": update, "target": domain.target(), "completed_on": domain.completed_on });
    cmd.record(Change::new(
        "audit_action.updated",
        "audit action",
        action_id,
        Some(&before_image),
        Some(&after),
    ))
    .await?;
    Ok(())
}

/// The action as the assurance crate sees it: original target, revisions
/// from the updates, completion.
fn domain(stored: &AuditAction) -> Action {
    let mut action = Action::new(
        ActionId::new(stored.id),
        &stored.description,
        stored.owner.id,
        stored.original_target,
    );
    action.revisions = stored
        .updates
        .iter()
        .filter_map(|u| {
            u.revised_target_on.map(|to| Revision {
                to,
                on: u.on,
                reason: u.note.clone(),
            })
        })
        .collect();
    action.completed_on = stored.completed_on;
    action
}

const SELECT: &str = "SELECT a.id, a.finding_id, f.title, f.rating, f.engagement_id, e.title, a.description, a.owner_id, u.display_name,
        a.target_on, a.completed_on, a.version
     FROM audit_actions a JOIN audit_findings f ON f.id = a.finding_id JOIN audit_engagements e ON e.id = f.engagement_id
     JOIN users u ON u.id = a.owner_id";

async fn updates_of(conn: &mut AnyConnection, action_id: i64) -> Result<Vec<StoredUpdate>, StoreError> {
    let rows = sqlx::query(
        "SELECT x.note, x.revised_target_on, x.completed, u.display_name, x.updated_at
         FROM action_updates x LEFT JOIN users u ON u.id = x.updated_by WHERE x.action_id = $1 ORDER BY x.id",
    )
    .bind(action_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredUpdate {
                note: row.try_get(0)?,
                revised_target_on: parse_optional_date(row.try_get::<Option<String>, _>(1)?.as_deref())?,
                completed: row.try_get::<i64, _>(2)? != 0,
                by: row.try_get(3)?,
                on: uk_local_date(parse_instant(&row.try_get::<String, _>(4)?)?),
            })
        })
        .collect()
}

async fn action_from(conn: &mut AnyConnection, row: &sqlx::any::AnyRow, today: Date) -> Result<AuditAction, StoreError> {
    let id: i64 = row.try_get(0)?;
    let original_target = parse_date(&row.try_get::<String, _>(9)?)?;
    let mut stored = AuditAction {
        id,
        finding_id: row.try_get(1)?,
        finding_title: row.try_get(2)?,
        rating: row
            .try_get::<Option<String>, _>(3)?
            .map(|code| code.parse().map_err(StoreError::corrupt))
            .transpose()?,
        engagement_id: row.try_get(4)?,
        engagement_title: row.try_get(5)?,
        description: row.try_get(6)?,
        owner: Person {
            id: UserId::new(row.try_get(7)?),
            name: row.try_get(8)?,
        },
        original_target,
        target: original_target,
        completed_on: parse_optional_date(row.try_get::<Option<String>, _>(10)?.as_deref())?,
        updates: updates_of(conn, id).await?,
        rag: Rag::Green,
        escalation: Escalation::NotEscalated,
        days_overdue: 0,
        version: row.try_get(11)?,
    };
    let domain = domain(&stored);
    stored.target = domain.target();
    stored.rag = rag(&domain, today);
    stored.escalation = escalation(&domain, today);
    stored.days_overdue = domain.days_overdue(today);
    Ok(stored)
}

pub async fn action(conn: &mut AnyConnection, id: i64, today: Date) -> Result<AuditAction, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "audit action" })?;
    action_from(conn, &row, today).await
}

/// One action with its status on `today`.
pub async fn get(store: &Store, id: i64, today: Date) -> Result<AuditAction, StoreError> {
    let mut conn = store.pool().acquire().await?;
    action(&mut conn, id, today).await
}

async fn select(store: &Store, filter: &str, engagement: i64, today: Date) -> Result<Vec<AuditAction>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let rows = sqlx::query(&format!("{SELECT} WHERE {filter} ORDER BY a.id"))
        .bind(engagement)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(action_from(&mut conn, row, today).await?);
    }
    Ok(out)
}

/// Every action, with its status on `today`, in the order agreed.
pub async fn list(store: &Store, today: Date) -> Result<Vec<AuditAction>, StoreError> {
    select(store, "$1 = 0", 0, today).await
}

/// One engagement's actions.
pub async fn of_engagement(store: &Store, engagement_id: i64, today: Date) -> Result<Vec<AuditAction>, StoreError> {
    select(store, "f.engagement_id = $1", engagement_id, today).await
}

/// Open actions past their target on `today`, most overdue first: the
/// escalation list (each says whether it has reached the head of service
/// or the director).
pub async fn overdue_actions(store: &Store, today: Date) -> Result<Vec<AuditAction>, StoreError> {
    let mut overdue: Vec<AuditAction> = list(store, today).await?.into_iter().filter(|a| a.days_overdue > 0).collect();
    overdue.sort_by_key(|a| (std::cmp::Reverse(a.days_overdue), a.id));
    Ok(overdue)
}
