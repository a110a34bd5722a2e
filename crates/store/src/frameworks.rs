//! Frameworks, their lots and members (tier and rate card), and the import
//! of the regional consortium's feed — all of it in one command, so a feed
//! is applied whole or not at all.

use std::collections::HashMap;

use authz::cap::Commission;
use authz::Can;
use contracts::frameworks::{Membership, Scope};
use kernel::{Money, ProviderId};
use placements::PlacementCategory;
use providers::exchange::FeedProvider;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: i64,
    pub provider_id: ProviderId,
    pub provider: String,
    pub tier: u8,
    pub weekly_rate: Money,
    pub joined_on: Date,
    pub left_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lot {
    pub id: i64,
    pub name: String,
    pub category: PlacementCategory,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framework {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub lots: Vec<Lot>,
}

/// Every framework with its lots and members (current and past).
pub async fn list(store: &Store) -> Result<Vec<Framework>, StoreError> {
    let frameworks = sqlx::query("SELECT id, name, scope, starts_on, ends_on FROM frameworks ORDER BY scope DESC, name")
        .fetch_all(store.pool())
        .await?;
    let lots = sqlx::query("SELECT id, framework_id, name, category FROM framework_lots ORDER BY name, id")
        .fetch_all(store.pool())
        .await?;
    let members = sqlx::query(
        "SELECT m.id, m.lot_id, m.provider_id, p.name, m.tier, m.weekly_rate_pence, m.joined_on, m.left_on
         FROM framework_members m JOIN providers p ON p.id = m.provider_id ORDER BY m.tier, p.name, m.id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut by_lot: HashMap<i64, Vec<Member>> = HashMap::new();
    for row in &members {
        by_lot.entry(row.try_get(1)?).or_default().push(Member {
            id: row.try_get(0)?,
            provider_id: ProviderId::new(row.try_get(2)?),
            provider: row.try_get(3)?,
            tier: u8::try_from(row.try_get::<i64, _>(4)?).map_err(StoreError::corrupt)?,
            weekly_rate: Money::from_pence(row.try_get(5)?),
            joined_on: parse_date(&row.try_get::<String, _>(6)?)?,
            left_on: parse_optional_date(row.try_get::<Option<String>, _>(7)?.as_deref())?,
        });
    }
    let mut by_framework: HashMap<i64, Vec<Lot>> = HashMap::new();
    for row in &lots {
        let id: i64 = row.try_get(0)?;
        by_framework.entry(row.try_get(1)?).or_default().push(Lot {
            id,
            name: row.try_get(2)?,
            category: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
            members: by_lot.remove(&id).unwrap_or_default(),
        });
    }
    frameworks
        .iter()
        .map(|row| {
            let id: i64 = row.try_get(0)?;
            Ok(Framework {
                id,
                name: row.try_get(1)?,
                scope: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
                starts_on: parse_date(&row.try_get::<String, _>(3)?)?,
                ends_on: parse_optional_date(row.try_get::<Option<String>, _>(4)?.as_deref())?,
                lots: by_framework.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// Creates a framework.
pub async fn create(
    cmd: &mut Command,
    _can: &Can<Commission>,
    name: &str,
    scope: Scope,
    starts_on: Date,
    ends_on: Option<Date>,
) -> Result<i64, StoreError> {
    let mut problems = Vec::new();
    if name.trim().is_empty() {
        problems.push(("name", "Enter the framework's name".to_owned()));
    }
    if ends_on.is_some_and(|end| end <= starts_on) {
        problems.push(("ends_on", "The end date must be after the start date".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let id = insert_framework(cmd, name.trim(), scope, starts_on, ends_on).await?;
    cmd.record(Change::new(
        "framework.created",
        "framework",
        id,
        None::<&()>,
        Some(&(name, scope, starts_on, ends_on)),
    ))
    .await?;
    Ok(id)
}

async fn insert_framework(cmd: &mut Command, name: &str, scope: Scope, starts_on: Date, ends_on: Option<Date>) -> Result<i64, StoreError> {
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO frameworks (name, scope, starts_on, ends_on, created_at, version) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
    )
    .bind(name)
    .bind(scope.code())
    .bind(date_text(starts_on))
    .bind(ends_on.map(date_text))
    .bind(at)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_unique(e, "name", "There is already a framework with this name"))?;
    Ok(row.try_get(0)?)
}

/// Adds a lot to a framework.
pub async fn add_lot(
    cmd: &mut Command,
    _can: &Can<Commission>,
    framework: i64,
    name: &str,
    category: PlacementCategory,
) -> Result<i64, StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::Invalid(vec![("lot_name", "Enter the lot's name".to_owned())]));
    }
    let id = insert_lot(cmd, framework, name.trim(), category).await?;
    cmd.record(Change::new(
        "framework.lot_added",
        "framework",
        framework,
        None::<&()>,
        Some(&(name, category)),
    ))
    .await?;
    Ok(id)
}

async fn insert_lot(cmd: &mut Command, framework: i64, name: &str, category: PlacementCategory) -> Result<i64, StoreError> {
    let row = sqlx::query("INSERT INTO framework_lots (framework_id, name, category) VALUES ($1, $2, $3) RETURNING id")
        .bind(framework)
        .bind(name)
        .bind(category.code())
        .fetch_one(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "lot_name", "This framework already has a lot with this name"))?;
    Ok(row.try_get(0)?)
}

/// A provider's place on a lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMember {
    pub lot: i64,
    pub provider: ProviderId,
    pub tier: u8,
    pub weekly_rate: Money,
    pub joined_on: Date,
}

/// Puts a provider on a lot at a tier and rate; any current place it had
/// on the lot ends the day before (history is kept, not edited).
pub async fn add_member(cmd: &mut Command, _can: &Can<Commission>, member: &NewMember) -> Result<(), StoreError> {
    let mut problems = Vec::new();
    if !(1..=9).contains(&member.tier) {
        problems.push(("tier", "A tier is from 1 (preferred) to 9".to_owned()));
    }
    if member.weekly_rate.pence() <= 0 {
        problems.push(("weekly_rate", "Enter the core weekly rate".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    insert_member(cmd, member).await?;
    cmd.record(Change::new(
        "framework.member_added",
        "provider",
        member.provider,
        None::<&()>,
        Some(member),
    ))
    .await?;
    Ok(())
}

async fn insert_member(cmd: &mut Command, m: &NewMember) -> Result<(), StoreError> {
    sqlx::query("UPDATE framework_members SET left_on = $1 WHERE lot_id = $2 AND provider_id = $3 AND left_on IS NULL")
        .bind(date_text(m.joined_on))
        .bind(m.lot)
        .bind(m.provider.get())
        .execute(cmd.conn())
        .await?;
    let at = cmd.at_text();
    sqlx::query(
        "INSERT INTO framework_members (lot_id, provider_id, tier, weekly_rate_pence, joined_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(m.lot)
    .bind(m.provider.get())
    .bind(i64::from(m.tier))
    .bind(m.weekly_rate.pence())
    .bind(date_text(m.joined_on))
    .bind(at)
    .execute(cmd.conn())
    .await?;
    Ok(())
}

/// A provider's memberships, for the purchase route.
pub async fn memberships_of(conn: &mut AnyConnection, provider: ProviderId) -> Result<Vec<Membership>, StoreError> {
    let rows = sqlx::query(
        "SELECT f.name, l.category, m.tier, m.weekly_rate_pence, m.joined_on, m.left_on
         FROM framework_members m JOIN framework_lots l ON l.id = m.lot_id JOIN frameworks f ON f.id = l.framework_id
         WHERE m.provider_id = $1",
    )
    .bind(provider.get())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Membership {
                framework: row.try_get(0)?,
                lot_category: row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
                tier: u8::try_from(row.try_get::<i64, _>(2)?).map_err(StoreError::corrupt)?,
                weekly_rate: Money::from_pence(row.try_get(3)?),
                from: parse_date(&row.try_get::<String, _>(4)?)?,
                until: parse_optional_date(row.try_get::<Option<String>, _>(5)?.as_deref())?,
            })
        })
        .collect()
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub memberships: usize,
}

/// Applies the consortium's feed: creates or updates each provider (by
/// the consortium's reference), records the consortium's accreditation,
/// and puts providers on the named framework lots at their tier and rate.
/// New frameworks are regional; new lots take their category from a
/// known lot name or count as "other" until a commissioner sets it.
pub async fn import_feed(
    cmd: &mut Command,
    _can: &Can<Commission>,
    feed: &[FeedProvider],
    today: Date,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    for p in feed {
        let existing = sqlx::query("SELECT id FROM providers WHERE consortium_ref = $1")
            .bind(&p.provider_ref)
            .fetch_optional(cmd.conn())
            .await?;
        let provider = match existing {
            Some(row) => {
                let id = ProviderId::new(row.try_get(0)?);
                sqlx::query(
                    "UPDATE providers SET name = $1, companies_house_number = $2, charity_number = $3, provider_type = $4, for_profit = $5,
                            legal_form = $6, version = version + 1 WHERE id = $7",
                )
                .bind(&p.legal_name)
                .bind(&p.companies_house_number)
                .bind(&p.charity_number)
                .bind(p.provider_type.code())
                .bind(i64::from(p.for_profit))
                .bind(p.legal_form.code())
                .bind(id.get())
                .execute(cmd.conn())
                .await?;
                report.updated += 1;
                id
            }
            None => {
                let new = crate::providers::NewProvider {
                    name: p.legal_name.clone(),
                    provider_type: p.provider_type,
                    ofsted_urn: None,
                    postcode: None,
                    companies_house_number: p.companies_house_number.clone(),
                    charity_number: p.charity_number.clone(),
                    for_profit: p.for_profit,
                    legal_form: p.legal_form,
                };
                report.created += 1;
                crate::providers::insert_new(cmd, &new).await?
            }
        };
        sqlx::query("UPDATE providers SET consortium_ref = $1, consortium_status = $2, consortium_until = $3 WHERE id = $4")
            .bind(&p.provider_ref)
            .bind(p.accreditation.code())
            .bind(p.accredited_until.map(date_text))
            .bind(provider.get())
            .execute(cmd.conn())
            .await?;
        if let (Some((framework, lot, tier)), Some(rate)) = (&p.framework, p.weekly_rate_pence) {
            let lot = find_or_create_lot(cmd, framework, lot, today).await?;
            if current_member(cmd, lot, provider).await? != Some((*tier, rate)) {
                insert_member(
                    cmd,
                    &NewMember {
                        lot,
                        provider,
                        tier: *tier,
                        weekly_rate: Money::from_pence(rate),
                        joined_on: today,
                    },
                )
                .await?;
                report.memberships += 1;
            }
        }
    }
    cmd.record(Change::new(
        "consortium.feed_imported",
        "consortium feed",
        today,
        None::<&()>,
        Some(&report),
    ))
    .await?;
    Ok(report)
}

async fn current_member(cmd: &mut Command, lot: i64, provider: ProviderId) -> Result<Option<(u8, i64)>, StoreError> {
    let row =
        sqlx::query("SELECT tier, weekly_rate_pence FROM framework_members WHERE lot_id = $1 AND provider_id = $2 AND left_on IS NULL")
            .bind(lot)
            .bind(provider.get())
            .fetch_optional(cmd.conn())
            .await?;
    match row {
        Some(row) => Ok(Some((
            u8::try_from(row.try_get::<i64, _>(0)?).map_err(StoreError::corrupt)?,
            row.try_get(1)?,
        ))),
        None => Ok(None),
    }
}

fn category_for_lot(name: &str) -> PlacementCategory {
    let lower = name.to_lowercase();
    if lower.contains("residential") || lower.contains("home") {
        PlacementCategory::ChildrensHome
    } else if lower.contains("foster") {
        PlacementCategory::IndependentFoster
    } else if lower.contains("supported") {
        PlacementCategory::SupportedAccommodation
    } else {
        PlacementCategory::Other
    }
}

async fn find_or_create_lot(cmd: &mut Command, framework: &str, lot: &str, today: Date) -> Result<i64, StoreError> {
    let found = sqlx::query("SELECT id FROM frameworks WHERE name = $1")
        .bind(framework)
        .fetch_optional(cmd.conn())
        .await?;
    let framework_id = match found {
        Some(row) => row.try_get(0)?,
        None => insert_framework(cmd, framework, Scope::Regional, today, None).await?,
    };
    let found = sqlx::query("SELECT id FROM framework_lots WHERE framework_id = $1 AND name = $2")
        .bind(framework_id)
        .bind(lot)
        .fetch_optional(cmd.conn())
        .await?;
    match found {
        Some(row) => Ok(row.try_get(0)?),
        None => insert_lot(cmd, framework_id, lot, category_for_lot(&format!("{framework} {lot}"))).await,
    }
}
