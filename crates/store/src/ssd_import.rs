//! Importing a Standard Safeguarding Dataset extract (`returns::ssd`) in
//! one audited command, idempotently.
//!
//! Every imported row carries a `source_ref` (`ssd:<table>:<id>`) and is
//! upserted by it: a row already holding the same values is left alone, a
//! changed one is updated in place, a new one inserted. So re-running an
//! extract changes nothing, and a newer extract changes exactly what
//! changed in the source. Persons become children (matched by reference,
//! else by council child id on a record not yet imported), professionals
//! become social-worker accounts that cannot sign in until an administrator
//! sets a password, involvements become worker allocations, reviews and
//! visits become care events. For each child in the extract, the care
//! history intervals from the SSD replace the earlier SSD ones: the
//! combined history (with anything recorded in Hearth itself) must pass
//! `children::care_history::validate` for every child before any interval
//! is written, and an SSD interval that has gone from the extract is
//! deleted unless something (an agreement, a payment) refers to it, which
//! is refused. One audit event records the counts and what changed.

mod casework;
mod upsert;

use std::collections::{BTreeMap, HashMap, HashSet};

use authz::cap::{ManageUsers, RecordChildren};
use authz::{Can, Role};
use children::care_history::{validate, CareHistory};
use children::codes::CodeSets;
use kernel::ChildId;
use placements::PlacementCategory;
use returns::ssd::{self, Extract, SourcedHistory};
use serde::Serialize;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::error::StoreError;
use casework::{import_allocations, import_events};
use upsert::{date, delete_stale, int, note, opt_date, opt_text, text, upsert, Outcome};

/// What the import did to rows of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Inserted => self.inserted += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// What an import did, by kind of row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SsdSummary {
    pub children: Counts,
    pub workers: Counts,
    pub allocations: Counts,
    pub periods: Counts,
    pub legal_statuses: Counts,
    pub placements: Counts,
    pub reviews: Counts,
    pub visits: Counts,
    /// Legal statuses in the extract that are not looked-after ones.
    pub skipped_legal_statuses: usize,
}

impl SsdSummary {
    /// Each kind with its counts, for printing.
    pub fn kinds(&self) -> [(&'static str, Counts); 8] {
        [
            ("children", self.children),
            ("workers", self.workers),
            ("allocations", self.allocations),
            ("periods of care", self.periods),
            ("legal statuses", self.legal_statuses),
            ("placements", self.placements),
            ("reviews", self.reviews),
            ("visits", self.visits),
        ]
    }
}

/// Imports `extract`: see the module documentation. Nothing is kept if it
/// fails (the caller drops the command).
pub async fn import(
    cmd: &mut Command,
    _records: &Can<RecordChildren>,
    _accounts: &Can<ManageUsers>,
    extract: &Extract,
    codes: &CodeSets,
) -> Result<SsdSummary, StoreError> {
    let mut summary = SsdSummary {
        skipped_legal_statuses: extract.skipped_legal_statuses,
        ..SsdSummary::default()
    };
    let mut changed: Vec<String> = Vec::new();
    let workers = import_workers(cmd, extract, &mut summary.workers, &mut changed).await?;
    let children = import_children(cmd, extract, &workers, &mut summary.children, &mut changed).await?;
    let histories = ssd::histories(extract);
    check_histories(cmd, extract, &children, &histories, codes).await?;
    for person in &extract.persons {
        let child = children[&person.id];
        let history = histories.get(&person.id).cloned().unwrap_or_default();
        write_history(cmd, &person.id, child, &history, &mut summary, &mut changed).await?;
    }
    import_events(cmd, extract, &children, &mut summary, &mut changed).await?;
    import_allocations(cmd, extract, &children, &workers, &mut summary.allocations, &mut changed).await?;
    cmd.record(Change {
        action: "ssd.imported",
        entity: "import",
        entity_id: "ssd".to_owned(),
        before: None,
        after: Some(serde_json::json!({ "summary": &summary, "changed": changed })),
    })
    .await?;
    Ok(summary)
}

/// A username for an imported worker: `ssd-` and the professional's id.
fn username_for(id: &str) -> String {
    let cleaned: String = id
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '-' })
        .collect();
    format!("ssd-{cleaned}").chars().take(64).collect()
}

