//! Staff training records: who completed which course, when, and until
//! when it counts.
//!
//! Committees ask whether training reached the people who record
//! ("the roll out of training to social workers"), so a record is kept per
//! person and course, never edited: a refresher is a new record, and the
//! latest completion of a course is the one that counts. A record is in
//! date up to and including its expiry day; it is expiring soon when that
//! day is at most [`EXPIRING_WITHIN_DAYS`] days away, and expired after it.
//! A record without an expiry never lapses.
//!
//! [`REQUIRED_COURSES`] are the courses every member of a case-holding team
//! is expected to hold in date; the embedding dashboard reports coverage of
//! each by team.

use std::collections::BTreeMap;

use authz::cap::ManageTraining;
use authz::Can;
use kernel::{TeamId, UserId};
use serde::Serialize;
use sqlx::Row;
use time::{Date, Duration};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// The courses everyone who records on children's files must hold in date:
/// recording in the case management system (the training the scrutiny
/// committee asked about, since weak recording was put down to the system's
/// poor embedding), safeguarding, and data protection. A short list in code,
/// so a change to it is reviewed like any other rule.
pub const REQUIRED_COURSES: [&str; 3] = ["Recording in Hearth", "Safeguarding children", "Data protection"];

/// A record expiring within this many days is flagged.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

/// Longest course name.
const COURSE_MAX: usize = 200;

/// A completion as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTraining {
    pub user_id: UserId,
    pub course: String,
    pub completed_on: Date,
    pub expires_on: Option<Date>,
}

/// Where a record stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    Expired,
    ExpiringSoon,
    InDate,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Expired => "Expired",
            Standing::ExpiringSoon => "Expiring soon",
            Standing::InDate => "In date",
        }
    }

    /// Whether the training still counts on the day asked.
    pub fn counts(self) -> bool {
        self != Standing::Expired
    }
}

/// A stored record with the person's name and teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingRecord {
    pub id: i64,
    pub user_id: UserId,
    pub user_name: String,
    /// The person's teams, by name.
    pub teams: Vec<String>,
    pub course: String,
    pub completed_on: Date,
    pub expires_on: Option<Date>,
    pub recorded_by_name: Option<String>,
}

impl TrainingRecord {
    pub fn standing(&self, today: Date) -> Standing {
        standing(self.expires_on, today)
    }
}

/// Where a record with this expiry stands on `today`.
pub fn standing(expires_on: Option<Date>, today: Date) -> Standing {
    match expires_on {
        None => Standing::InDate,
        Some(expiry) if expiry < today => Standing::Expired,
        Some(expiry) if expiry - today <= Duration::days(EXPIRING_WITHIN_DAYS) => Standing::ExpiringSoon,
        Some(_) => Standing::InDate,
    }
}

/// Whether `course` is the required course `required` (case and spacing
/// aside, as people type course names).
pub fn same_course(course: &str, required: &str) -> bool {
    let words = |text: &str| text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    words(course) == words(required)
}

