//! What Ofsted's Annex A lists are made from: every child's SSDA903 facts
//! ([`crate::returns::facts`]) with what Annex A asks beyond them (the
//! disability codes, the team and allocated worker by name, the dates of
//! statutory visits and health assessments), and whether the record is
//! restricted, so the caller can leave out what the reader may not see.
//! One query per table, not per child.

use std::collections::HashMap;

use kernel::ChildId;
use returns::annex_a::{Child, ChildExtra};
use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::parse_date;

/// One child as the lists take it, with its id and restriction.
#[derive(Debug, Clone)]
pub struct AnnexAChild {
    pub id: ChildId,
    pub restricted: bool,
    pub child: Child,
}

/// Every child's facts and extras, in child-id order.
pub async fn children(store: &Store) -> Result<Vec<AnnexAChild>, StoreError> {
    let facts = crate::returns::facts(store, None).await?;
    let mut conn = store.pool().acquire().await?;
    let mut extras: HashMap<i64, (bool, ChildExtra)> = HashMap::new();
    let rows = sqlx::query(
        "SELECT c.id, c.disabilities, c.restricted, u.display_name
         FROM children c LEFT JOIN users u ON u.id = c.allocated_worker_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let disabilities: String = row.try_get(1)?;
        let extra = ChildExtra {
            disabilities: disabilities.split(',').filter(|d| !d.is_empty()).map(str::to_owned).collect(),
            worker: row.try_get(3)?,
            ..ChildExtra::default()
        };
        extras.insert(row.try_get(0)?, (row.try_get::<i64, _>(2)? != 0, extra));
    }
    let rows = sqlx::query(
        "SELECT child_id, kind, occurred_on FROM care_events WHERE kind IN ('visit', 'health-assessment')
         ORDER BY child_id, occurred_on",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let Some((_, extra)) = extras.get_mut(&row.try_get::<i64, _>(0)?) else {
            continue;
        };
        let on = parse_date(&row.try_get::<String, _>(2)?)?;
        if row.try_get::<String, _>(1)? == "visit" {
            extra.visits.push(on);
        } else {
            extra.health_assessments.push(on);
        }
    }
    Ok(facts
        .into_iter()
        .map(|f| {
            let (restricted, mut extra) = extras.remove(&f.id.get()).unwrap_or_default();
            extra.team = f.team;
            AnnexAChild {
                id: f.id,
                restricted,
                child: Child { facts: f.facts, extra },
            }
        })
        .collect())
}
