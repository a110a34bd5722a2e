//! Internal audit: the annual plan and its engagements.
//!
//! A plan covers one financial year, so its year starts on 1 April and a
//! year has one plan. Each engagement under it has an area (the assurance
//! crate's `Area` codes, so audits and controls are reported together), a
//! scope, dates, a lead and a team, and moves `planned → fieldwork →
//! reporting → complete` one step at a time: an audit cannot be reported
//! before its fieldwork. Completing it needs the opinion on the council's
//! scale; the findings' indicative opinion is worked out beside it, and an
//! auditor who differs must say why, which the audit trail keeps.
//!
//! A follow-up engagement points at the earlier audit it follows up, which
//! must be complete (there is nothing to follow up before the report).
//! Nothing here touches children, placements or finance: auditors read
//! operational data (see `audit_samples`) but never change it.

use assurance::opinion::{indicative_opinion, AuditOpinion, FindingRating, Findings};
use assurance::Area;
use authz::cap::ConductAudits;
use authz::Can;
use kernel::{uk_local_date, UserId};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, Month};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

kernel::coded!(
    /// Where an engagement has got to; it moves one step at a time.
    EngagementState {
        Planned = "planned", "Planned";
        Fieldwork = "fieldwork", "Fieldwork";
        Reporting = "reporting", "Reporting";
        Complete = "complete", "Complete";
    }
);

impl EngagementState {
    /// The one state this may move to.
    pub fn next(self) -> Option<EngagementState> {
        match self {
            EngagementState::Planned => Some(EngagementState::Fieldwork),
            EngagementState::Fieldwork => Some(EngagementState::Reporting),
            EngagementState::Reporting => Some(EngagementState::Complete),
            EngagementState::Complete => None,
        }
    }

    /// Whether tests, workpapers and findings may still be added: a
    /// complete audit's file is closed.
    pub fn is_open(self) -> bool {
        self != EngagementState::Complete
    }
}

/// An annual audit plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub id: i64,
    pub year_start: Date,
    pub title: String,
    pub approved_on: Option<Date>,
    pub version: i64,
}

impl Plan {
    /// "2026/27".
    pub fn year_label(&self) -> String {
        format!("{}/{:02}", self.year_start.year(), (self.year_start.year() + 1) % 100)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPlan {
    pub year_start: Date,
    pub title: String,
}

/// A person named on an engagement or an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
}

/// One audit engagement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Engagement {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub area: Area,
    pub scope: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub lead: Option<Person>,
    pub team: Vec<Person>,
    pub state: EngagementState,
    pub opinion: Option<AuditOpinion>,
    pub opinion_on: Option<Date>,
    pub follow_up_of: Option<i64>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEngagement {
    pub plan_id: i64,
    pub title: String,
    pub area: Area,
    pub scope: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub lead: Option<UserId>,
    pub team: Vec<UserId>,
    pub follow_up_of: Option<i64>,
}

/// The opinion given when an engagement is completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closing {
    pub opinion: AuditOpinion,
    /// Why the opinion differs from the indicative one; may be empty when
    /// it does not.
    pub reason: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![(field, message.into())])
}

/// Creates the plan for a year starting on 1 April; a year has one plan.
pub async fn create_plan(cmd: &mut Command, _can: &Can<ConductAudits>, new: &NewPlan) -> Result<i64, StoreError> {
    let mut errors = Vec::new();
    if new.year_start.month() != Month::April || new.year_start.day() != 1 {
        errors.push(("year_start", "A plan's year starts on 1 April".to_owned()));
    }
    if new.title.trim().is_empty() {
        errors.push(("title", "Enter the plan's title".to_owned()));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let row = sqlx::query("INSERT INTO audit_plans (year_start, title, created_at, version) VALUES ($1, $2, $3, 1) RETURNING id")
        .bind(date_text(new.year_start))
        .bind(new.title.trim())
        .bind(cmd.at_text())
        .fetch_one(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "year_start", "There is already a plan for that year"))?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new("audit_plan.created", "audit plan", id, None::<&()>, Some(new)))
        .await?;
    Ok(id)
}

