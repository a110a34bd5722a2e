//! Server-side sessions for people signed in to the web pages.
//!
//! The browser holds a random token; the database holds its SHA-256. A
//! session ends on sign-out, after an idle period, or at an absolute limit,
//! whichever comes first. Signing in always creates a new session (the old
//! one, if any, is deleted), so a token planted before sign-in is useless.

use kernel::UserId;
use sqlx::Row;
use time::{Duration, OffsetDateTime};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{instant_text, parse_instant};
use crate::tokens::{random_token, token_hash};

/// A live session as loaded for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// A just-created session: the raw token goes into the cookie, once.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

/// How long sessions may live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Session {
    pub fn is_expired(&self, now: OffsetDateTime, limits: SessionLimits) -> bool {
        now - self.last_seen_at > limits.idle || now - self.created_at > limits.absolute
    }
}

/// Starts a session for `user_id`, ending `replacing` if the browser had one.
pub async fn create(cmd: &mut Command, user_id: UserId, replacing: Option<&str>) -> Result<NewSession, StoreError> {
    if let Some(old) = replacing {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(old))
            .execute(cmd.conn())
            .await?;
    }
    let token = random_token();
    let csrf_token = random_token();
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(token_hash(&token))
    .bind(user_id.get())
    .bind(&csrf_token)
    .bind(&at)
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change {
        action: "session.signed_in",
        entity: "user",
        entity_id: user_id.to_string(),
        before: None,
        after: Some(serde_json::json!({ "session": id })),
    })
    .await?;
    Ok(NewSession { token, csrf_token })
}

/// The session for a raw cookie token, if it exists (expiry is the caller's check).
pub async fn find(store: &Store, token: &str) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query("SELECT id, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .fetch_optional(store.pool())
        .await?;
    row.map(|row| {
        Ok(Session {
            id: row.try_get(0)?,
            user_id: UserId::new(row.try_get(1)?),
            csrf_token: row.try_get(2)?,
            created_at: parse_instant(&row.try_get::<String, _>(3)?)?,
            last_seen_at: parse_instant(&row.try_get::<String, _>(4)?)?,
        })
    })
    .transpose()
}

/// Records activity. Bookkeeping, not a business change, so not audited;
/// written at most once a minute per session to spare the database.
pub async fn touch(store: &Store, session: &Session, now: OffsetDateTime) -> Result<(), StoreError> {
    if now - session.last_seen_at < Duration::minutes(1) {
        return Ok(());
    }
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(instant_text(now))
        .bind(session.id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Ends a session (sign-out).
pub async fn end(cmd: &mut Command, session: &Session) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session.id)
        .execute(cmd.conn())
        .await?;
    cmd.record(Change {
        action: "session.signed_out",
        entity: "user",
        entity_id: session.user_id.to_string(),
        before: Some(serde_json::json!({ "session": session.id })),
        after: None,
    })
    .await?;
    Ok(())
}

/// Deletes an expired session found during a request. Not audited: nobody
/// acted, time passed.
pub async fn expire(store: &Store, session: &Session) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session.id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Deletes every session past its limits; returns how many.
pub async fn purge_expired(store: &Store, now: OffsetDateTime, limits: SessionLimits) -> Result<u64, StoreError> {
    let result = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(instant_text(now - limits.idle))
        .bind(instant_text(now - limits.absolute))
        .execute(store.pool())
        .await?;
    Ok(result.rows_affected())
}
