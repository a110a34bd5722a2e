//! Teams: groups of staff that share a caseload or a function.

use authz::cap::ManageUsers;
use authz::Can;
use kernel::TeamId;
use serde::Serialize;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
}

pub async fn create(cmd: &mut Command, _can: &Can<ManageUsers>, name: &str) -> Result<Team, StoreError> {
    let name = name.trim();
    let at = cmd.at_text();
    let row = sqlx::query("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(at)
        .fetch_one(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "name", format!("a team called '{name}' already exists")))?;
    let team = Team {
        id: TeamId::new(row.try_get(0)?),
        name: name.to_owned(),
    };
    cmd.record(Change::new("team.created", "team", team.id, None::<&Team>, Some(&team)))
        .await?;
    Ok(team)
}

pub async fn list(store: &Store) -> Result<Vec<Team>, StoreError> {
    let rows = sqlx::query("SELECT id, name FROM teams ORDER BY name")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Team {
                id: TeamId::new(row.try_get(0)?),
                name: row.try_get(1)?,
            })
        })
        .collect()
}

pub async fn find_by_name(store: &Store, name: &str) -> Result<Option<Team>, StoreError> {
    let row = sqlx::query("SELECT id, name FROM teams WHERE name = $1")
        .bind(name.trim())
        .fetch_optional(store.pool())
        .await?;
    row.map(|row| {
        Ok(Team {
            id: TeamId::new(row.try_get(0)?),
            name: row.try_get(1)?,
        })
    })
    .transpose()
}
