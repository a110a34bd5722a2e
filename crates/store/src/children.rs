//! Children's records: identity, allocation, and search.

use authz::cap::RecordChildren;
use authz::Can;
use kernel::{ChildId, TeamId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};
use crate::{Page, PageRequest};

/// A child as listed in search results and work trays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildSummary {
    pub id: ChildId,
    pub la_child_id: String,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub ethnicity: String,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    pub allocated_worker_id: Option<UserId>,
    pub worker_name: Option<String>,
    /// Limited to named teams; others see only that it exists.
    pub restricted: bool,
    pub version: i64,
}

/// A new child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewChild {
    pub la_child_id: String,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub ethnicity: String,
    pub team_id: Option<TeamId>,
    pub allocated_worker_id: Option<UserId>,
}

/// Inserts many children in one command, recording one audit event per
/// batch; returns their ids in input order. Used by imports and the
/// synthetic-data generator.
pub async fn insert_many(cmd: &mut Command, _can: &Can<RecordChildren>, children: &[NewChild]) -> Result<Vec<ChildId>, StoreError> {
    let mut ids = Vec::with_capacity(children.len());
    for chunk in children.chunks(200) {
        let chunk_ids = insert_rows(cmd, chunk).await?;
        cmd.record(Change {
            action: "child.created_in_bulk",
            entity: "child",
            entity_id: format!("{}..{}", chunk_ids[0], chunk_ids[chunk_ids.len() - 1]),
            before: None,
            after: Some(serde_json::json!({
                "count": chunk.len(),
                "ids": chunk_ids.iter().map(|id| id.get()).collect::<Vec<_>>(),
            })),
        })
        .await?;
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// Inserts one child; the caller records the audit event with the details.
pub(crate) async fn insert_one(cmd: &mut Command, _can: &Can<RecordChildren>, child: &NewChild) -> Result<ChildId, StoreError> {
    Ok(insert_rows(cmd, std::slice::from_ref(child)).await?[0])
}

async fn insert_rows(cmd: &mut Command, chunk: &[NewChild]) -> Result<Vec<ChildId>, StoreError> {
    let at = cmd.at_text();
    let mut sql = String::from(
        "INSERT INTO children (la_child_id, given_names, family_name, date_of_birth, sex, ethnicity, team_id, allocated_worker_id, created_at, name_keys, version) VALUES ",
    );
    sql.push_str(&crate::sql::values_list(chunk.len(), 10, ", 1"));
    sql.push_str(" RETURNING id, la_child_id");
    let mut query = sqlx::query(&sql);
    for child in chunk {
        query = query
            .bind(&child.la_child_id)
            .bind(&child.given_names)
            .bind(&child.family_name)
            .bind(date_text(child.date_of_birth))
            .bind(&child.sex)
            .bind(&child.ethnicity)
            .bind(child.team_id.map(TeamId::get))
            .bind(child.allocated_worker_id.map(UserId::get))
            .bind(&at)
            .bind(children::names::name_keys(&child.given_names, &child.family_name));
    }
    let rows = query
        .fetch_all(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "la_child_id", "a child with that id already exists; ids are never reused"))?;
    let mut returned = std::collections::HashMap::with_capacity(rows.len());
    for row in &rows {
        returned.insert(row.try_get::<String, _>(1)?, ChildId::new(row.try_get(0)?));
    }
    chunk
        .iter()
        .map(|child| {
            returned
                .get(&child.la_child_id)
                .copied()
                .ok_or_else(|| StoreError::corrupt("insert returned no id"))
        })
        .collect()
}

const SUMMARY_SELECT: &str = "SELECT c.id, c.la_child_id, c.given_names, c.family_name, c.date_of_birth, c.sex, c.ethnicity,
        c.team_id, t.name AS team_name, c.allocated_worker_id, u.display_name AS worker_name, c.restricted, c.version
    FROM children c
    LEFT JOIN teams t ON t.id = c.team_id
    LEFT JOIN users u ON u.id = c.allocated_worker_id";

fn summary_from_row(row: &AnyRow) -> Result<ChildSummary, StoreError> {
    Ok(ChildSummary {
        id: ChildId::new(row.try_get("id")?),
        la_child_id: row.try_get("la_child_id")?,
        given_names: row.try_get("given_names")?,
        family_name: row.try_get("family_name")?,
        date_of_birth: parse_date(&row.try_get::<String, _>("date_of_birth")?)?,
        sex: row.try_get("sex")?,
        ethnicity: row.try_get("ethnicity")?,
        team_id: row.try_get::<Option<i64>, _>("team_id")?.map(TeamId::new),
        team_name: row.try_get("team_name")?,
        allocated_worker_id: row.try_get::<Option<i64>, _>("allocated_worker_id")?.map(UserId::new),
        worker_name: row.try_get("worker_name")?,
        restricted: row.try_get::<i64, _>("restricted")? != 0,
        version: row.try_get("version")?,
    })
}

pub async fn find(store: &Store, id: ChildId) -> Result<Option<ChildSummary>, StoreError> {
    let sql = format!("{SUMMARY_SELECT} WHERE c.id = $1");
    let row = sqlx::query(&sql).bind(id.get()).fetch_optional(store.pool()).await?;
    row.as_ref().map(summary_from_row).transpose()
}

/// How a children list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChildSort {
    #[default]
    Name,
    DateOfBirth,
    ChildId,
}

