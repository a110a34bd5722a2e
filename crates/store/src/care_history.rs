//! The care history in the database: periods of care, legal statuses and
//! placements, changed only through commands that keep the history sound.
//!
//! Each command loads the child's history, applies the change to a copy,
//! and asks `children::care_history::validate` whether the result obeys the
//! rules. Only then is anything written, with an audit event. So the store
//! never holds an overlapping or gappy history, whatever the caller sends.

use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::Can;
use children::care_history::{validate, CareHistory, LegalStatus, Period, Placement};
use children::codes::CodeSets;
use kernel::{ChildId, Money, ProviderId};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// A placement as recorded, with what finance and the deadlines need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedPlacement {
    pub id: i64,
    pub category: PlacementCategory,
    pub provider_id: Option<ProviderId>,
    pub provider_name: Option<String>,
    pub weekly_cost: Money,
    pub long_term: bool,
    pub placement_plan_on: Option<Date>,
    pub interval: Placement,
}

/// The whole history of one child, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredHistory {
    pub periods: Vec<(i64, Period)>,
    pub legal_statuses: Vec<(i64, LegalStatus)>,
    pub placements: Vec<RecordedPlacement>,
}

impl StoredHistory {
    /// The domain view, for validation and episodes.
    pub fn history(&self) -> CareHistory {
        CareHistory {
            periods: self.periods.iter().map(|(_, p)| p.clone()).collect(),
            legal_statuses: self.legal_statuses.iter().map(|(_, s)| s.clone()).collect(),
            placements: self.placements.iter().map(|p| p.interval.clone()).collect(),
        }
    }
}

pub async fn load(conn: &mut sqlx::AnyConnection, child: ChildId) -> Result<StoredHistory, StoreError> {
    let mut history = StoredHistory::default();
    let rows = sqlx::query(
        "SELECT id, start_date, end_date, reason_ceased, category_of_need FROM periods_of_care WHERE child_id = $1 ORDER BY start_date",
    )
    .bind(child.get())
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        history.periods.push((
            row.try_get(0)?,
            Period {
                start: parse_date(&row.try_get::<String, _>(1)?)?,
                end: parse_optional_date(row.try_get::<Option<String>, _>(2)?.as_deref())?,
                reason_ceased: row.try_get(3)?,
                category_of_need: row.try_get(4)?,
            },
        ));
    }
    let rows = sqlx::query("SELECT id, code, start_date, end_date FROM legal_statuses WHERE child_id = $1 ORDER BY start_date")
        .bind(child.get())
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        history.legal_statuses.push((
            row.try_get(0)?,
            LegalStatus {
                code: row.try_get(1)?,
                start: parse_date(&row.try_get::<String, _>(2)?)?,
                end: parse_optional_date(row.try_get::<Option<String>, _>(3)?.as_deref())?,
            },
        ));
    }
    let rows = sqlx::query(
        "SELECT p.id, p.category, p.provider_id, pr.name, p.weekly_cost_pence, p.long_term, p.placement_plan_on, p.place_code,
                COALESCE(p.provider_type, pr.provider_type, 'PR0'), COALESCE(p.urn, pr.ofsted_urn), p.postcode, p.start_date, p.end_date,
                p.reason_for_change
         FROM placements p LEFT JOIN providers pr ON pr.id = p.provider_id
         WHERE p.child_id = $1 ORDER BY p.start_date, p.id",
    )
    .bind(child.get())
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        history.placements.push(RecordedPlacement {
            id: row.try_get(0)?,
            category: PlacementCategory::from_str(&row.try_get::<String, _>(1)?).map_err(StoreError::corrupt)?,
            provider_id: row.try_get::<Option<i64>, _>(2)?.map(ProviderId::new),
            provider_name: row.try_get(3)?,
            weekly_cost: Money::from_pence(row.try_get(4)?),
            long_term: row.try_get::<i64, _>(5)? != 0,
            placement_plan_on: parse_optional_date(row.try_get::<Option<String>, _>(6)?.as_deref())?,
            interval: Placement {
                place: row.try_get(7)?,
                provider_type: row.try_get(8)?,
                urn: row.try_get(9)?,
                postcode: row.try_get(10)?,
                start: parse_date(&row.try_get::<String, _>(11)?)?,
                end: parse_optional_date(row.try_get::<Option<String>, _>(12)?.as_deref())?,
                reason_for_change: row.try_get(13)?,
            },
        });
    }
    Ok(history)
}

