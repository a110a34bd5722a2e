//! Contract monitoring: who monitors each current external placement, the
//! schedule by risk, the reports and visits recorded, concerns and notices
//! until closed, and the same measures for in-house carers.

use std::collections::HashMap;

use authz::cap::Commission;
use authz::Can;
use contracts::monitoring::{self, EventKind, Monitored, Risk, RiskFactors, Summary};
use kernel::{ChildId, Money, UserId};
use providers::register::{Grade, Regulator, SettingType};
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// One recorded event, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventLite {
    pub id: i64,
    pub kind: String,
    pub on: Date,
    pub quality_score: Option<u8>,
    pub open_issue: bool,
    pub summary: String,
    pub officer: Option<String>,
}

async fn events_by(store: &Store, column: &str) -> Result<HashMap<i64, Vec<EventLite>>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT e.{column}, e.id, e.kind, e.occurred_on, e.quality_score, e.closed_on, e.summary, u.display_name
         FROM monitoring_events e LEFT JOIN users u ON u.id = e.officer_id WHERE e.{column} IS NOT NULL ORDER BY e.occurred_on, e.id"
    ))
    .fetch_all(store.pool())
    .await?;
    let mut out: HashMap<i64, Vec<EventLite>> = HashMap::new();
    for row in &rows {
        let kind: String = row.try_get(2)?;
        let issue = kind.parse::<EventKind>().is_ok_and(EventKind::is_issue);
        out.entry(row.try_get(0)?).or_default().push(EventLite {
            id: row.try_get(1)?,
            on: parse_date(&row.try_get::<String, _>(3)?)?,
            quality_score: row.try_get::<Option<i64>, _>(4)?.and_then(|s| u8::try_from(s).ok()),
            open_issue: issue && row.try_get::<Option<String>, _>(5)?.is_none(),
            summary: row.try_get(6)?,
            officer: row.try_get(7)?,
            kind,
        });
    }
    Ok(out)
}

pub async fn household_events(store: &Store) -> Result<HashMap<i64, Vec<EventLite>>, StoreError> {
    events_by(store, "household_id").await
}

/// One line of the monitoring schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleLine {
    pub placement_id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub provider: String,
    pub setting: Option<String>,
    pub setting_id: Option<i64>,
    pub weekly_cost: Money,
    pub officer: Option<String>,
    pub officer_id: Option<UserId>,
    pub risk: Risk,
    pub last_visit: Option<Date>,
    pub next_visit_due: Date,
    pub visit_overdue: bool,
    pub reports: Vec<(EventKind, Date, bool)>,
    pub out_of_area: bool,
    pub host_authority: Option<String>,
    pub host_notified_on: Option<Date>,
    pub open_issues: u32,
    pub quality_scores: Vec<u8>,
    pub events: Vec<EventLite>,
}

impl ScheduleLine {
    pub fn needs_host_notice(&self) -> bool {
        self.out_of_area && self.host_notified_on.is_none()
    }

    pub fn report_overdue(&self) -> bool {
        self.reports.iter().any(|(_, _, overdue)| *overdue)
    }
}

