//! Committees: meetings, their agendas, the resolutions they make, and the
//! packs generated for them.
//!
//! A scrutiny or audit committee resolves that something comes back to it
//! ("findings reported to this Committee at its November meeting"), so a
//! resolution is tracked to the audit action it asks for and to the later
//! meeting it is due back at: [`resolutions_due`] is what a meeting should
//! expect to hear. A due meeting on or before the resolving meeting is
//! refused. Resolutions go from open to done, from the version read.
//!
//! A pack is generated and kept: the HTML and the workbook (as base64, so
//! the table has portable types only) never change, and regenerating
//! writes a new pack. The database refuses an UPDATE of `committee_packs`.
//! The figures a pack was made from are recorded as the after-image of
//! its audit event, so the API can give them back exactly as printed.

use authz::cap::ClerkCommittees;
use authz::Can;
use kernel::UserId;
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// Longest committee name, meeting title or agenda item title.
const NAME_MAX: usize = 200;
/// Longest resolution.
const TEXT_MAX: usize = 4_000;

kernel::coded!(
    /// Where a resolution stands.
    ResolutionState {
        Open = "open", "Open";
        Done = "done", "Done";
    }
);

/// A meeting as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMeeting {
    pub committee: String,
    pub meets_on: Date,
    pub title: String,
}

/// A stored meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub version: i64,
    pub committee: String,
    pub meets_on: Date,
    pub title: String,
}

/// One item on a meeting's agenda, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i64,
    pub title: String,
    pub engagement_id: Option<i64>,
    pub engagement_title: Option<String>,
}

/// A resolution as the committee made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewResolution {
    pub text: String,
    pub agenda_item_id: Option<i64>,
    /// The audit action the resolution asks for, if any.
    pub action_id: Option<i64>,
    /// The later meeting it comes back to, if any.
    pub due_meeting_id: Option<i64>,
}

/// A stored resolution, with the meetings it was made at and is due at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub id: i64,
    pub version: i64,
    pub meeting_id: i64,
    pub meeting_title: String,
    pub meeting_on: Date,
    pub agenda_item_id: Option<i64>,
    pub text: String,
    pub action_id: Option<i64>,
    pub action_description: Option<String>,
    pub due_meeting_id: Option<i64>,
    pub due_meeting_title: Option<String>,
    pub due_on: Option<Date>,
    pub state: ResolutionState,
}

/// A generated pack, without its contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackSummary {
    pub id: i64,
    pub meeting_id: i64,
    pub generated_at: String,
    pub generated_by: Option<UserId>,
    pub generated_by_name: Option<String>,
}

/// A generated pack with its print-ready HTML and its workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack {
    pub summary: PackSummary,
    pub html: String,
    pub xlsx: Vec<u8>,
}

/// A choice for a form's list: an engagement or an action by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

fn required(problems: &mut Vec<(&'static str, String)>, field: &'static str, text: &str, what: &str, max: usize) -> String {
    let text = text.trim();
    if text.is_empty() {
        problems.push((field, format!("Enter the {what}")));
    } else if text.chars().count() > max {
        problems.push((field, format!("The {what} must be {max} characters or fewer")));
    }
    text.to_owned()
}

fn refuse(problems: Vec<(&'static str, String)>) -> Result<(), StoreError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// Schedules a meeting; returns its id.
pub async fn create_meeting(cmd: &mut Command, _can: &Can<ClerkCommittees>, new: &NewMeeting) -> Result<i64, StoreError> {
    let mut problems = Vec::new();
    let stored = NewMeeting {
        committee: required(&mut problems, "committee", &new.committee, "committee's name", NAME_MAX),
        title: required(&mut problems, "title", &new.title, "meeting's title", NAME_MAX),
        meets_on: new.meets_on,
    };
    refuse(problems)?;
    let row = sqlx::query(
        "INSERT INTO committee_meetings (committee, meets_on, title, created_at, version) VALUES ($1, $2, $3, $4, 1) RETURNING id",
    )
    .bind(&stored.committee)
    .bind(date_text(stored.meets_on))
    .bind(&stored.title)
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "committee_meeting.created",
        "committee_meeting",
        id,
        None::<&NewMeeting>,
        Some(&stored),
    ))
    .await?;
    Ok(id)
}

const MEETING: &str = "SELECT id, version, committee, meets_on, title FROM committee_meetings";

fn meeting_from(row: &sqlx::any::AnyRow) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        committee: row.try_get(2)?,
        meets_on: parse_date(&row.try_get::<String, _>(3)?)?,
        title: row.try_get(4)?,
    })
}

