//! Workpapers: the auditor's notes on an engagement, each with an optional
//! file of evidence, optionally tied to one of its tests.
//!
//! Files are kept in the database as base64 text (the schema uses only
//! portable column types), at most 5 MB each so one upload cannot swell a
//! backup. The audit trail records the file's name, size and SHA-256 hash
//! rather than its bytes, which is enough to show later that the evidence
//! on file is the evidence that was uploaded.

use authz::cap::ConductAudits;
use authz::Can;
use kernel::uk_local_date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::internal_audit::open_engagement;
use crate::timestamp::parse_instant;

/// The largest file a workpaper may carry: 5 MB.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// A file of evidence as uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkpaper {
    pub title: String,
    pub notes: String,
    pub test_id: Option<i64>,
    pub file: Option<Attachment>,
}

/// A stored workpaper, without its file's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workpaper {
    pub id: i64,
    pub engagement_id: i64,
    pub test_id: Option<i64>,
    pub title: String,
    pub notes: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub file_bytes: Option<i64>,
    pub created_by: Option<String>,
    pub created_on: Date,
}

/// A file to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The name without any folder a browser sent, and without characters
/// that could break a download's header.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = base.chars().filter(|c| !c.is_control() && *c != '"' && *c != ';').collect();
    kept.trim().chars().take(200).collect()
}

/// A media type such as `application/pdf`, parameters dropped; anything
/// else is stored as plain bytes.
fn clean_type(content_type: &str) -> String {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let token = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c));
    match essence.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => essence,
        _ => "application/octet-stream".to_owned(),
    }
}

/// Adds a workpaper to an open engagement; returns its id.
pub async fn add(cmd: &mut Command, _can: &Can<ConductAudits>, engagement_id: i64, new: &NewWorkpaper) -> Result<i64, StoreError> {
    open_engagement(cmd.conn(), engagement_id, "title").await?;
    let mut errors = Vec::new();
    if new.title.trim().is_empty() {
        errors.push(("title", "Enter the workpaper's title".to_owned()));
    }
    let file = match &new.file {
        None => None,
        Some(file) => {
            let name = clean_name(&file.file_name);
            if file.bytes.len() > MAX_FILE_BYTES {
                errors.push(("file", "The file must be 5 MB or smaller".to_owned()));
            } else if file.bytes.is_empty() {
                errors.push(("file", "The file is empty".to_owned()));
            } else if name.is_empty() {
                errors.push(("file", "The file has no name".to_owned()));
            }
            Some((name, clean_type(&file.content_type), &file.bytes))
        }
    };
    if let Some(test) = new.test_id {
        let owner: Option<i64> = sqlx::query("SELECT engagement_id FROM audit_tests WHERE id = $1")
            .bind(test)
            .fetch_optional(cmd.conn())
            .await?
            .map(|row| row.try_get(0))
            .transpose()?;
        if owner != Some(engagement_id) {
            errors.push(("test_id", "Choose one of this engagement's tests".to_owned()));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let row = sqlx::query(
        "INSERT INTO audit_workpapers (engagement_id, test_id, title, notes, file_name, content_type, content_base64, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(engagement_id)
    .bind(new.test_id)
    .bind(new.title.trim())
    .bind(new.notes.trim())
    .bind(file.as_ref().map(|(name, _, _)| name.clone()))
    .bind(file.as_ref().map(|(_, kind, _)| kind.clone()))
    .bind(file.as_ref().map(|(_, _, bytes)| crate::base64::encode(bytes)))
    .bind(cmd.actor().user_id().map(kernel::UserId::get))
    .bind(cmd.at_text())
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let after = serde_json::json!({
        "engagement_id": engagement_id,
        "test_id": new.test_id,
        "title": new.title.trim(),
        "notes": new.notes.trim(),
        "file": file.as_ref().map(|(name, kind, bytes)| serde_json::json!({
            "name": name,
            "content_type": kind,
            "bytes": bytes.len(),
            "sha256": hex::encode(Sha256::digest(bytes)),
        })),
    });
    cmd.record(Change::new(
        "audit_workpaper.added",
        "audit workpaper",
        id,
        None::<&()>,
        Some(&after),
    ))
    .await?;
    Ok(id)
}

/// An engagement's workpapers, oldest first, without their files' bytes.
pub async fn of_engagement(store: &Store, engagement_id: i64) -> Result<Vec<Workpaper>, StoreError> {
    // The size is worked out from the base64 text's length and padding, so
    // listing never loads the files.
    let rows = sqlx::query(
        "SELECT w.id, w.engagement_id, w.test_id, w.title, w.notes, w.file_name, w.content_type,
                CASE WHEN w.content_base64 IS NULL THEN NULL
                     ELSE CAST(LENGTH(w.content_base64) / 4 * 3 AS BIGINT)
                          - CASE WHEN w.content_base64 LIKE '%==' THEN 2 WHEN w.content_base64 LIKE '%=' THEN 1 ELSE 0 END END,
                u.display_name, w.created_at
         FROM audit_workpapers w LEFT JOIN users u ON u.id = w.created_by WHERE w.engagement_id = $1 ORDER BY w.id",
    )
    .bind(engagement_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Workpaper {
                id: row.try_get(0)?,
                engagement_id: row.try_get(1)?,
                test_id: row.try_get(2)?,
                title: row.try_get(3)?,
                notes: row.try_get(4)?,
                file_name: row.try_get(5)?,
                content_type: row.try_get(6)?,
                file_bytes: row.try_get(7)?,
                created_by: row.try_get(8)?,
                created_on: uk_local_date(parse_instant(&row.try_get::<String, _>(9)?)?),
            })
        })
        .collect()
}

/// A workpaper's file; not found when it has none.
pub async fn file(store: &Store, id: i64) -> Result<Download, StoreError> {
    let row = sqlx::query("SELECT file_name, content_type, content_base64 FROM audit_workpapers WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound { entity: "workpaper" })?;
    let (Some(file_name), Some(content_type), Some(text)) = (
        row.try_get::<Option<String>, _>(0)?,
        row.try_get::<Option<String>, _>(1)?,
        row.try_get::<Option<String>, _>(2)?,
    ) else {
        return Err(StoreError::NotFound { entity: "workpaper file" });
    };
    Ok(Download {
        file_name,
        content_type,
        bytes: crate::base64::decode(&text).map_err(|e| StoreError::corrupt(format!("workpaper {id}: {e}")))?,
    })
}
