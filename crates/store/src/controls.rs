//! Continuous controls monitoring as stored: each pass of the controls
//! library over all data (its per-control results are the trend), and the
//! exceptions it finds, which people assign and resolve with evidence.
//!
//! An exception is one row per control and subject. A pass reopens an
//! exception that had cleared and fires again, marks open ones that no
//! longer fire as cleared (the data was put right), and leaves resolved
//! ones resolved: a person accepted them with evidence, and that decision
//! stands until someone reviews it.

use std::collections::HashMap;

use assurance::{ControlId, Evaluation, Exception, Settings, Snapshot, Subject};
use authz::cap::WorkOnExceptions;
use authz::{Actor, Can};
use kernel::{uk_local_date, ChildId, Clock, UserId};
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::control_facts::{self, Context};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// How an exception's subject is stored: a kind and a number.
pub fn subject_key(subject: &Subject) -> (String, i64) {
    match subject {
        Subject::Placement(id) => ("placement".into(), id.get()),
        Subject::Payment(id) => ("payment".into(), id.get()),
        Subject::Decision { kind, record } => (format!("decision:{}", kind.code()), *record),
        Subject::Assessment(id) => ("assessment".into(), id.get()),
        Subject::Statutory { child, kind, due } => (format!("{}:{due}", kind.code()), child.get()),
        Subject::InvoiceException(id) => ("invoice-exception".into(), id.get()),
    }
}

/// What a pass found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassSummary {
    pub run_id: i64,
    pub exceptions: usize,
    pub opened: usize,
    pub cleared: usize,
    pub duration_ms: i64,
}

/// Loads every fact, evaluates every control, and records the pass.
pub async fn run_pass(store: &Store, clock: &dyn Clock, context: &Context<'_>, settings: &Settings) -> Result<PassSummary, StoreError> {
    let started = std::time::Instant::now();
    let facts = control_facts::load(store, context).await?;
    let snapshot = Snapshot::new(context.rules.today, facts).map_err(StoreError::corrupt)?;
    let evaluation = assurance::evaluate(&snapshot, settings);
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let mut cmd = store.begin(Actor::System, clock).await?;
    let summary = record_pass(&mut cmd, &evaluation, duration_ms).await?;
    cmd.commit().await?;
    Ok(summary)
}

async fn record_pass(cmd: &mut Command, evaluation: &Evaluation, duration_ms: i64) -> Result<PassSummary, StoreError> {
    let today = uk_local_date(cmd.at());
    let at = cmd.at_text();
    let row = sqlx::query("INSERT INTO control_runs (run_at, run_on, exceptions, duration_ms) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(&at)
        .bind(date_text(today))
        .bind(i64::try_from(evaluation.exceptions.len()).unwrap_or(i64::MAX))
        .bind(duration_ms)
        .fetch_one(cmd.conn())
        .await?;
    let run_id: i64 = row.try_get(0)?;
    for result in &evaluation.results {
        sqlx::query("INSERT INTO control_results (run_id, control_id, population, exceptions) VALUES ($1, $2, $3, $4)")
            .bind(run_id)
            .bind(result.control.code())
            .bind(i64::try_from(result.population).unwrap_or(i64::MAX))
            .bind(i64::try_from(result.exceptions).unwrap_or(i64::MAX))
            .execute(cmd.conn())
            .await?;
    }
    let (opened, cleared) = reconcile(cmd, &evaluation.exceptions, today).await?;
    let summary = PassSummary {
        run_id,
        exceptions: evaluation.exceptions.len(),
        opened,
        cleared,
        duration_ms,
    };
    cmd.record(Change::new("controls.pass", "control_run", run_id, None::<&()>, Some(&summary)))
        .await?;
    Ok(summary)
}

/// Brings the exception rows in line with what the pass found; returns
/// how many opened (new or reopened) and how many cleared.
async fn reconcile(cmd: &mut Command, found: &[Exception], today: Date) -> Result<(usize, usize), StoreError> {
    let rows = sqlx::query("SELECT id, control_id, subject_kind, subject_id, state FROM control_exceptions")
        .fetch_all(cmd.conn())
        .await?;
    let mut known: HashMap<(String, String, i64), (i64, String)> = HashMap::with_capacity(rows.len());
    for row in &rows {
        known.insert(
            (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?),
            (row.try_get(0)?, row.try_get(4)?),
        );
    }
    let mut seen = std::collections::HashSet::with_capacity(found.len());
    let mut opened = 0;
    for exception in found {
        let (kind, subject_id) = subject_key(&exception.subject);
        let key = (exception.control.code().to_owned(), kind, subject_id);
        match known.get(&key) {
            Some((id, state)) => {
                seen.insert(*id);
                let reopen = state == "cleared";
                opened += usize::from(reopen);
                sqlx::query(
                    "UPDATE control_exceptions SET last_seen_on = $1, detail = $2, since = $3,
                         state = CASE WHEN state = 'cleared' THEN 'open' ELSE state END,
                         version = version + $4 WHERE id = $5",
                )
                .bind(date_text(today))
                .bind(exception.detail.to_string())
                .bind(date_text(exception.since))
                .bind(i64::from(reopen))
                .bind(id)
                .execute(cmd.conn())
                .await?;
            }
            None => {
                opened += 1;
                sqlx::query(
                    "INSERT INTO control_exceptions (control_id, subject_kind, subject_id, child_id, detail, since, first_seen_on,
                         last_seen_on, state, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 'open', 1)",
                )
                .bind(&key.0)
                .bind(&key.1)
                .bind(key.2)
                .bind(exception.child.map(ChildId::get))
                .bind(exception.detail.to_string())
                .bind(date_text(exception.since))
                .bind(date_text(today))
                .execute(cmd.conn())
                .await?;
            }
        }
    }
    let mut cleared = 0;
    for (id, state) in known.values() {
        if state == "open" && !seen.contains(id) {
            cleared += 1;
            sqlx::query("UPDATE control_exceptions SET state = 'cleared', version = version + 1 WHERE id = $1")
                .bind(id)
                .execute(cmd.conn())
                .await?;
        }
    }
    Ok((opened, cleared))
}

