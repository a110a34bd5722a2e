//! Children from a council's historic SSDA903 returns
//! (`returns::ssda903::import`), written in one command.
//!
//! Every child is new: a child whose council id is already recorded stops
//! the whole import, naming the id, before anything is written. The 903
//! holds no names, so children are stored with empty names (the pages say
//! "Name not recorded"), no team and no allocated worker. Each fact goes
//! where `store::returns::facts` reads it back, so exporting straight after
//! an import gives the files imported. Social-worker spells become worker
//! allocations only where an account holds that Social Work England number;
//! the others are counted and skipped. Rows are inserted in multi-row
//! batches and the import is audited as one event per kind of batch.

use std::collections::HashMap;

use authz::cap::RecordChildren;
use authz::Can;
use children::care_history::{LegalStatus, Period};
use kernel::ChildId;
use placements::PlacementCategory;
use returns::ssda903::facts::ChildFacts;
use serde::Serialize;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::error::StoreError;
use crate::timestamp::date_text;

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub children: usize,
    pub periods: usize,
    pub legal_statuses: usize,
    pub placements: usize,
    pub home_addresses: usize,
    pub reviews: usize,
    pub missing_episodes: usize,
    pub health_outcomes: usize,
    pub care_leaver_contacts: usize,
    pub adoptions: usize,
    pub adoption_decisions: usize,
    pub previous_permanence: usize,
    pub dolo_orders: usize,
    pub allocations: usize,
    /// Social-worker spells whose worker has no account with that SWE
    /// number (or whose SW_ID was XX).
    pub allocations_skipped: usize,
}

impl ImportSummary {
    /// Each kind with its count, for printing.
    pub fn kinds(&self) -> [(&'static str, usize); 15] {
        [
            ("children", self.children),
            ("periods of care", self.periods),
            ("legal statuses", self.legal_statuses),
            ("placements", self.placements),
            ("home addresses", self.home_addresses),
            ("reviews", self.reviews),
            ("missing episodes", self.missing_episodes),
            ("health outcomes (OC2)", self.health_outcomes),
            ("care leaver contacts (OC3)", self.care_leaver_contacts),
            ("adoptions", self.adoptions),
            ("adoption decisions", self.adoption_decisions),
            ("previous permanence", self.previous_permanence),
            ("DoLO orders", self.dolo_orders),
            ("worker allocations", self.allocations),
            (
                "worker allocations skipped (no account with that SWE number)",
                self.allocations_skipped,
            ),
        ]
    }
}

/// A column value as the portable schema stores it.
#[derive(Debug, Clone)]
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(Some(value.into()))
}

fn opt_text(value: Option<&str>) -> Value {
    Value::Text(value.map(str::to_owned))
}

fn date(value: time::Date) -> Value {
    Value::Text(Some(date_text(value)))
}

fn opt_date(value: Option<time::Date>) -> Value {
    Value::Text(value.map(date_text))
}

fn int(value: i64) -> Value {
    Value::Int(Some(value))
}

fn flag(value: Option<bool>) -> Value {
    Value::Int(value.map(i64::from))
}

/// Inserts `rows` into `table (columns)` in batches under the bind limit
/// both backends share; `suffix` is appended literally to each row.
async fn insert(cmd: &mut Command, table: &str, columns: &[&str], suffix: &str, rows: &[Vec<Value>]) -> Result<(), StoreError> {
    let tail = if suffix.is_empty() { String::new() } else { format!(", {suffix}") };
    let extra = if suffix.is_empty() { "" } else { ", version" };
    // Larger statements cost more per row than they save (placeholders are
    // looked up one by one), so batches stay around 2,000 values.
    let per_batch = (2_000 / columns.len()).max(1);
    for chunk in rows.chunks(per_batch) {
        let mut sql = format!("INSERT INTO {table} ({}{extra}) VALUES ", columns.join(", "));
        sql.push_str(&crate::sql::values_list(chunk.len(), columns.len(), &tail));
        let mut query = sqlx::query(&sql);
        for value in chunk.iter().flatten() {
            query = match value {
                Value::Text(t) => query.bind(t.clone()),
                Value::Int(i) => query.bind(*i),
            };
        }
        query.execute(cmd.conn()).await?;
    }
    Ok(())
}