/// Every current external placement, riskiest and most overdue first.
/// `home_authority` is the council's own area: a setting elsewhere makes
/// the placement out of area.
pub async fn schedule(store: &Store, home_authority: &str, today: Date) -> Result<Vec<ScheduleLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.child_id, c.la_child_id, pr.name, s.name, s.id, p.weekly_cost_pence, u.display_name, m.officer_id,
                s.grade, s.registration_status, s.setting_type, s.regulator, s.local_authority, p.start_date, m.host_authority,
                m.host_notified_on
         FROM placements p JOIN children c ON c.id = p.child_id JOIN providers pr ON pr.id = p.provider_id
         LEFT JOIN settings s ON s.id = p.setting_id
         LEFT JOIN monitoring_assignments m ON m.placement_id = p.id LEFT JOIN users u ON u.id = m.officer_id
         WHERE (p.end_date IS NULL OR p.end_date > $1) AND pr.provider_type IN ('PR2', 'PR3', 'PR4', 'PR5')",
    )
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    let by_placement = events_by(store, "placement_id").await?;
    let by_setting = events_by(store, "setting_id").await?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let placement_id: i64 = row.try_get(0)?;
        let setting_id: Option<i64> = row.try_get(5)?;
        let grade = row
            .try_get::<Option<String>, _>(9)?
            .map_or(Ok(Grade::NotInspected), |g| g.parse())
            .map_err(StoreError::corrupt)?;
        let registered = row
            .try_get::<Option<String>, _>(10)?
            .is_none_or(|s| s == "registered" || s == "application-accepted");
        let setting_type: Option<SettingType> = row
            .try_get::<Option<String>, _>(11)?
            .map(|t| t.parse())
            .transpose()
            .map_err(StoreError::corrupt)?;
        let regulator: Option<Regulator> = row
            .try_get::<Option<String>, _>(12)?
            .map(|t| t.parse())
            .transpose()
            .map_err(StoreError::corrupt)?;
        let local_authority: Option<String> = row.try_get(13)?;
        let out_of_area = local_authority
            .as_deref()
            .is_some_and(|la| !la.eq_ignore_ascii_case(home_authority));
        let mut events: Vec<EventLite> = by_placement.get(&placement_id).cloned().unwrap_or_default();
        let setting_events = setting_id.and_then(|s| by_setting.get(&s)).cloned().unwrap_or_default();
        let open_issues = u32::try_from(events.iter().chain(&setting_events).filter(|e| e.open_issue).count()).unwrap_or(u32::MAX);
        let weekly_cost = Money::from_pence(row.try_get(6)?);
        let risk = monitoring::assess(&RiskFactors {
            weekly_cost,
            grade,
            registered,
            open_concerns: open_issues,
            out_of_area,
        });
        let placed_on = parse_date(&row.try_get::<String, _>(14)?)?;
        let last_visit = events.iter().filter(|e| e.kind == "visit").map(|e| e.on).max();
        let next_visit_due = monitoring::next_visit_due(risk.level, placed_on, last_visit);
        let last_report = |kind: EventKind| {
            setting_events
                .iter()
                .chain(&events)
                .filter(|e| e.kind == kind.code())
                .map(|e| e.on)
                .max()
        };
        let reports = match (setting_type, regulator) {
            (Some(t), Some(r)) => monitoring::reports_due(t, r, placed_on, last_report)
                .into_iter()
                .map(|(kind, due)| (kind, due, due < today))
                .collect(),
            _ => Vec::new(),
        };
        events.extend(setting_events.iter().cloned());
        events.sort_by_key(|e| std::cmp::Reverse((e.on, e.id)));
        lines.push(ScheduleLine {
            placement_id,
            child_id: ChildId::new(row.try_get(1)?),
            la_child_id: row.try_get(2)?,
            provider: row.try_get(3)?,
            setting: row.try_get(4)?,
            setting_id,
            weekly_cost,
            officer: row.try_get(7)?,
            officer_id: row.try_get::<Option<i64>, _>(8)?.map(UserId::new),
            visit_overdue: next_visit_due < today,
            quality_scores: events.iter().filter_map(|e| e.quality_score).collect(),
            risk,
            last_visit,
            next_visit_due,
            reports,
            host_authority: row.try_get::<Option<String>, _>(15)?.or(local_authority.filter(|_| out_of_area)),
            host_notified_on: parse_optional_date(row.try_get::<Option<String>, _>(16)?.as_deref())?,
            out_of_area,
            open_issues,
            events,
        });
    }
    lines.sort_by(|a, b| {
        (std::cmp::Reverse(a.risk.score), a.next_visit_due, a.placement_id).cmp(&(
            std::cmp::Reverse(b.risk.score),
            b.next_visit_due,
            b.placement_id,
        ))
    });
    Ok(lines)
}

/// Assigns the responsible officer and records the host authority.
pub async fn assign(
    cmd: &mut Command,
    _can: &Can<Commission>,
    placement: i64,
    officer: UserId,
    host_authority: Option<&str>,
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let host = host_authority.map(str::trim).filter(|h| !h.is_empty());
    let updated = sqlx::query(
        "UPDATE monitoring_assignments SET officer_id = $1, host_authority = $2, version = version + 1 WHERE placement_id = $3",
    )
    .bind(officer.get())
    .bind(host)
    .bind(placement)
    .execute(cmd.conn())
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO monitoring_assignments (placement_id, officer_id, host_authority, created_at, version) VALUES ($1, $2, $3, $4, 1)",
        )
        .bind(placement)
        .bind(officer.get())
        .bind(host)
        .bind(at)
        .execute(cmd.conn())
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "placement" },
            other => StoreError::Database(other),
        })?;
    }
    cmd.record(Change::new(
        "monitoring.assigned",
        "placement",
        placement,
        None::<&()>,
        Some(&(officer, host)),
    ))
    .await?;
    Ok(())
}

