//! The embedding dashboard: is the system being used as it should be,
//! team by team?
//!
//! Internal audit found poor practice "due to poor embedding of the IT
//! system and a lack of understanding around the importance of using the
//! system properly", and asked for processes "recognised and understood by
//! all staff". These are the figures that show whether that has happened,
//! for each team holding children's cases:
//!
//! - children allocated: children looked after today whose case the team
//!   holds (`children.team_id`);
//! - statutory visits and looked-after reviews recorded on time: of the
//!   deadlines (`deadlines::for_child`, the `compliance` rules) that fell
//!   due in the last 365 days, or were met early, the share met on or
//!   before the due date;
//! - records complete: the share of those children whose record has the
//!   core fields: a date of birth that is not estimated, an ethnicity other
//!   than "information not yet obtained", a legal status, a placement and
//!   an allocated worker, all current today;
//! - assessments within timescale: the same share for assessments;
//! - training: for each member of the team (active accounts), whether they
//!   hold each of [`REQUIRED_COURSES`] in date today, and how many hold all.
//!
//! Nothing here names a child: the dashboard is by team, counts and
//! shares only. Nothing is stored; the figures are derived each time.

use std::collections::BTreeMap;

use compliance::{DeadlineStatus, Obligation};
use kernel::{ChildId, TeamId};
use serde::Serialize;
use sqlx::Row;
use time::{Date, Duration};

use crate::db::Store;
use crate::deadlines::{self, Rules};
use crate::error::StoreError;
use crate::timestamp::date_text;
use crate::training::{self, REQUIRED_COURSES};

/// How far back deadlines are counted.
pub const WINDOW_DAYS: i64 = 365;

/// Deadlines met on time out of those that counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OnTime {
    pub on_time: u64,
    pub due: u64,
}

impl OnTime {
    fn add(&mut self, status: DeadlineStatus) {
        self.due += 1;
        if status == DeadlineStatus::CompletedOnTime {
            self.on_time += 1;
        }
    }
}

/// One team's recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamRecording {
    pub team_id: TeamId,
    pub team: String,
    pub children: u64,
    pub visits: OnTime,
    pub reviews: OnTime,
    pub assessments: OnTime,
    /// Children whose core fields are all complete.
    pub records_complete: u64,
}

/// One required course's coverage in a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseCoverage {
    pub course: &'static str,
    /// Staff holding it in date today.
    pub in_date: u64,
}

/// One team's training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamTraining {
    pub team_id: TeamId,
    pub team: String,
    pub staff: u64,
    pub courses: Vec<CourseCoverage>,
    /// Staff holding every required course in date.
    pub fully_trained: u64,
}

/// The dashboard as of `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub today: Date,
    /// The first day deadlines are counted from.
    pub window_from: Date,
    pub recording: Vec<TeamRecording>,
    pub training: Vec<TeamTraining>,
    pub required_courses: Vec<&'static str>,
}

/// A whole percentage, rounded half up; `None` when there is no base.
pub fn percent(part: u64, base: u64) -> Option<u64> {
    (base > 0)
        .then(|| (200 * u128::from(part) + u128::from(base)) / (2 * u128::from(base)))
        .map(|p| u64::try_from(p).unwrap_or(100))
}

/// A looked-after child's team and whether their core fields are complete.
struct ChildRow {
    id: ChildId,
    team_id: i64,
    complete: bool,
}

async fn looked_after(store: &Store, today: Date) -> Result<Vec<ChildRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.id, c.team_id,
            CASE WHEN c.birth_day_unknown = 0
              AND c.ethnicity <> '' AND c.ethnicity <> 'NOBT'
              AND c.allocated_worker_id IS NOT NULL
              AND EXISTS (SELECT 1 FROM legal_statuses l WHERE l.child_id = c.id AND l.start_date <= $1
                          AND (l.end_date IS NULL OR l.end_date > $1))
              AND EXISTS (SELECT 1 FROM placements p WHERE p.child_id = c.id AND p.start_date <= $1
                          AND (p.end_date IS NULL OR p.end_date > $1))
            THEN 1 ELSE 0 END
         FROM children c
         WHERE c.team_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM periods_of_care o WHERE o.child_id = c.id AND o.start_date <= $1
                       AND (o.end_date IS NULL OR o.end_date > $1))
         ORDER BY c.id",
    )
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ChildRow {
                id: ChildId::new(row.try_get(0)?),
                team_id: row.try_get(1)?,
                complete: row.try_get::<i64, _>(2)? == 1,
            })
        })
        .collect()
}

