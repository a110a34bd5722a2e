//! Loading the commissioning side of the demo county: a setting for each
//! provider's placements, accreditation in every state, a regional and a
//! local framework, placement agreements for most external placements,
//! contract monitoring, and the council's own foster carer households.
//!
//! It runs after the county itself is committed, because agreements and
//! monitoring start from the store's own list of current external
//! placements. Everything draws from one stream seeded from the county's
//! seed, so the same options give the same commissioning data. Records a
//! person makes in the real service (agreements, variations, visits) are
//! made by the commissioning officer, supervisory visits by each
//! household's supervising social worker.

use std::collections::BTreeMap;

use authz::cap::{ApproveVariations, Commission};
use authz::{Actor, Can, Role};
use kernel::{Clock, ProviderId, SettingId, UserId};
use providers::register::{Grade, Regulator, SettingType};
use store::monitoring::NewEvent;
use store::{Store, StoreError};
use time::Duration;

use crate::plan::County;
use crate::random::Random;

mod accreditation;
mod agreements;
mod households;
mod searches;
mod settings;

use accreditation::{load_accreditation, load_frameworks};
use agreements::{load_agreements, load_monitoring};
use households::{household_events, load_households};
use settings::load_settings;

/// The council's own area, as settings record it.
const HOME_AUTHORITY: &str = "Demo County";

/// Keeps this stream apart from the one that planned the county.
const STREAM: u64 = 0xC0_4415_5104;

/// A provider's setting, as loaded.
#[derive(Debug, Clone)]
struct Placed {
    setting: SettingId,
    setting_type: SettingType,
    regulator: Regulator,
    grade: Grade,
    local_authority: String,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// People holding `role`, demo accounts last.
pub(crate) fn holders(county: &County, user_ids: &[UserId], role: Role) -> Vec<UserId> {
    let mut people: Vec<(bool, UserId)> = county
        .staff
        .iter()
        .zip(user_ids)
        .filter(|(s, _)| s.roles.contains(&role))
        .map(|(s, id)| (s.demo, *id))
        .collect();
    people.sort_by_key(|(demo, _)| *demo);
    people.into_iter().map(|(_, id)| id).collect()
}

/// Loads the commissioning data for a county already loaded with
/// `provider_ids` and `user_ids` (in plan order).
pub async fn load_commissioning(
    store: &Store,
    clock: &dyn Clock,
    county: &County,
    provider_ids: &[ProviderId],
    user_ids: &[UserId],
) -> Result<(), StoreError> {
    let Some(officer) = holders(county, user_ids, Role::CommissioningOfficer).pop() else {
        return Ok(());
    };
    let mut random = Random::new(county.seed ^ STREAM);
    let today = county.today;
    let can = Can::<Commission>::system();

    let mut cmd = store.begin(Actor::System, clock).await?;
    let placed = load_settings(&mut cmd, &mut random, county, provider_ids, &can).await?;
    let standings = load_accreditation(&mut cmd, &mut random, county, provider_ids, officer, &can).await?;
    load_frameworks(&mut cmd, &mut random, county, provider_ids, &standings, &can).await?;
    let households = load_households(&mut cmd, &mut random, county, user_ids, &can).await?;
    cmd.commit().await?;

    let current = store::agreements::without_agreement(store, today).await?;
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    let mut signed_later = Vec::new();
    let approve = load_agreements(&mut cmd, &mut random, today, &current, &can, &mut signed_later).await?;
    load_monitoring(&mut cmd, &mut random, today, &current, &placed, officer, &can).await?;
    cmd.commit().await?;
    signed_later.sort_by_key(|(_, on)| *on);
    for group in signed_later.chunk_by(|a, b| a.1 == b.1) {
        let clock = kernel::FixedClock::on_date(group[0].1);
        let mut cmd = store.begin(Actor::User(officer), &clock).await?;
        for (id, _) in group {
            store::agreements::set_signature(&mut cmd, &can, *id, 1, contracts::agreements::SignatureStatus::FullySigned).await?;
        }
        cmd.commit().await?;
    }

    if let (Some(variation), Some(approver)) = (approve, holders(county, user_ids, Role::FinanceApprover).first()) {
        let mut cmd = store.begin(Actor::User(*approver), clock).await?;
        store::agreements::decide_variation(&mut cmd, &Can::<ApproveVariations>::system(), variation, 1, true).await?;
        cmd.commit().await?;
    }

    // Supervisory visits and reviews, each by the household's own worker.
    let mut by_worker: BTreeMap<UserId, Vec<NewEvent>> = BTreeMap::new();
    for (id, household) in &households {
        if let Some(worker) = household.supervising_worker {
            by_worker
                .entry(worker)
                .or_default()
                .extend(household_events(&mut random, today, *id, household));
        }
    }
    for (worker, events) in by_worker.into_iter().filter(|(_, e)| !e.is_empty()) {
        let mut cmd = store.begin(Actor::User(worker), clock).await?;
        for event in &events {
            store::monitoring::record_event(&mut cmd, &can, event, today).await?;
        }
        cmd.commit().await?;
    }
    searches::load_searches(store, clock, county, user_ids).await
}

/// A quality score, mostly good.
fn score(random: &mut Random, grade: Grade) -> u8 {
    let weights = match grade {
        Grade::Outstanding => [0, 5, 45, 50],
        Grade::RequiresImprovement => [10, 45, 40, 5],
        Grade::Inadequate => [40, 45, 15, 0],
        _ => [5, 20, 60, 15],
    };
    u8::try_from(random.weighted(&weights) + 1).unwrap_or(3)
}