/// Council ids among `facts` that are already recorded.
async fn already_recorded(cmd: &mut Command, facts: &[ChildFacts]) -> Result<Vec<String>, StoreError> {
    let mut found = Vec::new();
    for chunk in facts.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT la_child_id FROM children WHERE la_child_id IN ({}) ORDER BY la_child_id",
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for f in chunk {
            query = query.bind(f.child.as_str());
        }
        for row in query.fetch_all(cmd.conn()).await? {
            found.push(row.try_get(0)?);
        }
    }
    Ok(found)
}

/// Writes every child in `facts`; `source` names where they came from
/// (such as "ssda903") and prefixes each child's `source_ref`.
pub async fn save(cmd: &mut Command, can: &Can<RecordChildren>, facts: &[ChildFacts], source: &str) -> Result<ImportSummary, StoreError> {
    let existing = already_recorded(cmd, facts).await?;
    if !existing.is_empty() {
        return Err(StoreError::Rejected(
            existing
                .iter()
                .map(|id| format!("child {id} is already recorded; an import only adds new children, so nothing was imported"))
                .collect(),
        ));
    }
    let ids = insert_children(cmd, facts, source).await?;
    let mut summary = ImportSummary {
        children: facts.len(),
        ..ImportSummary::default()
    };
    let mut periods: Vec<(ChildId, Period)> = Vec::new();
    let mut statuses: Vec<(ChildId, LegalStatus)> = Vec::new();
    for (f, id) in facts.iter().zip(&ids) {
        periods.extend(f.history.periods.iter().map(|p| (*id, p.clone())));
        statuses.extend(f.history.legal_statuses.iter().map(|s| (*id, s.clone())));
    }
    (summary.periods, summary.legal_statuses) = (periods.len(), statuses.len());
    crate::care_history::insert_intervals(cmd, can, &periods, &statuses).await?;
    insert_records(cmd, facts, &ids, &mut summary).await?;
    insert_allocations(cmd, facts, &ids, &mut summary).await?;
    cmd.record(Change::new(
        "child.imported_from_ssda903",
        "child",
        "many",
        None::<&()>,
        Some(&serde_json::json!({ "source": source, "summary": summary })),
    ))
    .await?;
    Ok(summary)
}

async fn insert_children(cmd: &mut Command, facts: &[ChildFacts], source: &str) -> Result<Vec<ChildId>, StoreError> {
    let at = cmd.at_text();
    let keys = children::names::name_keys("", "");
    let mut ids: HashMap<String, ChildId> = HashMap::with_capacity(facts.len());
    for chunk in facts.chunks(150) {
        let mut sql = String::from(
            "INSERT INTO children (la_child_id, given_names, family_name, date_of_birth, sex, ethnicity, upn, mother, first_child_born_on,
                                   uasc, uasc_ceased, source_ref, name_keys, created_at, version) VALUES ",
        );
        sql.push_str(&crate::sql::values_list(chunk.len(), 14, ", 1"));
        sql.push_str(" RETURNING id, la_child_id");
        let mut query = sqlx::query(&sql);
        for f in chunk {
            query = query
                .bind(&f.child)
                .bind("")
                .bind("")
                .bind(date_text(f.dob))
                .bind(&f.sex)
                .bind(&f.ethnicity)
                .bind(&f.upn)
                .bind(f.mother.map(i64::from))
                .bind(f.first_child_born_on.map(date_text))
                .bind(i64::from(f.uasc))
                .bind(f.uasc_ceased.map(date_text))
                .bind(format!("{source}:{}", f.child))
                .bind(&keys)
                .bind(&at);
        }
        let rows = query
            .fetch_all(cmd.conn())
            .await
            .map_err(|e| StoreError::on_unique(e, "la_child_id", "a child in the files is given twice or is already recorded"))?;
        for row in rows {
            ids.insert(row.try_get(1)?, ChildId::new(row.try_get(0)?));
        }
    }
    facts
        .iter()
        .map(|f| {
            ids.get(&f.child)
                .copied()
                .ok_or_else(|| StoreError::corrupt("insert returned no id"))
        })
        .collect()
}