/// Every meeting, latest first.
pub async fn meetings(store: &Store) -> Result<Vec<Meeting>, StoreError> {
    let rows = sqlx::query(&format!("{MEETING} ORDER BY meets_on DESC, id DESC"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(meeting_from).collect()
}

pub async fn meeting(store: &Store, id: i64) -> Result<Option<Meeting>, StoreError> {
    let row = sqlx::query(&format!("{MEETING} WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(meeting_from).transpose()
}

async fn meeting_in(cmd: &mut Command, id: i64) -> Result<Option<Meeting>, StoreError> {
    let row = sqlx::query(&format!("{MEETING} WHERE id = $1"))
        .bind(id)
        .fetch_optional(cmd.conn())
        .await?;
    row.as_ref().map(meeting_from).transpose()
}

async fn exists(cmd: &mut Command, sql: &str, id: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(sql).bind(id).fetch_optional(cmd.conn()).await?.is_some())
}

/// Adds an item to the end of a meeting's agenda, optionally about an
/// audit engagement; returns its id.
pub async fn add_agenda_item(
    cmd: &mut Command,
    _can: &Can<ClerkCommittees>,
    meeting_id: i64,
    title: &str,
    engagement_id: Option<i64>,
) -> Result<i64, StoreError> {
    if meeting_in(cmd, meeting_id).await?.is_none() {
        return Err(StoreError::NotFound {
            entity: "committee meeting",
        });
    }
    let mut problems = Vec::new();
    let title = required(&mut problems, "title", title, "agenda item's title", NAME_MAX);
    if let Some(engagement) = engagement_id {
        if !exists(cmd, "SELECT id FROM audit_engagements WHERE id = $1", engagement).await? {
            problems.push(("engagement_id", "Choose an audit engagement that exists".to_owned()));
        }
    }
    refuse(problems)?;
    let position: i64 = sqlx::query("SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM agenda_items WHERE meeting_id = $1")
        .bind(meeting_id)
        .fetch_one(cmd.conn())
        .await?
        .try_get(0)?;
    let row = sqlx::query(
        "INSERT INTO agenda_items (meeting_id, position, title, engagement_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(meeting_id)
    .bind(position)
    .bind(&title)
    .bind(engagement_id)
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = serde_json::json!({
        "meeting_id": meeting_id, "position": position, "title": title, "engagement_id": engagement_id,
    });
    cmd.record(Change::new("agenda_item.added", "agenda_item", id, None::<&()>, Some(&after)))
        .await?;
    Ok(id)
}

/// A meeting's agenda in order.
pub async fn agenda(store: &Store, meeting_id: i64) -> Result<Vec<AgendaItem>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.meeting_id, a.position, a.title, a.engagement_id, e.title
         FROM agenda_items a LEFT JOIN audit_engagements e ON e.id = a.engagement_id
         WHERE a.meeting_id = $1 ORDER BY a.position, a.id",
    )
    .bind(meeting_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AgendaItem {
                id: row.try_get(0)?,
                meeting_id: row.try_get(1)?,
                position: row.try_get(2)?,
                title: row.try_get(3)?,
                engagement_id: row.try_get(4)?,
                engagement_title: row.try_get(5)?,
            })
        })
        .collect()
}