/// Professionals as social-worker accounts; their user ids by professional id.
async fn import_workers(
    cmd: &mut Command,
    extract: &Extract,
    counts: &mut Counts,
    changed: &mut Vec<String>,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut ids = HashMap::new();
    let at = cmd.at_text();
    for professional in &extract.professionals {
        let source_ref = ssd::source_ref("professionals", &professional.id);
        let username = username_for(&professional.id);
        let holder = sqlx::query("SELECT source_ref FROM users WHERE username = $1")
            .bind(&username)
            .fetch_optional(cmd.conn())
            .await?;
        if let Some(row) = holder {
            if row.try_get::<Option<String>, _>(0)?.as_deref() != Some(source_ref.as_str()) {
                return Err(StoreError::Rejected(vec![format!(
                    "ssd_professionals.csv: professional '{}' would have the username '{username}', which another account already has",
                    professional.id
                )]));
            }
        }
        let fields = [
            ("display_name", text(&professional.name)),
            ("swe_number", opt_text(professional.swe_number.as_deref())),
        ];
        let insert_only = [
            ("username", text(&username)),
            ("password_hash", text(crate::passwords::dummy_hash())),
            ("active", int(1)),
            ("created_at", text(&at)),
        ];
        let (id, outcome) = upsert(cmd, "users", true, &source_ref, &fields, &insert_only).await?;
        if outcome == Outcome::Inserted {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(Role::SocialWorker.code())
                .execute(cmd.conn())
                .await?;
        }
        counts.add(outcome);
        note(changed, outcome, &source_ref);
        ids.insert(professional.id.clone(), id);
    }
    Ok(ids)
}

/// Persons as children; their ids by person id.
async fn import_children(
    cmd: &mut Command,
    extract: &Extract,
    workers: &HashMap<String, i64>,
    counts: &mut Counts,
    changed: &mut Vec<String>,
) -> Result<HashMap<String, ChildId>, StoreError> {
    let mut ids = HashMap::new();
    let at = cmd.at_text();
    for person in &extract.persons {
        let source_ref = ssd::source_ref("person", &person.id);
        // A record made in Hearth (or by another import) before the first
        // SSD import is taken over, not duplicated.
        let existing = sqlx::query("SELECT id, source_ref FROM children WHERE la_child_id = $1")
            .bind(&person.la_child_id)
            .fetch_optional(cmd.conn())
            .await?;
        if let Some(row) = existing {
            match row.try_get::<Option<String>, _>(1)? {
                None => {
                    sqlx::query("UPDATE children SET source_ref = $1 WHERE id = $2")
                        .bind(&source_ref)
                        .bind(row.try_get::<i64, _>(0)?)
                        .execute(cmd.conn())
                        .await?;
                }
                Some(other) if other == source_ref => {}
                Some(other) => {
                    return Err(StoreError::Rejected(vec![format!(
                        "ssd_person.csv: person '{}' has the child id {} that Hearth already holds for {other}",
                        person.id, person.la_child_id
                    )]))
                }
            }
        }
        let mut fields = vec![
            ("given_names", text(&person.forename)),
            ("family_name", text(&person.surname)),
            ("date_of_birth", date(person.date_of_birth)),
            ("sex", text(&person.sex)),
            ("ethnicity", text(&person.ethnicity)),
            ("name_keys", text(children::names::name_keys(&person.forename, &person.surname))),
            ("upn", opt_text(person.upn.as_deref())),
            ("nhs_number", opt_text(person.nhs_number.as_deref())),
            ("gender_identity", text(&person.gender_identity)),
        ];
        if let Some(uasc) = person.uasc {
            fields.push(("uasc", int(i64::from(uasc.is_uasc))));
            fields.push(("uasc_ceased", opt_date(uasc.ceased)));
        }
        if let Some(worker) = current_worker(extract, &person.id).and_then(|w| workers.get(w)) {
            fields.push(("allocated_worker_id", int(*worker)));
        }
        let insert_only = [("la_child_id", text(&person.la_child_id)), ("created_at", text(&at))];
        let (id, outcome) = upsert(cmd, "children", true, &source_ref, &fields, &insert_only).await?;
        counts.add(outcome);
        note(changed, outcome, &source_ref);
        ids.insert(person.id.clone(), ChildId::new(id));
    }
    Ok(ids)
}

/// The professional of the person's open involvement that started last.
fn current_worker<'e>(extract: &'e Extract, person: &str) -> Option<&'e str> {
    extract
        .involvements
        .iter()
        .filter(|i| i.person_id == person && i.end.is_none())
        .max_by_key(|i| i.start)
        .map(|i| i.professional_id.as_str())
}

/// The child's history recorded in Hearth itself (not from the SSD).
async fn own_history(cmd: &mut Command, child: ChildId) -> Result<CareHistory, StoreError> {
    let stored = crate::care_history::load(cmd.conn(), child).await?;
    let mut imported: HashMap<&str, HashSet<i64>> = HashMap::new();
    for table in ["periods_of_care", "legal_statuses", "placements"] {
        let rows = sqlx::query(&format!("SELECT id FROM {table} WHERE child_id = $1 AND source_ref LIKE 'ssd:%'"))
            .bind(child.get())
            .fetch_all(cmd.conn())
            .await?;
        let ids = rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<_, _>>()?;
        imported.insert(table, ids);
    }
    Ok(CareHistory {
        periods: stored
            .periods
            .into_iter()
            .filter(|(id, _)| !imported["periods_of_care"].contains(id))
            .map(|(_, p)| p)
            .collect(),
        legal_statuses: stored
            .legal_statuses
            .into_iter()
            .filter(|(id, _)| !imported["legal_statuses"].contains(id))
            .map(|(_, s)| s)
            .collect(),
        placements: stored
            .placements
            .into_iter()
            .filter(|p| !imported["placements"].contains(&p.id))
            .map(|p| p.interval)
            .collect(),
    })
}

