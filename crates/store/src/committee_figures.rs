//! The committee pack's figures: aggregates only, small numbers withheld.
//!
//! Committee papers are published, so nothing here names or identifies a
//! child: no names, no council child ids, no dates of birth, no provider
//! beside a child. Counts of children or placements from 1 to 4 are shown
//! as "fewer than 5" and a percentage is withheld when its base is under 5
//! (`assurance::suppression`); a cost that belongs to a withheld count (an
//! average or a total over fewer than five placements) is withheld with it.
//!
//! The sections:
//! - spend against budget for the financial year, by cost centre, from
//!   `forecasts::forecast` (budget, actual to date, committed, outturn);
//! - the placement mix today: children by placement category and the
//!   average weekly cost;
//! - high-cost placements: those above the council's weekly threshold
//!   (`gateway::high_cost::Policy`, £5,000 by default), count and total
//!   weekly cost by category;
//! - assurance by area from the latest controls pass (`control_runs`,
//!   `control_results`), each control mapped to its area by the assurance
//!   crate's library, graded on the council's opinion scale, with the
//!   exceptions still open;
//! - audit opinions: engagements that have one, with title, area and date;
//! - action-plan progress: actions by RAG on the day
//!   (`assurance::actions::rag`, with revised targets from `action_updates`),
//!   overall and by engagement;
//! - recording and training by team, from the embedding dashboard.

use std::collections::BTreeMap;
use std::str::FromStr;

use assurance::actions::{rag, Action, Rag, Revision};
use assurance::opinion::{level_for, AuditOpinion, Scale};
use assurance::suppression::{count, percentage, Percentage, Suppressed};
use assurance::{ActionId, Area, ControlId};
use kernel::{Money, UserId};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::db::Store;
use crate::deadlines::Rules;
use crate::error::StoreError;
use crate::forecasts;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// One cost centre's spend against its budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendLine {
    pub cost_centre: String,
    pub budget: Money,
    pub actual_to_date: Money,
    pub committed: Money,
    pub forecast_outturn: Money,
    /// Budget less outturn: negative is an overspend.
    pub variance: Money,
}

/// Children in one placement category today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MixLine {
    pub category: PlacementCategory,
    pub label: &'static str,
    pub children: Suppressed,
    /// The raw count, kept only to draw bars in proportion; 0 when withheld.
    #[serde(skip)]
    pub shown: u64,
    /// Average weekly cost; `None` when the count is withheld.
    pub average_weekly: Option<Money>,
}

/// High-cost placements in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighCostLine {
    pub category: PlacementCategory,
    pub label: &'static str,
    pub placements: Suppressed,
    /// Total weekly cost; `None` when the count is withheld.
    pub weekly_total: Option<Money>,
}

/// One area's assurance from the latest controls pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaLine {
    pub area: Area,
    pub label: &'static str,
    pub tested: Suppressed,
    pub exceptions: Suppressed,
    pub exception_rate: Percentage,
    /// The assurance level; `None` when fewer than 5 items were tested.
    pub level: Option<String>,
    pub open_exceptions: Suppressed,
}

/// An engagement's opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpinionLine {
    pub title: String,
    pub area: String,
    pub opinion: String,
    pub opinion_on: Option<Date>,
}

/// Actions by RAG (open actions) and completed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RagCounts {
    pub red: u64,
    pub amber: u64,
    pub green: u64,
    pub completed: u64,
}

impl RagCounts {
    fn add(&mut self, action: &Action, today: Date) {
        if action.is_complete() {
            self.completed += 1;
            return;
        }
        match rag(action, today) {
            Rag::Red => self.red += 1,
            Rag::Amber => self.amber += 1,
            Rag::Green => self.green += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.red + self.amber + self.green + self.completed
    }
}

/// One engagement's action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanLine {
    pub engagement: String,
    pub counts: RagCounts,
}

/// One case-holding team's recording, as published. A team holding fewer
/// than 5 children has every rate withheld: a rate over a few children's
/// visits describes those children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordingLine {
    pub team: String,
    pub children: Suppressed,
    pub visits_on_time: Percentage,
    pub reviews_on_time: Percentage,
    pub records_complete: Percentage,
    pub assessments_on_time: Percentage,
}

/// One team's training, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingLine {
    pub team: String,
    pub staff: Suppressed,
    /// Each required course: the share of staff holding it in date.
    pub courses: Vec<(String, Percentage)>,
    pub fully_trained: Percentage,
}

/// Everything a pack shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub today: Date,
    /// "2026-27".
    pub year: String,
    pub spend: Vec<SpendLine>,
    pub spend_total: SpendLine,
    pub children_placed: Suppressed,
    pub mix: Vec<MixLine>,
    pub high_cost_threshold: Money,
    pub high_cost: Vec<HighCostLine>,
    pub high_cost_total: Suppressed,
    /// The day of the latest controls pass, if any.
    pub controls_run_on: Option<Date>,
    pub assurance: Vec<AreaLine>,
    pub opinions: Vec<OpinionLine>,
    pub actions: RagCounts,
    pub action_plans: Vec<PlanLine>,
    pub required_courses: Vec<String>,
    pub recording: Vec<RecordingLine>,
    pub training: Vec<TrainingLine>,
}

