//! The access log: every opening of a child's record, by whom and why.
//!
//! Kept apart from the audit trail because it records reads, not changes,
//! and is far larger; it is append-only by the same database triggers.

use authz::Actor;
use kernel::ChildId;
use sqlx::Row;
use time::OffsetDateTime;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::instant_text;
use crate::{Page, PageRequest};

/// Why a record was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    /// An ordinary view by someone entitled to it.
    View,
    /// A view through the API.
    ApiView,
    /// Emergency access past a restriction, with a stated reason.
    BreakGlass,
    /// The whole record downloaded as JSON (page or API).
    Export,
}

impl AccessKind {
    pub fn code(self) -> &'static str {
        match self {
            AccessKind::View => "view",
            AccessKind::ApiView => "api-view",
            AccessKind::BreakGlass => "break-glass",
            AccessKind::Export => "export",
        }
    }
}

/// Appends one entry.
pub async fn record(
    store: &Store,
    actor: Actor,
    child: ChildId,
    kind: AccessKind,
    reason: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut conn = store.pool().acquire().await?;
    record_on(&mut conn, actor, child, kind, reason, at).await
}

/// Appends one entry on `conn`, for use inside a command's transaction
/// (a second connection would wait for the command's write lock).
pub async fn record_on(
    conn: &mut sqlx::AnyConnection,
    actor: Actor,
    child: ChildId,
    kind: AccessKind,
    reason: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO access_log (at, actor, child_id, kind, reason) VALUES ($1, $2, $3, $4, $5)")
        .bind(instant_text(at))
        .bind(actor.to_string())
        .bind(child.get())
        .bind(kind.code())
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// One row of the access log as shown to auditors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub kind: String,
    pub reason: Option<String>,
}

/// Newest first, optionally for one child.
pub async fn list(store: &Store, child: Option<ChildId>, page: PageRequest) -> Result<Page<AccessEntry>, StoreError> {
    let (filter, child_bind) = match child {
        Some(id) => ("WHERE a.child_id = $1", Some(id.get())),
        None => ("WHERE a.child_id > $1", Some(0)),
    };
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM access_log a {filter}"))
        .bind(child_bind)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let sql = format!(
        "SELECT a.id, a.at, a.actor, a.child_id, c.la_child_id, a.kind, a.reason
         FROM access_log a JOIN children c ON c.id = a.child_id {filter}
         ORDER BY a.id DESC LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(&sql)
        .bind(child_bind)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(store.pool())
        .await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(AccessEntry {
                id: row.try_get(0)?,
                at: row.try_get(1)?,
                actor: row.try_get(2)?,
                child_id: ChildId::new(row.try_get(3)?),
                la_child_id: row.try_get(4)?,
                kind: row.try_get(5)?,
                reason: row.try_get(6)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Page {
        items,
        total,
        request: page,
    })
}