/// Placements, addresses, reviews and the other 903 facts.
async fn insert_records(cmd: &mut Command, facts: &[ChildFacts], ids: &[ChildId], summary: &mut ImportSummary) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let actor = cmd.actor().to_string();
    let mut rows: HashMap<&'static str, Vec<Vec<Value>>> = HashMap::new();
    for (f, id) in facts.iter().zip(ids) {
        let child = int(id.get());
        let mut add = |table: &'static str, mut values: Vec<Value>| {
            values.insert(0, child.clone());
            rows.entry(table).or_default().push(values);
        };
        for p in &f.history.placements {
            let category = PlacementCategory::for_place_code(&p.place, &p.provider_type);
            add(
                "placements",
                vec![
                    text(category.code()),
                    text(p.place.as_str()),
                    date(p.start),
                    opt_date(p.end),
                    int(0),
                    opt_text(p.postcode.as_deref()),
                    text(at.as_str()),
                    text(p.provider_type.as_str()),
                    opt_text(p.urn.as_deref()),
                    opt_text(p.reason_for_change.as_deref()),
                ],
            );
        }
        for a in &f.home_postcodes {
            add(
                "child_addresses",
                vec![text("home"), text(""), text(a.value.as_str()), date(a.start), opt_date(a.end)],
            );
        }
        for (on, participation) in &f.reviews {
            let values = vec![
                text("review"),
                date(*on),
                text(""),
                text(actor.as_str()),
                text(at.as_str()),
                opt_text(participation.as_deref()),
            ];
            add("care_events", values);
        }
        for m in &f.missing {
            add(
                "missing_episodes",
                vec![text(m.kind.as_str()), date(m.start), opt_date(m.end), text(at.as_str())],
            );
        }
        for (year, h) in &f.health {
            let values = vec![
                int(i64::from(*year)),
                Value::Int(h.sdq_score),
                opt_text(h.sdq_reason.as_deref()),
                flag(h.convicted),
                flag(h.health_check),
                flag(h.immunisations),
                flag(h.teeth_check),
                flag(h.health_assessment),
                flag(h.substance_misuse),
                flag(h.intervention_received),
                flag(h.intervention_offered),
                text(at.as_str()),
            ];
            add("health_outcomes", values);
        }
        for (year, c) in &f.care_leaver {
            let values = vec![
                int(i64::from(*year)),
                text(c.in_touch.as_str()),
                text(c.activity.as_str()),
                text(c.accommodation.as_str()),
                text(at.as_str()),
            ];
            add("care_leaver_contacts", values);
        }
        if let Some(a) = &f.adoption {
            let values = vec![
                opt_date(a.should_be_placed_on),
                opt_date(a.matched_on),
                flag(a.by_foster_carer),
                Value::Int(a.number_of_adopters),
                opt_text(a.adopter_sexes.as_deref()),
                opt_text(a.adopter_status.as_deref()),
                text(at.as_str()),
            ];
            add("adoptions", values);
        }
        for d in &f.adoption_decisions {
            let values = vec![
                date(d.decided_on),
                opt_date(d.ceased_on),
                opt_text(d.reason_ceased.as_deref()),
                text(at.as_str()),
            ];
            add("adoption_decisions", values);
        }
        for p in &f.previous_permanence {
            let values = vec![
                date(p.period_start),
                text(p.arrangement.as_str()),
                opt_text(p.la_code.as_deref()),
                opt_text(p.date_text.as_deref()),
                text(at.as_str()),
            ];
            add("previous_permanence", values);
        }
        for d in &f.dolos {
            add("dolo_orders", vec![date(d.start), opt_date(d.end), text(at.as_str())]);
        }
    }
    let tables: [(&str, &[&str], &str); 10] = [
        (
            "placements",
            &[
                "child_id",
                "category",
                "place_code",
                "start_date",
                "end_date",
                "weekly_cost_pence",
                "postcode",
                "created_at",
                "provider_type",
                "urn",
                "reason_for_change",
            ],
            "1",
        ),
        (
            "child_addresses",
            &["child_id", "kind", "line", "postcode", "start_date", "end_date"],
            "",
        ),
        (
            "care_events",
            &[
                "child_id",
                "kind",
                "occurred_on",
                "notes",
                "recorded_by",
                "recorded_at",
                "participation",
            ],
            "",
        ),
        (
            "missing_episodes",
            &["child_id", "kind", "start_date", "end_date", "created_at"],
            "",
        ),
        (
            "health_outcomes",
            &[
                "child_id",
                "collection_year",
                "sdq_score",
                "sdq_reason",
                "convicted",
                "health_check",
                "immunisations",
                "teeth_check",
                "health_assessment",
                "substance_misuse",
                "intervention_received",
                "intervention_offered",
                "updated_at",
            ],
            "1",
        ),
        (
            "care_leaver_contacts",
            &["child_id", "collection_year", "in_touch", "activity", "accommodation", "updated_at"],
            "1",
        ),
        (
            "adoptions",
            &[
                "child_id",
                "should_be_placed_on",
                "matched_on",
                "by_foster_carer",
                "number_of_adopters",
                "adopter_sexes",
                "adopter_status",
                "updated_at",
            ],
            "1",
        ),
        (
            "adoption_decisions",
            &["child_id", "decided_on", "ceased_on", "reason_ceased", "created_at"],
            "",
        ),
        (
            "previous_permanence",
            &["child_id", "period_start", "arrangement", "la_code", "date_text", "created_at"],
            "",
        ),
        ("dolo_orders", &["child_id", "start_date", "end_date", "created_at"], ""),
    ];
    for (table, columns, version) in tables {
        let Some(values) = rows.get(table) else { continue };
        insert(cmd, table, columns, version, values).await?;
        let count = values.len();
        match table {
            "placements" => summary.placements = count,
            "child_addresses" => summary.home_addresses = count,
            "care_events" => summary.reviews = count,
            "missing_episodes" => summary.missing_episodes = count,
            "health_outcomes" => summary.health_outcomes = count,
            "care_leaver_contacts" => summary.care_leaver_contacts = count,
            "adoptions" => summary.adoptions = count,
            "adoption_decisions" => summary.adoption_decisions = count,
            "previous_permanence" => summary.previous_permanence = count,
            _ => summary.dolo_orders = count,
        }
    }
    Ok(())
}