/// Every child's history as it would be after the import must be sound;
/// otherwise every problem, naming the child, and nothing is written.
async fn check_histories(
    cmd: &mut Command,
    extract: &Extract,
    children: &HashMap<String, ChildId>,
    histories: &BTreeMap<String, SourcedHistory>,
    codes: &CodeSets,
) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    for person in &extract.persons {
        let mut history = own_history(cmd, children[&person.id]).await?;
        if let Some(imported) = histories.get(&person.id) {
            let imported = imported.history();
            history.periods.extend(imported.periods);
            history.legal_statuses.extend(imported.legal_statuses);
            history.placements.extend(imported.placements);
        }
        for problem in validate(&history, codes) {
            problems.push(format!("child {} (ssd_person {}): {problem}", person.la_child_id, person.id));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Rejected(problems))
    }
}

async fn write_history(
    cmd: &mut Command,
    person: &str,
    child: ChildId,
    history: &SourcedHistory,
    summary: &mut SsdSummary,
    changed: &mut Vec<String>,
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let owner = ("child_id", int(child.get()));
    let created = [("created_at", text(&at))];
    for (source_ref, period) in &history.periods {
        let fields = [
            owner.clone(),
            ("start_date", date(period.start)),
            ("end_date", opt_date(period.end)),
            ("reason_ceased", opt_text(period.reason_ceased.as_deref())),
            ("category_of_need", text(&period.category_of_need)),
        ];
        let (_, outcome) = upsert(cmd, "periods_of_care", false, source_ref, &fields, &created).await?;
        summary.periods.add(outcome);
        note(changed, outcome, source_ref);
    }
    for (source_ref, status) in &history.legal_statuses {
        let fields = [
            owner.clone(),
            ("code", text(&status.code)),
            ("start_date", date(status.start)),
            ("end_date", opt_date(status.end)),
        ];
        let (_, outcome) = upsert(cmd, "legal_statuses", false, source_ref, &fields, &created).await?;
        summary.legal_statuses.add(outcome);
        note(changed, outcome, source_ref);
    }
    for (source_ref, placement) in &history.placements {
        let fields = [
            owner.clone(),
            (
                "category",
                text(PlacementCategory::for_place_code(&placement.place, &placement.provider_type).code()),
            ),
            ("place_code", text(&placement.place)),
            ("provider_type", text(&placement.provider_type)),
            ("urn", opt_text(placement.urn.as_deref())),
            ("postcode", opt_text(placement.postcode.as_deref())),
            ("start_date", date(placement.start)),
            ("end_date", opt_date(placement.end)),
            ("reason_for_change", opt_text(placement.reason_for_change.as_deref())),
        ];
        let insert_only = [("weekly_cost_pence", int(0)), ("created_at", text(&at))];
        let (_, outcome) = upsert(cmd, "placements", true, source_ref, &fields, &insert_only).await?;
        summary.placements.add(outcome);
        note(changed, outcome, source_ref);
    }
    let keep = |refs: Vec<&String>| refs.into_iter().cloned().collect::<HashSet<String>>();
    summary.periods.deleted += delete_stale(
        cmd,
        "periods_of_care",
        child,
        person,
        &keep(history.periods.iter().map(|(r, _)| r).collect()),
        changed,
    )
    .await?;
    summary.legal_statuses.deleted += delete_stale(
        cmd,
        "legal_statuses",
        child,
        person,
        &keep(history.legal_statuses.iter().map(|(r, _)| r).collect()),
        changed,
    )
    .await?;
    summary.placements.deleted += delete_stale(
        cmd,
        "placements",
        child,
        person,
        &keep(history.placements.iter().map(|(r, _)| r).collect()),
        changed,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_valid_and_categories_follow_place_codes() {
        assert_eq!(username_for("W 1/Ab"), "ssd-w-1-ab");
        assert!(crate::users::normalise_username(&username_for(&"x".repeat(90))).is_ok());
        assert_eq!(PlacementCategory::for_place_code("U6", "PR1"), PlacementCategory::InHouseFoster);
        assert_eq!(PlacementCategory::for_place_code("U6", "PR4"), PlacementCategory::IndependentFoster);
        assert_eq!(PlacementCategory::for_place_code("K2", "PR4"), PlacementCategory::ChildrensHome);
        assert_eq!(PlacementCategory::for_place_code("Z14", "PR0"), PlacementCategory::Other);
        assert_eq!(casework::reason_for(Some("MANAGE")), "caseload");
    }
}
