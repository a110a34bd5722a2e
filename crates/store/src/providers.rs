//! Providers: the organisations that run placements.

use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::Can;
use kernel::ProviderId;
use providers::ProviderType;
use serde::Serialize;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    pub provider_type: ProviderType,
    pub ofsted_urn: Option<String>,
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewProvider {
    pub name: String,
    pub provider_type: ProviderType,
    pub ofsted_urn: Option<String>,
    pub postcode: Option<String>,
}

/// Inserts providers one by one (there are tens to hundreds) and audits each.
pub async fn insert_many(cmd: &mut Command, _can: &Can<RecordChildren>, providers: &[NewProvider]) -> Result<Vec<ProviderId>, StoreError> {
    let at = cmd.at_text();
    let mut ids = Vec::with_capacity(providers.len());
    for new in providers {
        let row = sqlx::query(
            "INSERT INTO providers (name, provider_type, ofsted_urn, postcode, created_at, version)
             VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(&new.name)
        .bind(new.provider_type.code())
        .bind(&new.ofsted_urn)
        .bind(&new.postcode)
        .bind(&at)
        .fetch_one(cmd.conn())
        .await?;
        let id = ProviderId::new(row.try_get(0)?);
        cmd.record(Change::new("provider.created", "provider", id, None::<&NewProvider>, Some(new)))
            .await?;
        ids.push(id);
    }
    Ok(ids)
}

pub async fn list(store: &Store) -> Result<Vec<Provider>, StoreError> {
    let rows = sqlx::query("SELECT id, name, provider_type, ofsted_urn, postcode FROM providers ORDER BY name, id")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Provider {
                id: ProviderId::new(row.try_get(0)?),
                name: row.try_get(1)?,
                provider_type: ProviderType::from_str(&row.try_get::<String, _>(2)?).map_err(StoreError::corrupt)?,
                ofsted_urn: row.try_get(3)?,
                postcode: row.try_get(4)?,
            })
        })
        .collect()
}