/// Records a completed course; returns the record's id. The course is
/// named, the day is not in the future, the expiry (if any) is not before
/// completion, and the person has an active account.
pub async fn record(cmd: &mut Command, _can: &Can<ManageTraining>, new: &NewTraining) -> Result<i64, StoreError> {
    let mut problems = Vec::new();
    let course = new.course.split_whitespace().collect::<Vec<_>>().join(" ");
    if course.is_empty() {
        problems.push(("course", "Enter the course's name".to_owned()));
    } else if course.chars().count() > COURSE_MAX {
        problems.push(("course", format!("A course name is {COURSE_MAX} characters or fewer")));
    }
    let today = cmd.at().date();
    if new.completed_on > today {
        problems.push(("completed_on", "The course cannot be completed in the future".to_owned()));
    }
    if new.expires_on.is_some_and(|expiry| expiry < new.completed_on) {
        problems.push((
            "expires_on",
            "The expiry date cannot be before the day the course was completed".to_owned(),
        ));
    }
    let active = sqlx::query("SELECT active FROM users WHERE id = $1")
        .bind(new.user_id.get())
        .fetch_optional(cmd.conn())
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?;
    if active != Some(1) {
        problems.push(("user_id", "Choose a member of staff with an active account".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let recorded_by = match cmd.actor() {
        authz::Actor::User(user) => Some(user.get()),
        _ => None,
    };
    let row = sqlx::query(
        "INSERT INTO training_records (user_id, course, completed_on, expires_on, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.user_id.get())
    .bind(&course)
    .bind(date_text(new.completed_on))
    .bind(new.expires_on.map(date_text))
    .bind(recorded_by)
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = NewTraining { course, ..new.clone() };
    cmd.record(Change::new("training.recorded", "training_record", id, None::<&()>, Some(&after)))
        .await?;
    Ok(id)
}

const SELECT: &str = "SELECT t.id, t.user_id, u.display_name, t.course, t.completed_on, t.expires_on, r.display_name
     FROM training_records t JOIN users u ON u.id = t.user_id LEFT JOIN users r ON r.id = t.recorded_by";

async fn teams_by_user(store: &Store) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
    let rows = sqlx::query("SELECT m.user_id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id ORDER BY t.name")
        .fetch_all(store.pool())
        .await?;
    let mut teams: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in &rows {
        teams.entry(row.try_get(0)?).or_default().push(row.try_get(1)?);
    }
    Ok(teams)
}

async fn select(store: &Store, filter: &str, bind: Option<i64>) -> Result<Vec<TrainingRecord>, StoreError> {
    let sql = format!("{SELECT} {filter} ORDER BY u.display_name, t.user_id, t.course, t.completed_on DESC, t.id DESC");
    let mut query = sqlx::query(&sql);
    if let Some(value) = bind {
        query = query.bind(value);
    }
    let rows = query.fetch_all(store.pool()).await?;
    let teams = teams_by_user(store).await?;
    rows.iter()
        .map(|row| {
            let user: i64 = row.try_get(1)?;
            Ok(TrainingRecord {
                id: row.try_get(0)?,
                user_id: UserId::new(user),
                user_name: row.try_get(2)?,
                teams: teams.get(&user).cloned().unwrap_or_default(),
                course: row.try_get(3)?,
                completed_on: parse_date(&row.try_get::<String, _>(4)?)?,
                expires_on: parse_optional_date(row.try_get::<Option<String>, _>(5)?.as_deref())?,
                recorded_by_name: row.try_get(6)?,
            })
        })
        .collect()
}

/// Every record, by person, course and latest completion first.
pub async fn records(store: &Store) -> Result<Vec<TrainingRecord>, StoreError> {
    select(store, "", None).await
}

/// One person's records.
pub async fn for_user(store: &Store, user: UserId) -> Result<Vec<TrainingRecord>, StoreError> {
    select(store, "WHERE t.user_id = $1", Some(user.get())).await
}

/// The records of a team's members.
pub async fn for_team(store: &Store, team: TeamId) -> Result<Vec<TrainingRecord>, StoreError> {
    select(
        store,
        "WHERE t.user_id IN (SELECT user_id FROM team_members WHERE team_id = $1)",
        Some(team.get()),
    )
    .await
}

/// Each person's latest completion of each course (the one that counts),
/// from records in the order [`records`] gives.
pub fn latest(records: &[TrainingRecord]) -> Vec<&TrainingRecord> {
    let mut seen = std::collections::BTreeSet::new();
    records
        .iter()
        .filter(|r| seen.insert((r.user_id, r.course.to_lowercase())))
        .collect()
}

/// Latest records that have expired or expire within 30 days of `today`,
/// soonest first: what managers must book refreshers for.
pub async fn expiring(store: &Store, today: Date) -> Result<Vec<TrainingRecord>, StoreError> {
    let all = records(store).await?;
    let mut due: Vec<TrainingRecord> = latest(&all)
        .into_iter()
        .filter(|r| r.standing(today) != Standing::InDate)
        .cloned()
        .collect();
    due.sort_by_key(|r| (r.expires_on, r.user_name.clone()));
    Ok(due)
}

/// A member of staff who may be recorded as trained, for the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trainee {
    pub id: UserId,
    pub display_name: String,
}

/// Active accounts, by name.
pub async fn trainees(store: &Store) -> Result<Vec<Trainee>, StoreError> {
    let rows = sqlx::query("SELECT id, display_name FROM users WHERE active = 1 ORDER BY display_name, id")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Trainee {
                id: UserId::new(row.try_get(0)?),
                display_name: row.try_get(1)?,
            })
        })
        .collect()
}
