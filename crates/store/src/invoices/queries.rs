//! Reading invoices back: the list with filters, sorting and pages, one
//! invoice with its exceptions, and the exception queue with each item's
//! age.

use kernel::{Money, ProviderId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

use super::{ExceptionKind, InvoiceState, Outcome};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::parse_date;
use crate::{Page, PageRequest};

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest received first.
    #[default]
    Received,
    /// Largest amount first.
    Amount,
    /// Provider name, A to Z.
    Provider,
    /// Latest period first.
    Period,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Received, Sort::Amount, Sort::Provider, Sort::Period];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Received => "received",
            Sort::Amount => "amount",
            Sort::Provider => "provider",
            Sort::Period => "period",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Received => "Newest received first",
            Sort::Amount => "Largest amount first",
            Sort::Provider => "Provider name",
            Sort::Period => "Latest period first",
        }
    }

    /// The code's sort, or the default for anything else.
    pub fn from_code(code: &str) -> Sort {
        Sort::ALL.into_iter().find(|s| s.code() == code).unwrap_or_default()
    }

    // Every order ends on the id so pages never overlap or skip a row.
    fn order_by(self) -> &'static str {
        match self {
            Sort::Received => "i.received_on DESC, i.id DESC",
            Sort::Amount => "i.amount_pence DESC, i.id DESC",
            Sort::Provider => "LOWER(p.name), i.id",
            Sort::Period => "i.period_from DESC, i.id DESC",
        }
    }
}

/// What the list keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub state: Option<InvoiceState>,
    /// Words that must all appear in the provider's name.
    pub provider: String,
    pub sort: Sort,
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub id: i64,
    pub provider_id: ProviderId,
    pub provider_name: String,
    pub reference: String,
    pub from: Date,
    pub to: Date,
    /// In pence.
    pub amount: Money,
    /// What the agreements came to for the days billed, in pence.
    pub expected: Money,
    pub received_on: Date,
    pub state: InvoiceState,
    pub open_exceptions: i64,
    pub version: i64,
}

const LISTED: &str = "SELECT i.id, i.provider_id, p.name, i.reference, i.period_from, i.period_to, i.amount_pence, i.expected_pence,
        i.received_on, i.state, i.version,
        (SELECT COUNT(*) FROM invoice_exceptions e WHERE e.invoice_id = i.id AND e.outcome IS NULL), i.entered_by, u.display_name
     FROM invoices i JOIN providers p ON p.id = i.provider_id LEFT JOIN users u ON u.id = i.entered_by";

fn listed_from(row: &AnyRow) -> Result<Listed, StoreError> {
    Ok(Listed {
        id: row.try_get(0)?,
        provider_id: ProviderId::new(row.try_get(1)?),
        provider_name: row.try_get(2)?,
        reference: row.try_get(3)?,
        from: parse_date(&row.try_get::<String, _>(4)?)?,
        to: parse_date(&row.try_get::<String, _>(5)?)?,
        amount: Money::from_pence(row.try_get(6)?),
        expected: Money::from_pence(row.try_get(7)?),
        received_on: parse_date(&row.try_get::<String, _>(8)?)?,
        state: row.try_get::<String, _>(9)?.parse().map_err(StoreError::corrupt)?,
        version: row.try_get(10)?,
        open_exceptions: row.try_get(11)?,
    })
}