/// A stored exception with what the pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredException {
    pub id: i64,
    pub version: i64,
    pub control: ControlId,
    pub subject_kind: String,
    pub subject_id: i64,
    pub child_id: Option<ChildId>,
    pub la_child_id: Option<String>,
    pub detail: String,
    pub since: Date,
    pub first_seen_on: Date,
    pub last_seen_on: Date,
    /// `open`, `cleared` or `resolved`.
    pub state: String,
    pub assigned_to: Option<UserId>,
    pub assigned_name: Option<String>,
    pub resolved_by_name: Option<String>,
    pub resolution: Option<String>,
    pub evidence: Option<String>,
}

const SELECT: &str = "SELECT e.id, e.version, e.control_id, e.subject_kind, e.subject_id, e.child_id, c.la_child_id, e.detail, e.since,
        e.first_seen_on, e.last_seen_on, e.state, e.assigned_to, au.display_name, ru.display_name, e.resolution, e.evidence
     FROM control_exceptions e LEFT JOIN children c ON c.id = e.child_id
     LEFT JOIN users au ON au.id = e.assigned_to LEFT JOIN users ru ON ru.id = e.resolved_by";

fn exception_from(row: &sqlx::any::AnyRow) -> Result<StoredException, StoreError> {
    Ok(StoredException {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        control: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
        subject_kind: row.try_get(3)?,
        subject_id: row.try_get(4)?,
        child_id: row.try_get::<Option<i64>, _>(5)?.map(ChildId::new),
        la_child_id: row.try_get(6)?,
        detail: row.try_get(7)?,
        since: parse_date(&row.try_get::<String, _>(8)?)?,
        first_seen_on: parse_date(&row.try_get::<String, _>(9)?)?,
        last_seen_on: parse_date(&row.try_get::<String, _>(10)?)?,
        state: row.try_get(11)?,
        assigned_to: row.try_get::<Option<i64>, _>(12)?.map(UserId::new),
        assigned_name: row.try_get(13)?,
        resolved_by_name: row.try_get(14)?,
        resolution: row.try_get(15)?,
        evidence: row.try_get(16)?,
    })
}

/// Every exception, oldest first (filtering and paging are the caller's).
pub async fn exceptions(store: &Store) -> Result<Vec<StoredException>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY e.since, e.id"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(exception_from).collect()
}

pub async fn exception(store: &Store, id: i64) -> Result<StoredException, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound {
            entity: "control exception",
        })?;
    exception_from(&row)
}

/// Gives an exception to a person to put right.
pub async fn assign(cmd: &mut Command, _can: &Can<WorkOnExceptions>, id: i64, version: i64, to: UserId) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE control_exceptions SET assigned_to = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(to.get())
        .bind(id)
        .bind(version)
        .execute(cmd.conn())
        .await
        .map_err(|e| StoreError::on_foreign_key(e, "assigned_to", "Choose a person with an account"))?;
    StoreError::unless_changed(&done, "control exception")?;
    cmd.record(Change::new(
        "control_exception.assigned",
        "control_exception",
        id,
        None::<&()>,
        Some(&to.get()),
    ))
    .await?;
    Ok(())
}

