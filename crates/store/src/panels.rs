//! Panel meetings: scheduling, papers, attendance and agendas. Whether a
//! meeting may decide is the `gateway::panel` rule; this module feeds it
//! what is stored.

use authz::cap::RunPanels;
use authz::{Can, Role};
use gateway::panel::{Attendee, Meeting};
use kernel::{Money, UserId};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// Someone at a meeting, with their name for the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendeeView {
    pub user: UserId,
    pub name: String,
    pub roles: Vec<Role>,
    pub chair: bool,
}

/// One request on a meeting's agenda, and the decision if made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    pub request_id: i64,
    pub la_child_id: String,
    pub category: PlacementCategory,
    pub weekly_cost: Money,
    pub emergency: bool,
    pub outcome: Option<String>,
    pub reasons: Option<String>,
}

/// A meeting as people see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PanelMeeting {
    pub id: i64,
    pub meets_on: Date,
    pub quorum: u32,
    pub papers: String,
    pub minutes: String,
    pub attendees: Vec<AttendeeView>,
    pub agenda: Vec<AgendaItem>,
    pub quorate: bool,
    pub version: i64,
}

/// A meeting in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingLine {
    pub id: i64,
    pub meets_on: Date,
    pub quorum: u32,
    pub attending: i64,
    pub items: i64,
    pub decided: i64,
}

fn quorum_value(quorum: u32) -> Result<i64, StoreError> {
    if quorum == 0 || quorum > 20 {
        return Err(StoreError::Invalid(vec![(
            "quorum",
            "quorum must be between 1 and 20 panel members".to_owned(),
        )]));
    }
    Ok(i64::from(quorum))
}

/// Schedules a meeting.
pub async fn schedule(cmd: &mut Command, _can: &Can<RunPanels>, meets_on: Date, quorum: u32, papers: &str) -> Result<i64, StoreError> {
    let quorum = quorum_value(quorum)?;
    let at = cmd.at_text();
    let row =
        sqlx::query("INSERT INTO panel_meetings (meets_on, quorum, papers, created_at, version) VALUES ($1, $2, $3, $4, 1) RETURNING id")
            .bind(date_text(meets_on))
            .bind(quorum)
            .bind(papers.trim())
            .bind(at)
            .fetch_one(cmd.conn())
            .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "panel.scheduled",
        "panel_meeting",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "meets_on": date_text(meets_on), "quorum": quorum, "papers": papers.trim() })),
    ))
    .await?;
    Ok(id)
}

/// What a Gateway officer records about a meeting: its papers, minutes and
/// who attended (with the chair).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    pub quorum: u32,
    pub papers: String,
    pub minutes: String,
    pub attendees: Vec<(UserId, bool)>,
}

/// Updates a meeting from the version the officer read.
pub async fn record(cmd: &mut Command, _can: &Can<RunPanels>, id: i64, version: i64, record: &MeetingRecord) -> Result<(), StoreError> {
    let quorum = quorum_value(record.quorum)?;
    if record.attendees.iter().filter(|(_, chair)| *chair).count() > 1 {
        return Err(StoreError::Invalid(vec![("chair", "choose one chair".to_owned())]));
    }
    let before = load(cmd.conn(), id).await?;
    let changed = sqlx::query(
        "UPDATE panel_meetings SET quorum = $1, papers = $2, minutes = $3, version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(quorum)
    .bind(record.papers.trim())
    .bind(record.minutes.trim())
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&changed, "panel meeting")?;
    sqlx::query("DELETE FROM panel_attendees WHERE meeting_id = $1")
        .bind(id)
        .execute(cmd.conn())
        .await?;
    for (user, chair) in &record.attendees {
        sqlx::query("INSERT INTO panel_attendees (meeting_id, user_id, chair) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(user.get())
            .bind(i64::from(*chair))
            .execute(cmd.conn())
            .await?;
    }
    cmd.record(Change::new("panel.recorded", "panel_meeting", id, Some(&before), Some(record)))
        .await?;
    Ok(())
}

pub(crate) async fn load(conn: &mut AnyConnection, id: i64) -> Result<PanelMeeting, StoreError> {
    let row = sqlx::query("SELECT id, meets_on, quorum, papers, minutes, version FROM panel_meetings WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "panel meeting" })?;
    let mut meeting = PanelMeeting {
        id: row.try_get(0)?,
        meets_on: parse_date(&row.try_get::<String, _>(1)?)?,
        quorum: u32::try_from(row.try_get::<i64, _>(2)?).map_err(StoreError::corrupt)?,
        papers: row.try_get(3)?,
        minutes: row.try_get(4)?,
        attendees: Vec::new(),
        agenda: Vec::new(),
        quorate: false,
        version: row.try_get(5)?,
    };
    let rows = sqlx::query(
        "SELECT a.user_id, u.display_name, a.chair FROM panel_attendees a JOIN users u ON u.id = a.user_id
         WHERE a.meeting_id = $1 ORDER BY a.chair DESC, u.display_name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let user = UserId::new(row.try_get(0)?);
        let roles = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user.get())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok()?.parse().ok())
            .collect();
        meeting.attendees.push(AttendeeView {
            user,
            name: row.try_get(1)?,
            roles,
            chair: row.try_get::<i64, _>(2)? != 0,
        });
    }
    let rows = sqlx::query(
        "SELECT i.request_id, c.la_child_id, r.category, r.weekly_cost_pence, r.emergency_placed_on, i.outcome, i.reasons
         FROM panel_items i JOIN placement_requests r ON r.id = i.request_id JOIN children c ON c.id = r.child_id
         WHERE i.meeting_id = $1 ORDER BY i.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        meeting.agenda.push(AgendaItem {
            request_id: row.try_get(0)?,
            la_child_id: row.try_get(1)?,
            category: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
            weekly_cost: Money::from_pence(row.try_get(3)?),
            emergency: row.try_get::<Option<String>, _>(4)?.is_some(),
            outcome: row.try_get(5)?,
            reasons: row.try_get(6)?,
        });
    }
    meeting.quorate = rules_view(&meeting).is_quorate();
    Ok(meeting)
}