/// Records the day the host authority was notified of the placement.
pub async fn host_notified(cmd: &mut Command, _can: &Can<Commission>, placement: i64, on: Date, today: Date) -> Result<(), StoreError> {
    if on > today {
        return Err(StoreError::Invalid(vec![(
            "notified_on",
            "The date cannot be in the future".to_owned(),
        )]));
    }
    let done = sqlx::query("UPDATE monitoring_assignments SET host_notified_on = $1, version = version + 1 WHERE placement_id = $2")
        .bind(date_text(on))
        .bind(placement)
        .execute(cmd.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Invalid(vec![(
            "notified_on",
            "Assign a responsible officer and the host authority first".to_owned(),
        )]));
    }
    cmd.record(Change::new(
        "monitoring.host_notified",
        "placement",
        placement,
        None::<&()>,
        Some(&on),
    ))
    .await?;
    Ok(())
}

/// What a monitoring record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    Placement(i64),
    Setting(i64),
    Household(i64),
}

/// A visit, report, concern or notice as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEvent {
    pub subject: Subject,
    pub kind: EventKind,
    pub occurred_on: Date,
    pub quality_score: Option<u8>,
    pub summary: String,
    pub action: String,
    pub action_due: Option<Date>,
}

/// Records a monitoring event by the signed-in officer.
pub async fn record_event(cmd: &mut Command, _can: &Can<Commission>, event: &NewEvent, today: Date) -> Result<i64, StoreError> {
    let mut problems = Vec::new();
    if event.occurred_on > today {
        problems.push(("occurred_on", "The date cannot be in the future".to_owned()));
    }
    if event.summary.trim().len() < 10 {
        problems.push(("summary", "Summarise what was found (at least 10 characters)".to_owned()));
    }
    if let Err(p) = monitoring::check_quality_score(event.quality_score) {
        problems.push(p);
    }
    if matches!(event.subject, Subject::Household(_)) != event.kind.is_in_house() && !event.kind.is_issue() {
        problems.push((
            "kind",
            "Supervisory visits and annual reviews are for in-house carers; the other kinds are for placements and settings".to_owned(),
        ));
    }
    if event.kind == EventKind::PerformanceNotice && event.action.trim().is_empty() {
        problems.push(("action", "A performance notice says what the provider must do".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let (placement, setting, household) = match event.subject {
        Subject::Placement(id) => (Some(id), None, None),
        Subject::Setting(id) => (None, Some(id), None),
        Subject::Household(id) => (None, None, Some(id)),
    };
    let at = cmd.at_text();
    let officer = cmd.actor().user_id().map(UserId::get);
    let row = sqlx::query(
        "INSERT INTO monitoring_events (placement_id, setting_id, household_id, kind, occurred_on, officer_id, quality_score, summary, action,
                                        action_due, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(placement)
    .bind(setting)
    .bind(household)
    .bind(event.kind.code())
    .bind(date_text(event.occurred_on))
    .bind(officer)
    .bind(event.quality_score.map(i64::from))
    .bind(event.summary.trim())
    .bind(event.action.trim())
    .bind(event.action_due.map(date_text))
    .bind(at)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "monitoring subject" },
        other => StoreError::Database(other),
    })?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new("monitoring.recorded", "monitoring event", id, None::<&()>, Some(event)))
        .await?;
    Ok(id)
}

/// Closes a concern, incident or notice.
pub async fn close_issue(cmd: &mut Command, _can: &Can<Commission>, id: i64, on: Date) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE monitoring_events SET closed_on = $1 WHERE id = $2 AND closed_on IS NULL AND kind IN ('concern', 'incident', 'performance-notice')")
        .bind(date_text(on))
        .bind(id)
        .execute(cmd.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Rejected(vec![
            "only an open concern, incident or notice can be closed".to_owned()
        ]));
    }
    cmd.record(Change::new("monitoring.closed", "monitoring event", id, None::<&()>, Some(&on)))
        .await?;
    Ok(())
}

/// External placements beside in-house carers, measured the same way.
pub fn comparison(schedule: &[ScheduleLine], households: &[crate::households::Household], today: Date) -> (Summary, Summary) {
    let external: Vec<Monitored> = schedule
        .iter()
        .map(|l| Monitored {
            visit_due: l.next_visit_due,
            report_due: l.reports.iter().map(|(_, due, _)| *due).min(),
            quality_scores: l.quality_scores.clone(),
            open_issues: l.open_issues,
        })
        .collect();
    let in_house: Vec<Monitored> = households
        .iter()
        .map(|h| Monitored {
            visit_due: h.due.visit_due,
            report_due: Some(h.due.review_due),
            quality_scores: h.quality_scores.clone(),
            open_issues: h.open_issues,
        })
        .collect();
    (monitoring::summarise(&external, today), monitoring::summarise(&in_house, today))
}