/// Loads a child's history through the pool.
pub async fn history_of(store: &Store, child: ChildId) -> Result<StoredHistory, StoreError> {
    let mut conn = store.pool().acquire().await?;
    load(&mut conn, child).await
}

/// What a new placement needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacementDetails {
    pub category: PlacementCategory,
    pub place: String,
    pub provider_id: Option<ProviderId>,
    pub provider_type: String,
    pub urn: Option<String>,
    pub postcode: Option<String>,
    pub weekly_cost: Money,
    pub long_term: bool,
}

impl PlacementDetails {
    fn interval(&self, start: Date) -> Placement {
        Placement {
            place: self.place.clone(),
            provider_type: self.provider_type.clone(),
            urn: self.urn.clone(),
            postcode: self.postcode.clone(),
            start,
            end: None,
            reason_for_change: None,
        }
    }
}

/// A change to the care history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum HistoryChange {
    StartPeriod {
        start: Date,
        category_of_need: String,
        legal_status: String,
        placement: PlacementDetails,
    },
    ChangeLegalStatus {
        on: Date,
        code: String,
    },
    MovePlacement {
        on: Date,
        reason_for_change: String,
        placement: PlacementDetails,
    },
    EndPeriod {
        on: Date,
        reason_ceased: String,
    },
}

fn open_index<T>(items: &[T], end: impl Fn(&T) -> Option<Date>) -> Option<usize> {
    items.iter().position(|i| end(i).is_none())
}

fn nothing_open(what: &str) -> StoreError {
    StoreError::Rejected(vec![format!("there is no current {what} to change; start a period of care first")])
}

/// The history after `change`, checked, without writing anything.
pub fn apply(history: &CareHistory, change: &HistoryChange, codes: &CodeSets) -> Result<CareHistory, StoreError> {
    let mut next = history.clone();
    match change {
        HistoryChange::StartPeriod {
            start,
            category_of_need,
            legal_status,
            placement,
        } => {
            next.periods.push(Period {
                start: *start,
                end: None,
                reason_ceased: None,
                category_of_need: category_of_need.clone(),
            });
            next.legal_statuses.push(LegalStatus {
                code: legal_status.clone(),
                start: *start,
                end: None,
            });
            next.placements.push(placement.interval(*start));
        }
        HistoryChange::ChangeLegalStatus { on, code } => {
            let open = open_index(&next.legal_statuses, |s| s.end).ok_or_else(|| nothing_open("legal status"))?;
            next.legal_statuses[open].end = Some(*on);
            next.legal_statuses.push(LegalStatus {
                code: code.clone(),
                start: *on,
                end: None,
            });
        }
        HistoryChange::MovePlacement {
            on,
            reason_for_change,
            placement,
        } => {
            let open = open_index(&next.placements, |p| p.end).ok_or_else(|| nothing_open("placement"))?;
            next.placements[open].end = Some(*on);
            next.placements[open].reason_for_change = Some(reason_for_change.clone());
            next.placements.push(placement.interval(*on));
        }
        HistoryChange::EndPeriod { on, reason_ceased } => {
            let open = open_index(&next.periods, |p| p.end).ok_or_else(|| nothing_open("period of care"))?;
            next.periods[open].end = Some(*on);
            next.periods[open].reason_ceased = Some(reason_ceased.clone());
            if let Some(i) = open_index(&next.legal_statuses, |s| s.end) {
                next.legal_statuses[i].end = Some(*on);
            }
            if let Some(i) = open_index(&next.placements, |p| p.end) {
                next.placements[i].end = Some(*on);
            }
        }
    }
    let problems = validate(&next, codes);
    if problems.is_empty() {
        Ok(next)
    } else {
        Err(StoreError::Rejected(problems.iter().map(ToString::to_string).collect()))
    }
}

