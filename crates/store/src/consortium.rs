//! What the regional consortium receives from Hearth: every external
//! placement open at some point in a period, in the placements standard's
//! fields, with no names. The child is identified only by Hearth's own
//! number, never the council's child id, UPN or NHS number.
//!
//! The route (framework or spot) and tier are the provider's place on a
//! lot of the placement's category on the day the placement started.

use std::collections::HashMap;

use kernel::ProviderId;
use placements::PlacementCategory;
use providers::consortium::PlacementRecord;
use sqlx::Row;
use time::Date;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// A provider's place on a lot: category, tier, from, until.
type Place = (PlacementCategory, u8, Date, Option<Date>);

async fn places(store: &Store) -> Result<HashMap<ProviderId, Vec<Place>>, StoreError> {
    let rows = sqlx::query(
        "SELECT m.provider_id, l.category, m.tier, m.joined_on, m.left_on
         FROM framework_members m JOIN framework_lots l ON l.id = m.lot_id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut by_provider: HashMap<ProviderId, Vec<Place>> = HashMap::new();
    for row in &rows {
        by_provider.entry(ProviderId::new(row.try_get(0)?)).or_default().push((
            row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
            u8::try_from(row.try_get::<i64, _>(2)?).map_err(StoreError::corrupt)?,
            parse_date(&row.try_get::<String, _>(3)?)?,
            parse_optional_date(row.try_get::<Option<String>, _>(4)?.as_deref())?,
        ));
    }
    Ok(by_provider)
}

/// External placements open at any time from `from` to `to` inclusive,
/// oldest first.
pub async fn placements(store: &Store, home_authority: &str, from: Date, to: Date) -> Result<Vec<PlacementRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.child_id, c.date_of_birth, c.sex, p.place_code, p.provider_id, pr.consortium_ref, s.registration_number,
                s.local_authority, p.start_date, p.end_date, p.weekly_cost_pence, p.category
         FROM placements p JOIN children c ON c.id = p.child_id JOIN providers pr ON pr.id = p.provider_id
         LEFT JOIN settings s ON s.id = p.setting_id
         WHERE pr.provider_type IN ('PR2', 'PR3', 'PR4', 'PR5') AND p.start_date <= $1 AND (p.end_date IS NULL OR p.end_date >= $2)
         ORDER BY p.start_date, p.id",
    )
    .bind(date_text(to))
    .bind(date_text(from))
    .fetch_all(store.pool())
    .await?;
    let places = places(store).await?;
    rows.iter()
        .map(|row| {
            let provider = ProviderId::new(row.try_get(5)?);
            let start_date = parse_date(&row.try_get::<String, _>(9)?)?;
            let born = parse_date(&row.try_get::<String, _>(2)?)?;
            let category: PlacementCategory = row.try_get::<String, _>(12)?.parse().map_err(StoreError::corrupt)?;
            let tier = places
                .get(&provider)
                .into_iter()
                .flatten()
                .filter(|(c, _, joined, left)| *c == category && *joined <= start_date && left.is_none_or(|l| start_date < l))
                .map(|(_, tier, _, _)| *tier)
                .min();
            let local_authority: Option<String> = row.try_get(8)?;
            Ok(PlacementRecord {
                placement_ref: row.try_get(0)?,
                child_ref: format!("H{}", row.try_get::<i64, _>(1)?),
                age_at_start: u8::try_from(children::identity::age_on(born, start_date).max(0)).unwrap_or(u8::MAX),
                sex: row.try_get(3)?,
                placement_type: row.try_get(4)?,
                provider_ref: row.try_get::<Option<String>, _>(6)?.unwrap_or_else(|| format!("HEARTH-{provider}")),
                urn: row.try_get::<Option<String>, _>(7)?.unwrap_or_default(),
                out_of_area: local_authority
                    .as_deref()
                    .is_some_and(|la| !la.eq_ignore_ascii_case(home_authority)),
                setting_local_authority: local_authority.unwrap_or_default(),
                start_date,
                end_date: parse_optional_date(row.try_get::<Option<String>, _>(10)?.as_deref())?,
                weekly_cost_pence: row.try_get(11)?,
                route: if tier.is_some() { "framework" } else { "spot" }.to_owned(),
                tier: tier.map(|t| t.to_string()).unwrap_or_default(),
            })
        })
        .collect()
}
