//! Provider invoices as stored: entered by hand or imported as CSV, matched
//! on entry against the provider's service agreements and its earlier
//! invoices (`finance::match_invoice`), and held with one exception row for
//! each reason it cannot be paid as it stands.
//!
//! The match is made once, when the invoice arrives, and kept with the
//! amount the agreements came to (`expected_pence`): a later rate change
//! must not silently turn a queried invoice into a payable one. Each
//! exception is resolved (accepted or rejected, with a reason) by someone
//! other than the person who entered the invoice; once none is open the
//! invoice is accepted, or rejected if any exception was. A rejected
//! invoice no longer counts as billed, so the provider can send a corrected
//! one with the same reference.

mod import;
mod queries;

use std::str::FromStr;

use authz::cap::ManageFinance;
use authz::{Actor, Can};
use finance::invoices::{match_invoice, Exception, Invoice, Match};
use finance::{Payee, ServiceAgreement};
use kernel::{uk_local_date, Money, ProviderId, UserId};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

pub use import::{import_csv, read_invoices, INVOICE_COLUMNS};
pub use queries::{exception, exceptions, get, list, load, Filter, Listed, QueueItem, Sort, StoredException, StoredInvoice};

/// An invoice as received, for the days `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvoice {
    pub provider_id: ProviderId,
    pub reference: String,
    pub from: Date,
    pub to: Date,
    pub amount: Money,
    pub received_on: Date,
}

impl NewInvoice {
    fn invoice(&self) -> Invoice {
        Invoice {
            payee: Payee::Provider(self.provider_id),
            reference: self.reference.trim().to_owned(),
            from: self.from,
            to: self.to,
            amount: self.amount,
        }
    }
}

/// Longest reference kept; providers' own numbering is far shorter.
const REFERENCE_MAX: usize = 100;

/// What is wrong with an invoice on its face, each named by the field (the
/// same names as the CSV columns, so an import reports the column).
pub(crate) fn problems(new: &NewInvoice, today: Date) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let reference = new.reference.trim();
    if reference.is_empty() {
        problems.push(("reference", "enter the provider's invoice reference".to_owned()));
    } else if reference.chars().count() > REFERENCE_MAX {
        problems.push(("reference", format!("the reference must be {REFERENCE_MAX} characters or fewer")));
    }
    if new.to < new.from {
        problems.push((
            "period_to",
            "the last day billed must not be before the first day billed".to_owned(),
        ));
    }
    if new.amount <= Money::ZERO {
        problems.push(("amount", "the amount must be above zero".to_owned()));
    }
    if new.received_on > today {
        problems.push(("received_on", "the date received cannot be in the future".to_owned()));
    }
    problems
}

macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stored and exchanged code.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)*
                }
            }

            /// (code, label) pairs for a select.
            pub fn choices() -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.code(), v.label())).collect()
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == text)
                    .ok_or_else(|| format!("unknown {} '{text}'", stringify!($name)))
            }
        }
    };
}

coded!(
    /// Where an invoice has got to.
    InvoiceState {
        Matched => "matched", "Matched";
        Exception => "exception", "Exception";
        Accepted => "accepted", "Accepted";
        Rejected => "rejected", "Rejected";
    }
);

coded!(
    /// The kind of an exception, as stored.
    ExceptionKind {
        Overbilled => "overbilled", "Overbilled";
        DaysAfterEnd => "days-after-end", "Days after the end";
        Duplicate => "duplicate", "Duplicate";
        NoAgreement => "no-agreement", "No agreement";
    }
);

coded!(
    /// How an exception was resolved.
    Outcome {
        Accepted => "accepted", "Accepted";
        Rejected => "rejected", "Rejected";
    }
);

impl ExceptionKind {
    pub fn of(exception: &Exception) -> ExceptionKind {
        match exception {
            Exception::Overbilled { .. } => ExceptionKind::Overbilled,
            Exception::DaysAfterEnd { .. } => ExceptionKind::DaysAfterEnd,
            Exception::Duplicate => ExceptionKind::Duplicate,
            Exception::NoAgreement => ExceptionKind::NoAgreement,
        }
    }
}

/// An exception in words, as the queue and the invoice's page show it.
pub fn detail(exception: &Exception) -> String {
    match exception {
        Exception::Overbilled { by } => format!("Billed {by} more than the agreement allows"),
        Exception::DaysAfterEnd { days: 1 } => "1 day after the placement ended".to_owned(),
        Exception::DaysAfterEnd { days } => format!("{days} days after the placement ended"),
        Exception::Duplicate => "The provider has billed this reference, or this period and amount, before".to_owned(),
        Exception::NoAgreement => "No agreement with the provider had started by the last day billed".to_owned(),
    }
}

