//! Payment runs as stored: drafted for a cadence and period, calculated
//! from the live service agreements, approved by a second person, released
//! exactly once, and exported to the ledger.
//!
//! Runs of one cadence follow each other without gaps or overlaps, and each
//! agreement remembers the last day a run included (`paid_through`), so no
//! day is paid twice and a day missed (an agreement entered late) is paid
//! as arrears by the next run. Release writes its key, the balanced ledger
//! journal, the recharges and the new state in one transaction: a crash
//! anywhere before the commit leaves the run approved and unpaid, and the
//! key makes any second release a refusal.

use std::collections::HashMap;

use authz::cap::{ApprovePayments, ManageFinance};
use authz::{Actor, Can};
use finance::ledger::{self, Account, Entry, Remittance};
use finance::runs::{self, Cadence, PaymentLine, Period, Run, RunId, RunState};
use finance::service::{adjustments_between, Adjustment, Payee};
use finance::{AgreementId, CostCentre, HouseholdId};
use kernel::{uk_local_date, Money, ProviderId, UserId};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, Duration};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::service_agreements::{self, Stored as StoredAgreement};
use crate::timestamp::{date_text, parse_date};

/// A run with its totals and who did what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredRun {
    pub run: Run,
    pub version: i64,
    pub line_count: i64,
    pub total: Money,
    pub prepared_by_name: Option<String>,
    pub approved_by_name: Option<String>,
    pub release_key: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.cadence, r.period_first, r.period_last, r.state, r.prepared_by, r.approved_by, r.version,
        r.line_count, r.total_pence, pu.display_name, au.display_name, k.release_key
     FROM payment_runs r LEFT JOIN users pu ON pu.id = r.prepared_by LEFT JOIN users au ON au.id = r.approved_by
     LEFT JOIN payment_releases k ON k.run_id = r.id";

fn actor(id: Option<i64>) -> Actor {
    id.map_or(Actor::System, |id| Actor::User(UserId::new(id)))
}

fn run_from(row: &sqlx::any::AnyRow) -> Result<StoredRun, StoreError> {
    Ok(StoredRun {
        run: Run {
            id: RunId::new(row.try_get(0)?),
            cadence: row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
            period: Period {
                first: parse_date(&row.try_get::<String, _>(2)?)?,
                last: parse_date(&row.try_get::<String, _>(3)?)?,
            },
            state: row.try_get::<String, _>(4)?.parse().map_err(StoreError::corrupt)?,
            prepared_by: actor(row.try_get(5)?),
            approved_by: row.try_get::<Option<i64>, _>(6)?.map(|id| Actor::User(UserId::new(id))),
        },
        version: row.try_get(7)?,
        line_count: row.try_get(8)?,
        total: Money::from_pence(row.try_get(9)?),
        prepared_by_name: row.try_get(10)?,
        approved_by_name: row.try_get(11)?,
        release_key: row.try_get(12)?,
    })
}

pub async fn load(conn: &mut AnyConnection, id: i64) -> Result<StoredRun, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "payment run" })?;
    run_from(&row)
}

pub async fn get(store: &Store, id: i64) -> Result<StoredRun, StoreError> {
    let mut conn = store.pool().acquire().await?;
    load(&mut conn, id).await
}

/// Every run, newest period first.
pub async fn list(store: &Store) -> Result<Vec<StoredRun>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY r.period_first DESC, r.id DESC"))
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(run_from).collect()
}

/// The first day of the next run of `cadence`: the day after the last one.
pub async fn next_first(conn: &mut AnyConnection, cadence: Cadence) -> Result<Option<Date>, StoreError> {
    let row = sqlx::query("SELECT MAX(period_last) FROM payment_runs WHERE cadence = $1")
        .bind(cadence.code())
        .fetch_one(conn)
        .await?;
    Ok(row
        .try_get::<Option<String>, _>(0)?
        .map(|last| parse_date(&last))
        .transpose()?
        .map(|last| last + Duration::days(1)))
}

