//! Audit tests: samples drawn from live data, reproducibly.
//!
//! An auditor tests a control on a sample, and anyone reviewing the file
//! must be able to draw the same sample again. So a test keeps how its
//! population was defined (the kind of record, the day it was taken on and
//! any period), the method, the seed and the size; the population is read
//! in id order, and `assurance::sampling` turns the seed into positions in
//! it. A blank seed is drawn from the command's clock and kept like any
//! other. The population's fingerprint (a hash of its ids) is kept too, so
//! a redraw can say whether the records themselves have changed since,
//! which would explain a sample that no longer matches.
//!
//! The populations only read children's services data; nothing here
//! writes outside the audit tables.

use assurance::sampling;
use assurance::ControlId;
use authz::cap::ConductAudits;
use authz::Can;
use kernel::uk_local_date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::internal_audit::open_engagement;
use crate::timestamp::{date_text, parse_instant};

/// The largest sample one test may draw.
pub const MAX_SAMPLE: i64 = 1_000;

kernel::coded!(
    /// The live records a sample can be drawn from.
    PopulationKind {
        Placements = "placements", "Current placements (by placement category)";
        PaymentLines = "payment-lines", "Payment lines in released runs (by cost centre)";
        ServiceAgreements = "service-agreements", "Live service agreements (by cost centre)";
        Requests = "requests", "Approved Gateway requests (by placement category)";
    }
);

kernel::coded!(
    /// How the sample is drawn.
    SampleMethod {
        Random = "random", "Simple random";
        Stratified = "stratified", "Stratified, in proportion to each stratum";
    }
);

/// How a population is defined: enough to read the same records again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationDefinition {
    pub kind: PopulationKind,
    /// The day the population was taken on (current placements, live agreements).
    pub as_of: Date,
    /// The period, for payment lines (required) and requests (optional).
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// One stratum at the time of the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stratum {
    pub key: String,
    pub population: usize,
    pub sampled: usize,
}

/// What the `population` column holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredPopulation {
    definition: PopulationDefinition,
    fingerprint: String,
    strata: Vec<Stratum>,
}

/// A test as asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTest {
    pub title: String,
    pub control_id: Option<ControlId>,
    pub kind: PopulationKind,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub method: SampleMethod,
    pub size: i64,
    /// `None` draws a seed from the clock.
    pub seed: Option<i64>,
}

/// A stored test with its sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditTest {
    pub id: i64,
    pub engagement_id: i64,
    pub title: String,
    pub control_id: Option<ControlId>,
    pub definition: PopulationDefinition,
    pub fingerprint: String,
    pub strata: Vec<Stratum>,
    pub method: SampleMethod,
    pub seed: i64,
    pub population_size: i64,
    pub sample_size: i64,
    /// The sampled records' ids, ascending.
    pub sample: Vec<i64>,
    pub conclusion: Option<String>,
    pub drawn_by: Option<String>,
    pub drawn_on: Date,
    pub version: i64,
}

/// The outcome of drawing a test's sample again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redraw {
    pub test_id: i64,
    /// The same ids as the stored sample.
    pub matches: bool,
    /// The population's records differ from those at the draw.
    pub population_changed: bool,
    pub population_size_now: i64,
    pub sample_now: Vec<i64>,
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![(field, message.into())])
}

/// The population's records in id order, each with its stratum.
async fn population(conn: &mut AnyConnection, definition: &PopulationDefinition) -> Result<Vec<(i64, String)>, StoreError> {
    let as_of = date_text(definition.as_of);
    let from = definition.from.map(date_text).unwrap_or_default();
    let to = definition.to.map(date_text).unwrap_or_default();
    let query = match definition.kind {
        PopulationKind::Placements => {
            sqlx::query("SELECT id, category FROM placements WHERE start_date <= $1 AND (end_date IS NULL OR end_date > $1) ORDER BY id")
                .bind(as_of)
        }
        PopulationKind::PaymentLines => sqlx::query(
            "SELECT l.id, l.cost_centre FROM payment_lines l JOIN payment_runs r ON r.id = l.run_id
             WHERE r.released_at IS NOT NULL AND substr(r.released_at, 1, 10) <= $1 AND l.first_day >= $2 AND l.first_day <= $3
             ORDER BY l.id",
        )
        .bind(as_of)
        .bind(from)
        .bind(to),
        PopulationKind::ServiceAgreements => sqlx::query(
            "SELECT s.id, s.cost_centre FROM service_agreements s JOIN placements p ON p.id = s.placement_id
             WHERE s.start_date <= $1 AND (s.end_date IS NULL OR s.end_date >= $1) AND (p.end_date IS NULL OR p.end_date > $1)
             ORDER BY s.id",
        )
        .bind(as_of),
        PopulationKind::Requests => sqlx::query(
            "SELECT id, category FROM placement_requests
             WHERE state = 'approved' AND substr(created_at, 1, 10) <= $1
               AND ($2 = '' OR substr(created_at, 1, 10) >= $2) AND ($3 = '' OR substr(created_at, 1, 10) <= $3)
             ORDER BY id",
        )
        .bind(as_of)
        .bind(from)
        .bind(to),
    };
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect()
}