/// Records a resolution of `meeting_id`; returns its id. The agenda item
/// must be on that meeting's agenda, the action must exist, and the
/// meeting it is due back at must come after the resolving meeting.
pub async fn add_resolution(
    cmd: &mut Command,
    _can: &Can<ClerkCommittees>,
    meeting_id: i64,
    new: &NewResolution,
) -> Result<i64, StoreError> {
    let Some(meeting) = meeting_in(cmd, meeting_id).await? else {
        return Err(StoreError::NotFound {
            entity: "committee meeting",
        });
    };
    let mut problems = Vec::new();
    let text = required(&mut problems, "text", &new.text, "resolution", TEXT_MAX);
    if let Some(item) = new.agenda_item_id {
        let on_agenda = sqlx::query("SELECT id FROM agenda_items WHERE id = $1 AND meeting_id = $2")
            .bind(item)
            .bind(meeting_id)
            .fetch_optional(cmd.conn())
            .await?
            .is_some();
        if !on_agenda {
            problems.push(("agenda_item_id", "Choose an item on this meeting's agenda".to_owned()));
        }
    }
    if let Some(action) = new.action_id {
        if !exists(cmd, "SELECT id FROM audit_actions WHERE id = $1", action).await? {
            problems.push(("action_id", "Choose an audit action that exists".to_owned()));
        }
    }
    if let Some(due) = new.due_meeting_id {
        match meeting_in(cmd, due).await? {
            None => problems.push(("due_meeting_id", "Choose a meeting that exists".to_owned())),
            Some(later) if later.meets_on <= meeting.meets_on => problems.push((
                "due_meeting_id",
                format!(
                    "A resolution comes back to a later meeting; {} is not after {}",
                    kernel::dates::format_uk_date(later.meets_on),
                    kernel::dates::format_uk_date(meeting.meets_on)
                ),
            )),
            Some(_) => {}
        }
    }
    refuse(problems)?;
    let row = sqlx::query(
        "INSERT INTO resolutions (meeting_id, agenda_item_id, text, action_id, due_meeting_id, state, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id",
    )
    .bind(meeting_id)
    .bind(new.agenda_item_id)
    .bind(&text)
    .bind(new.action_id)
    .bind(new.due_meeting_id)
    .bind(ResolutionState::Open.code())
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = NewResolution { text, ..new.clone() };
    cmd.record(Change::new("resolution.made", "resolution", id, None::<&()>, Some(&after)))
        .await?;
    Ok(id)
}

/// Marks an open resolution done, from the version read.
pub async fn complete_resolution(cmd: &mut Command, _can: &Can<ClerkCommittees>, id: i64, version: i64) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT state, version FROM resolutions WHERE id = $1")
        .bind(id)
        .fetch_optional(cmd.conn())
        .await?
        .ok_or(StoreError::NotFound { entity: "resolution" })?;
    let (state, current): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
    if current != version {
        return Err(StoreError::Conflict { entity: "resolution" });
    }
    if state == ResolutionState::Done.code() {
        return Err(StoreError::Invalid(vec![("state", "This resolution is already done".to_owned())]));
    }
    let done = sqlx::query("UPDATE resolutions SET state = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(ResolutionState::Done.code())
        .bind(id)
        .bind(version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&done, "resolution")?;
    cmd.record(Change::new(
        "resolution.done",
        "resolution",
        id,
        Some(&ResolutionState::Open),
        Some(&ResolutionState::Done),
    ))
    .await?;
    Ok(())
}

const RESOLUTION: &str = "SELECT r.id, r.version, r.meeting_id, m.title, m.meets_on, r.agenda_item_id, r.text, r.action_id, a.description,
            r.due_meeting_id, d.title, d.meets_on, r.state
     FROM resolutions r JOIN committee_meetings m ON m.id = r.meeting_id
     LEFT JOIN committee_meetings d ON d.id = r.due_meeting_id
     LEFT JOIN audit_actions a ON a.id = r.action_id";

fn resolution_from(row: &sqlx::any::AnyRow) -> Result<Resolution, StoreError> {
    let due_on: Option<String> = row.try_get(11)?;
    let state: String = row.try_get(12)?;
    Ok(Resolution {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        meeting_id: row.try_get(2)?,
        meeting_title: row.try_get(3)?,
        meeting_on: parse_date(&row.try_get::<String, _>(4)?)?,
        agenda_item_id: row.try_get(5)?,
        text: row.try_get(6)?,
        action_id: row.try_get(7)?,
        action_description: row.try_get(8)?,
        due_meeting_id: row.try_get(9)?,
        due_meeting_title: row.try_get(10)?,
        due_on: due_on.as_deref().map(parse_date).transpose()?,
        state: state.parse().map_err(StoreError::corrupt)?,
    })
}