/// Checks and records `change` for `child`, in one audited command.
pub async fn record(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    child: ChildId,
    change: &HistoryChange,
    codes: &CodeSets,
) -> Result<(), StoreError> {
    let stored = load(cmd.conn(), child).await?;
    apply(&stored.history(), change, codes)?;
    // A provider is judged as it stood on the day the child was placed, so
    // a placement recorded after the fact is tested against that day.
    let new_provider = match change {
        HistoryChange::StartPeriod { placement, start, .. } => placement.provider_id.map(|p| (p, *start)),
        HistoryChange::MovePlacement { placement, on, .. } => placement.provider_id.map(|p| (p, *on)),
        _ => None,
    };
    if let Some((provider, placed_on)) = new_provider {
        crate::accreditation::may_place(cmd.conn(), child, provider, placed_on).await?;
    }
    let at = cmd.at_text();
    match change {
        HistoryChange::StartPeriod {
            start,
            category_of_need,
            legal_status,
            placement,
        } => {
            sqlx::query("INSERT INTO periods_of_care (child_id, start_date, category_of_need, created_at) VALUES ($1, $2, $3, $4)")
                .bind(child.get())
                .bind(date_text(*start))
                .bind(category_of_need)
                .bind(&at)
                .execute(cmd.conn())
                .await?;
            insert_legal_status(cmd, child, legal_status, *start).await?;
            let id = insert_placement(cmd, child, placement, *start).await?;
            draft_from_search(cmd, child, placement, id, *start).await?;
        }
        HistoryChange::ChangeLegalStatus { on, code } => {
            close_open(cmd, "legal_statuses", child, *on).await?;
            insert_legal_status(cmd, child, code, *on).await?;
        }
        HistoryChange::MovePlacement {
            on,
            reason_for_change,
            placement,
        } => {
            sqlx::query("UPDATE placements SET end_date = $1, reason_for_change = $2, version = version + 1 WHERE child_id = $3 AND end_date IS NULL")
                .bind(date_text(*on))
                .bind(reason_for_change)
                .bind(child.get())
                .execute(cmd.conn())
                .await?;
            let id = insert_placement(cmd, child, placement, *on).await?;
            draft_from_search(cmd, child, placement, id, *on).await?;
        }
        HistoryChange::EndPeriod { on, reason_ceased } => {
            sqlx::query("UPDATE periods_of_care SET end_date = $1, reason_ceased = $2 WHERE child_id = $3 AND end_date IS NULL")
                .bind(date_text(*on))
                .bind(reason_ceased)
                .bind(child.get())
                .execute(cmd.conn())
                .await?;
            close_open(cmd, "legal_statuses", child, *on).await?;
            sqlx::query("UPDATE placements SET end_date = $1, version = version + 1 WHERE child_id = $2 AND end_date IS NULL")
                .bind(date_text(*on))
                .bind(child.get())
                .execute(cmd.conn())
                .await?;
        }
    }
    cmd.record(Change::new("child.care_history_changed", "child", child, None::<&()>, Some(change)))
        .await?;
    Ok(())
}

async fn close_open(cmd: &mut Command, table: &'static str, child: ChildId, on: Date) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "UPDATE {table} SET end_date = $1 WHERE child_id = $2 AND end_date IS NULL"
    ))
    .bind(date_text(on))
    .bind(child.get())
    .execute(cmd.conn())
    .await?;
    Ok(())
}