/// A LIKE pattern matching `word` anywhere, with LIKE's wildcards in the
/// word taken literally.
fn contains_pattern(word: &str) -> String {
    let escaped = word.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of the invoices the filter keeps, in its order.
pub async fn list(store: &Store, filter: &Filter, page: PageRequest) -> Result<Page<Listed>, StoreError> {
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(state) = filter.state {
        binds.push(state.code().to_owned());
        clauses.push(format!("i.state = ${}", binds.len()));
    }
    for word in filter.provider.split_whitespace().take(5) {
        binds.push(contains_pattern(word));
        clauses.push(format!("LOWER(p.name) LIKE ${} ESCAPE '\\'", binds.len()));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM invoices i JOIN providers p ON p.id = i.provider_id {where_sql}");
    let mut count = sqlx::query(&count_sql);
    for bind in &binds {
        count = count.bind(bind.as_str());
    }
    let total: i64 = count.fetch_one(store.pool()).await?.try_get(0)?;
    let list_sql = format!(
        "{LISTED} {where_sql} ORDER BY {} LIMIT ${} OFFSET ${}",
        filter.sort.order_by(),
        binds.len() + 1,
        binds.len() + 2
    );
    let mut query = sqlx::query(&list_sql);
    for bind in &binds {
        query = query.bind(bind.as_str());
    }
    let rows = query.bind(page.limit()).bind(page.offset()).fetch_all(store.pool()).await?;
    Ok(Page {
        items: rows.iter().map(listed_from).collect::<Result<_, _>>()?,
        total,
        request: page,
    })
}

/// An exception as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredException {
    pub id: i64,
    pub invoice_id: i64,
    pub kind: ExceptionKind,
    pub detail: String,
    pub raised_on: Date,
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
    pub resolved_by_name: Option<String>,
    pub version: i64,
}

impl StoredException {
    pub fn is_open(&self) -> bool {
        self.outcome.is_none()
    }
}

const EXCEPTION: &str = "SELECT e.id, e.invoice_id, e.kind, e.detail, e.raised_on, e.outcome, e.reason, ru.display_name, e.version,
        i.provider_id, p.name, i.reference, i.amount_pence, i.entered_by
     FROM invoice_exceptions e JOIN invoices i ON i.id = e.invoice_id JOIN providers p ON p.id = i.provider_id
     LEFT JOIN users ru ON ru.id = e.resolved_by";

fn exception_from(row: &AnyRow) -> Result<StoredException, StoreError> {
    Ok(StoredException {
        id: row.try_get(0)?,
        invoice_id: row.try_get(1)?,
        kind: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
        detail: row.try_get(3)?,
        raised_on: parse_date(&row.try_get::<String, _>(4)?)?,
        outcome: row
            .try_get::<Option<String>, _>(5)?
            .map(|o| o.parse().map_err(StoreError::corrupt))
            .transpose()?,
        reason: row.try_get(6)?,
        resolved_by_name: row.try_get(7)?,
        version: row.try_get(8)?,
    })
}

/// One exception, for the form that resolves it.
pub async fn exception(store: &Store, id: i64) -> Result<StoredException, StoreError> {
    let row = sqlx::query(&format!("{EXCEPTION} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound {
            entity: "invoice exception",
        })?;
    exception_from(&row)
}

/// One invoice whole: what was billed and expected, who entered it, and
/// every exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredInvoice {
    #[serde(flatten)]
    pub listed: Listed,
    pub entered_by: Option<UserId>,
    pub entered_by_name: Option<String>,
    pub exceptions: Vec<StoredException>,
}

pub async fn load(conn: &mut AnyConnection, id: i64) -> Result<StoredInvoice, StoreError> {
    let row = sqlx::query(&format!("{LISTED} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "invoice" })?;
    let rows = sqlx::query(&format!("{EXCEPTION} WHERE e.invoice_id = $1 ORDER BY e.id"))
        .bind(id)
        .fetch_all(conn)
        .await?;
    Ok(StoredInvoice {
        listed: listed_from(&row)?,
        entered_by: row.try_get::<Option<i64>, _>(12)?.map(UserId::new),
        entered_by_name: row.try_get(13)?,
        exceptions: rows.iter().map(exception_from).collect::<Result<_, _>>()?,
    })
}

pub async fn get(store: &Store, id: i64) -> Result<StoredInvoice, StoreError> {
    let mut conn = store.pool().acquire().await?;
    load(&mut conn, id).await
}

/// An exception in the queue, with its invoice and age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub exception: StoredException,
    pub provider_id: ProviderId,
    pub provider_name: String,
    pub reference: String,
    /// In pence.
    pub amount: Money,
    pub entered_by: Option<UserId>,
    /// Whole days since it was raised.
    pub age_days: i64,
}

/// Exceptions oldest first (open ones only, or all), each with its age on
/// `today`.
pub async fn exceptions(store: &Store, open_only: bool, today: Date) -> Result<Vec<QueueItem>, StoreError> {
    let rows = sqlx::query(&format!(
        "{EXCEPTION} WHERE ($1 = 0 OR e.outcome IS NULL) ORDER BY e.raised_on, e.id"
    ))
    .bind(i64::from(open_only))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let exception = exception_from(row)?;
            Ok(QueueItem {
                age_days: (today - exception.raised_on).whole_days(),
                exception,
                provider_id: ProviderId::new(row.try_get(9)?),
                provider_name: row.try_get(10)?,
                reference: row.try_get(11)?,
                amount: Money::from_pence(row.try_get(12)?),
                entered_by: row.try_get::<Option<i64>, _>(13)?.map(UserId::new),
            })
        })
        .collect()
}