async fn resolutions_where(store: &Store, column: &str, meeting_id: i64) -> Result<Vec<Resolution>, StoreError> {
    let rows = sqlx::query(&format!("{RESOLUTION} WHERE r.{column} = $1 ORDER BY m.meets_on, r.id"))
        .bind(meeting_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(resolution_from).collect()
}

/// The resolutions a meeting made.
pub async fn resolutions(store: &Store, meeting_id: i64) -> Result<Vec<Resolution>, StoreError> {
    resolutions_where(store, "meeting_id", meeting_id).await
}

/// What comes back to a meeting: resolutions of earlier meetings due at it.
pub async fn resolutions_due(store: &Store, meeting_id: i64) -> Result<Vec<Resolution>, StoreError> {
    resolutions_where(store, "due_meeting_id", meeting_id).await
}

/// Keeps a generated pack for a meeting: its HTML, its workbook and (in
/// the audit event) the figures it shows. Returns the pack's id.
pub async fn save_pack<F: Serialize>(
    cmd: &mut Command,
    _can: &Can<ClerkCommittees>,
    meeting_id: i64,
    html: &str,
    xlsx: &[u8],
    figures: &F,
) -> Result<i64, StoreError> {
    if meeting_in(cmd, meeting_id).await?.is_none() {
        return Err(StoreError::NotFound {
            entity: "committee meeting",
        });
    }
    let generated_by = match cmd.actor() {
        authz::Actor::User(user) => Some(user.get()),
        _ => None,
    };
    let row = sqlx::query(
        "INSERT INTO committee_packs (meeting_id, generated_at, generated_by, html, xlsx_base64) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(meeting_id)
    .bind(cmd.at_text())
    .bind(generated_by)
    .bind(html)
    .bind(crate::base64::encode(xlsx))
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = serde_json::json!({
        "meeting_id": meeting_id,
        "html_bytes": html.len(),
        "xlsx_bytes": xlsx.len(),
        "figures": figures,
    });
    cmd.record(Change::new(
        "committee_pack.generated",
        "committee_pack",
        id,
        None::<&()>,
        Some(&after),
    ))
    .await?;
    Ok(id)
}

const PACK: &str = "SELECT p.id, p.meeting_id, p.generated_at, p.generated_by, u.display_name
     FROM committee_packs p LEFT JOIN users u ON u.id = p.generated_by";

fn summary_from(row: &sqlx::any::AnyRow) -> Result<PackSummary, StoreError> {
    Ok(PackSummary {
        id: row.try_get(0)?,
        meeting_id: row.try_get(1)?,
        generated_at: row.try_get(2)?,
        generated_by: row.try_get::<Option<i64>, _>(3)?.map(UserId::new),
        generated_by_name: row.try_get(4)?,
    })
}

/// A meeting's packs, latest first.
pub async fn packs(store: &Store, meeting_id: i64) -> Result<Vec<PackSummary>, StoreError> {
    let rows = sqlx::query(&format!("{PACK} WHERE p.meeting_id = $1 ORDER BY p.id DESC"))
        .bind(meeting_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(summary_from).collect()
}

/// One pack with its contents.
pub async fn pack(store: &Store, id: i64) -> Result<Option<Pack>, StoreError> {
    let row = sqlx::query(
        "SELECT p.id, p.meeting_id, p.generated_at, p.generated_by, u.display_name, p.html, p.xlsx_base64
         FROM committee_packs p LEFT JOIN users u ON u.id = p.generated_by WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let xlsx: String = row.try_get(6)?;
    Ok(Some(Pack {
        summary: summary_from(&row)?,
        html: row.try_get(5)?,
        xlsx: crate::base64::decode(&xlsx).map_err(|e| StoreError::corrupt(format!("committee pack {id}: {e}")))?,
    }))
}

/// The figures pack `id` was generated from, as recorded in its audit event.
pub async fn pack_figures(store: &Store, id: i64) -> Result<Option<serde_json::Value>, StoreError> {
    let row = sqlx::query(
        "SELECT after_json FROM audit_events WHERE entity = 'committee_pack' AND entity_id = $1 AND action = 'committee_pack.generated'",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let text: Option<String> = row.try_get(0)?;
    let value: serde_json::Value = serde_json::from_str(text.as_deref().unwrap_or("null")).map_err(StoreError::corrupt)?;
    Ok(value.get("figures").cloned())
}

/// Audit engagements, for linking an agenda item.
pub async fn engagement_choices(store: &Store) -> Result<Vec<Choice>, StoreError> {
    choices(store, "SELECT id, title FROM audit_engagements ORDER BY starts_on DESC, id DESC").await
}

/// Audit actions, for linking a resolution.
pub async fn action_choices(store: &Store) -> Result<Vec<Choice>, StoreError> {
    choices(store, "SELECT id, description FROM audit_actions ORDER BY target_on, id").await
}

async fn choices(store: &Store, sql: &str) -> Result<Vec<Choice>, StoreError> {
    let rows = sqlx::query(sql).fetch_all(store.pool()).await?;
    rows.iter()
        .map(|row| {
            Ok(Choice {
                id: row.try_get(0)?,
                label: row.try_get(1)?,
            })
        })
        .collect()
}