/// Whether the provider is on the register.
async fn provider_exists(conn: &mut AnyConnection, id: ProviderId) -> Result<bool, StoreError> {
    Ok(sqlx::query("SELECT 1 FROM providers WHERE id = $1")
        .bind(id.get())
        .fetch_optional(conn)
        .await?
        .is_some())
}

/// Every service agreement, for matching: `match_invoice` keeps only the
/// invoice's payee, and an import loads them once for the whole file.
async fn agreements(conn: &mut AnyConnection) -> Result<Vec<ServiceAgreement>, StoreError> {
    Ok(crate::service_agreements::all(conn, None)
        .await?
        .into_iter()
        .map(|stored| stored.agreement)
        .collect())
}

/// The provider's invoices that still count as billed (all but rejected
/// ones), including any entered earlier in the same command.
async fn earlier(conn: &mut AnyConnection, provider: ProviderId) -> Result<Vec<Invoice>, StoreError> {
    let rows = sqlx::query(
        "SELECT reference, period_from, period_to, amount_pence FROM invoices WHERE provider_id = $1 AND state <> 'rejected' ORDER BY id",
    )
    .bind(provider.get())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Invoice {
                payee: Payee::Provider(provider),
                reference: row.try_get(0)?,
                from: parse_date(&row.try_get::<String, _>(1)?)?,
                to: parse_date(&row.try_get::<String, _>(2)?)?,
                amount: Money::from_pence(row.try_get(3)?),
            })
        })
        .collect()
}