/// A hash of the population's ids: equal exactly when the records are.
fn fingerprint(items: &[(i64, String)]) -> String {
    let ids: Vec<String> = items.iter().map(|(id, _)| id.to_string()).collect();
    hex::encode(Sha256::digest(ids.join(",").as_bytes()))
}

/// Positions of the sample in the population, by the method.
fn draw(items: &[(i64, String)], method: SampleMethod, size: usize, seed: i64) -> Result<(Vec<usize>, Vec<Stratum>), StoreError> {
    // Seeds are stored as BIGINT and refused when negative, so this is lossless.
    let seed = u64::try_from(seed).map_err(StoreError::corrupt)?;
    let mut strata: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (at, (_, key)) in items.iter().enumerate() {
        strata.entry(key.as_str()).or_default().push(at);
    }
    let positions = match method {
        SampleMethod::Random => sampling::random(items.len(), size, seed),
        SampleMethod::Stratified => {
            let strata: Vec<(&str, Vec<usize>)> = strata.iter().map(|(k, v)| (*k, v.clone())).collect();
            sampling::stratified(&strata, size, seed).map_err(StoreError::corrupt)?
        }
    };
    let summary = strata
        .iter()
        .map(|(key, members)| Stratum {
            key: (*key).to_owned(),
            population: members.len(),
            sampled: members.iter().filter(|m| positions.binary_search(m).is_ok()).count(),
        })
        .collect();
    Ok((positions, summary))
}