/// Starts a run of `cadence` from `first`. Runs of a cadence follow on from
/// each other, so the first day must be the day after the previous run.
pub async fn draft(cmd: &mut Command, _can: &Can<ManageFinance>, cadence: Cadence, first: Date) -> Result<i64, StoreError> {
    if let Some(expected) = next_first(cmd.conn(), cadence).await? {
        if first != expected {
            return Err(StoreError::Invalid(vec![(
                "first",
                format!(
                    "The next {} run starts on {}, the day after the last one ends",
                    cadence.label().to_lowercase(),
                    expected
                ),
            )]));
        }
    }
    let period = cadence.period_from(first);
    let at = cmd.at_text();
    let by = cmd.actor().user_id().map(UserId::get);
    let row = sqlx::query(
        "INSERT INTO payment_runs (cadence, period_first, period_last, state, prepared_by, created_at, version)
         VALUES ($1, $2, $3, 'draft', $4, $5, 1) RETURNING id",
    )
    .bind(cadence.code())
    .bind(date_text(period.first))
    .bind(date_text(period.last))
    .bind(by)
    .bind(at)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_unique(e, "first", "There is already a run for that period"))?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new("payment_run.drafted", "payment_run", id, None::<&()>, Some(&period)))
        .await?;
    Ok(id)
}

/// What calculation produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calculation {
    pub lines: usize,
    pub adjustments: usize,
    pub total: Money,
}

/// Calculates a draft run: every live agreement of the cadence is paid,
/// pro rata by days, from the day after it was last paid to the period's
/// end; adjustments waiting for the cadence are added; days paid beyond an
/// agreement's last day are recovered.
pub async fn calculate(cmd: &mut Command, _can: &Can<ManageFinance>, id: i64, version: i64) -> Result<Calculation, StoreError> {
    let stored = load(cmd.conn(), id).await?;
    let run = stored.run.advanced(RunState::Calculated).map_err(rejected)?;
    let agreements = service_agreements::all(cmd.conn(), Some(run.cadence)).await?;
    recover_days_after_the_end(cmd, &agreements).await?;
    let mut lines = pay_days(&agreements, run.period)?;
    let adjustments = claim_adjustments(cmd, id, run.cadence).await?;
    let by_id: HashMap<AgreementId, &StoredAgreement> = agreements.iter().map(|a| (a.agreement.id, a)).collect();
    for adjustment in &adjustments {
        if let Some(agreement) = by_id.get(&adjustment.agreement) {
            lines.push(runs::adjustment_line(adjustment, &agreement.agreement));
        }
    }
    insert_lines(cmd.conn(), id, &lines).await?;
    advance_paid_through(cmd.conn(), &lines).await?;
    let total = Money::sum(lines.iter().map(|l| l.amount))?;
    let done = sqlx::query(
        "UPDATE payment_runs SET state = 'calculated', calculated_at = $1, line_count = $2, total_pence = $3, version = version + 1
         WHERE id = $4 AND version = $5 AND state = 'draft'",
    )
    .bind(cmd.at_text())
    .bind(i64::try_from(lines.len()).unwrap_or(i64::MAX))
    .bind(total.pence())
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "payment run")?;
    let calculation = Calculation {
        lines: lines.len(),
        adjustments: adjustments.len(),
        total,
    };
    cmd.record(Change::new(
        "payment_run.calculated",
        "payment_run",
        id,
        Some(&stored.run.state),
        Some(&calculation),
    ))
    .await?;
    Ok(calculation)
}

fn rejected(error: runs::RunError) -> StoreError {
    StoreError::Rejected(vec![crate::sentence(&error.to_string())])
}

/// The lines for days not yet paid up to the period's end.
fn pay_days(agreements: &[StoredAgreement], period: Period) -> Result<Vec<PaymentLine>, StoreError> {
    let unpaid: Vec<finance::ServiceAgreement> = agreements
        .iter()
        .map(|stored| {
            let mut agreement = stored.agreement.clone();
            if let Some(paid) = stored.paid_through {
                agreement.start = agreement.start.max(paid + Duration::days(1));
            }
            agreement
        })
        .collect();
    let first = unpaid.iter().map(|a| a.start).min().unwrap_or(period.first).min(period.first);
    Ok(runs::calculate(Period { first, last: period.last }, &unpaid)?)
}

/// An agreement paid beyond its last day (a placement ended, or an end
/// date brought forward, after the days were in a run) gets a recovery.
async fn recover_days_after_the_end(cmd: &mut Command, agreements: &[StoredAgreement]) -> Result<(), StoreError> {
    for stored in agreements {
        let (Some(paid), Some(last)) = (stored.paid_through, stored.agreement.last_day()) else {
            continue;
        };
        if paid <= last {
            continue;
        }
        let mut as_paid = stored.agreement.clone();
        as_paid.end = None;
        as_paid.placement_ended = None;
        let recovery = adjustments_between(&as_paid, &stored.agreement, last + Duration::days(1), paid)?;
        service_agreements::insert_adjustments(cmd, &recovery, "days paid after the agreement ended").await?;
        service_agreements::set_paid_through(cmd.conn(), stored.agreement.id, last).await?;
    }
    Ok(())
}