/// The meeting as the `gateway::panel` rules see it.
pub fn rules_view(meeting: &PanelMeeting) -> Meeting {
    Meeting {
        meets_on: meeting.meets_on,
        quorum: meeting.quorum,
        attendees: meeting
            .attendees
            .iter()
            .map(|a| Attendee {
                user: a.user,
                roles: a.roles.clone(),
                chair: a.chair,
            })
            .collect(),
    }
}

pub async fn find(store: &Store, id: i64) -> Result<Option<PanelMeeting>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    match load(&mut conn, id).await {
        Ok(meeting) => Ok(Some(meeting)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Meetings on or after `from` (upcoming) or before it (past, newest first).
pub async fn list(store: &Store, from: Date, upcoming: bool, limit: i64) -> Result<Vec<MeetingLine>, StoreError> {
    let (comparison, order) = if upcoming { (">=", "ASC") } else { ("<", "DESC") };
    let sql = format!(
        "SELECT m.id, m.meets_on, m.quorum,
                (SELECT COUNT(*) FROM panel_attendees a WHERE a.meeting_id = m.id),
                (SELECT COUNT(*) FROM panel_items i WHERE i.meeting_id = m.id),
                (SELECT COUNT(*) FROM panel_items i WHERE i.meeting_id = m.id AND i.outcome IS NOT NULL)
         FROM panel_meetings m WHERE m.meets_on {comparison} $1 ORDER BY m.meets_on {order}, m.id {order} LIMIT $2"
    );
    let rows = sqlx::query(&sql).bind(date_text(from)).bind(limit).fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(MeetingLine {
                id: r.try_get(0)?,
                meets_on: parse_date(&r.try_get::<String, _>(1)?)?,
                quorum: u32::try_from(r.try_get::<i64, _>(2)?).map_err(StoreError::corrupt)?,
                attending: r.try_get(3)?,
                items: r.try_get(4)?,
                decided: r.try_get(5)?,
            })
        })
        .collect()
}

/// Every meeting date, for ratification deadlines.
pub(crate) async fn dates(conn: &mut AnyConnection) -> Result<Vec<Date>, StoreError> {
    let rows = sqlx::query("SELECT meets_on FROM panel_meetings ORDER BY meets_on")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| parse_date(&r.try_get::<String, _>(0)?)).collect()
}

/// The meeting a request is listed on and not yet decided at, if any.
pub(crate) async fn open_listing(conn: &mut AnyConnection, request: i64) -> Result<Option<(i64, i64)>, StoreError> {
    let row = sqlx::query("SELECT id, meeting_id FROM panel_items WHERE request_id = $1 AND outcome IS NULL ORDER BY id DESC LIMIT 1")
        .bind(request)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Puts a request on a meeting's agenda.
pub(crate) async fn list_item(conn: &mut AnyConnection, meeting: i64, request: i64) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO panel_items (meeting_id, request_id) VALUES ($1, $2)")
        .bind(meeting)
        .bind(request)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records the panel's decision against the agenda item.
pub(crate) async fn decide_item(
    conn: &mut AnyConnection,
    item: i64,
    outcome: &str,
    reasons: &str,
    by: UserId,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE panel_items SET outcome = $1, reasons = $2, decided_by = $3, decided_at = $4 WHERE id = $5")
        .bind(outcome)
        .bind(reasons)
        .bind(by.get())
        .bind(at)
        .bind(item)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A meeting loaded from elsewhere (the demo county, another system) with
/// its attendance, one audit event each.
pub async fn import(
    cmd: &mut Command,
    meets_on: Date,
    quorum: u32,
    papers: &str,
    minutes: &str,
    attendees: &[(UserId, bool)],
) -> Result<i64, StoreError> {
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO panel_meetings (meets_on, quorum, papers, minutes, created_at, version) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
    )
    .bind(date_text(meets_on))
    .bind(quorum_value(quorum)?)
    .bind(papers)
    .bind(minutes)
    .bind(at)
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    for (user, chair) in attendees {
        sqlx::query("INSERT INTO panel_attendees (meeting_id, user_id, chair) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(user.get())
            .bind(i64::from(*chair))
            .execute(cmd.conn())
            .await?;
    }
    cmd.record(Change::new(
        "panel.imported",
        "panel_meeting",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "meets_on": date_text(meets_on), "attendees": attendees.len() })),
    ))
    .await?;
    Ok(id)
}

/// The meeting a request is listed on and awaiting a decision at, if any.
pub async fn listing_of(store: &Store, request: i64) -> Result<Option<i64>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    Ok(open_listing(&mut conn, request).await?.map(|(_, meeting)| meeting))
}