async fn insert_legal_status(cmd: &mut Command, child: ChildId, code: &str, start: Date) -> Result<(), StoreError> {
    let at = cmd.at_text();
    sqlx::query("INSERT INTO legal_statuses (child_id, code, start_date, created_at) VALUES ($1, $2, $3, $4)")
        .bind(child.get())
        .bind(code)
        .bind(date_text(start))
        .bind(at)
        .execute(cmd.conn())
        .await?;
    Ok(())
}

/// A placement with an external provider that a search chose gets its
/// agreement drafted from the offer.
async fn draft_from_search(
    cmd: &mut Command,
    child: ChildId,
    placement: &PlacementDetails,
    id: i64,
    start: Date,
) -> Result<(), StoreError> {
    let external = placement
        .provider_type
        .parse::<providers::ProviderType>()
        .is_ok_and(|t| t.is_external());
    if let (Some(provider), true) = (placement.provider_id, external) {
        crate::search_referrals::draft_agreement(cmd, child, provider, id, start).await?;
    }
    Ok(())
}

async fn insert_placement(cmd: &mut Command, child: ChildId, placement: &PlacementDetails, start: Date) -> Result<i64, StoreError> {
    let at = cmd.at_text();
    // The setting is the provider's one with the URN given, so monitoring
    // and the consortium export know where the child lives.
    let row = sqlx::query(
        "INSERT INTO placements (child_id, provider_id, category, place_code, start_date, weekly_cost_pence, postcode, created_at, version,
                                 provider_type, urn, long_term, setting_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11,
                 (SELECT id FROM settings WHERE provider_id = $2 AND registration_number = UPPER($10)))
         RETURNING id",
    )
    .bind(child.get())
    .bind(placement.provider_id.map(ProviderId::get))
    .bind(placement.category.code())
    .bind(&placement.place)
    .bind(date_text(start))
    .bind(placement.weekly_cost.pence())
    .bind(&placement.postcode)
    .bind(at)
    .bind(&placement.provider_type)
    .bind(&placement.urn)
    .bind(i64::from(placement.long_term))
    .fetch_one(cmd.conn())
    .await?;
    Ok(row.try_get(0)?)
}

/// Periods of care and legal statuses in bulk, for imports and the demo
/// county (validated by the caller's plan, audited per batch).
pub async fn insert_intervals(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    periods: &[(ChildId, Period)],
    statuses: &[(ChildId, LegalStatus)],
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    for chunk in periods.chunks(300) {
        let mut sql = String::from(
            "INSERT INTO periods_of_care (child_id, start_date, end_date, reason_ceased, category_of_need, created_at) VALUES ",
        );
        sql.push_str(&crate::sql::values_list(chunk.len(), 6, ""));
        let mut query = sqlx::query(&sql);
        for (child, p) in chunk {
            query = query
                .bind(child.get())
                .bind(date_text(p.start))
                .bind(p.end.map(date_text))
                .bind(&p.reason_ceased)
                .bind(&p.category_of_need)
                .bind(&at);
        }
        query.execute(cmd.conn()).await?;
    }
    for chunk in statuses.chunks(300) {
        let mut sql = String::from("INSERT INTO legal_statuses (child_id, code, start_date, end_date, created_at) VALUES ");
        sql.push_str(&crate::sql::values_list(chunk.len(), 5, ""));
        let mut query = sqlx::query(&sql);
        for (child, s) in chunk {
            query = query
                .bind(child.get())
                .bind(&s.code)
                .bind(date_text(s.start))
                .bind(s.end.map(date_text))
                .bind(&at);
        }
        query.execute(cmd.conn()).await?;
    }
    cmd.record(Change {
        action: "care_history.created_in_bulk",
        entity: "child",
        entity_id: "many".to_owned(),
        before: None,
        after: Some(serde_json::json!({ "periods": periods.len(), "legal_statuses": statuses.len() })),
    })
    .await?;
    Ok(())
}