/// Marks every waiting adjustment of the cadence as this run's, and
/// returns them.
async fn claim_adjustments(cmd: &mut Command, run: i64, cadence: Cadence) -> Result<Vec<Adjustment>, StoreError> {
    sqlx::query(
        "UPDATE payment_adjustments SET run_id = $1
         WHERE run_id IS NULL AND service_agreement_id IN (SELECT id FROM service_agreements WHERE cadence = $2)",
    )
    .bind(run)
    .bind(cadence.code())
    .execute(cmd.conn())
    .await?;
    let rows = sqlx::query(
        "SELECT service_agreement_id, element, first_day, last_day, amount_pence FROM payment_adjustments WHERE run_id = $1 ORDER BY id",
    )
    .bind(run)
    .fetch_all(cmd.conn())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Adjustment {
                agreement: AgreementId::new(row.try_get(0)?),
                element: row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
                first: parse_date(&row.try_get::<String, _>(2)?)?,
                last: parse_date(&row.try_get::<String, _>(3)?)?,
                amount: Money::from_pence(row.try_get(4)?),
            })
        })
        .collect()
}

/// Rows per INSERT: well under both backends' limit on bound parameters.
const BATCH: usize = 400;

async fn insert_lines(conn: &mut AnyConnection, run: i64, lines: &[PaymentLine]) -> Result<(), StoreError> {
    for chunk in lines.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO payment_lines (run_id, service_agreement_id, payee, cost_centre, element, first_day, last_day, days, amount_pence) VALUES ",
        );
        for i in 0..chunk.len() {
            let base = i * 9;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                base + 1,
                base + 2,
                base + 3,
                base + 4,
                base + 5,
                base + 6,
                base + 7,
                base + 8,
                base + 9
            ));
        }
        let mut query = sqlx::query(&sql);
        for line in chunk {
            query = query
                .bind(run)
                .bind(line.agreement.get())
                .bind(line.payee.to_string())
                .bind(line.cost_centre.as_str().to_owned())
                .bind(line.element.code())
                .bind(date_text(line.from))
                .bind(date_text(line.to))
                .bind(line.days)
                .bind(line.amount.pence());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn advance_paid_through(conn: &mut AnyConnection, lines: &[PaymentLine]) -> Result<(), StoreError> {
    let mut through: HashMap<AgreementId, Date> = HashMap::new();
    for line in lines.iter().filter(|l| l.days > 0) {
        let day = through.entry(line.agreement).or_insert(line.to);
        *day = (*day).max(line.to);
    }
    for (agreement, day) in through {
        service_agreements::set_paid_through(&mut *conn, agreement, day).await?;
    }
    Ok(())
}

/// A run's lines, by payee then agreement.
pub async fn lines(conn: &mut AnyConnection, run: i64) -> Result<Vec<PaymentLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT service_agreement_id, payee, cost_centre, element, first_day, last_day, days, amount_pence
         FROM payment_lines WHERE run_id = $1 ORDER BY payee, service_agreement_id, id",
    )
    .bind(run)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PaymentLine {
                agreement: AgreementId::new(row.try_get(0)?),
                payee: parse_payee(&row.try_get::<String, _>(1)?)?,
                cost_centre: CostCentre::new(&row.try_get::<String, _>(2)?),
                element: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
                from: parse_date(&row.try_get::<String, _>(4)?)?,
                to: parse_date(&row.try_get::<String, _>(5)?)?,
                days: row.try_get(6)?,
                amount: Money::from_pence(row.try_get(7)?),
            })
        })
        .collect()
}

/// Every line paid (or being paid) under one agreement, newest first,
/// with the run each is in.
pub async fn lines_for_agreement(store: &Store, agreement: i64) -> Result<Vec<(i64, PaymentLine)>, StoreError> {
    let rows = sqlx::query(
        "SELECT run_id, service_agreement_id, payee, cost_centre, element, first_day, last_day, days, amount_pence
         FROM payment_lines WHERE service_agreement_id = $1 ORDER BY first_day DESC, id DESC",
    )
    .bind(agreement)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                PaymentLine {
                    agreement: AgreementId::new(row.try_get(1)?),
                    payee: parse_payee(&row.try_get::<String, _>(2)?)?,
                    cost_centre: CostCentre::new(&row.try_get::<String, _>(3)?),
                    element: row.try_get::<String, _>(4)?.parse().map_err(StoreError::corrupt)?,
                    from: parse_date(&row.try_get::<String, _>(5)?)?,
                    to: parse_date(&row.try_get::<String, _>(6)?)?,
                    days: row.try_get(7)?,
                    amount: Money::from_pence(row.try_get(8)?),
                },
            ))
        })
        .collect()
}

