//! Accreditation: the council's checklist (configurable), the reviews of
//! each provider against it, and every provider's status on a day.
//!
//! Status comes from `providers::accreditation`: the council's own reviews,
//! then the consortium's accreditation while in date, and any suspension.
//! It also decides whether a new placement with a provider may go ahead
//! ([`may_place`]): only with an accredited provider, or under an approved
//! Gateway request that named the provider when it was not accredited.

use std::collections::HashMap;

use authz::cap::Commission;
use authz::Can;
use kernel::{ChildId, ProviderId, UserId};
use providers::accreditation::{self, ChecklistItem, Finding, Reminder, Review, Status};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, Duration};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date};

/// A checklist item with its version, for the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredItem {
    pub item: ChecklistItem,
    pub version: i64,
}

pub async fn checklist(conn: &mut AnyConnection) -> Result<Vec<StoredItem>, StoreError> {
    let rows = sqlx::query("SELECT code, label, required, valid_for_months, version FROM accreditation_items ORDER BY position, code")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredItem {
                item: ChecklistItem {
                    code: row.try_get(0)?,
                    label: row.try_get(1)?,
                    required: row.try_get::<i64, _>(2)? != 0,
                    valid_for_months: u8::try_from(row.try_get::<i64, _>(3)?).map_err(StoreError::corrupt)?,
                },
                version: row.try_get(4)?,
            })
        })
        .collect()
}

pub(crate) fn items(stored: &[StoredItem]) -> Vec<ChecklistItem> {
    stored.iter().map(|s| s.item.clone()).collect()
}

fn check_item(item: &ChecklistItem) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    if item.label.trim().is_empty() {
        problems.push(("label", "Enter what the item checks".to_owned()));
    }
    if !(1..=60).contains(&item.valid_for_months) {
        problems.push(("valid_for_months", "A review stays valid for 1 to 60 months".to_owned()));
    }
    if item.code.is_empty() || !item.code.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        problems.push(("code", "A code is lower-case letters and hyphens, such as fire-safety".to_owned()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// Adds an item to the checklist, or changes one (refusing a stale version).
pub async fn save_item(cmd: &mut Command, _can: &Can<Commission>, item: &ChecklistItem, version: Option<i64>) -> Result<(), StoreError> {
    check_item(item)?;
    let done = match version {
        Some(version) => {
            sqlx::query(
                "UPDATE accreditation_items SET label = $1, required = $2, valid_for_months = $3, version = version + 1
                 WHERE code = $4 AND version = $5",
            )
            .bind(item.label.trim())
            .bind(i64::from(item.required))
            .bind(i64::from(item.valid_for_months))
            .bind(&item.code)
            .bind(version)
            .execute(cmd.conn())
            .await?
        }
        None => sqlx::query(
            "INSERT INTO accreditation_items (code, label, required, valid_for_months, position, version)
             VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM accreditation_items), 1)",
        )
        .bind(&item.code)
        .bind(item.label.trim())
        .bind(i64::from(item.required))
        .bind(i64::from(item.valid_for_months))
        .execute(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "code", "There is already an item with this code"))?,
    };
    StoreError::unless_changed(&done, "checklist item")?;
    cmd.record(Change::new(
        "accreditation.item_saved",
        "checklist item",
        &item.code,
        None::<&()>,
        Some(item),
    ))
    .await?;
    Ok(())
}

/// A review with who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredReview {
    pub review: Review,
    pub reviewer: Option<String>,
}

/// Every review, grouped by provider, oldest first.
pub async fn all_reviews(conn: &mut AnyConnection) -> Result<HashMap<ProviderId, Vec<StoredReview>>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.provider_id, r.item, r.finding, r.evidence, r.reviewed_on, r.expires_on, u.display_name
         FROM accreditation_reviews r LEFT JOIN users u ON u.id = r.reviewer_id
         ORDER BY r.reviewed_on, r.id",
    )
    .fetch_all(conn)
    .await?;
    let mut by_provider: HashMap<ProviderId, Vec<StoredReview>> = HashMap::new();
    for row in &rows {
        let finding = match row.try_get::<String, _>(2)?.as_str() {
            "met" => Finding::Met,
            "met-with-conditions" => Finding::MetWithConditions,
            "not-met" => Finding::NotMet,
            other => return Err(StoreError::corrupt(format!("unknown finding {other}"))),
        };
        by_provider.entry(ProviderId::new(row.try_get(0)?)).or_default().push(StoredReview {
            review: Review {
                item: row.try_get(1)?,
                finding,
                evidence: row.try_get(3)?,
                reviewed_on: parse_date(&row.try_get::<String, _>(4)?)?,
                expires_on: parse_date(&row.try_get::<String, _>(5)?)?,
            },
            reviewer: row.try_get(6)?,
        });
    }
    Ok(by_provider)
}

pub fn finding_code(finding: Finding) -> &'static str {
    match finding {
        Finding::Met => "met",
        Finding::MetWithConditions => "met-with-conditions",
        Finding::NotMet => "not-met",
    }
}

