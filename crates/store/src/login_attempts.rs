//! Sign-in attempts, for throttling password guessing.
//!
//! Attempts are counted per username and per client address. Keys are
//! hashed before storage so the table holds neither in clear.

use sqlx::Row;
use time::{Duration, OffsetDateTime};

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::instant_text;
use crate::tokens::token_hash;

/// A throttling key: `user:<name>` or `ip:<address>`.
pub fn key(kind: &str, value: &str) -> String {
    token_hash(&format!("{kind}:{}", value.to_ascii_lowercase()))
}

/// Records one attempt. Bookkeeping outside the audit chain: a failed sign-in
/// changes nothing, and the chain is for changes.
pub async fn record(store: &Store, keys: &[String], at: OffsetDateTime, succeeded: bool) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    for key_hash in keys {
        sqlx::query("INSERT INTO login_attempts (key_hash, at, succeeded) VALUES ($1, $2, $3)")
            .bind(key_hash)
            .bind(instant_text(at))
            .bind(i64::from(succeeded))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Failures for `key_hash` since its last success within `window` of `now`.
pub async fn recent_failures(store: &Store, key_hash: &str, now: OffsetDateTime, window: Duration) -> Result<i64, StoreError> {
    let since = instant_text(now - window);
    let row = sqlx::query(
        "SELECT COUNT(*) FROM login_attempts
         WHERE key_hash = $1 AND at > $2 AND succeeded = $3
           AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE key_hash = $1 AND succeeded = $4), '')",
    )
    .bind(key_hash)
    .bind(since)
    .bind(0i64)
    .bind(1i64)
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get(0)?)
}

/// Drops attempts older than `keep`; they serve no purpose after the window.
pub async fn purge(store: &Store, now: OffsetDateTime, keep: Duration) -> Result<u64, StoreError> {
    let result = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(instant_text(now - keep))
        .execute(store.pool())
        .await?;
    Ok(result.rows_affected())
}