pub async fn run_lines(store: &Store, run: i64) -> Result<Vec<PaymentLine>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    lines(&mut conn, run).await
}

/// `provider:12` or `household:7` back to a payee.
pub fn parse_payee(text: &str) -> Result<Payee, StoreError> {
    let parsed = match text.split_once(':') {
        Some(("provider", id)) => id.parse().ok().map(|id| Payee::Provider(ProviderId::new(id))),
        Some(("household", id)) => id.parse().ok().map(|id| Payee::Household(HouseholdId::new(id))),
        _ => None,
    };
    parsed.ok_or_else(|| StoreError::Corrupt(format!("unknown payee {text}")))
}

/// Approves a calculated run; the person who prepared it may not.
pub async fn approve(cmd: &mut Command, _can: &Can<ApprovePayments>, id: i64, version: i64) -> Result<(), StoreError> {
    let stored = load(cmd.conn(), id).await?;
    let approved = runs::approve(&stored.run, cmd.actor()).map_err(rejected)?;
    let done = sqlx::query(
        "UPDATE payment_runs SET state = 'approved', approved_by = $1, approved_at = $2, version = version + 1
         WHERE id = $3 AND version = $4 AND state = 'calculated'",
    )
    .bind(cmd.actor().user_id().map(UserId::get))
    .bind(cmd.at_text())
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "payment run")?;
    cmd.record(Change::new(
        "payment_run.approved",
        "payment_run",
        id,
        Some(&stored.run.state),
        Some(&approved.state),
    ))
    .await?;
    Ok(())
}

/// What a release did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Released {
    pub key: String,
    pub total: Money,
    pub entries: usize,
}

/// Releases an approved run for payment, once. Everything a release writes
/// commits together or not at all; a second release (a double click, a
/// retry after a crash) is refused with the key already used.
pub async fn release(cmd: &mut Command, _can: &Can<ManageFinance>, id: i64) -> Result<Released, StoreError> {
    let stored = load(cmd.conn(), id).await?;
    let used: Vec<finance::ReleaseKey> = stored.release_key.iter().map(|k| finance::ReleaseKey(k.clone())).collect();
    let release = runs::release(&stored.run, &used).map_err(rejected)?;
    let today = uk_local_date(cmd.at());
    sqlx::query("INSERT INTO payment_releases (release_key, run_id, released_by, released_at) VALUES ($1, $2, $3, $4)")
        .bind(&release.key.0)
        .bind(id)
        .bind(cmd.actor().user_id().map(UserId::get))
        .bind(cmd.at_text())
        .execute(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "run", format!("This run has already been released (key {})", release.key)))?;
    let lines = lines(cmd.conn(), id).await?;
    let entries = ledger::ledger_entries(&lines)?;
    post_journal(cmd, &format!("run:{id}"), Some(id), &entries, today).await?;
    let agreements = service_agreements::all(cmd.conn(), Some(stored.run.cadence)).await?;
    let domain: Vec<finance::ServiceAgreement> = agreements.into_iter().map(|a| a.agreement).collect();
    insert_recharges(cmd.conn(), id, &finance::recharges(&lines, &domain)?).await?;
    crate::faults::reach("payment-release").await;
    let done = sqlx::query(
        "UPDATE payment_runs SET state = 'released', released_at = $1, version = version + 1 WHERE id = $2 AND state = 'approved'",
    )
    .bind(cmd.at_text())
    .bind(id)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "payment run")?;
    let released = Released {
        key: release.key.0,
        total: stored.total,
        entries: entries.len(),
    };
    cmd.record(Change::new(
        "payment_run.released",
        "payment_run",
        id,
        Some(&stored.run.state),
        Some(&released),
    ))
    .await?;
    Ok(released)
}