/// The council's settings the figures depend on.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// Which placements count as high-cost.
    pub high_cost: &'a gateway::high_cost::Policy,
    /// The assurance levels areas are graded on.
    pub scale: &'a Scale,
}

/// The figures as of `rules.today`.
pub async fn figures(store: &Store, rules: &Rules<'_>, settings: Settings<'_>) -> Result<Figures, StoreError> {
    let high_cost = settings.high_cost;
    let today = rules.today;
    let forecast = forecasts::forecast(store, today, None).await?;
    let line = |cost_centre: String, v: &finance::forecast::Variance| SpendLine {
        cost_centre,
        budget: v.budget,
        actual_to_date: v.actual_to_date,
        committed: v.committed,
        forecast_outturn: v.forecast_outturn,
        variance: v.variance,
    };
    let spend = forecast.lines.iter().map(|l| line(l.cost_centre.clone(), &l.figures)).collect();
    let (children_placed, mix, high_cost_lines, high_cost_total) = placements(store, today, high_cost).await?;
    let (controls_run_on, assurance) = assurance_by_area(store, settings.scale).await?;
    let (actions, action_plans) = actions(store, today).await?;
    let dashboard = crate::embedding::dashboard(store, rules).await?;
    let recording = dashboard
        .recording
        .iter()
        .map(|r| {
            let few = count(r.children) == Suppressed::FewerThanFive;
            let share = |part: u64, base: u64| if few { Percentage::Withheld } else { percentage(part, base) };
            RecordingLine {
                team: r.team.clone(),
                children: count(r.children),
                visits_on_time: share(r.visits.on_time, r.visits.due),
                reviews_on_time: share(r.reviews.on_time, r.reviews.due),
                records_complete: share(r.records_complete, r.children),
                assessments_on_time: share(r.assessments.on_time, r.assessments.due),
            }
        })
        .collect();
    let training = dashboard
        .training
        .iter()
        .map(|t| TrainingLine {
            team: t.team.clone(),
            staff: count(t.staff),
            courses: t
                .courses
                .iter()
                .map(|c| (c.course.to_owned(), percentage(c.in_date, t.staff)))
                .collect(),
            fully_trained: percentage(t.fully_trained, t.staff),
        })
        .collect();
    Ok(Figures {
        today,
        year: forecast.year.clone(),
        spend,
        spend_total: line("Total".to_owned(), &forecast.total),
        children_placed,
        mix,
        high_cost_threshold: high_cost.weekly_threshold,
        high_cost: high_cost_lines,
        high_cost_total,
        controls_run_on,
        assurance,
        opinions: opinions(store).await?,
        actions,
        action_plans,
        required_courses: dashboard.required_courses.iter().map(|c| (*c).to_owned()).collect(),
        recording,
        training,
    })
}

type PlacementFigures = (Suppressed, Vec<MixLine>, Vec<HighCostLine>, Suppressed);

