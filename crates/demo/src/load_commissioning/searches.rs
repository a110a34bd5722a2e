//! Placement search in the demo county: where its postcode districts are,
//! and searches for approved requests in every state — just run, referred
//! and awaiting answers, with offers and a decline, chosen as the best
//! offer, chosen with a written rationale, and closed without a choice.
//!
//! Districts are laid out from their numbers, not the random stream, so
//! loading them changes nothing else in the county.

use authz::cap::SearchPlacements;
use authz::{Actor, Can, Role};
use gateway::request::RequestState;
use kernel::{Clock, Money, UserId};
use matching::search::PassKind;
use matching::{Criteria, Location};
use placements::PlacementCategory;
use providers::register::Need;
use store::search_referrals::Answer;
use store::{Store, StoreError};

use crate::plan::County;

use super::holders;

/// Grid centres (metres) of the county and the areas its providers are in.
const AREAS: [(&str, i32, i32); 11] = [
    ("DC", 380_000, 260_000),
    ("BS", 360_000, 172_000),
    ("CF", 318_000, 176_000),
    ("NP", 331_000, 188_000),
    ("B", 407_000, 287_000),
    ("M", 384_000, 398_000),
    ("LS", 430_000, 434_000),
    ("GL", 383_000, 218_000),
    ("HR", 351_000, 240_000),
    ("SY", 349_000, 312_000),
    ("BA", 375_000, 165_000),
];

/// Districts 1 to 20 of each area, 3 km apart on a grid around its centre.
pub fn districts() -> Vec<(String, Location)> {
    AREAS
        .iter()
        .flat_map(|(area, east, north)| {
            (1..=20).map(move |n| {
                let (col, row) = ((n - 1) % 5 - 2, (n - 1) / 5 - 2);
                (
                    format!("{area}{n}"),
                    Location {
                        easting: east + col * 3_000,
                        northing: north + row * 3_000,
                    },
                )
            })
        })
        .collect()
}

/// What each demo search looks for beyond the request, and how far it got.
const STAGES: [(&[Need], &[Need], &str); 6] = [
    (&[], &[], "open"),
    (&[], &[], "answered"),
    (&[], &[], "chosen-with-rationale"),
    (&[Need::EmotionalBehavioural], &[Need::GoingMissing], "closed"),
    (&[], &[], "chosen"),
    (&[], &[], "referred"),
];

/// Loads the districts and the searches.
pub(super) async fn load_searches(store: &Store, clock: &dyn Clock, county: &County, user_ids: &[UserId]) -> Result<(), StoreError> {
    let mut cmd = store.begin(Actor::System, clock).await?;
    store::search_candidates::load_locations(&mut cmd, &districts()).await?;
    cmd.commit().await?;
    let Some(officer) = holders(county, user_ids, Role::GatewayOfficer).pop() else {
        return Ok(());
    };
    let filter = store::requests::Filter {
        state: Some(RequestState::Approved),
        ..Default::default()
    };
    // Kinship and placements with parents are arranged, not searched for.
    let searched = |c: &PlacementCategory| {
        matches!(
            c,
            PlacementCategory::InHouseFoster
                | PlacementCategory::IndependentFoster
                | PlacementCategory::ChildrensHome
                | PlacementCategory::SupportedAccommodation
        )
    };
    let approved: Vec<_> = store::requests::list(store, &filter, store::PageRequest::new(1, 100))
        .await?
        .items
        .into_iter()
        .filter(|r| r.details.suitable.iter().any(searched))
        .collect();
    let home = districts()[6].1;
    for (request, (needs, risks, stage)) in approved.iter().zip(STAGES) {
        let criteria = Criteria {
            start: county.today,
            date_of_birth: request.child_date_of_birth,
            nation: kernel::Nation::England,
            categories: request.details.suitable.clone(),
            needs: needs.to_vec(),
            risks: risks.to_vec(),
            siblings: request.details.siblings_together,
            home: Some(home),
            school: None,
            max_weekly: Some(request.agreed_weekly_cost.unwrap_or(request.weekly_cost)),
        };
        let approved_cost = request.agreed_weekly_cost.unwrap_or(request.weekly_cost);
        let mut cmd = store.begin(Actor::User(officer), clock).await?;
        let can = Can::<SearchPlacements>::system();
        let id = store::placement_search::run(store, &mut cmd, &can, request.id, &criteria, kernel::Nation::England, county.today).await?;
        cmd.commit().await?;
        advance(store, clock, officer, id, stage, approved_cost).await?;
    }
    Ok(())
}

/// Takes a search to its stage: refer to the first three results, then
/// answer, choose or close.
async fn advance(store: &Store, clock: &dyn Clock, officer: UserId, id: i64, stage: &str, approved: Money) -> Result<(), StoreError> {
    let can = Can::<SearchPlacements>::system();
    let search = {
        let mut conn = store.pool().acquire().await?;
        store::placement_search::load(&mut conn, id).await?
    };
    if stage == "open" {
        return Ok(());
    }
    if stage == "closed" {
        let mut cmd = store.begin(Actor::User(officer), clock).await?;
        store::search_referrals::close(&mut cmd, &can, id, 1, "The child's plan changed: she returns home to her mother").await?;
        cmd.commit().await?;
        return Ok(());
    }
    let picks: Vec<(PassKind, i64)> = search.findings.results.iter().take(3).map(|r| (r.pass, r.id)).collect();
    if picks.is_empty() {
        return Ok(());
    }
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    store::search_referrals::refer(&mut cmd, &can, id, 1, &picks).await?;
    cmd.commit().await?;
    if stage == "referred" {
        return Ok(());
    }
    // The best-ranked referral offers the lowest price, the second a little
    // more, the third declines: so choosing the first needs no rationale
    // and choosing the second does.
    let referrals = store::search_referrals::list(store, id).await?;
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    for (n, referral) in referrals.iter().enumerate() {
        let answer = match n {
            0 => Answer::Offer {
                weekly: approved.apportion(90, 100).unwrap_or(approved),
                conditions: "Education on site from the first week".into(),
            },
            1 => Answer::Offer {
                weekly: approved.apportion(95, 100).unwrap_or(approved),
                conditions: "Needs a planned introduction over two visits".into(),
            },
            _ => Answer::Decline {
                reason: "Matching with the current group of children would not be safe".into(),
            },
        };
        store::search_referrals::answer(&mut cmd, &can, referral.id, referral.version, &answer).await?;
    }
    cmd.commit().await?;
    let rationale = "The second home keeps her at her school and near her sister";
    let choice = match stage {
        "chosen" => (&referrals[0], ""),
        "chosen-with-rationale" => (referrals.get(1).unwrap_or(&referrals[0]), rationale),
        _ => return Ok(()),
    };
    let (choice, rationale) = choice;
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    store::search_referrals::choose(&mut cmd, &can, id, 2, choice.id, rationale).await?;
    cmd.commit().await?;
    Ok(())
}