/// Enters one invoice: checks it, matches it and stores it with its
/// exceptions.
pub async fn enter(cmd: &mut Command, _can: &Can<ManageFinance>, new: &NewInvoice) -> Result<(i64, Match), StoreError> {
    let mut problems = problems(new, uk_local_date(cmd.at()));
    if !provider_exists(cmd.conn(), new.provider_id).await? {
        problems.insert(0, ("provider_id", "choose a provider on the register".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let agreements = agreements(cmd.conn()).await?;
    store_matched(cmd, &agreements, new, "entered").await
}

/// Matches a checked invoice and writes it, its exceptions and its audit
/// event. `source` says how it arrived (`entered` or `imported`).
async fn store_matched(
    cmd: &mut Command,
    agreements: &[ServiceAgreement],
    new: &NewInvoice,
    source: &'static str,
) -> Result<(i64, Match), StoreError> {
    let invoice = new.invoice();
    let earlier = earlier(cmd.conn(), new.provider_id).await?;
    let matched = match_invoice(&invoice, agreements, &earlier)?;
    let (state, expected, found): (InvoiceState, Money, &[Exception]) = match &matched {
        Match::Ok { expected } => (InvoiceState::Matched, *expected, &[]),
        Match::Exceptions { expected, exceptions } => (InvoiceState::Exception, *expected, exceptions),
    };
    let row = sqlx::query(
        "INSERT INTO invoices (provider_id, reference, period_from, period_to, amount_pence, expected_pence, received_on, state,
                               entered_by, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING id",
    )
    .bind(new.provider_id.get())
    .bind(&invoice.reference)
    .bind(date_text(new.from))
    .bind(date_text(new.to))
    .bind(new.amount.pence())
    .bind(expected.pence())
    .bind(date_text(new.received_on))
    .bind(state.code())
    .bind(cmd.actor().user_id().map(UserId::get))
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let raised_on = date_text(uk_local_date(cmd.at()));
    for exception in found {
        sqlx::query("INSERT INTO invoice_exceptions (invoice_id, kind, detail, raised_on, version) VALUES ($1, $2, $3, $4, 1)")
            .bind(id)
            .bind(ExceptionKind::of(exception).code())
            .bind(detail(exception))
            .bind(&raised_on)
            .execute(cmd.conn())
            .await?;
    }
    let after = serde_json::json!({ "invoice": new, "source": source, "state": state, "match": &matched });
    cmd.record(Change::new("invoice.entered", "invoice", id, None::<&()>, Some(&after)))
        .await?;
    Ok((id, matched))
}

/// Resolves one open exception at the version read: accepted (pay the
/// invoice despite it) or rejected, with the reason. Returns the invoice's
/// state afterwards.
pub async fn resolve(
    cmd: &mut Command,
    _can: &Can<ManageFinance>,
    exception_id: i64,
    version: i64,
    outcome: Outcome,
    reason: &str,
) -> Result<InvoiceState, StoreError> {
    let row = sqlx::query(
        "SELECT e.invoice_id, e.outcome, i.entered_by, e.kind FROM invoice_exceptions e JOIN invoices i ON i.id = e.invoice_id WHERE e.id = $1",
    )
    .bind(exception_id)
    .fetch_optional(cmd.conn())
    .await?
    .ok_or(StoreError::NotFound { entity: "invoice exception" })?;
    let invoice_id: i64 = row.try_get(0)?;
    let maker = row
        .try_get::<Option<i64>, _>(2)?
        .map_or(Actor::System, |id| Actor::User(UserId::new(id)));
    authz::ensure_different_people(maker, cmd.actor(), "resolve", "entered")
        .map_err(|violation| StoreError::Rejected(vec![crate::sentence(&violation.to_string())]))?;
    if row.try_get::<Option<String>, _>(1)?.is_some() {
        return Err(StoreError::Rejected(vec!["This exception has already been resolved".to_owned()]));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(vec![(
            "reason",
            "enter the reason for the decision".to_owned(),
        )]));
    }
    let done = sqlx::query(
        "UPDATE invoice_exceptions SET outcome = $1, reason = $2, resolved_by = $3, resolved_at = $4, version = version + 1
         WHERE id = $5 AND version = $6 AND outcome IS NULL",
    )
    .bind(outcome.code())
    .bind(reason)
    .bind(cmd.actor().user_id().map(UserId::get))
    .bind(cmd.at_text())
    .bind(exception_id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "invoice exception")?;
    let state = settle(cmd.conn(), invoice_id).await?;
    let after = serde_json::json!({
        "invoice_id": invoice_id,
        "kind": row.try_get::<String, _>(3)?,
        "outcome": outcome,
        "reason": reason,
        "invoice_state": state,
    });
    cmd.record(Change::new(
        "invoice.exception_resolved",
        "invoice_exception",
        exception_id,
        Some(&serde_json::json!({ "outcome": null })),
        Some(&after),
    ))
    .await?;
    Ok(state)
}

/// Once no exception of the invoice is open, the invoice is rejected if
/// any was rejected, else accepted. Returns its state either way.
async fn settle(conn: &mut AnyConnection, invoice: i64) -> Result<InvoiceState, StoreError> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN outcome = 'rejected' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM invoice_exceptions WHERE invoice_id = $1",
    )
    .bind(invoice)
    .fetch_one(&mut *conn)
    .await?;
    let (open, rejected): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if open > 0 {
        return Ok(InvoiceState::Exception);
    }
    let state = if rejected > 0 {
        InvoiceState::Rejected
    } else {
        InvoiceState::Accepted
    };
    sqlx::query("UPDATE invoices SET state = $1, version = version + 1 WHERE id = $2")
        .bind(state.code())
        .bind(invoice)
        .execute(conn)
        .await?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn new(reference: &str, from: Date, to: Date, pence: i64) -> NewInvoice {
        NewInvoice {
            provider_id: ProviderId::new(1),
            reference: reference.into(),
            from,
            to,
            amount: Money::from_pence(pence),
            received_on: date!(2026 - 11 - 20),
        }
    }

    #[test]
    fn problems_name_their_fields() {
        let today = date!(2026 - 11 - 22);
        assert!(problems(&new("INV-1", date!(2026 - 04 - 01), date!(2026 - 04 - 30), 100), today).is_empty());
        let mut bad = new(" ", date!(2026 - 04 - 30), date!(2026 - 04 - 01), 0);
        bad.received_on = date!(2026 - 11 - 23);
        let fields: Vec<&str> = problems(&bad, today).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["reference", "period_to", "amount", "received_on"]);
    }

    #[test]
    fn details_read_as_sentences() {
        assert_eq!(
            detail(&Exception::Overbilled {
                by: Money::from_pounds(200)
            }),
            "Billed £200.00 more than the agreement allows"
        );
        assert_eq!(detail(&Exception::DaysAfterEnd { days: 8 }), "8 days after the placement ended");
        assert_eq!(detail(&Exception::DaysAfterEnd { days: 1 }), "1 day after the placement ended");
        assert_eq!("days-after-end".parse::<ExceptionKind>(), Ok(ExceptionKind::DaysAfterEnd));
        assert!("late".parse::<Outcome>().is_err());
    }
}