/// Records a review of one checklist item.
pub async fn record_review(
    cmd: &mut Command,
    _can: &Can<Commission>,
    provider: ProviderId,
    review: &Review,
    reviewer: Option<UserId>,
    today: Date,
) -> Result<(), StoreError> {
    let checklist = items(&checklist(cmd.conn()).await?);
    accreditation::check_review(&checklist, review, today).map_err(|e| {
        let field = match e {
            accreditation::ReviewRefused::UnknownItem(_) => "item",
            accreditation::ReviewRefused::NoEvidence => "evidence",
            accreditation::ReviewRefused::ExpiresBeforeReview => "expires_on",
            accreditation::ReviewRefused::ReviewedInFuture => "reviewed_on",
        };
        StoreError::Invalid(vec![(field, crate::sentence(&e.to_string()))])
    })?;
    crate::providers::details(cmd.conn(), provider).await?;
    let at = cmd.at_text();
    sqlx::query(
        "INSERT INTO accreditation_reviews (provider_id, item, finding, evidence, reviewer_id, reviewed_on, expires_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(provider.get())
    .bind(&review.item)
    .bind(finding_code(review.finding))
    .bind(review.evidence.trim())
    .bind(reviewer.map(UserId::get))
    .bind(date_text(review.reviewed_on))
    .bind(date_text(review.expires_on))
    .bind(at)
    .execute(cmd.conn())
    .await?;
    cmd.record(Change::new(
        "accreditation.reviewed",
        "provider",
        provider,
        None::<&()>,
        Some(review),
    ))
    .await?;
    Ok(())
}

/// Every provider's status on `today`.
pub async fn statuses(conn: &mut AnyConnection, today: Date) -> Result<HashMap<ProviderId, Status>, StoreError> {
    let checklist = items(&checklist(&mut *conn).await?);
    let reviews = all_reviews(&mut *conn).await?;
    let rows = sqlx::query(&format!("SELECT {} FROM providers", crate::providers::DETAILS_COLUMNS))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = HashMap::new();
    for row in &rows {
        let details = crate::providers::details_from(row)?;
        let mine: Vec<Review> = reviews
            .get(&details.id)
            .map(|r| r.iter().map(|s| s.review.clone()).collect())
            .unwrap_or_default();
        let local = accreditation::status(&checklist, &mine, details.suspended, today);
        out.insert(details.id, accreditation::effective_status(local, details.consortium, today));
    }
    Ok(out)
}

/// One provider's status on `today`.
pub async fn status_of(conn: &mut AnyConnection, provider: ProviderId, today: Date) -> Result<Status, StoreError> {
    statuses(conn, today)
        .await?
        .remove(&provider)
        .ok_or(StoreError::NotFound { entity: "provider" })
}

/// A review running out soon, for the reminders list and job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expiring {
    pub provider_id: ProviderId,
    pub provider: String,
    pub reminder: Reminder,
}

/// Reviews that expire within `lead_days`, soonest first.
pub async fn expiring(store: &Store, today: Date, lead_days: i64) -> Result<Vec<Expiring>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let reviews = all_reviews(&mut conn).await?;
    let names: HashMap<ProviderId, String> = crate::providers::list(store).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let mut out: Vec<Expiring> = reviews
        .into_iter()
        .flat_map(|(provider, stored)| {
            let mine: Vec<Review> = stored.into_iter().map(|s| s.review).collect();
            let name = names.get(&provider).cloned().unwrap_or_default();
            accreditation::reminders(&mine, today, Duration::days(lead_days))
                .into_iter()
                .map(move |reminder| Expiring {
                    provider_id: provider,
                    provider: name.clone(),
                    reminder,
                })
        })
        .collect();
    out.sort_by(|a, b| (a.reminder.expires_on, &a.provider).cmp(&(b.reminder.expires_on, &b.provider)));
    Ok(out)
}

/// Whether a new placement of `child` with `provider` may go ahead on
/// `today`: the provider is the council's own, or is accredited (or conditionally), or an approved
/// Gateway request for the child named it as an unaccredited provider —
/// the exception, approved at the level the matrix set.
pub async fn may_place(conn: &mut AnyConnection, child: ChildId, provider: ProviderId, today: Date) -> Result<(), StoreError> {
    let details = crate::providers::details(&mut *conn, provider).await?;
    if !details.organisation.provider_type.is_external() {
        return Ok(());
    }
    let status = status_of(&mut *conn, provider, today).await?;
    let exception = sqlx::query(
        "SELECT COUNT(*) FROM placement_requests
         WHERE child_id = $1 AND provider_id = $2 AND unaccredited_provider = 1 AND state = 'approved'",
    )
    .bind(child.get())
    .bind(provider.get())
    .fetch_one(conn)
    .await?
    .try_get::<i64, _>(0)?
        > 0;
    accreditation::may_place(status, exception).map_err(|e| StoreError::Invalid(vec![("provider_id", crate::sentence(&e.to_string()))]))
}
