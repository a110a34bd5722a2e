//! Loading the planned SSDA903 facts (see [`crate::plan_returns`]) through
//! the store's bulk writers, in the county's command.

use authz::cap::RecordChildren;
use authz::Can;
use kernel::{ChildId, UserId};
use store::returns_facts::HeaderFacts;
use store::{Command, StoreError};

use crate::plan::County;

pub async fn load_returns(cmd: &mut Command, county: &County, child_ids: &[ChildId], user_ids: &[UserId]) -> Result<(), StoreError> {
    let can = Can::<RecordChildren>::system();
    let plan = &county.returns;
    let mut header = Vec::with_capacity(child_ids.len());
    let mut homes = Vec::with_capacity(child_ids.len());
    let mut reviews = Vec::new();
    let mut placement_reasons = Vec::new();
    let mut allocation_reasons = Vec::with_capacity(child_ids.len());
    let mut missing = Vec::new();
    let mut health = Vec::new();
    let mut permanence = Vec::with_capacity(child_ids.len());
    let mut decisions = Vec::new();
    let mut dolos = Vec::new();
    for ((child, facts), id) in county.children.iter().zip(&plan.children).zip(child_ids) {
        let id = *id;
        header.push((
            id,
            HeaderFacts {
                upn: facts.upn.clone(),
                mother: facts.mother,
                first_child_born_on: facts.first_child_born_on,
            },
        ));
        homes.push((id, facts.home.0.clone(), facts.home.1.clone(), child.date_of_birth, None));
        let dates = child.events.iter().filter(|(kind, _)| *kind == "review").map(|(_, on)| *on);
        for (on, participation) in dates.zip(&facts.reviews) {
            reviews.push((id, on, participation.map(str::to_owned)));
        }
        for (start, reason) in &facts.placement_reasons {
            placement_reasons.push((id, *start, (*reason).to_owned()));
        }
        allocation_reasons.push((id, child.placements[0].start, facts.sw_reason.to_owned()));
        missing.extend(facts.missing.iter().map(|m| (id, m.clone())));
        health.extend(facts.health.iter().map(|(year, h)| (id, *year, h.clone())));
        permanence.push((id, facts.previous_permanence.clone()));
        decisions.extend(facts.adoption_decision.iter().map(|d| (id, d.clone())));
        dolos.extend(facts.dolo.iter().map(|(start, end)| (id, *start, *end)));
    }
    let numbers: Vec<(UserId, String)> = plan
        .swe_numbers
        .iter()
        .map(|(staff, number)| (user_ids[*staff], number.clone()))
        .collect();
    store::returns_facts::set_header_facts(cmd, &can, &header).await?;
    store::returns_facts::insert_home_addresses(cmd, &can, &homes).await?;
    if !reviews.is_empty() {
        store::returns_facts::insert_reviews(cmd, &can, &reviews).await?;
    }
    store::returns_facts::set_placement_reasons(cmd, &can, &placement_reasons).await?;
    store::returns_facts::set_allocation_reasons(cmd, &can, &allocation_reasons).await?;
    store::returns_facts::set_swe_numbers(cmd, &can, &numbers).await?;
    store::returns_facts::insert_missing(cmd, &can, &missing).await?;
    store::returns_facts::insert_health(cmd, &can, &health).await?;
    store::returns_facts::insert_previous_permanence(cmd, &can, &permanence).await?;
    store::returns_facts::insert_adoption_decisions(cmd, &can, &decisions).await?;
    store::returns_facts::insert_dolos(cmd, &can, &dolos).await?;
    Ok(())
}