/// Records the plan's approval (by the audit committee) today; once only.
pub async fn approve_plan(cmd: &mut Command, _can: &Can<ConductAudits>, id: i64, version: i64) -> Result<(), StoreError> {
    let before = plan(cmd.conn(), id).await?;
    if before.approved_on.is_some() {
        return Err(invalid("approved_on", "This plan has already been approved"));
    }
    let today = uk_local_date(cmd.at());
    let done = sqlx::query("UPDATE audit_plans SET approved_on = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(date_text(today))
        .bind(id)
        .bind(version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&done, "audit plan")?;
    cmd.record(Change::new("audit_plan.approved", "audit plan", id, Some(&before), Some(&today)))
        .await?;
    Ok(())
}

fn plan_from(row: &sqlx::any::AnyRow) -> Result<Plan, StoreError> {
    Ok(Plan {
        id: row.try_get(0)?,
        year_start: parse_date(&row.try_get::<String, _>(1)?)?,
        title: row.try_get(2)?,
        approved_on: parse_optional_date(row.try_get::<Option<String>, _>(3)?.as_deref())?,
        version: row.try_get(4)?,
    })
}

pub async fn plan(conn: &mut AnyConnection, id: i64) -> Result<Plan, StoreError> {
    let row = sqlx::query("SELECT id, year_start, title, approved_on, version FROM audit_plans WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "audit plan" })?;
    plan_from(&row)
}

/// Every plan, latest year first.
pub async fn plans(store: &Store) -> Result<Vec<Plan>, StoreError> {
    let rows = sqlx::query("SELECT id, year_start, title, approved_on, version FROM audit_plans ORDER BY year_start DESC")
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(plan_from).collect()
}

/// Names for user ids, in the order given; an unknown id is refused with `field`.
async fn people(conn: &mut AnyConnection, ids: &[UserId], field: &'static str) -> Result<Vec<Person>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let name: Option<String> = sqlx::query("SELECT display_name FROM users WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get(0))
            .transpose()?;
        out.push(Person {
            id: *id,
            name: name.ok_or_else(|| invalid(field, format!("There is no user number {id}")))?,
        });
    }
    Ok(out)
}

/// Checks an engagement's details against its plan.
fn check_engagement(new: &NewEngagement, plan: &Plan) -> Result<(), StoreError> {
    let mut errors = Vec::new();
    if new.title.trim().is_empty() {
        errors.push(("title", "Enter the engagement's title".to_owned()));
    }
    if new.scope.trim().is_empty() {
        errors.push(("scope", "Describe what the audit covers".to_owned()));
    }
    let year_end = plan.year_start.replace_year(plan.year_start.year() + 1).unwrap_or(plan.year_start);
    if new.starts_on < plan.year_start || new.starts_on >= year_end {
        errors.push((
            "starts_on",
            format!("The engagement must start in the plan's year, {}", plan.year_label()),
        ));
    }
    if new.ends_on < new.starts_on {
        errors.push(("ends_on", "The engagement cannot end before it starts".to_owned()));
    }
    if new.lead.is_some_and(|lead| new.team.contains(&lead)) {
        errors.push((
            "team",
            "The lead is already on the engagement; list the rest of the team".to_owned(),
        ));
    }
    let mut team = new.team.clone();
    team.sort_unstable();
    if team.windows(2).any(|pair| pair[0] == pair[1]) {
        errors.push(("team", "Name each member of the team once".to_owned()));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// Adds an engagement to a plan, planned.
pub async fn create_engagement(cmd: &mut Command, _can: &Can<ConductAudits>, new: &NewEngagement) -> Result<i64, StoreError> {
    let plan = match plan(cmd.conn(), new.plan_id).await {
        Err(StoreError::NotFound { .. }) => return Err(invalid("plan_id", "Choose the plan this engagement belongs to")),
        other => other?,
    };
    check_engagement(new, &plan)?;
    people(cmd.conn(), &new.lead.into_iter().collect::<Vec<_>>(), "lead").await?;
    people(cmd.conn(), &new.team, "team").await?;
    if let Some(original) = new.follow_up_of {
        check_original(cmd.conn(), None, original).await?;
    }
    let team = serde_json::to_string(&new.team.iter().map(|u| u.get()).collect::<Vec<_>>()).map_err(StoreError::corrupt)?;
    let row = sqlx::query(
        "INSERT INTO audit_engagements (plan_id, title, area, scope, starts_on, ends_on, lead_id, team, state, follow_up_of, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id",
    )
    .bind(new.plan_id)
    .bind(new.title.trim())
    .bind(new.area.code())
    .bind(new.scope.trim())
    .bind(date_text(new.starts_on))
    .bind(date_text(new.ends_on))
    .bind(new.lead.map(UserId::get))
    .bind(team)
    .bind(EngagementState::Planned.code())
    .bind(new.follow_up_of)
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "audit_engagement.created",
        "audit engagement",
        id,
        None::<&()>,
        Some(new),
    ))
    .await?;
    Ok(id)
}

const SELECT: &str =
    "SELECT id, plan_id, title, area, scope, starts_on, ends_on, lead_id, team, state, opinion, opinion_on, follow_up_of, version
     FROM audit_engagements";

async fn engagement_from(conn: &mut AnyConnection, row: &sqlx::any::AnyRow) -> Result<Engagement, StoreError> {
    let lead: Option<i64> = row.try_get(7)?;
    let team: Vec<i64> = serde_json::from_str(&row.try_get::<String, _>(8)?).map_err(StoreError::corrupt)?;
    let lead = people(conn, &lead.map(UserId::new).into_iter().collect::<Vec<_>>(), "lead").await?;
    let team = people(conn, &team.into_iter().map(UserId::new).collect::<Vec<_>>(), "team").await?;
    Ok(Engagement {
        id: row.try_get(0)?,
        plan_id: row.try_get(1)?,
        title: row.try_get(2)?,
        area: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
        scope: row.try_get(4)?,
        starts_on: parse_date(&row.try_get::<String, _>(5)?)?,
        ends_on: parse_date(&row.try_get::<String, _>(6)?)?,
        lead: lead.into_iter().next(),
        team,
        state: row.try_get::<String, _>(9)?.parse().map_err(StoreError::corrupt)?,
        opinion: row
            .try_get::<Option<String>, _>(10)?
            .map(|code| code.parse().map_err(StoreError::corrupt))
            .transpose()?,
        opinion_on: parse_optional_date(row.try_get::<Option<String>, _>(11)?.as_deref())?,
        follow_up_of: row.try_get(12)?,
        version: row.try_get(13)?,
    })
}

pub async fn engagement(conn: &mut AnyConnection, id: i64) -> Result<Engagement, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "audit engagement",
        })?;
    engagement_from(conn, &row).await
}