/// Live placements today by category: the mix and the high-cost ones.
async fn placements(store: &Store, today: Date, policy: &gateway::high_cost::Policy) -> Result<PlacementFigures, StoreError> {
    let rows =
        sqlx::query("SELECT category, weekly_cost_pence FROM placements WHERE start_date <= $1 AND (end_date IS NULL OR end_date > $1)")
            .bind(date_text(today))
            .fetch_all(store.pool())
            .await?;
    // (children, total weekly) and the same for high-cost ones, by category.
    let mut all: BTreeMap<PlacementCategory, (u64, Money)> = BTreeMap::new();
    let mut high: BTreeMap<PlacementCategory, (u64, Money)> = BTreeMap::new();
    for row in &rows {
        let category = PlacementCategory::from_str(&row.try_get::<String, _>(0)?).map_err(StoreError::corrupt)?;
        let weekly = Money::from_pence(row.try_get(1)?);
        let entry = all.entry(category).or_insert((0, Money::ZERO));
        *entry = (entry.0 + 1, entry.1.checked_add(weekly)?);
        if policy.is_high_cost(weekly) {
            let entry = high.entry(category).or_insert((0, Money::ZERO));
            *entry = (entry.0 + 1, entry.1.checked_add(weekly)?);
        }
    }
    let withheld = |n: u64| count(n) == Suppressed::FewerThanFive;
    let mix = all
        .iter()
        .map(|(category, (n, total))| {
            Ok(MixLine {
                category: *category,
                label: category.label(),
                children: count(*n),
                shown: if withheld(*n) { 0 } else { *n },
                average_weekly: if withheld(*n) {
                    None
                } else {
                    Some(total.apportion(1, i64::try_from(*n).unwrap_or(i64::MAX))?)
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let high_cost = high
        .iter()
        .map(|(category, (n, total))| HighCostLine {
            category: *category,
            label: category.label(),
            placements: count(*n),
            weekly_total: (!withheld(*n)).then_some(*total),
        })
        .collect();
    let high_total = high.values().map(|(n, _)| n).sum();
    Ok((count(rows.len() as u64), mix, high_cost, count(high_total)))
}

/// Each area's figures from the latest controls pass, with open exceptions.
async fn assurance_by_area(store: &Store, scale: &Scale) -> Result<(Option<Date>, Vec<AreaLine>), StoreError> {
    let latest = sqlx::query("SELECT id, run_on FROM control_runs ORDER BY run_at DESC, id DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await?;
    let Some(latest) = latest else {
        return Ok((None, Vec::new()));
    };
    let run_id: i64 = latest.try_get(0)?;
    let run_on = parse_date(&latest.try_get::<String, _>(1)?)?;
    let mut areas: BTreeMap<Area, (u64, u64, u64)> = BTreeMap::new();
    let results = sqlx::query("SELECT control_id, population, exceptions FROM control_results WHERE run_id = $1")
        .bind(run_id)
        .fetch_all(store.pool())
        .await?;
    let area_of = |code: &str| ControlId::from_str(code).ok().map(|id| id.control().area);
    for row in &results {
        let Some(area) = area_of(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        let entry = areas.entry(area).or_default();
        entry.0 += u64::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0);
        entry.1 += u64::try_from(row.try_get::<i64, _>(2)?).unwrap_or(0);
    }
    let open = sqlx::query("SELECT control_id, CAST(COUNT(*) AS BIGINT) FROM control_exceptions WHERE state = 'open' GROUP BY control_id")
        .fetch_all(store.pool())
        .await?;
    for row in &open {
        let Some(area) = area_of(&row.try_get::<String, _>(0)?) else {
            continue;
        };
        areas.entry(area).or_default().2 += u64::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0);
    }
    let lines = areas
        .into_iter()
        .map(|(area, (tested, exceptions, open))| {
            let usable = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
            let level = (tested >= assurance::suppression::SUPPRESS_BELOW)
                .then(|| level_for(usable(tested), usable(exceptions), scale).map(|g| g.level.name.clone()))
                .flatten();
            AreaLine {
                area,
                label: area.label(),
                tested: count(tested),
                exceptions: count(exceptions),
                exception_rate: percentage(exceptions, tested),
                level,
                open_exceptions: count(open),
            }
        })
        .collect();
    Ok((Some(run_on), lines))
}

/// Engagements with an opinion, latest first.
async fn opinions(store: &Store) -> Result<Vec<OpinionLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT title, area, opinion, opinion_on FROM audit_engagements WHERE opinion IS NOT NULL ORDER BY opinion_on DESC, id DESC",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let opinion: String = row.try_get(2)?;
            Ok(OpinionLine {
                title: row.try_get(0)?,
                area: row.try_get(1)?,
                opinion: AuditOpinion::from_str(&opinion).map_or(opinion, |o| o.label().to_owned()),
                opinion_on: parse_optional_date(row.try_get::<Option<String>, _>(3)?.as_deref())?,
            })
        })
        .collect()
}

/// Every action as the assurance crate sees it, with its engagement.
async fn actions(store: &Store, today: Date) -> Result<(RagCounts, Vec<PlanLine>), StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.description, a.owner_id, a.target_on, a.completed_on, e.title
         FROM audit_actions a JOIN audit_findings f ON f.id = a.finding_id JOIN audit_engagements e ON e.id = f.engagement_id
         ORDER BY e.starts_on, e.id, a.id",
    )
    .fetch_all(store.pool())
    .await?;
    let updates = sqlx::query("SELECT action_id, note, revised_target_on, completed, updated_at FROM action_updates ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    let mut revisions: BTreeMap<i64, Vec<Revision>> = BTreeMap::new();
    let mut completed: BTreeMap<i64, Date> = BTreeMap::new();
    for row in &updates {
        let action: i64 = row.try_get(0)?;
        let at: String = row.try_get(4)?;
        let on = parse_date(at.get(..10).unwrap_or(&at))?;
        if let Some(to) = parse_optional_date(row.try_get::<Option<String>, _>(2)?.as_deref())? {
            revisions.entry(action).or_default().push(Revision {
                to,
                on,
                reason: row.try_get(1)?,
            });
        }
        if row.try_get::<i64, _>(3)? == 1 {
            completed.entry(action).or_insert(on);
        }
    }
    let mut overall = RagCounts::default();
    let mut plans: Vec<PlanLine> = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get(0)?;
        let mut action = Action::new(
            ActionId::new(id),
            &row.try_get::<String, _>(1)?,
            UserId::new(row.try_get(2)?),
            parse_date(&row.try_get::<String, _>(3)?)?,
        );
        action.revisions = revisions.remove(&id).unwrap_or_default();
        action.completed_on = parse_optional_date(row.try_get::<Option<String>, _>(4)?.as_deref())?.or(completed.get(&id).copied());
        overall.add(&action, today);
        let engagement: String = row.try_get(5)?;
        match plans.iter_mut().find(|p| p.engagement == engagement) {
            Some(plan) => plan.counts.add(&action, today),
            None => {
                let mut counts = RagCounts::default();
                counts.add(&action, today);
                plans.push(PlanLine { engagement, counts });
            }
        }
    }
    Ok((overall, plans))
}
