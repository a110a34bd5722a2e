//! Writing a planned county through the store, in one audited command.

use authz::cap::{ManageUsers, RecordChildren};
use authz::{Actor, Can};
use kernel::{Clock, TeamId, UserId};
use store::children::NewChild;
use store::placements::NewPlacement;
use store::users::NewUser;
use store::{Store, StoreError};

use crate::plan::County;

/// What was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub teams: usize,
    pub users: usize,
    pub providers: usize,
    pub children: usize,
    pub placements: u64,
    /// (username, role label) of the demo accounts.
    pub demo_accounts: Vec<(String, String)>,
    /// The committee meeting whose pack is still to be generated.
    pub assurance: Option<crate::load_assurance::Loaded>,
}

/// Loads `county`; every account gets `password_hash`.
pub async fn load(store: &Store, clock: &dyn Clock, county: &County, password_hash: &str) -> Result<LoadReport, StoreError> {
    // Synthetic data is created by Hearth itself, recorded as `system`.
    let accounts = Can::<ManageUsers>::system();
    let records = Can::<RecordChildren>::system();
    let mut cmd = store.begin(Actor::System, clock).await?;

    let mut team_ids: Vec<TeamId> = Vec::with_capacity(county.teams.len());
    for team in &county.teams {
        team_ids.push(store::teams::create(&mut cmd, &accounts, &team.name).await?.id);
    }
    let mut user_ids: Vec<UserId> = Vec::with_capacity(county.staff.len());
    let mut demo_accounts = Vec::new();
    for person in &county.staff {
        let user = store::users::create(
            &mut cmd,
            &accounts,
            NewUser {
                username: person.username.clone(),
                display_name: person.display_name.clone(),
                email: None,
                password_hash: password_hash.to_owned(),
                roles: person.roles.clone(),
                teams: person.team.map(|t| team_ids[t]).into_iter().collect(),
            },
        )
        .await?;
        if person.demo {
            let label = person.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
            demo_accounts.push((person.username.clone(), label));
        }
        user_ids.push(user.id);
    }
    let provider_ids = store::providers::insert_many(&mut cmd, &records, &county.providers).await?;

    let new_children: Vec<NewChild> = county
        .children
        .iter()
        .map(|child| NewChild {
            la_child_id: child.la_child_id.clone(),
            given_names: child.given_names.clone(),
            family_name: child.family_name.clone(),
            date_of_birth: child.date_of_birth,
            sex: child.sex.to_owned(),
            ethnicity: child.ethnicity.to_owned(),
            team_id: Some(team_ids[child.team]),
            allocated_worker_id: Some(user_ids[child.worker]),
        })
        .collect();
    let child_ids = store::children::insert_many(&mut cmd, &records, &new_children).await?;

    let new_placements: Vec<NewPlacement> = county
        .children
        .iter()
        .zip(&child_ids)
        .flat_map(|(child, id)| {
            child.placements.iter().map(|p| NewPlacement {
                child_id: *id,
                provider_id: p.provider.map(|index| provider_ids[index]),
                category: p.category,
                place_code: crate::load_casework::place_code_for(p.category, p.start).to_owned(),
                start_date: p.start,
                end_date: p.end,
                weekly_cost: p.weekly_cost,
                postcode: p.postcode.clone(),
            })
        })
        .collect();
    let placements = store::placements::insert_many(&mut cmd, &records, &new_placements).await?;
    crate::load_casework::load_casework(&mut cmd, county, &child_ids, &user_ids, &team_ids).await?;
    crate::load_returns::load_returns(&mut cmd, county, &child_ids, &user_ids).await?;
    cmd.commit().await?;
    // Commissioning starts from the committed placements; like casework, it
    // is for demos, not benchmark-scale data.
    if county.children.iter().any(|c| !c.events.is_empty()) {
        crate::load_commissioning::load_commissioning(store, clock, county, &provider_ids, &user_ids).await?;
        crate::load_finance::load_finance(store, clock, county, &user_ids).await?;
    }
    let assurance = if county.children.iter().any(|c| !c.events.is_empty()) {
        crate::load_assurance::load_assurance(store, county, &user_ids).await?
    } else {
        None
    };

    Ok(LoadReport {
        teams: team_ids.len(),
        users: user_ids.len(),
        providers: provider_ids.len(),
        children: child_ids.len(),
        placements,
        demo_accounts,
        assurance,
    })
}
