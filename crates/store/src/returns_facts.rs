//! Recording the SSDA903 facts not held elsewhere, in bulk: UPNs and
//! motherhood, home postcodes, review participation, reasons for placement
//! and worker changes, Social Work England numbers, missing spells, OC2
//! health outcomes, OC3 contacts, adoptions, should-be-placed decisions,
//! previous permanence and DoLOs.
//!
//! Each function writes its rows in chunks (one statement per few hundred
//! rows) and records one audit event per call, like
//! [`crate::care_history::insert_intervals`]; the demo county and other
//! generators use them. [`crate::returns::facts`] reads everything back.

use authz::cap::RecordChildren;
use authz::Can;
use kernel::{ChildId, UserId};
use sqlx::any::AnyArguments;
use sqlx::Any;
use time::Date;

use crate::command::{Change, Command};
use crate::error::StoreError;
use crate::timestamp::date_text;

pub use returns::ssda903::facts::{Adoption, AdoptionDecision, CareLeaverContact, HealthOutcomes, MissingSpell, PreviousPermanence};

type Query<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// Rows per statement: well under SQLite's and PostgreSQL's bind limits.
const CHUNK: usize = 200;

fn flag(value: Option<bool>) -> Option<i64> {
    value.map(i64::from)
}

/// Runs `head VALUES (...), (...)` (or, for an update, `head (VALUES ...)
/// AS v tail`) for every chunk of `rows`, binding `width` values per row.
async fn chunked<T>(
    cmd: &mut Command,
    head: &str,
    width: usize,
    suffix: &str,
    tail: &str,
    rows: &[T],
    bind: impl for<'q> Fn(Query<'q>, &T) -> Query<'q>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let sql = format!("{head}{}{tail}", crate::sql::values_list(chunk.len(), width, suffix));
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(cmd.conn()).await?;
    }
    Ok(())
}

async fn audit(cmd: &mut Command, action: &'static str, count: usize) -> Result<(), StoreError> {
    cmd.record(Change {
        action,
        entity: "child",
        entity_id: "many".to_owned(),
        before: None,
        after: Some(serde_json::json!({ "count": count })),
    })
    .await?;
    Ok(())
}

/// A child's Header facts: UPN (or UN1–UN5), and for a girl whether she is
/// a mother and when her first child was born.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFacts {
    pub upn: Option<String>,
    pub mother: Option<bool>,
    pub first_child_born_on: Option<Date>,
}

/// Sets each child's UPN and motherhood (replacing what was recorded).
pub async fn set_header_facts(cmd: &mut Command, _can: &Can<RecordChildren>, rows: &[(ChildId, HeaderFacts)]) -> Result<(), StoreError> {
    let head = "UPDATE children SET upn = v.column2, mother = v.column3, first_child_born_on = v.column4, version = children.version + 1
        FROM (VALUES ";
    let tail = ") AS v WHERE children.id = v.column1";
    chunked(cmd, head, 4, "", tail, rows, |q, (child, facts)| {
        q.bind(child.get())
            .bind(facts.upn.clone())
            .bind(facts.mother.map(i64::from))
            .bind(facts.first_child_born_on.map(date_text))
    })
    .await?;
    audit(cmd, "returns.header_facts_set_in_bulk", rows.len()).await
}

/// Home addresses (the HOME_POST of each episode): (child, address line,
/// postcode, from, to).
pub async fn insert_home_addresses(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, String, String, Date, Option<Date>)],
) -> Result<(), StoreError> {
    let head = "INSERT INTO child_addresses (child_id, line, postcode, start_date, end_date, kind) VALUES ";
    chunked(cmd, head, 5, ", 'home'", "", rows, |q, (child, line, postcode, from, to)| {
        q.bind(child.get())
            .bind(line.clone())
            .bind(postcode.clone())
            .bind(date_text(*from))
            .bind(to.map(date_text))
    })
    .await?;
    audit(cmd, "returns.home_addresses_created_in_bulk", rows.len()).await
}

/// Statutory reviews with how the child took part (PN0–PN7, or `None`
/// when not recorded).
pub async fn insert_reviews(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, Date, Option<String>)],
) -> Result<(), StoreError> {
    let actor = cmd.actor().to_string();
    let at = cmd.at_text();
    let head = "INSERT INTO care_events (child_id, occurred_on, participation, recorded_by, recorded_at, kind, notes) VALUES ";
    chunked(cmd, head, 5, ", 'review', ''", "", rows, |q, (child, on, participation)| {
        q.bind(child.get())
            .bind(date_text(*on))
            .bind(participation.clone())
            .bind(actor.clone())
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.reviews_created_in_bulk", rows.len()).await
}

/// The reason for each placement change, on the placement that ended:
/// (child, placement start, REASON_PLACE_CHANGE).
pub async fn set_placement_reasons(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, Date, String)],
) -> Result<(), StoreError> {
    let head = "UPDATE placements SET reason_for_change = v.column3 FROM (VALUES ";
    let tail = ") AS v WHERE placements.child_id = v.column1 AND placements.start_date = v.column2";
    chunked(cmd, head, 3, "", tail, rows, |q, (child, start, reason)| {
        q.bind(child.get()).bind(date_text(*start)).bind(reason.clone())
    })
    .await?;
    audit(cmd, "returns.placement_reasons_set_in_bulk", rows.len()).await
}

/// The reason each allocation began (SW_REASON): (child, allocation
/// start, reason).
pub async fn set_allocation_reasons(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, Date, String)],
) -> Result<(), StoreError> {
    let head = "UPDATE worker_allocations SET sw_reason = v.column3 FROM (VALUES ";
    let tail = ") AS v WHERE worker_allocations.child_id = v.column1 AND worker_allocations.start_date = v.column2";
    chunked(cmd, head, 3, "", tail, rows, |q, (child, start, reason)| {
        q.bind(child.get()).bind(date_text(*start)).bind(reason.clone())
    })
    .await?;
    audit(cmd, "returns.allocation_reasons_set_in_bulk", rows.len()).await
}

