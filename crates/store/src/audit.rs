//! Reading and verifying the audit trail. Writing happens only through
//! [`crate::Command::record`].

use audit_trail::{ChainBreak, ChainHead, Event, NewEvent, Verifier};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;
use crate::{Page, PageRequest};

/// Filters for the audit trail list; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
}

const COLUMNS: &str = "seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash";

fn from_row(row: &AnyRow) -> Result<Event, StoreError> {
    Ok(Event {
        seq: row.try_get("seq")?,
        body: NewEvent {
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            entity: row.try_get("entity")?,
            entity_id: row.try_get("entity_id")?,
            before: row.try_get("before_json")?,
            after: row.try_get("after_json")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Builds the WHERE clause for `filter`, numbering binds from 1.
fn where_clause(filter: &AuditFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    let mut add = |column: &str, value: &Option<String>| {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            binds.push(value.to_owned());
            clauses.push(format!("{column} = ${}", binds.len()));
        }
    };
    add("action", &filter.action);
    add("entity", &filter.entity);
    add("entity_id", &filter.entity_id);
    add("actor", &filter.actor);
    if clauses.is_empty() {
        (String::new(), binds)
    } else {
        (format!("WHERE {}", clauses.join(" AND ")), binds)
    }
}

/// Newest first.
pub async fn list(store: &Store, filter: &AuditFilter, page: PageRequest) -> Result<Page<Event>, StoreError> {
    let (where_sql, binds) = where_clause(filter);
    let count_sql = format!("SELECT COUNT(*) FROM audit_events {where_sql}");
    let mut count = sqlx::query(&count_sql);
    for value in &binds {
        count = count.bind(value);
    }
    let total: i64 = count.fetch_one(store.pool()).await?.try_get(0)?;
    let n = binds.len();
    let list_sql = format!(
        "SELECT {COLUMNS} FROM audit_events {where_sql} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&list_sql);
    for value in &binds {
        query = query.bind(value);
    }
    let rows = query.bind(page.limit()).bind(page.offset()).fetch_all(store.pool()).await?;
    Ok(Page {
        items: rows.iter().map(from_row).collect::<Result<_, _>>()?,
        total,
        request: page,
    })
}

/// The recorded head of the chain.
pub async fn head(store: &Store) -> Result<ChainHead, StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(store.pool())
        .await?;
    Ok(ChainHead {
        seq: row.try_get(0)?,
        hash: row.try_get(1)?,
    })
}

/// Walks the whole chain in batches and checks every link and hash.
pub async fn verify(store: &Store) -> Result<Result<ChainHead, ChainBreak>, StoreError> {
    const BATCH: i64 = 5_000;
    let recorded = head(store).await?;
    let mut verifier = Verifier::default();
    let mut after = 0i64;
    loop {
        let sql = format!("SELECT {COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows = sqlx::query(&sql).bind(after).bind(BATCH).fetch_all(store.pool()).await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let event = from_row(row)?;
            if let Err(broken) = verifier.check(&event) {
                return Ok(Err(broken));
            }
            after = event.seq;
        }
    }
    Ok(verifier.finish(&recorded))
}