/// Posts a journal; entries are never changed afterwards (the table refuses).
async fn post_journal(cmd: &mut Command, journal: &str, run: Option<i64>, entries: &[Entry], on: Date) -> Result<(), StoreError> {
    let at = cmd.at_text();
    for entry in entries {
        let (kind, code) = match &entry.account {
            Account::Expenditure(centre) => ("expenditure", centre.as_str().to_owned()),
            Account::Creditor(payee) => ("creditor", payee.to_string()),
        };
        sqlx::query(
            "INSERT INTO ledger_entries (journal, run_id, account_kind, account_code, debit_pence, credit_pence, posted_on, posted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(journal)
        .bind(run)
        .bind(kind)
        .bind(code)
        .bind(entry.debit.pence())
        .bind(entry.credit.pence())
        .bind(date_text(on))
        .bind(&at)
        .execute(cmd.conn())
        .await?;
    }
    Ok(())
}

async fn insert_recharges(conn: &mut AnyConnection, run: i64, recharges: &finance::Recharges) -> Result<(), StoreError> {
    for (agreement, shares) in &recharges.by_agreement {
        for (partner, amount) in [("education", shares.education), ("health", shares.health)] {
            if amount == Money::ZERO {
                continue;
            }
            sqlx::query("INSERT INTO recharges (run_id, service_agreement_id, partner, amount_pence) VALUES ($1, $2, $3, $4)")
                .bind(run)
                .bind(agreement.get())
                .bind(partner)
                .bind(amount.pence())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The ledger export of a released run. The first export moves the run to
/// Exported; every export is recorded.
pub async fn export(cmd: &mut Command, _can: &Can<ManageFinance>, id: i64) -> Result<String, StoreError> {
    let stored = load(cmd.conn(), id).await?;
    let lines = lines(cmd.conn(), id).await?;
    let csv = finance::export_csv(&stored.run, &lines).map_err(rejected)?;
    if stored.run.state == RunState::Released {
        sqlx::query("UPDATE payment_runs SET state = 'exported', exported_at = $1, version = version + 1 WHERE id = $2")
            .bind(cmd.at_text())
            .bind(id)
            .execute(cmd.conn())
            .await?;
    }
    cmd.record(Change::new(
        "payment_run.exported",
        "payment_run",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "lines": lines.len() })),
    ))
    .await?;
    Ok(csv)
}

/// A remittance advice with the payee's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    pub payee_name: String,
    pub remittance: Remittance,
}

/// What each payee is paid by a run, with the lines that make it up.
pub async fn remittances(store: &Store, id: i64) -> Result<Vec<Advice>, StoreError> {
    let lines = run_lines(store, id).await?;
    let names = payee_names(store).await?;
    Ok(ledger::remittances(&lines)?
        .into_iter()
        .map(|remittance| Advice {
            payee_name: names
                .get(&remittance.payee)
                .cloned()
                .unwrap_or_else(|| remittance.payee.to_string()),
            remittance,
        })
        .collect())
}

/// Every payee's name, for remittances and lists.
pub async fn payee_names(store: &Store) -> Result<HashMap<Payee, String>, StoreError> {
    let rows = sqlx::query("SELECT 'provider', id, name FROM providers UNION ALL SELECT 'household', id, name FROM foster_households")
        .fetch_all(store.pool())
        .await?;
    let mut names = HashMap::new();
    for row in rows {
        let id: i64 = row.try_get(1)?;
        let payee = match row.try_get::<String, _>(0)?.as_str() {
            "provider" => Payee::Provider(ProviderId::new(id)),
            _ => Payee::Household(HouseholdId::new(id)),
        };
        names.insert(payee, row.try_get(2)?);
    }
    Ok(names)
}

/// A posted ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Posted {
    pub journal: String,
    pub entry: Entry,
    pub posted_on: Date,
}

/// The entries of one journal (or every journal), in posting order.
pub async fn journal(store: &Store, journal: Option<&str>) -> Result<Vec<Posted>, StoreError> {
    let rows = sqlx::query(
        "SELECT journal, account_kind, account_code, debit_pence, credit_pence, posted_on FROM ledger_entries
         WHERE ($1 = '' OR journal = $1) ORDER BY id",
    )
    .bind(journal.unwrap_or(""))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let code: String = row.try_get(2)?;
            let account = match row.try_get::<String, _>(1)?.as_str() {
                "expenditure" => Account::Expenditure(CostCentre::new(&code)),
                _ => Account::Creditor(parse_payee(&code)?),
            };
            Ok(Posted {
                journal: row.try_get(0)?,
                entry: Entry {
                    account,
                    debit: Money::from_pence(row.try_get(3)?),
                    credit: Money::from_pence(row.try_get(4)?),
                },
                posted_on: parse_date(&row.try_get::<String, _>(5)?)?,
            })
        })
        .collect()
}
