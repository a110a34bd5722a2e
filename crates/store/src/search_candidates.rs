//! The candidates a placement search considers, built from the register:
//! every setting of an external provider (with its accreditation today,
//! its framework place for that kind of placement, vacancies, location and
//! the council's history with the provider) and every in-house foster
//! household (approval standing, capacity, supervision and location).
//!
//! Also the postcode-district locations that distance is measured from,
//! loaded from a CSV list (district, easting, northing) such as the ONS
//! postcode directory reduced to districts.
//!
//! Reading the whole register takes about a second at national scale, so
//! the candidates last read are kept with the store and reused until the
//! audit trail records a change other than a search's own: every change to
//! anything goes through a command that records an audit event, so no new
//! event means an unchanged register.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kernel::{Money, Nation, ProviderId};
use matching::{Candidate, Location, NeedSet, Source};
use placements::PlacementCategory;
use providers::register::{Grade, RegistrationStatus, Regulator};
use sqlx::Row;
use time::{Date, Duration};

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{parse_date, parse_optional_date};

/// A vacancy figure older than this no longer says what is free; the
/// setting's capacity less the children placed there is used instead.
const VACANCY_FRESH_DAYS: i64 = 14;
/// A placement that ended within this many days of starting counts as a
/// breakdown in the council's history with the provider.
const BREAKDOWN_WITHIN_DAYS: i64 = 91;
/// Supervisory visits are due every 6 weeks for in-house carers.
const SUPERVISORY_VISIT_WEEKS: u32 = 6;

/// Every postcode district's location.
pub async fn locations(store: &Store) -> Result<HashMap<String, Location>, StoreError> {
    let rows = sqlx::query("SELECT district, easting, northing FROM postcode_locations")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let coordinate =
                |i: usize| -> Result<i32, StoreError> { i32::try_from(row.try_get::<i64, _>(i)?).map_err(StoreError::corrupt) };
            Ok((
                row.try_get(0)?,
                Location {
                    easting: coordinate(1)?,
                    northing: coordinate(2)?,
                },
            ))
        })
        .collect()
}

/// Where a postcode is, if its district is known.
pub fn locate(locations: &HashMap<String, Location>, postcode: &str) -> Option<Location> {
    matching::criteria::postcode_district(postcode).and_then(|d| locations.get(&d).copied())
}

/// Replaces the district list (a whole file at once).
pub async fn load_locations(cmd: &mut Command, districts: &[(String, Location)]) -> Result<usize, StoreError> {
    sqlx::query("DELETE FROM postcode_locations").execute(cmd.conn()).await?;
    for (district, at) in districts {
        sqlx::query("INSERT INTO postcode_locations (district, easting, northing) VALUES ($1, $2, $3)")
            .bind(district)
            .bind(i64::from(at.easting))
            .bind(i64::from(at.northing))
            .execute(cmd.conn())
            .await
            .map_err(|e| StoreError::on_unique(e, "district", "A district is listed twice"))?;
    }
    cmd.record(Change::new(
        "postcode_locations.loaded",
        "postcode locations",
        districts.len(),
        None::<&()>,
        None::<&()>,
    ))
    .await?;
    Ok(districts.len())
}

/// Placements and breakdowns by provider.
async fn history(store: &Store) -> Result<HashMap<ProviderId, (u32, u32)>, StoreError> {
    let rows = sqlx::query("SELECT provider_id, start_date, end_date FROM placements WHERE provider_id IS NOT NULL")
        .fetch_all(store.pool())
        .await?;
    let mut by_provider: HashMap<ProviderId, (u32, u32)> = HashMap::new();
    for row in &rows {
        let start = parse_date(&row.try_get::<String, _>(1)?)?;
        let end = parse_optional_date(row.try_get::<Option<String>, _>(2)?.as_deref())?;
        let entry = by_provider.entry(ProviderId::new(row.try_get(0)?)).or_default();
        entry.0 += 1;
        if end.is_some_and(|end| end - start < Duration::days(BREAKDOWN_WITHIN_DAYS)) {
            entry.1 += 1;
        }
    }
    Ok(by_provider)
}