/// Teams with their active members.
async fn teams(store: &Store) -> Result<Vec<(TeamId, String, Vec<kernel::UserId>)>, StoreError> {
    let mut teams: Vec<(TeamId, String, Vec<kernel::UserId>)> = crate::teams::list(store)
        .await?
        .into_iter()
        .map(|team| (team.id, team.name, Vec::new()))
        .collect();
    let rows = sqlx::query("SELECT m.team_id, m.user_id FROM team_members m JOIN users u ON u.id = m.user_id WHERE u.active = 1")
        .fetch_all(store.pool())
        .await?;
    for row in &rows {
        let team = TeamId::new(row.try_get(0)?);
        if let Some(entry) = teams.iter_mut().find(|(id, _, _)| *id == team) {
            entry.2.push(kernel::UserId::new(row.try_get(1)?));
        }
    }
    Ok(teams)
}

/// The recording and training figures for every team, as of `rules.today`.
/// Recording lists the teams holding children; training the teams with staff.
pub async fn dashboard(store: &Store, rules: &Rules<'_>) -> Result<Dashboard, StoreError> {
    let today = rules.today;
    let window_from = today - Duration::days(WINDOW_DAYS);
    let teams = teams(store).await?;
    let mut recording: BTreeMap<i64, TeamRecording> = teams
        .iter()
        .map(|(id, name, _)| {
            (
                id.get(),
                TeamRecording {
                    team_id: *id,
                    team: name.clone(),
                    children: 0,
                    visits: OnTime::default(),
                    reviews: OnTime::default(),
                    assessments: OnTime::default(),
                    records_complete: 0,
                },
            )
        })
        .collect();
    for child in looked_after(store, today).await? {
        let Some(team) = recording.get_mut(&child.team_id) else {
            continue;
        };
        team.children += 1;
        team.records_complete += u64::from(child.complete);
        for line in deadlines::for_child(store, child.id, rules).await? {
            let deadline = &line.deadline;
            // Fallen due in the window, or met already though not yet due.
            let counted = deadline.due >= window_from && (deadline.due <= today || deadline.met_on.is_some_and(|met| met <= today));
            if !counted {
                continue;
            }
            match deadline.obligation {
                Obligation::Visit => team.visits.add(line.status),
                Obligation::Review => team.reviews.add(line.status),
                Obligation::Assessment => team.assessments.add(line.status),
                _ => {}
            }
        }
    }

    let records = training::records(store).await?;
    let latest = training::latest(&records);
    let training = teams
        .iter()
        .map(|(id, name, members)| {
            let holds = |member: kernel::UserId, course: &str| {
                latest.iter().any(|r| {
                    r.user_id == member && training::same_course(&r.course, course) && r.completed_on <= today && r.standing(today).counts()
                })
            };
            let courses = REQUIRED_COURSES
                .iter()
                .map(|course| CourseCoverage {
                    course,
                    in_date: members.iter().filter(|m| holds(**m, course)).count() as u64,
                })
                .collect();
            let fully_trained = members.iter().filter(|m| REQUIRED_COURSES.iter().all(|c| holds(**m, c))).count() as u64;
            TeamTraining {
                team_id: *id,
                team: name.clone(),
                staff: members.len() as u64,
                courses,
                fully_trained,
            }
        })
        .collect::<Vec<_>>();
    let mut recording: Vec<TeamRecording> = recording.into_values().filter(|t| t.children > 0).collect();
    recording.sort_by(|a, b| a.team.cmp(&b.team));
    Ok(Dashboard {
        today,
        window_from,
        recording,
        training: training.into_iter().filter(|t| t.staff > 0).collect(),
        required_courses: REQUIRED_COURSES.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_round_half_up_and_need_a_base() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(5, 5), Some(100));
    }
}
