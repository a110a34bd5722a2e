//! What the SSDA903 return is made from: every fact about each child that
//! `returns::ssda903::export` needs, loaded table by table (one query per
//! table, not per child) so a national-scale return loads in seconds.

use std::collections::HashMap;

use children::care_history::{LegalStatus, Period, Placement};
use kernel::ChildId;
use returns::ssda903::facts::{
    Adoption, AdoptionDecision, CareLeaverContact, ChildFacts, Dated, HealthOutcomes, MissingSpell, PreviousPermanence, WorkerSpell,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{parse_date, parse_optional_date};

/// A child's facts and the team that holds the child (for the data-quality
/// dashboard).
#[derive(Debug, Clone)]
pub struct ChildReturnFacts {
    pub id: ChildId,
    pub team: Option<String>,
    pub facts: ChildFacts,
}

/// Every child's facts, or one child's.
pub async fn facts(store: &Store, only: Option<ChildId>) -> Result<Vec<ChildReturnFacts>, StoreError> {
    // The id is an integer, so it is safe to write into the SQL.
    let filter = |sql: &str, column: &str| match only {
        Some(child) => {
            let join = if sql.contains(" WHERE ") { "AND" } else { "WHERE" };
            format!("{sql} {join} {column} = {}", child.get())
        }
        None => sql.to_owned(),
    };
    let mut children: Vec<ChildReturnFacts> = Vec::new();
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    let sql = filter(
        "SELECT c.id, c.la_child_id, c.sex, c.date_of_birth, c.ethnicity, c.upn, c.mother, c.first_child_born_on, c.uasc,
                c.uasc_ceased, t.name
         FROM children c LEFT JOIN teams t ON t.id = c.team_id",
        "c.id",
    );
    let q = |sql: &str, column: &str, order: &str| format!("{} ORDER BY {order}", filter(sql, column));
    // Every table is fetched at once, each on its own connection, and the
    // rows are taken in this order below.
    let statements = vec![
        format!("{sql} ORDER BY c.la_child_id"),
        q(
            "SELECT child_id, start_date, end_date, reason_ceased, category_of_need FROM periods_of_care",
            "child_id",
            "child_id, start_date",
        ),
        q(
            "SELECT child_id, code, start_date, end_date FROM legal_statuses",
            "child_id",
            "child_id, start_date",
        ),
        q(
            "SELECT p.child_id, p.place_code, COALESCE(p.provider_type, pr.provider_type, 'PR0'), COALESCE(p.urn, pr.ofsted_urn),
                p.postcode, p.start_date, p.end_date, p.reason_for_change
         FROM placements p LEFT JOIN providers pr ON pr.id = p.provider_id",
            "p.child_id",
            "p.child_id, p.start_date, p.id",
        ),
        q(
            "SELECT child_id, postcode, start_date, end_date FROM child_addresses WHERE kind = 'home'",
            "child_id",
            "child_id, start_date",
        ),
        q(
            "SELECT child_id, occurred_on, participation FROM care_events WHERE kind = 'review'",
            "child_id",
            "child_id, occurred_on",
        ),
        q(
            "SELECT child_id, collection_year, sdq_score, sdq_reason, convicted, health_check, immunisations, teeth_check,
                health_assessment, substance_misuse, intervention_received, intervention_offered
         FROM health_outcomes",
            "child_id",
            "child_id, collection_year",
        ),
        q(
            "SELECT child_id, collection_year, in_touch, activity, accommodation FROM care_leaver_contacts",
            "child_id",
            "child_id, collection_year",
        ),
        q(
            "SELECT child_id, should_be_placed_on, matched_on, by_foster_carer, number_of_adopters, adopter_sexes, adopter_status
         FROM adoptions",
            "child_id",
            "child_id",
        ),
        q(
            "SELECT child_id, decided_on, ceased_on, reason_ceased FROM adoption_decisions",
            "child_id",
            "child_id, decided_on",
        ),
        q(
            "SELECT child_id, period_start, arrangement, la_code, date_text FROM previous_permanence",
            "child_id",
            "child_id, period_start",
        ),
        q(
            "SELECT child_id, kind, start_date, end_date FROM missing_episodes",
            "child_id",
            "child_id, start_date",
        ),
        q(
            "SELECT a.child_id, u.swe_number, a.start_date, a.end_date, a.sw_reason
         FROM worker_allocations a JOIN users u ON u.id = a.worker_id",
            "a.child_id",
            "a.child_id, a.start_date",
        ),
        q(
            "SELECT child_id, start_date, end_date FROM dolo_orders",
            "child_id",
            "child_id, start_date",
        ),
    ];
    let mut tables = Tables::start(store, statements);
    for row in tables.next().await? {
        let id: i64 = row.try_get(0)?;
        let mut facts = ChildFacts::new(
            &row.try_get::<String, _>(1)?,
            &row.try_get::<String, _>(2)?,
            parse_date(&row.try_get::<String, _>(3)?)?,
            &row.try_get::<String, _>(4)?,
        );
        facts.upn = row.try_get(5)?;
        facts.mother = row.try_get::<Option<i64>, _>(6)?.map(|m| m != 0);
        facts.first_child_born_on = optional_date(&row, 7)?;
        facts.uasc = row.try_get::<i64, _>(8)? != 0;
        facts.uasc_ceased = optional_date(&row, 9)?;
        by_id.insert(id, children.len());
        children.push(ChildReturnFacts {
            id: ChildId::new(id),
            team: row.try_get(10)?,
            facts,
        });
    }
    let mut each = |rows: Vec<AnyRow>, add: &mut dyn FnMut(&mut ChildFacts, &AnyRow) -> Result<(), StoreError>| {
        for row in rows {
            let child: i64 = row.try_get(0)?;
            if let Some(&index) = by_id.get(&child) {
                add(&mut children[index].facts, &row)?;
            }
        }
        Ok::<(), StoreError>(())
    };
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.history.periods.push(Period {
            start: date(row, 1)?,
            end: optional_date(row, 2)?,
            reason_ceased: row.try_get(3)?,
            category_of_need: row.try_get(4)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.history.legal_statuses.push(LegalStatus {
            code: row.try_get(1)?,
            start: date(row, 2)?,
            end: optional_date(row, 3)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.history.placements.push(Placement {
            place: row.try_get(1)?,
            provider_type: row.try_get(2)?,
            urn: row.try_get(3)?,
            postcode: row.try_get(4)?,
            start: date(row, 5)?,
            end: optional_date(row, 6)?,
            reason_for_change: row.try_get(7)?,
        });
        Ok(())
    })?;
    load_events(&mut tables, &mut each).await?;
    Ok(children)
}

type Each<'a> =
    dyn FnMut(Vec<AnyRow>, &mut dyn FnMut(&mut ChildFacts, &AnyRow) -> Result<(), StoreError>) -> Result<(), StoreError> + Send + 'a;

/// Addresses, reviews, OC2, OC3, adoption, permanence, missing spells,
/// workers and DoLOs.
async fn load_events(tables: &mut Tables, each: &mut Each<'_>) -> Result<(), StoreError> {
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.home_postcodes.push(Dated {
            value: row.try_get(1)?,
            start: date(row, 2)?,
            end: optional_date(row, 3)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.reviews.push((date(row, 1)?, row.try_get(2)?));
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        let b = |i: usize| row.try_get::<Option<i64>, _>(i).map(|v| v.map(|v| v != 0));
        let year: i64 = row.try_get(1)?;
        f.health.push((
            i32::try_from(year).map_err(StoreError::corrupt)?,
            HealthOutcomes {
                sdq_score: row.try_get(2)?,
                sdq_reason: row.try_get(3)?,
                convicted: b(4)?,
                health_check: b(5)?,
                immunisations: b(6)?,
                teeth_check: b(7)?,
                health_assessment: b(8)?,
                substance_misuse: b(9)?,
                intervention_received: b(10)?,
                intervention_offered: b(11)?,
            },
        ));
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        let year: i64 = row.try_get(1)?;
        let contact = CareLeaverContact {
            in_touch: row.try_get(2)?,
            activity: row.try_get(3)?,
            accommodation: row.try_get(4)?,
        };
        f.care_leaver.push((i32::try_from(year).map_err(StoreError::corrupt)?, contact));
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.adoption = Some(Adoption {
            should_be_placed_on: optional_date(row, 1)?,
            matched_on: optional_date(row, 2)?,
            by_foster_carer: row.try_get::<Option<i64>, _>(3)?.map(|v| v != 0),
            number_of_adopters: row.try_get(4)?,
            adopter_sexes: row.try_get(5)?,
            adopter_status: row.try_get(6)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.adoption_decisions.push(AdoptionDecision {
            decided_on: date(row, 1)?,
            ceased_on: optional_date(row, 2)?,
            reason_ceased: row.try_get(3)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.previous_permanence.push(PreviousPermanence {
            period_start: date(row, 1)?,
            arrangement: row.try_get(2)?,
            la_code: row.try_get(3)?,
            date_text: row.try_get(4)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.missing.push(MissingSpell {
            kind: row.try_get(1)?,
            start: date(row, 2)?,
            end: optional_date(row, 3)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.social_workers.push(WorkerSpell {
            swe_number: row.try_get(1)?,
            start: date(row, 2)?,
            end: optional_date(row, 3)?,
            reason: row.try_get(4)?,
        });
        Ok(())
    })?;
    let rows = tables.next().await?;
    each(rows, &mut |f, row| {
        f.dolos.push(Dated {
            value: (),
            start: date(row, 1)?,
            end: optional_date(row, 2)?,
        });
        Ok(())
    })?;
    Ok(())
}

/// The queries' rows, fetched all at once on the pool's connections (the
/// database works on several tables together) and handed out in the order
/// the statements were given.
struct Tables {
    pending: std::vec::IntoIter<tokio::task::JoinHandle<Result<Vec<AnyRow>, sqlx::Error>>>,
}

impl Tables {
    fn start(store: &Store, statements: Vec<String>) -> Tables {
        let pending: Vec<_> = statements
            .into_iter()
            .map(|sql| {
                let pool = store.pool().clone();
                tokio::spawn(async move { sqlx::query(&sql).fetch_all(&pool).await })
            })
            .collect();
        Tables {
            pending: pending.into_iter(),
        }
    }

    async fn next(&mut self) -> Result<Vec<AnyRow>, StoreError> {
        let handle = self
            .pending
            .next()
            .ok_or_else(|| StoreError::corrupt("more tables read than queried"))?;
        Ok(handle.await.map_err(StoreError::corrupt)??)
    }
}

fn date(row: &AnyRow, index: usize) -> Result<time::Date, StoreError> {
    parse_date(&row.try_get::<String, _>(index)?)
}

fn optional_date(row: &AnyRow, index: usize) -> Result<Option<time::Date>, StoreError> {
    parse_optional_date(row.try_get::<Option<String>, _>(index)?.as_deref())
}