/// Children placed in each setting now.
async fn occupancy(store: &Store, today: Date) -> Result<HashMap<i64, u32>, StoreError> {
    let rows = sqlx::query(
        "SELECT setting_id, COUNT(*) FROM placements WHERE setting_id IS NOT NULL AND (end_date IS NULL OR end_date > $1)
         GROUP BY setting_id",
    )
    .bind(crate::timestamp::date_text(today))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(u32::MAX))))
        .collect()
}

/// The best (lowest) current tier and its rate for each provider and kind
/// of placement.
async fn framework_places(store: &Store, today: Date) -> Result<HashMap<(ProviderId, PlacementCategory), (u8, Money)>, StoreError> {
    let today_text = crate::timestamp::date_text(today);
    let rows = sqlx::query(
        "SELECT m.provider_id, l.category, m.tier, m.weekly_rate_pence FROM framework_members m
         JOIN framework_lots l ON l.id = m.lot_id JOIN frameworks f ON f.id = l.framework_id
         WHERE m.joined_on <= $1 AND (m.left_on IS NULL OR m.left_on > $1) AND (f.ends_on IS NULL OR f.ends_on >= $1)",
    )
    .bind(&today_text)
    .fetch_all(store.pool())
    .await?;
    let mut places: HashMap<(ProviderId, PlacementCategory), (u8, Money)> = HashMap::new();
    for row in &rows {
        let key = (
            ProviderId::new(row.try_get(0)?),
            row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
        );
        let place = (
            u8::try_from(row.try_get::<i64, _>(2)?).map_err(StoreError::corrupt)?,
            Money::from_pence(row.try_get(3)?),
        );
        places.entry(key).and_modify(|p| *p = (*p).min(place)).or_insert(place);
    }
    Ok(places)
}

/// Every setting of an external provider, as a candidate.
async fn settings(store: &Store, today: Date, locations: &HashMap<String, Location>) -> Result<Vec<Candidate>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let all = crate::providers::settings(&mut conn, None).await?;
    let statuses = crate::accreditation::statuses(&mut conn, today).await?;
    drop(conn);
    let details: HashMap<ProviderId, crate::providers::ProviderDetails> =
        crate::providers::all_details(store).await?.into_iter().map(|d| (d.id, d)).collect();
    let places = framework_places(store, today).await?;
    let history = history(store).await?;
    let occupied = occupancy(store, today).await?;
    let fresh_from = today - Duration::days(VACANCY_FRESH_DAYS);
    let mut out = Vec::with_capacity(all.len());
    for stored in all {
        let Some(provider) = details.get(&stored.provider_id) else {
            continue;
        };
        // The council's own provision (PR1) is its foster households,
        // searched in the in-house pass; other PR1 settings are not offered.
        if !provider.organisation.provider_type.is_external() {
            continue;
        }
        let s = &stored.setting;
        let category = s.setting_type.categories().first().copied().unwrap_or(PlacementCategory::Other);
        let source = places
            .get(&(stored.provider_id, category))
            .map_or(Source::Spot, |&(tier, rate)| Source::Framework { tier, rate });
        let places_free = match stored.vacancy {
            Some((on, places)) if on >= fresh_from => places,
            _ => s.capacity.saturating_sub(occupied.get(&stored.id.get()).copied().unwrap_or(0)),
        };
        let (previous_placements, previous_breakdowns) = history.get(&stored.provider_id).copied().unwrap_or_default();
        out.push(Candidate {
            source,
            id: stored.id.get(),
            provider_id: Some(stored.provider_id),
            name: format!("{}, {}", s.name, provider.organisation.legal_name),
            category,
            setting_type: Some(s.setting_type),
            regulator: s.regulator,
            registration: s.registration_status,
            accreditation: Some(
                statuses
                    .get(&stored.provider_id)
                    .copied()
                    .unwrap_or(providers::accreditation::Status::NotAccredited),
            ),
            grade: s.grade,
            supervision: None,
            age_min: s.age_min,
            age_max: s.age_max,
            accepts: NeedSet::of(&s.needs),
            places_free,
            location: locate(locations, &s.postcode),
            for_profit: provider.organisation.for_profit,
            weekly_price: None,
            previous_placements,
            previous_breakdowns,
            approval_lapsed: false,
        });
    }
    Ok(out)
}