impl ChildSort {
    fn order_by(self) -> &'static str {
        match self {
            ChildSort::Name => "c.family_name, c.given_names, c.id",
            ChildSort::DateOfBirth => "c.date_of_birth, c.id",
            ChildSort::ChildId => "c.la_child_id",
        }
    }
}

/// What to look for. Text matches names (any order) or the child id; a date
/// matches the date of birth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildQuery {
    pub text: Option<String>,
    pub date_of_birth: Option<Date>,
    pub allocated_worker: Option<UserId>,
    pub teams: Option<Vec<TeamId>>,
    pub sort: ChildSort,
}

pub async fn search(store: &Store, query: &ChildQuery, page: PageRequest) -> Result<Page<ChildSummary>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(text) = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Every word must appear in a name or the id, in any order.
        for word in text.split_whitespace().take(5) {
            binds.push(Bind::Text(format!("%{}%", word.to_lowercase())));
            let n = binds.len();
            clauses.push(format!(
                "(LOWER(c.given_names) LIKE ${n} OR LOWER(c.family_name) LIKE ${n} OR LOWER(c.la_child_id) LIKE ${n})"
            ));
        }
    }
    if let Some(dob) = query.date_of_birth {
        binds.push(Bind::Text(date_text(dob)));
        clauses.push(format!("c.date_of_birth = ${}", binds.len()));
    }
    if let Some(worker) = query.allocated_worker {
        binds.push(Bind::Int(worker.get()));
        clauses.push(format!("c.allocated_worker_id = ${}", binds.len()));
    }
    if let Some(teams) = &query.teams {
        if teams.is_empty() {
            clauses.push("1 = 0".to_owned());
        } else {
            let mut placeholders = Vec::new();
            for team in teams {
                binds.push(Bind::Int(team.get()));
                placeholders.push(format!("${}", binds.len()));
            }
            clauses.push(format!("c.team_id IN ({})", placeholders.join(", ")));
        }
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM children c {where_sql}");
    let total: i64 = bind_all(sqlx::query(&count_sql), &binds)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let n = binds.len();
    let list_sql = format!(
        "{SUMMARY_SELECT} {where_sql} ORDER BY {} LIMIT ${} OFFSET ${}",
        query.sort.order_by(),
        n + 1,
        n + 2
    );
    let rows = bind_all(sqlx::query(&list_sql), &binds)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(store.pool())
        .await?;
    Ok(Page {
        items: rows.iter().map(summary_from_row).collect::<Result<_, _>>()?,
        total,
        request: page,
    })
}

enum Bind {
    Text(String),
    Int(i64),
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(text.as_str()),
            Bind::Int(n) => query.bind(*n),
        };
    }
    query
}

/// How many children there are in all.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM children")
        .fetch_one(store.pool())
        .await?
        .try_get(0)?)
}