/// One engagement, for pages.
pub async fn get(store: &Store, id: i64) -> Result<Engagement, StoreError> {
    let mut conn = store.pool().acquire().await?;
    engagement(&mut conn, id).await
}

/// Every engagement, by start date, for the plans page.
pub async fn engagements(store: &Store) -> Result<Vec<Engagement>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let rows = sqlx::query(&format!("{SELECT} ORDER BY starts_on, id"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(engagement_from(&mut conn, row).await?);
    }
    Ok(out)
}

/// The engagements that follow up `id`.
pub async fn follow_ups(store: &Store, id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query("SELECT id, title FROM audit_engagements WHERE follow_up_of = $1 ORDER BY id")
        .bind(id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect()
}

/// What the findings so far indicate: their counts and the opinion.
pub async fn indicative(conn: &mut AnyConnection, engagement: i64) -> Result<(Findings, AuditOpinion), StoreError> {
    let rows = sqlx::query("SELECT kind, rating FROM audit_findings WHERE engagement_id = $1")
        .bind(engagement)
        .fetch_all(conn)
        .await?;
    let mut ratings = Vec::new();
    let mut strengths = 0u32;
    for row in &rows {
        match row.try_get::<Option<String>, _>(1)? {
            Some(code) => ratings.push(code.parse::<FindingRating>().map_err(StoreError::corrupt)?),
            None => strengths += 1,
        }
    }
    let findings = Findings::from_ratings(&ratings, strengths);
    Ok((findings, indicative_opinion(&findings)))
}

/// Moves an engagement one step on from the state the person saw.
/// Completing it needs `closing`: the opinion, with a reason when it
/// differs from the findings' indicative opinion.
pub async fn advance(
    cmd: &mut Command,
    _can: &Can<ConductAudits>,
    id: i64,
    version: i64,
    closing: Option<&Closing>,
) -> Result<EngagementState, StoreError> {
    let before = engagement(cmd.conn(), id).await?;
    let next = before
        .state
        .next()
        .ok_or_else(|| invalid("state", "This engagement is complete; it has no further step"))?;
    let today = uk_local_date(cmd.at());
    let mut after = serde_json::json!({ "state": next });
    let (opinion, opinion_on) = if next == EngagementState::Complete {
        let closing = closing.ok_or_else(|| invalid("opinion", "Choose the opinion to complete the engagement"))?;
        let (findings, indicated) = indicative(cmd.conn(), id).await?;
        if closing.opinion != indicated && closing.reason.trim().is_empty() {
            return Err(invalid(
                "opinion_reason",
                format!(
                    "The findings indicate {}; give the reason for a different opinion",
                    indicated.label().to_lowercase()
                ),
            ));
        }
        after = serde_json::json!({
            "state": next,
            "opinion": closing.opinion,
            "indicative": indicated,
            "findings": findings,
            "reason": closing.reason.trim(),
        });
        (Some(closing.opinion.code()), Some(date_text(today)))
    } else {
        (None, None)
    };
    let done = sqlx::query(
        "UPDATE audit_engagements SET state = $1, opinion = COALESCE($2, opinion), opinion_on = COALESCE($3, opinion_on),
         version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(next.code())
    .bind(opinion)
    .bind(opinion_on)
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "audit engagement")?;
    cmd.record(Change::new(
        "audit_engagement.advanced",
        "audit engagement",
        id,
        Some(&serde_json::json!({ "state": before.state })),
        Some(&after),
    ))
    .await?;
    Ok(next)
}

/// Checks that `original` may be followed up (by `follower`, when it
/// exists already): it is complete, is not the follower, and does not
/// itself follow up the follower (a loop).
async fn check_original(conn: &mut AnyConnection, follower: Option<i64>, original: i64) -> Result<(), StoreError> {
    if Some(original) == follower {
        return Err(invalid("follow_up_of", "An engagement cannot follow up itself"));
    }
    let earlier = match engagement(conn, original).await {
        Err(StoreError::NotFound { .. }) => return Err(invalid("follow_up_of", format!("There is no engagement number {original}"))),
        other => other?,
    };
    if earlier.state != EngagementState::Complete {
        return Err(invalid(
            "follow_up_of",
            "Only a complete engagement can be followed up: its report must be final",
        ));
    }
    // Walk the original's own chain: it must not lead back to the follower.
    let mut next = earlier.follow_up_of;
    let mut steps = 0;
    while let Some(at) = next {
        if Some(at) == follower || steps > 100 {
            return Err(invalid("follow_up_of", "That engagement already follows up this one"));
        }
        next = sqlx::query("SELECT follow_up_of FROM audit_engagements WHERE id = $1")
            .bind(at)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get::<Option<i64>, _>(0))
            .transpose()?
            .flatten();
        steps += 1;
    }
    Ok(())
}

/// Links an engagement to the earlier, complete engagement it follows up,
/// or unlinks it with `None`.
pub async fn set_follow_up(
    cmd: &mut Command,
    _can: &Can<ConductAudits>,
    id: i64,
    version: i64,
    original: Option<i64>,
) -> Result<(), StoreError> {
    let before = engagement(cmd.conn(), id).await?;
    if let Some(original) = original {
        check_original(cmd.conn(), Some(id), original).await?;
    }
    let done = sqlx::query("UPDATE audit_engagements SET follow_up_of = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(original)
        .bind(id)
        .bind(version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&done, "audit engagement")?;
    cmd.record(Change::new(
        "audit_engagement.follow_up",
        "audit engagement",
        id,
        Some(&before.follow_up_of),
        Some(&original),
    ))
    .await?;
    Ok(())
}

/// The engagement a piece of work belongs to, refusing one that is
/// complete: `field` names what the person was adding.
pub(crate) async fn open_engagement(conn: &mut AnyConnection, id: i64, field: &'static str) -> Result<Engagement, StoreError> {
    let engagement = engagement(conn, id).await?;
    if !engagement.state.is_open() {
        return Err(invalid(field, "This engagement is complete; its file is closed"));
    }
    Ok(engagement)
}