/// Social-worker spells for workers with an account holding their SWE number.
async fn insert_allocations(
    cmd: &mut Command,
    facts: &[ChildFacts],
    ids: &[ChildId],
    summary: &mut ImportSummary,
) -> Result<(), StoreError> {
    let mut workers: HashMap<String, i64> = HashMap::new();
    for row in sqlx::query("SELECT id, swe_number FROM users WHERE swe_number IS NOT NULL")
        .fetch_all(cmd.conn())
        .await?
    {
        workers.insert(row.try_get(1)?, row.try_get(0)?);
    }
    let mut rows = Vec::new();
    for (f, id) in facts.iter().zip(ids) {
        for spell in &f.social_workers {
            match spell.swe_number.as_ref().and_then(|n| workers.get(n)) {
                Some(worker) => rows.push(vec![
                    int(id.get()),
                    int(*worker),
                    date(spell.start),
                    opt_date(spell.end),
                    text("other"),
                    opt_text(spell.reason.as_deref()),
                ]),
                None => summary.allocations_skipped += 1,
            }
        }
    }
    let columns = ["child_id", "worker_id", "start_date", "end_date", "reason", "sw_reason"];
    insert(cmd, "worker_allocations", &columns, "", &rows).await?;
    summary.allocations = rows.len();
    Ok(())
}
