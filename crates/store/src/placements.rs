//! Placements: where each child has lived, from when, and at what weekly cost.

use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::Can;
use kernel::{ChildId, Money, PlacementId, ProviderId};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    pub id: PlacementId,
    pub child_id: ChildId,
    pub provider_id: Option<ProviderId>,
    pub provider_name: Option<String>,
    pub category: PlacementCategory,
    pub place_code: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub weekly_cost: Money,
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPlacement {
    pub child_id: ChildId,
    pub provider_id: Option<ProviderId>,
    pub category: PlacementCategory,
    pub place_code: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub weekly_cost: Money,
    pub postcode: Option<String>,
}

/// Inserts many placements in one command with one audit event per batch.
pub async fn insert_many(cmd: &mut Command, _can: &Can<RecordChildren>, placements: &[NewPlacement]) -> Result<u64, StoreError> {
    let at = cmd.at_text();
    let mut inserted = 0;
    for chunk in placements.chunks(300) {
        let mut sql = String::from(
            "INSERT INTO placements (child_id, provider_id, category, place_code, start_date, end_date, weekly_cost_pence, postcode, created_at, version) VALUES ",
        );
        sql.push_str(&crate::sql::values_list(chunk.len(), 9, ", 1"));
        let mut query = sqlx::query(&sql);
        for p in chunk {
            query = query
                .bind(p.child_id.get())
                .bind(p.provider_id.map(ProviderId::get))
                .bind(p.category.code())
                .bind(&p.place_code)
                .bind(date_text(p.start_date))
                .bind(p.end_date.map(date_text))
                .bind(p.weekly_cost.pence())
                .bind(&p.postcode)
                .bind(&at);
        }
        inserted += query.execute(cmd.conn()).await?.rows_affected();
        cmd.record(Change {
            action: "placement.created_in_bulk",
            entity: "placement",
            entity_id: format!("children {}..{}", chunk[0].child_id, chunk[chunk.len() - 1].child_id),
            before: None,
            after: Some(serde_json::json!({ "count": chunk.len() })),
        })
        .await?;
    }
    Ok(inserted)
}

/// A child's placements, oldest first.
pub async fn for_child(store: &Store, child: ChildId) -> Result<Vec<Placement>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.child_id, p.provider_id, pr.name, p.category, p.place_code, p.start_date, p.end_date,
                p.weekly_cost_pence, p.postcode
         FROM placements p LEFT JOIN providers pr ON pr.id = p.provider_id
         WHERE p.child_id = $1 ORDER BY p.start_date, p.id",
    )
    .bind(child.get())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Placement {
                id: PlacementId::new(row.try_get(0)?),
                child_id: ChildId::new(row.try_get(1)?),
                provider_id: row.try_get::<Option<i64>, _>(2)?.map(ProviderId::new),
                provider_name: row.try_get(3)?,
                category: PlacementCategory::from_str(&row.try_get::<String, _>(4)?).map_err(StoreError::corrupt)?,
                place_code: row.try_get(5)?,
                start_date: parse_date(&row.try_get::<String, _>(6)?)?,
                end_date: parse_optional_date(row.try_get::<Option<String>, _>(7)?.as_deref())?,
                weekly_cost: Money::from_pence(row.try_get(8)?),
                postcode: row.try_get(9)?,
            })
        })
        .collect()
}
