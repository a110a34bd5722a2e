//! Accreditation in every state and the frameworks providers belong to.

use std::collections::HashMap;

use authz::cap::Commission;
use authz::Can;
use contracts::frameworks::Scope;
use kernel::months::add_months;
use kernel::{Money, ProviderId, UserId};
use placements::PlacementCategory;
use providers::accreditation::{Finding, Review};
use providers::ProviderType;
use store::frameworks::NewMember;
use store::{Command, StoreError};
use time::{Date, Month};

use crate::plan::County;
use crate::random::Random;

use super::days;

/// Where an independent provider's accreditation is to stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    Accredited,
    /// Accredited, with an item running out within 30 days.
    Reminder,
    Conditional,
    Expired,
    Never,
    Suspended,
}

const STANDINGS: [(Standing, u64); 6] = [
    (Standing::Accredited, 64),
    (Standing::Reminder, 8),
    (Standing::Conditional, 10),
    (Standing::Expired, 8),
    (Standing::Never, 8),
    (Standing::Suspended, 2),
];

/// The checklist, with how long each review lasts and what was seen.
const ITEMS: [(&str, u32, &str); 6] = [
    ("registration", 12, "Registration checked on the regulator's website"),
    ("insurance", 12, "Insurance schedule: employer's, public and professional liability"),
    ("safeguarding", 12, "Safeguarding policy and the last two annual reviews of it"),
    ("financial", 12, "Latest filed accounts and a credit report"),
    ("workforce", 24, "Safer recruitment and DBS policy, with a sample of staff files"),
    ("continuity", 24, "Business continuity plan, tested in the last year"),
];

/// Reviews against the checklist for every external provider, leaving
/// most accredited and some in each other state.
pub(super) async fn load_accreditation(
    cmd: &mut Command,
    random: &mut Random,
    county: &County,
    provider_ids: &[ProviderId],
    reviewer: UserId,
    can: &Can<Commission>,
) -> Result<HashMap<ProviderId, Standing>, StoreError> {
    let today = county.today;
    let independent: Vec<usize> = (0..county.providers.len())
        .filter(|i| matches!(county.providers[*i].provider_type, ProviderType::Private | ProviderType::Voluntary))
        .collect();
    let mut quota = random.quota(&STANDINGS.map(|(_, w)| w), independent.len());
    random.shuffle(&mut quota);
    let mut standings: HashMap<usize, Standing> = independent.into_iter().zip(quota).map(|(i, s)| (i, STANDINGS[s].0)).collect();
    // Other councils and the secure home are accredited.
    for (index, provider) in county.providers.iter().enumerate() {
        if matches!(provider.provider_type, ProviderType::OtherCouncil | ProviderType::OtherPublic) {
            standings.insert(index, Standing::Accredited);
        }
    }
    let mut ordered: Vec<(usize, Standing)> = standings.into_iter().collect();
    ordered.sort_by_key(|(i, _)| *i);
    let mut suspensions = [
        "Suspended pending the outcome of a safeguarding investigation at one of its homes",
        "Suspended after an inadequate inspection; no new placements until re-inspected",
    ]
    .into_iter()
    .cycle();
    let mut out = HashMap::with_capacity(ordered.len());
    for (index, standing) in ordered {
        let provider = provider_ids[index];
        out.insert(provider, standing);
        if standing == Standing::Never {
            continue;
        }
        for (n, (item, months, evidence)) in ITEMS.iter().enumerate() {
            let mut reviewed_on = today - days(random.between(61, 335));
            let mut finding = Finding::Met;
            let mut seen = format!("{evidence} (ref {}-{:04})", item.to_uppercase(), random.between(1, 9_999));
            match (standing, n) {
                (Standing::Reminder, 1) => reviewed_on = today - days(365 - random.between(3, 28)),
                (Standing::Expired, 3) => reviewed_on = today - days(random.between(395, 450)),
                (Standing::Conditional, 2) => {
                    finding = Finding::MetWithConditions;
                    seen.push_str("; condition: update the missing-from-care protocol within three months");
                }
                _ => {}
            }
            let review = Review {
                item: (*item).to_owned(),
                finding,
                evidence: seen,
                reviewed_on,
                expires_on: add_months(reviewed_on, *months),
            };
            store::accreditation::record_review(cmd, can, provider, &review, Some(reviewer), today).await?;
        }
        if standing == Standing::Suspended {
            let version = store::providers::details(cmd.conn(), provider).await?.version;
            let reason = suspensions.next().unwrap_or("Suspended by the council");
            store::providers::set_suspended(cmd, can, provider, version, true, reason).await?;
        }
    }
    Ok(out)
}

