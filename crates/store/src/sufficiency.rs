//! The sufficiency picture for a period, assembled from requests,
//! searches, vacancies, households and placements for
//! `matching::sufficiency` to count. Only counts leave this module.

use std::collections::HashMap;

use kernel::Nation;
use matching::sufficiency::{Counts, Demand, Picture};
use sqlx::Row;
use time::{Date, Duration};

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// When each request first had an offer chosen, from its searches.
async fn chosen_on(store: &Store) -> Result<HashMap<i64, Date>, StoreError> {
    let rows = sqlx::query("SELECT request_id, MIN(chosen_at) FROM placement_searches WHERE chosen_at IS NOT NULL GROUP BY request_id")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let at: String = row.try_get(1)?;
            Ok((row.try_get(0)?, parse_date(at.get(..10).unwrap_or_default())?))
        })
        .collect()
}

async fn demand(store: &Store, from: Date, to: Date) -> Result<Vec<Demand>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, r.submitted_on, c.date_of_birth, r.category, r.state FROM placement_requests r JOIN children c ON c.id = r.child_id
         WHERE r.submitted_on IS NOT NULL AND r.submitted_on >= $1 AND r.submitted_on <= $2",
    )
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(store.pool())
    .await?;
    let chosen = chosen_on(store).await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get(0)?;
            let submitted_on = parse_date(&row.try_get::<String, _>(1)?)?;
            let born = parse_date(&row.try_get::<String, _>(2)?)?;
            Ok(Demand {
                submitted_on,
                age: children::identity::age_on(born, submitted_on),
                category: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
                approved: row.try_get::<String, _>(4)? == "approved",
                days_to_place: chosen.get(&id).map(|on| (*on - submitted_on).whole_days().max(0)),
            })
        })
        .collect()
}

/// The need labels each search in the period looked for.
async fn needs_searched(store: &Store, from: Date, to: Date) -> Result<Vec<&'static str>, StoreError> {
    let rows = sqlx::query("SELECT criteria FROM placement_searches WHERE searched_at >= $1 AND searched_at < $2")
        .bind(date_text(from))
        .bind(date_text(to + Duration::days(1)))
        .fetch_all(store.pool())
        .await?;
    let mut labels = Vec::new();
    for row in &rows {
        let criteria: matching::Criteria = serde_json::from_str(&row.try_get::<String, _>(0)?).map_err(StoreError::corrupt)?;
        labels.extend(criteria.needs.iter().chain(&criteria.risks).map(|n| n.label()));
    }
    Ok(labels)
}

/// (outside the area, all) current external placements with a known setting.
async fn out_of_area(store: &Store, home_authority: &str, today: Date) -> Result<(usize, usize), StoreError> {
    let rows = sqlx::query(
        "SELECT s.local_authority FROM placements p JOIN settings s ON s.id = p.setting_id WHERE p.end_date IS NULL OR p.end_date > $1",
    )
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    let mut outside = 0;
    for row in &rows {
        if !row.try_get::<String, _>(0)?.eq_ignore_ascii_case(home_authority) {
            outside += 1;
        }
    }
    Ok((outside, rows.len()))
}

/// Places free by type, from each setting's latest vacancy figure given
/// in the last 30 days.
async fn vacancies(store: &Store, today: Date) -> Result<Counts, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let settings = crate::providers::settings(&mut conn, None).await?;
    let fresh_from = today - Duration::days(30);
    let mut counts = Counts::new();
    for s in settings {
        if let Some((_, places)) = s.vacancy.filter(|(on, _)| *on >= fresh_from) {
            *counts.entry(s.setting.setting_type.label().to_owned()).or_default() += usize::try_from(places).unwrap_or(0);
        }
    }
    Ok(counts)
}

/// The picture from `from` to `to` (inclusive) as it stands on `today`.
pub async fn picture(
    store: &Store,
    home_authority: &str,
    nation: Nation,
    from: Date,
    to: Date,
    today: Date,
) -> Result<Picture, StoreError> {
    let demand = demand(store, from, to).await?;
    let needs = needs_searched(store, from, to).await?;
    let mut capacity = Counts::new();
    for h in crate::households::list(store, nation, 6, today).await? {
        *capacity.entry(h.household.approval_type.label().to_owned()).or_default() += usize::try_from(h.household.capacity).unwrap_or(0);
    }
    Ok(matching::sufficiency::picture(
        &demand,
        &needs,
        out_of_area(store, home_authority, today).await?,
        vacancies(store, today).await?,
        capacity,
    ))
}
