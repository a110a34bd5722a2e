//! Bearer tokens for the JSON API.
//!
//! An administrator creates a service token with one role; anyone can
//! create a personal token, which acts as them with their current roles
//! (and stops working when their account is deactivated). The raw value is
//! shown once; only the SHA-256 is stored. Revoked tokens stay listed for
//! audit.

use std::str::FromStr;

use authz::cap::{ManageApiTokens, UseHearth};
use authz::{Actor, Can, Principal, Role};
use kernel::{ApiTokenId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{instant_text, parse_instant};
use crate::tokens::{random_token, token_hash};

/// The prefix marks Hearth tokens so secret scanners can find leaked ones.
pub const TOKEN_PREFIX: &str = "hth_";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub name: String,
    pub role: Role,
    pub created_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// Acts as `created_by` rather than as a service with `role`.
    pub personal: bool,
}

/// Creates a token; returns it with the raw secret, which is never stored.
pub async fn create(cmd: &mut Command, can: &Can<ManageApiTokens>, name: &str, role: Role) -> Result<(ApiToken, String), StoreError> {
    let created_by = can.actor().user_id().ok_or(StoreError::NotFound { entity: "user" })?;
    insert(cmd, name, role, created_by, false).await
}

/// Stores a new token's hash and records its creation.
async fn insert(cmd: &mut Command, name: &str, role: Role, created_by: UserId, personal: bool) -> Result<(ApiToken, String), StoreError> {
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let row = sqlx::query(
        "INSERT INTO api_tokens (name, token_hash, role, created_by, created_at, personal)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name.trim())
    .bind(token_hash(&secret))
    .bind(role.code())
    .bind(created_by.get())
    .bind(cmd.at_text())
    .bind(i64::from(personal))
    .fetch_one(cmd.conn())
    .await?;
    let token = ApiToken {
        id: ApiTokenId::new(row.try_get(0)?),
        name: name.trim().to_owned(),
        role,
        created_by,
        created_at: cmd.at(),
        revoked_at: None,
        last_used_at: None,
        personal,
    };
    cmd.record(Change::new(
        "api_token.created",
        "api_token",
        token.id,
        None::<&ApiToken>,
        Some(&token),
    ))
    .await?;
    Ok((token, secret))
}

/// Revokes a token; revoking twice is harmless and recorded once.
pub async fn revoke(cmd: &mut Command, _can: &Can<ManageApiTokens>, id: ApiTokenId) -> Result<ApiToken, StoreError> {
    let before = find_with(cmd.conn(), id)
        .await?
        .ok_or(StoreError::NotFound { entity: "API token" })?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
        .bind(cmd.at_text())
        .bind(id.get())
        .execute(cmd.conn())
        .await?;
    let after = ApiToken {
        revoked_at: Some(cmd.at()),
        ..before.clone()
    };
    cmd.record(Change::new("api_token.revoked", "api_token", id, Some(&before), Some(&after)))
        .await?;
    Ok(after)
}

const COLUMNS: &str = "id, name, role, created_by, created_at, revoked_at, last_used_at, personal";

fn from_row(row: &AnyRow) -> Result<ApiToken, StoreError> {
    let optional_instant = |column: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<String>, _>(column)?.as_deref().map(parse_instant).transpose()
    };
    Ok(ApiToken {
        id: ApiTokenId::new(row.try_get("id")?),
        name: row.try_get("name")?,
        role: Role::from_str(&row.try_get::<String, _>("role")?).map_err(StoreError::corrupt)?,
        created_by: UserId::new(row.try_get("created_by")?),
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        revoked_at: optional_instant("revoked_at")?,
        last_used_at: optional_instant("last_used_at")?,
        personal: row.try_get::<i64, _>("personal")? != 0,
    })
}

async fn find_with(conn: &mut sqlx::AnyConnection, id: ApiTokenId) -> Result<Option<ApiToken>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1");
    let row = sqlx::query(&sql).bind(id.get()).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(store: &Store) -> Result<Vec<ApiToken>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY id DESC");
    let rows = sqlx::query(&sql).fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// The principal for a presented bearer secret, if valid and not revoked.
/// Marks the token as used (bookkeeping, at most once a minute).
pub async fn authenticate(store: &Store, secret: &str, now: OffsetDateTime) -> Result<Option<Principal>, StoreError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL");
    let Some(row) = sqlx::query(&sql).bind(token_hash(secret)).fetch_optional(store.pool()).await? else {
        return Ok(None);
    };
    let token = from_row(&row)?;
    let stale = token.last_used_at.is_none_or(|used| now - used > time::Duration::minutes(1));
    if stale {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(instant_text(now))
            .bind(token.id.get())
            .execute(store.pool())
            .await?;
    }
    if token.personal {
        return crate::users::principal(store, token.created_by).await;
    }
    Ok(Some(Principal {
        actor: Actor::ApiToken(token.id),
        username: format!("token-{}", token.id),
        display_name: token.name,
        roles: vec![token.role],
        teams: Vec::new(),
    }))
}

/// A person creates a token that acts as them. `role` is recorded for the
/// listing only: the token always carries the person's current roles.
pub async fn create_personal(cmd: &mut Command, _can: &Can<UseHearth>, name: &str, role: Role) -> Result<(ApiToken, String), StoreError> {
    let owner = cmd.actor().user_id().ok_or(StoreError::NotFound { entity: "user" })?;
    insert(cmd, name, role, owner, true).await
}

/// A person's own tokens, newest first.
pub async fn list_personal(store: &Store, owner: UserId) -> Result<Vec<ApiToken>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE personal = 1 AND created_by = $1 ORDER BY id DESC");
    let rows = sqlx::query(&sql).bind(owner.get()).fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// A person revokes one of their own tokens.
pub async fn revoke_own(cmd: &mut Command, _can: &Can<UseHearth>, id: ApiTokenId) -> Result<ApiToken, StoreError> {
    let owner = cmd.actor().user_id();
    let token = find_with(cmd.conn(), id)
        .await?
        .filter(|t| t.personal && Some(t.created_by) == owner)
        .ok_or(StoreError::NotFound { entity: "API token" })?;
    revoke(cmd, &Can::<ManageApiTokens>::system(), token.id).await
}