/// A household's supervision judgement from its average quality score.
fn supervision(scores: &[u8]) -> Option<Grade> {
    let count = u32::try_from(scores.len()).ok().filter(|n| *n > 0)?;
    let average_x10 = scores.iter().map(|s| u32::from(*s)).sum::<u32>() * 10 / count;
    Some(match average_x10 {
        35.. => Grade::Outstanding,
        25..=34 => Grade::Good,
        15..=24 => Grade::RequiresImprovement,
        _ => Grade::Inadequate,
    })
}

/// Every in-house household, as a candidate.
async fn households(
    store: &Store,
    nation: Nation,
    today: Date,
    locations: &HashMap<String, Location>,
) -> Result<Vec<Candidate>, StoreError> {
    let households = crate::households::list(store, nation, SUPERVISORY_VISIT_WEEKS, today).await?;
    Ok(households
        .into_iter()
        .map(|h| {
            let kin = matches!(
                h.household.approval_type,
                providers::foster::ApprovalType::Kinship | providers::foster::ApprovalType::KinshipTemporary
            );
            Candidate {
                source: Source::InHouse { household_id: h.id },
                id: h.id,
                provider_id: None,
                name: format!("Household {}", h.household.reference),
                category: if kin {
                    PlacementCategory::Kinship
                } else {
                    PlacementCategory::InHouseFoster
                },
                setting_type: None,
                regulator: Regulator::None,
                registration: RegistrationStatus::NotRegistered,
                accreditation: None,
                grade: Grade::NotInspected,
                supervision: supervision(&h.quality_scores),
                age_min: h.household.age_min,
                age_max: h.household.age_max,
                accepts: NeedSet::of(&h.household.accepts),
                places_free: h.household.capacity,
                location: locate(locations, &h.household.postcode),
                for_profit: false,
                weekly_price: None,
                previous_placements: 0,
                previous_breakdowns: 0,
                approval_lapsed: h.standing.is_lapsed(),
            }
        })
        .collect())
}

/// The latest audit event that could change what a search considers:
/// anything but searches' own records (`search.*`). Read from the newest
/// event back, which stops at once in practice.
async fn register_version(store: &Store) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT seq FROM audit_events WHERE action NOT LIKE 'search.%' ORDER BY seq DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0))
}

/// The candidates last read: the register version, day and nation they were
/// read for, and the list.
type Read = (i64, Date, Nation, Arc<Vec<Candidate>>);

/// Shared between clones of a store.
#[derive(Debug, Clone, Default)]
pub struct Snapshot(Arc<Mutex<Option<Read>>>);

/// Everything a search on `today` considers: households first, then
/// settings, each in id order. Read afresh whenever anything has changed.
pub async fn candidates(store: &Store, nation: Nation, today: Date) -> Result<Arc<Vec<Candidate>>, StoreError> {
    let head = register_version(store).await?;
    let cached = store.candidates.0.lock().ok().and_then(|kept| kept.clone());
    if let Some((seq, on, kept_nation, list)) = cached {
        if seq == head && on == today && kept_nation == nation {
            return Ok(list);
        }
    }
    let locations = locations(store).await?;
    let mut all = households(store, nation, today, &locations).await?;
    all.extend(settings(store, today, &locations).await?);
    let list = Arc::new(all);
    if let Ok(mut kept) = store.candidates.0.lock() {
        *kept = Some((head, today, nation, list.clone()));
    }
    Ok(list)
}