fn check(new: &NewTest) -> Result<(), StoreError> {
    let mut errors = Vec::new();
    if new.title.trim().is_empty() {
        errors.push(("title", "Enter what the test checks".to_owned()));
    }
    if !(1..=MAX_SAMPLE).contains(&new.size) {
        errors.push(("size", format!("Enter a sample size from 1 to {MAX_SAMPLE}")));
    }
    if new.seed.is_some_and(|seed| seed < 0) {
        errors.push(("seed", "Enter a seed of 0 or more, or leave it blank".to_owned()));
    }
    match new.kind {
        PopulationKind::PaymentLines => {
            if new.from.is_none() {
                errors.push(("from", "Enter the first day of the period the payment lines cover".to_owned()));
            }
            if new.to.is_none() {
                errors.push(("to", "Enter the last day of the period the payment lines cover".to_owned()));
            }
        }
        PopulationKind::Requests => {}
        PopulationKind::Placements | PopulationKind::ServiceAgreements => {
            if new.from.is_some() || new.to.is_some() {
                errors.push((
                    "from",
                    "This population is taken on the day the sample is drawn; leave the period empty".to_owned(),
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (new.from, new.to) {
        if to < from {
            errors.push(("to", "The end of the period must not be before its start".to_owned()));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// Draws a sample for a test in an open engagement and stores it with
/// everything needed to draw it again. Returns the test's id.
pub async fn draw_sample(cmd: &mut Command, _can: &Can<ConductAudits>, engagement_id: i64, new: &NewTest) -> Result<i64, StoreError> {
    open_engagement(cmd.conn(), engagement_id, "title").await?;
    check(new)?;
    // A seed from the clock: the instant's nanoseconds, folded into the
    // non-negative BIGINT range the column holds.
    let seed = new
        .seed
        .unwrap_or_else(|| i64::try_from(cmd.at().unix_timestamp_nanos().rem_euclid(i128::from(i64::MAX))).unwrap_or(0));
    let definition = PopulationDefinition {
        kind: new.kind,
        as_of: uk_local_date(cmd.at()),
        from: new.from,
        to: new.to,
    };
    let items = population(cmd.conn(), &definition).await?;
    if items.is_empty() {
        return Err(invalid("kind", "There is nothing in this population to sample"));
    }
    let size = usize::try_from(new.size).map_err(StoreError::corrupt)?;
    let (positions, strata) = draw(&items, new.method, size, seed)?;
    let sample: Vec<i64> = positions.iter().map(|&at| items[at].0).collect();
    let stored = StoredPopulation {
        fingerprint: fingerprint(&items),
        definition,
        strata,
    };
    let row = sqlx::query(
        "INSERT INTO audit_tests (engagement_id, title, control_id, population, method, seed, population_size, sample_size, sample,
             drawn_by, drawn_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id",
    )
    .bind(engagement_id)
    .bind(new.title.trim())
    .bind(new.control_id.map(ControlId::code))
    .bind(serde_json::to_string(&stored).map_err(StoreError::corrupt)?)
    .bind(new.method.code())
    .bind(seed)
    .bind(i64::try_from(items.len()).map_err(StoreError::corrupt)?)
    .bind(new.size)
    .bind(serde_json::to_string(&sample).map_err(StoreError::corrupt)?)
    .bind(cmd.actor().user_id().map(kernel::UserId::get))
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = serde_json::json!({
        "engagement_id": engagement_id,
        "test": new,
        "seed": seed,
        "population": stored,
        "sample": sample,
    });
    cmd.record(Change::new("audit_test.drawn", "audit test", id, None::<&()>, Some(&after)))
        .await?;
    Ok(id)
}

const SELECT: &str = "SELECT t.id, t.engagement_id, t.title, t.control_id, t.population, t.method, t.seed, t.population_size,
        t.sample_size, t.sample, t.conclusion, u.display_name, t.drawn_at, t.version
     FROM audit_tests t LEFT JOIN users u ON u.id = t.drawn_by";

fn test_from(row: &sqlx::any::AnyRow) -> Result<AuditTest, StoreError> {
    let stored: StoredPopulation = serde_json::from_str(&row.try_get::<String, _>(4)?).map_err(StoreError::corrupt)?;
    Ok(AuditTest {
        id: row.try_get(0)?,
        engagement_id: row.try_get(1)?,
        title: row.try_get(2)?,
        control_id: row
            .try_get::<Option<String>, _>(3)?
            .map(|code| code.parse().map_err(StoreError::corrupt))
            .transpose()?,
        definition: stored.definition,
        fingerprint: stored.fingerprint,
        strata: stored.strata,
        method: row.try_get::<String, _>(5)?.parse().map_err(StoreError::corrupt)?,
        seed: row.try_get(6)?,
        population_size: row.try_get(7)?,
        sample_size: row.try_get(8)?,
        sample: serde_json::from_str(&row.try_get::<String, _>(9)?).map_err(StoreError::corrupt)?,
        conclusion: row.try_get(10)?,
        drawn_by: row.try_get(11)?,
        drawn_on: uk_local_date(parse_instant(&row.try_get::<String, _>(12)?)?),
        version: row.try_get(13)?,
    })
}

pub async fn test(conn: &mut AnyConnection, id: i64) -> Result<AuditTest, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "audit test" })?;
    test_from(&row)
}

/// An engagement's tests, in the order they were drawn.
pub async fn tests_of(store: &Store, engagement_id: i64) -> Result<Vec<AuditTest>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE t.engagement_id = $1 ORDER BY t.id"))
        .bind(engagement_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(test_from).collect()
}

/// Draws the test's sample again with its seed, over its population as
/// defined at the draw, and compares.
pub async fn redraw_matches(store: &Store, test_id: i64) -> Result<Redraw, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let stored = test(&mut conn, test_id).await?;
    let items = population(&mut conn, &stored.definition).await?;
    let size = usize::try_from(stored.sample_size).map_err(StoreError::corrupt)?;
    let (positions, _) = draw(&items, stored.method, size, stored.seed)?;
    let sample_now: Vec<i64> = positions.iter().map(|&at| items[at].0).collect();
    Ok(Redraw {
        test_id,
        matches: sample_now == stored.sample,
        population_changed: fingerprint(&items) != stored.fingerprint,
        population_size_now: i64::try_from(items.len()).map_err(StoreError::corrupt)?,
        sample_now,
    })
}

/// Records (or replaces) the test's conclusion, at the version seen.
pub async fn conclude(cmd: &mut Command, _can: &Can<ConductAudits>, test_id: i64, version: i64, text: &str) -> Result<(), StoreError> {
    let before = test(cmd.conn(), test_id).await?;
    open_engagement(cmd.conn(), before.engagement_id, "conclusion").await?;
    if text.trim().is_empty() {
        return Err(invalid("conclusion", "Enter the test's conclusion"));
    }
    let done = sqlx::query("UPDATE audit_tests SET conclusion = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(text.trim())
        .bind(test_id)
        .bind(version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&done, "audit test")?;
    cmd.record(Change::new(
        "audit_test.concluded",
        "audit test",
        test_id,
        Some(&before.conclusion),
        Some(&text.trim()),
    ))
    .await?;
    Ok(())
}