/// How an exception was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub resolution: String,
    pub evidence: String,
}

/// Resolves an exception with what was done and the evidence for it.
pub async fn resolve(cmd: &mut Command, _can: &Can<WorkOnExceptions>, id: i64, version: i64, how: &Resolution) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    if how.resolution.trim().is_empty() {
        problems.push(("resolution", "Say what was done about the exception".to_owned()));
    }
    if how.evidence.trim().is_empty() {
        problems.push((
            "evidence",
            "Give the evidence: where it can be seen that this was put right".to_owned(),
        ));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let by = cmd
        .actor()
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["Only a person can resolve an exception".to_owned()]))?;
    let done = sqlx::query(
        "UPDATE control_exceptions SET state = 'resolved', resolved_by = $1, resolved_at = $2, resolution = $3, evidence = $4,
             version = version + 1
         WHERE id = $5 AND version = $6 AND state <> 'resolved'",
    )
    .bind(by.get())
    .bind(cmd.at_text())
    .bind(how.resolution.trim())
    .bind(how.evidence.trim())
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "control exception")?;
    cmd.record(Change::new(
        "control_exception.resolved",
        "control_exception",
        id,
        None::<&()>,
        Some(how),
    ))
    .await?;
    Ok(())
}

/// One control's figures in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    pub run_id: i64,
    pub run_on: Date,
    pub control: ControlId,
    pub population: i64,
    pub exceptions: i64,
}

/// The last `passes` passes' results, oldest first.
pub async fn trend(store: &Store, passes: i64) -> Result<Vec<TrendPoint>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, r.run_on, x.control_id, x.population, x.exceptions FROM control_results x
         JOIN control_runs r ON r.id = x.run_id
         WHERE r.id IN (SELECT id FROM control_runs ORDER BY id DESC LIMIT $1) ORDER BY r.id, x.control_id",
    )
    .bind(passes)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TrendPoint {
                run_id: row.try_get(0)?,
                run_on: parse_date(&row.try_get::<String, _>(1)?)?,
                control: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
                population: row.try_get(3)?,
                exceptions: row.try_get(4)?,
            })
        })
        .collect()
}

/// When the last pass ran, if ever.
pub async fn last_pass(store: &Store) -> Result<Option<(i64, Date, String)>, StoreError> {
    let row = sqlx::query("SELECT id, run_on, run_at FROM control_runs ORDER BY id DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await?;
    row.map(|row| Ok((row.try_get(0)?, parse_date(&row.try_get::<String, _>(1)?)?, row.try_get(2)?)))
        .transpose()
}

/// Where the record an exception is about can be seen, as a page path.
pub async fn record_path(store: &Store, e: &StoredException) -> Result<Option<String>, StoreError> {
    let lookup = |sql: &'static str| async move {
        let row = sqlx::query(sql).bind(e.subject_id).fetch_optional(store.pool()).await?;
        row.map(|r| r.try_get::<i64, _>(0)).transpose().map_err(StoreError::from)
    };
    let path = match e.subject_kind.as_str() {
        "payment" => lookup("SELECT service_agreement_id FROM payment_lines WHERE id = $1")
            .await?
            .map(|a| format!("/finance/agreements/{a}")),
        "invoice-exception" => lookup("SELECT invoice_id FROM invoice_exceptions WHERE id = $1")
            .await?
            .map(|i| format!("/finance/invoices/{i}")),
        "decision:payment-run" => Some(format!("/finance/runs/{}", e.subject_id)),
        "decision:carer-fee" => Some("/finance/carer-fees".to_owned()),
        "decision:variation" => lookup("SELECT agreement_id FROM agreement_variations WHERE id = $1")
            .await?
            .map(|a| format!("/agreements/{a}")),
        "decision:request" => Some(format!("/requests/{}", e.subject_id)),
        _ => e.child_id.map(|c| format!("/children/{c}")),
    };
    Ok(path)
}

/// Exceptions still open on a day, for a child's record.
pub async fn open_for_child(store: &Store, child: ChildId) -> Result<Vec<StoredException>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE e.child_id = $1 AND e.state = 'open' ORDER BY e.since"))
        .bind(child.get())
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(exception_from).collect()
}