/// A lot to load: framework, name, category, opening date, and the
/// lowest and highest weekly rate in pounds for each tier.
type LotPlan = (i64, &'static str, PlacementCategory, Date, &'static [(i64, i64)]);

fn april(year: i32) -> Date {
    Date::from_calendar_date(year, Month::April, 1).unwrap_or(Date::MIN)
}

/// The regional framework's residential and fostering lots and the
/// county's own supported accommodation framework, each with about 60%
/// of the providers that could be on it.
pub(super) async fn load_frameworks(
    cmd: &mut Command,
    random: &mut Random,
    county: &County,
    provider_ids: &[ProviderId],
    standings: &HashMap<ProviderId, Standing>,
    can: &Can<Commission>,
) -> Result<(), StoreError> {
    let year = county.today.year();
    let regional_start = april(year - 7);
    let regional = store::frameworks::create(
        cmd,
        can,
        "4Cs Regional Framework",
        Scope::Regional,
        regional_start,
        Some(april(year + 2) - days(1)),
    )
    .await?;
    let local_start = april(year - 3);
    let local = store::frameworks::create(
        cmd,
        can,
        "Demo County Supported Accommodation",
        Scope::Local,
        local_start,
        Some(april(year + 1) - days(1)),
    )
    .await?;
    let lots: [LotPlan; 3] = [
        (
            regional,
            "Residential",
            PlacementCategory::ChildrensHome,
            regional_start,
            &[(4_200, 5_200), (5_000, 6_200), (6_000, 7_800)],
        ),
        (
            regional,
            "Fostering",
            PlacementCategory::IndependentFoster,
            regional_start,
            &[(780, 850), (850, 950), (950, 1_100)],
        ),
        (
            local,
            "Supported accommodation (16 and 17)",
            PlacementCategory::SupportedAccommodation,
            local_start,
            &[(700, 1_200), (1_100, 1_800)],
        ),
    ];
    for (framework, name, category, start, rates) in lots {
        let lot = store::frameworks::add_lot(cmd, can, framework, name, category).await?;
        let mut candidates: Vec<ProviderId> = (0..county.providers.len())
            .filter(|i| county.provider_categories[*i] == category && county.providers[*i].provider_type.is_external())
            .map(|i| provider_ids[i])
            .collect();
        random.shuffle(&mut candidates);
        // Providers in good standing first: the frameworks accredit too.
        candidates.sort_by_key(|p| matches!(standings.get(p), Some(Standing::Never | Standing::Suspended) | None));
        let members = (candidates.len() * 6).div_ceil(10);
        for provider in candidates.into_iter().take(members) {
            let tier = random.weighted(&[40, 35, 25][..rates.len()]);
            let (low, high) = rates[tier];
            // Most joined when the framework opened, some when it reopened.
            let joined_on = if random.chance(80) { start } else { start + days(2 * 365) };
            store::frameworks::add_member(
                cmd,
                can,
                &NewMember {
                    lot,
                    provider,
                    tier: u8::try_from(tier + 1).unwrap_or(1),
                    weekly_rate: Money::from_pounds(random.between(low, high)),
                    joined_on,
                },
            )
            .await?;
        }
    }
    Ok(())
}
