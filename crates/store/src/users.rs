//! User accounts, their roles and their teams.

use std::str::FromStr;

use authz::cap::ManageUsers;
use authz::{Can, Principal, Role};
use kernel::{TeamId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;

/// An account as administrators see it. Never holds the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub active: bool,
    pub roles: Vec<Role>,
    pub teams: Vec<TeamId>,
    pub version: i64,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub teams: Vec<TeamId>,
}

/// Why a username was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a username must be 3 to 64 characters: lower-case letters, numbers, dots, hyphens or underscores")]
pub struct BadUsername;

/// Usernames are case-insensitive; they are stored lower-case.
pub fn normalise_username(text: &str) -> Result<String, BadUsername> {
    let name = text.trim().to_ascii_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
    if (3..=64).contains(&name.len()) && name.chars().all(allowed) {
        Ok(name)
    } else {
        Err(BadUsername)
    }
}

/// Creates an account with its roles and teams.
pub async fn create(cmd: &mut Command, _can: &Can<ManageUsers>, new: NewUser) -> Result<User, StoreError> {
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, email, password_hash, active, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id",
    )
    .bind(&new.username)
    .bind(&new.display_name)
    .bind(&new.email)
    .bind(&new.password_hash)
    .bind(1i64)
    .bind(&at)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_unique(e, "username", format!("the username '{}' is already taken", new.username)))?;
    let id = UserId::new(row.try_get(0)?);
    replace_roles_and_teams(cmd, id, &new.roles, &new.teams).await?;
    let user = User {
        id,
        username: new.username,
        display_name: new.display_name,
        email: new.email,
        active: true,
        roles: sorted(new.roles),
        teams: sorted(new.teams),
        version: 1,
    };
    cmd.record(Change::new("user.created", "user", id, None::<&User>, Some(&user)))
        .await?;
    Ok(user)
}

/// The editable parts of an account.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub email: Option<String>,
    pub active: bool,
    pub roles: Vec<Role>,
    pub teams: Vec<TeamId>,
}

/// Changes an account if it is still at `expected_version` (optimistic lock).
/// Deactivating an account also ends its sessions.
pub async fn update(
    cmd: &mut Command,
    _can: &Can<ManageUsers>,
    id: UserId,
    expected_version: i64,
    change: UserUpdate,
) -> Result<User, StoreError> {
    let before = find_in(cmd, id).await?.ok_or(StoreError::NotFound { entity: "user" })?;
    let updated = sqlx::query(
        "UPDATE users SET display_name = $1, email = $2, active = $3, version = version + 1
         WHERE id = $4 AND version = $5",
    )
    .bind(&change.display_name)
    .bind(&change.email)
    .bind(i64::from(change.active))
    .bind(id.get())
    .bind(expected_version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&updated, "user")?;
    replace_roles_and_teams(cmd, id, &change.roles, &change.teams).await?;
    if !change.active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.get())
            .execute(cmd.conn())
            .await?;
    }
    let after = find_in(cmd, id).await?.ok_or(StoreError::NotFound { entity: "user" })?;
    cmd.record(Change::new("user.updated", "user", id, Some(&before), Some(&after)))
        .await?;
    Ok(after)
}

/// Sets a new password hash (the caller checks the policy and hashes).
pub async fn set_password(cmd: &mut Command, _can: &Can<ManageUsers>, id: UserId, password_hash: &str) -> Result<(), StoreError> {
    let updated = sqlx::query("UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2")
        .bind(password_hash)
        .bind(id.get())
        .execute(cmd.conn())
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound { entity: "user" });
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id.get())
        .execute(cmd.conn())
        .await?;
    cmd.record(Change {
        action: "user.password_set",
        entity: "user",
        entity_id: id.to_string(),
        before: None,
        after: None,
    })
    .await?;
    Ok(())
}

async fn replace_roles_and_teams(cmd: &mut Command, id: UserId, roles: &[Role], teams: &[TeamId]) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(id.get())
        .execute(cmd.conn())
        .await?;
    sqlx::query("DELETE FROM team_members WHERE user_id = $1")
        .bind(id.get())
        .execute(cmd.conn())
        .await?;
    for role in sorted(roles.to_vec()) {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(id.get())
            .bind(role.code())
            .execute(cmd.conn())
            .await?;
    }
    for team in sorted(teams.to_vec()) {
        sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
            .bind(team.get())
            .bind(id.get())
            .execute(cmd.conn())
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "team" },
                _ => StoreError::Database(e),
            })?;
    }
    Ok(())
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items.dedup();
    items
}

const USER_COLUMNS: &str = "id, username, display_name, email, active, version";

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: UserId::new(row.try_get("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        active: row.try_get::<i64, _>("active")? != 0,
        roles: Vec::new(),
        teams: Vec::new(),
        version: row.try_get("version")?,
    })
}

async fn attach_roles_and_teams(conn: &mut sqlx::AnyConnection, user: &mut User) -> Result<(), StoreError> {
    let roles = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user.id.get())
        .fetch_all(&mut *conn)
        .await?;
    user.roles = roles
        .iter()
        .map(|row| {
            let code: String = row.try_get(0)?;
            Role::from_str(&code).map_err(StoreError::corrupt)
        })
        .collect::<Result<_, _>>()?;
    user.roles.sort();
    let teams = sqlx::query("SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id")
        .bind(user.id.get())
        .fetch_all(&mut *conn)
        .await?;
    user.teams = teams
        .iter()
        .map(|row| row.try_get::<i64, _>(0).map(TeamId::new))
        .collect::<Result<_, _>>()?;
    Ok(())
}

async fn find_in(cmd: &mut Command, id: UserId) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let Some(row) = sqlx::query(&sql).bind(id.get()).fetch_optional(cmd.conn()).await? else {
        return Ok(None);
    };
    let mut user = user_from_row(&row)?;
    attach_roles_and_teams(cmd.conn(), &mut user).await?;
    Ok(Some(user))
}

/// One account by id.
pub async fn find(store: &Store, id: UserId) -> Result<Option<User>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let Some(row) = sqlx::query(&sql).bind(id.get()).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let mut user = user_from_row(&row)?;
    attach_roles_and_teams(&mut conn, &mut user).await?;
    Ok(Some(user))
}

/// Every account, by username, for the administrators' list.
pub async fn list(store: &Store) -> Result<Vec<User>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    let mut users = rows.iter().map(user_from_row).collect::<Result<Vec<_>, _>>()?;
    for user in &mut users {
        attach_roles_and_teams(&mut conn, user).await?;
    }
    Ok(users)
}

/// The credentials row used by sign-in: id, active flag and password hash.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: UserId,
    pub active: bool,
    pub password_hash: String,
}

pub async fn credentials(store: &Store, username: &str) -> Result<Option<Credentials>, StoreError> {
    let row = sqlx::query("SELECT id, active, password_hash FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(store.pool())
        .await?;
    row.map(|row| {
        Ok(Credentials {
            id: UserId::new(row.try_get(0)?),
            active: row.try_get::<i64, _>(1)? != 0,
            password_hash: row.try_get(2)?,
        })
    })
    .transpose()
}

/// The principal for an active account, as authentication hands to authz.
pub async fn principal(store: &Store, id: UserId) -> Result<Option<Principal>, StoreError> {
    Ok(find(store, id).await?.filter(|user| user.active).map(|user| Principal {
        actor: authz::Actor::User(user.id),
        username: user.username,
        display_name: user.display_name,
        roles: user.roles,
        teams: user.teams,
    }))
}
