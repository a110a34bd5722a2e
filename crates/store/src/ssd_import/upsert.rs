//! The upsert by `source_ref` every imported row goes through, and the
//! deletion of SSD rows an extract no longer has.

use std::collections::HashSet;

use kernel::ChildId;
use sqlx::any::AnyArguments;
use sqlx::{Any, Row};

use crate::command::Command;
use crate::error::StoreError;
use crate::timestamp::date_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

/// A column's value, typed as the portable schema stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

pub(super) fn text(value: impl Into<String>) -> Value {
    Value::Text(Some(value.into()))
}

pub(super) fn opt_text(value: Option<&str>) -> Value {
    Value::Text(value.map(str::to_owned))
}

pub(super) fn date(value: time::Date) -> Value {
    Value::Text(Some(date_text(value)))
}

pub(super) fn opt_date(value: Option<time::Date>) -> Value {
    Value::Text(value.map(date_text))
}

pub(super) fn int(value: i64) -> Value {
    Value::Int(Some(value))
}

type Query<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

fn bind_values<'q, 'v>(mut query: Query<'q>, values: impl IntoIterator<Item = &'v (&'static str, Value)>) -> Query<'q> {
    for (_, value) in values {
        query = match value {
            Value::Text(t) => query.bind(t.clone()),
            Value::Int(i) => query.bind(*i),
        };
    }
    query
}

/// Upserts the row of `table` stored under `source_ref`: `fields` are
/// compared and updated, `insert_only` are written only on insert.
pub(super) async fn upsert(
    cmd: &mut Command,
    table: &'static str,
    versioned: bool,
    source_ref: &str,
    fields: &[(&'static str, Value)],
    insert_only: &[(&'static str, Value)],
) -> Result<(i64, Outcome), StoreError> {
    let columns: Vec<&str> = fields.iter().map(|(c, _)| *c).collect();
    let select = format!("SELECT id, {} FROM {table} WHERE source_ref = $1", columns.join(", "));
    if let Some(row) = sqlx::query(&select).bind(source_ref).fetch_optional(cmd.conn()).await? {
        let id: i64 = row.try_get(0)?;
        let mut same = true;
        for (i, (_, value)) in fields.iter().enumerate() {
            let stored = match value {
                Value::Text(_) => Value::Text(row.try_get(i + 1)?),
                Value::Int(_) => Value::Int(row.try_get(i + 1)?),
            };
            same &= &stored == value;
        }
        if same {
            return Ok((id, Outcome::Unchanged));
        }
        let sets: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
        let version = if versioned { ", version = version + 1" } else { "" };
        let sql = format!("UPDATE {table} SET {}{version} WHERE id = ${}", sets.join(", "), fields.len() + 1);
        bind_values(sqlx::query(&sql), fields).bind(id).execute(cmd.conn()).await?;
        return Ok((id, Outcome::Updated));
    }
    let all: Vec<&(&'static str, Value)> = fields.iter().chain(insert_only).collect();
    let mut names: Vec<&str> = all.iter().map(|(c, _)| *c).collect();
    names.push("source_ref");
    let mut placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    if versioned {
        names.push("version");
        placeholders.push("1".to_owned());
    }
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) RETURNING id",
        names.join(", "),
        placeholders.join(", ")
    );
    let row = bind_values(sqlx::query(&sql), all.iter().copied())
        .bind(source_ref.to_owned())
        .fetch_one(cmd.conn())
        .await?;
    Ok((row.try_get(0)?, Outcome::Inserted))
}

pub(super) fn note(changed: &mut Vec<String>, outcome: Outcome, source_ref: &str) {
    match outcome {
        Outcome::Inserted => changed.push(format!("inserted {source_ref}")),
        Outcome::Updated => changed.push(format!("updated {source_ref}")),
        Outcome::Unchanged => {}
    }
}

/// Deletes the child's SSD rows of `table` that the extract no longer has.
pub(super) async fn delete_stale(
    cmd: &mut Command,
    table: &'static str,
    child: ChildId,
    person: &str,
    keep: &HashSet<String>,
    changed: &mut Vec<String>,
) -> Result<usize, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT id, source_ref FROM {table} WHERE child_id = $1 AND source_ref LIKE 'ssd:%'"
    ))
    .bind(child.get())
    .fetch_all(cmd.conn())
    .await?;
    let mut deleted = 0;
    for row in rows {
        let (id, source_ref): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        if keep.contains(&source_ref) {
            continue;
        }
        sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
            .bind(id)
            .execute(cmd.conn())
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Rejected(vec![format!(
                    "person {person}: {source_ref} is no longer in the extract, but other records (such as an agreement or payments) refer to it, so it cannot be removed; correct the extract or end the records that use it"
                )]),
                _ => StoreError::Database(e),
            })?;
        changed.push(format!("deleted {source_ref}"));
        deleted += 1;
    }
    Ok(deleted)
}