/// Social Work England numbers (digits, without the SW prefix).
pub async fn set_swe_numbers(cmd: &mut Command, _can: &Can<RecordChildren>, rows: &[(UserId, String)]) -> Result<(), StoreError> {
    let head = "UPDATE users SET swe_number = v.column2 FROM (VALUES ";
    let tail = ") AS v WHERE users.id = v.column1";
    chunked(cmd, head, 2, "", tail, rows, |q, (user, number)| {
        q.bind(user.get()).bind(number.clone())
    })
    .await?;
    audit(cmd, "returns.swe_numbers_set_in_bulk", rows.len()).await
}

/// Spells missing or away without authorisation.
pub async fn insert_missing(cmd: &mut Command, _can: &Can<RecordChildren>, rows: &[(ChildId, MissingSpell)]) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head = "INSERT INTO missing_episodes (child_id, kind, start_date, end_date, created_at) VALUES ";
    chunked(cmd, head, 5, "", "", rows, |q, (child, m)| {
        q.bind(child.get())
            .bind(m.kind.clone())
            .bind(date_text(m.start))
            .bind(m.end.map(date_text))
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.missing_spells_created_in_bulk", rows.len()).await
}

/// OC2 outcomes by child and collection year (the year ending 31 March).
pub async fn insert_health(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, i32, HealthOutcomes)],
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head = "INSERT INTO health_outcomes (child_id, collection_year, sdq_score, sdq_reason, convicted, health_check, immunisations,
        teeth_check, health_assessment, substance_misuse, intervention_received, intervention_offered, updated_at, version) VALUES ";
    chunked(cmd, head, 13, ", 1", "", rows, |q, (child, year, h)| {
        q.bind(child.get())
            .bind(i64::from(*year))
            .bind(h.sdq_score)
            .bind(h.sdq_reason.clone())
            .bind(flag(h.convicted))
            .bind(flag(h.health_check))
            .bind(flag(h.immunisations))
            .bind(flag(h.teeth_check))
            .bind(flag(h.health_assessment))
            .bind(flag(h.substance_misuse))
            .bind(flag(h.intervention_received))
            .bind(flag(h.intervention_offered))
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.health_outcomes_created_in_bulk", rows.len()).await
}

/// OC3 contacts by child and collection year.
pub async fn insert_care_leaver_contacts(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, i32, CareLeaverContact)],
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head =
        "INSERT INTO care_leaver_contacts (child_id, collection_year, in_touch, activity, accommodation, updated_at, version) VALUES ";
    chunked(cmd, head, 6, ", 1", "", rows, |q, (child, year, c)| {
        q.bind(child.get())
            .bind(i64::from(*year))
            .bind(c.in_touch.clone())
            .bind(c.activity.clone())
            .bind(c.accommodation.clone())
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.care_leaver_contacts_created_in_bulk", rows.len()).await
}

/// AD1: one adoption per child.
pub async fn insert_adoptions(cmd: &mut Command, _can: &Can<RecordChildren>, rows: &[(ChildId, Adoption)]) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head = "INSERT INTO adoptions (child_id, should_be_placed_on, matched_on, by_foster_carer, number_of_adopters, adopter_sexes,
        adopter_status, updated_at, version) VALUES ";
    chunked(cmd, head, 8, ", 1", "", rows, |q, (child, a)| {
        q.bind(child.get())
            .bind(a.should_be_placed_on.map(date_text))
            .bind(a.matched_on.map(date_text))
            .bind(flag(a.by_foster_carer))
            .bind(a.number_of_adopters)
            .bind(a.adopter_sexes.clone())
            .bind(a.adopter_status.clone())
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.adoptions_created_in_bulk", rows.len()).await
}

/// Decisions that a child should be placed for adoption.
pub async fn insert_adoption_decisions(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, AdoptionDecision)],
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head = "INSERT INTO adoption_decisions (child_id, decided_on, ceased_on, reason_ceased, created_at) VALUES ";
    chunked(cmd, head, 5, "", "", rows, |q, (child, d)| {
        q.bind(child.get())
            .bind(date_text(d.decided_on))
            .bind(d.ceased_on.map(date_text))
            .bind(d.reason_ceased.clone())
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.adoption_decisions_created_in_bulk", rows.len()).await
}

/// Permanence before a period of care (one per period start).
pub async fn insert_previous_permanence(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    rows: &[(ChildId, PreviousPermanence)],
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head = "INSERT INTO previous_permanence (child_id, period_start, arrangement, la_code, date_text, created_at) VALUES ";
    chunked(cmd, head, 6, "", "", rows, |q, (child, p)| {
        q.bind(child.get())
            .bind(date_text(p.period_start))
            .bind(p.arrangement.clone())
            .bind(p.la_code.clone())
            .bind(p.date_text.clone())
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.previous_permanence_created_in_bulk", rows.len()).await
}

/// Deprivation of liberty orders: (child, start, end).
pub async fn insert_dolos(cmd: &mut Command, _can: &Can<RecordChildren>, rows: &[(ChildId, Date, Option<Date>)]) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let head = "INSERT INTO dolo_orders (child_id, start_date, end_date, created_at) VALUES ";
    chunked(cmd, head, 4, "", "", rows, |q, (child, start, end)| {
        q.bind(child.get())
            .bind(date_text(*start))
            .bind(end.map(date_text))
            .bind(at.clone())
    })
    .await?;
    audit(cmd, "returns.dolos_created_in_bulk", rows.len()).await
}
