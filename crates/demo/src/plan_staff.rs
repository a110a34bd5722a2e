//! The county's staff, and who holds which child.
//!
//! Staff are planned after the children so each case-holding team gets
//! enough social workers for the children it holds (about fifteen each),
//! and caseloads are shared out evenly: a demo where one worker holds forty
//! children and another two would mislead anyone judging the trays.

use std::collections::BTreeSet;

use authz::Role;

use crate::names;
use crate::plan::{County, Options, StaffPlan, TeamPlan, CASE_TEAMS, NORTH};
use crate::random::Random;

/// Children per social worker.
const CASELOAD: usize = 15;

/// Functional teams and the role whose staff sit in each.
const FUNCTION_TEAMS: [(&str, Role, usize); 8] = [
    ("Gateway and Resources", Role::GatewayOfficer, 3),
    ("Corporate Parenting Panel", Role::PanelMember, 4),
    ("Commissioning and Contracts", Role::CommissioningOfficer, 3),
    ("Placements Finance", Role::FinanceOfficer, 3),
    ("Placements Finance", Role::FinanceApprover, 2),
    ("Internal Audit", Role::InternalAuditor, 2),
    ("Children's Services Leadership", Role::HeadOfService, 2),
    ("Children's Services Leadership", Role::Director, 1),
];

/// Roles held outside any team: councillors and system administrators.
const NO_TEAM: [(Role, usize); 2] = [(Role::CommitteeMember, 3), (Role::Administrator, 2)];

/// Plans every member of staff and allocates every child a social worker
/// from the child's team; the children in `demo_caseload` go to the demo
/// social worker when demo accounts are wanted.
pub fn plan_staff(county: &mut County, random: &mut Random, options: &Options, demo_caseload: &[usize]) {
    let mut usernames = BTreeSet::new();
    // Demo usernames are the role codes; reserve them so nobody else gets one.
    for role in Role::ALL {
        usernames.insert(role.code().to_owned());
    }
    let mut people = People { random, usernames };

    let mut held = vec![0usize; CASE_TEAMS.len()];
    for (index, child) in county.children.iter().enumerate() {
        if !demo_caseload.contains(&index) {
            held[child.team] += 1;
        }
    }
    let mut workers: Vec<Vec<usize>> = Vec::with_capacity(CASE_TEAMS.len());
    for (team, count) in held.iter().enumerate() {
        let needed = count.div_ceil(CASELOAD).max(1);
        workers.push(
            (0..needed)
                .map(|_| people.add(county, Role::SocialWorker, Some(team), false))
                .collect(),
        );
    }
    for team in 0..CASE_TEAMS.len() {
        people.add(county, Role::TeamManager, Some(team), false);
    }
    for (team_name, role, count) in FUNCTION_TEAMS {
        let team = team_index(county, team_name);
        for _ in 0..count {
            people.add(county, role, Some(team), false);
        }
    }
    for (role, count) in NO_TEAM {
        for _ in 0..count {
            people.add(county, role, None, false);
        }
    }
    let mut demo_worker = None;
    if options.demo_accounts {
        for role in Role::ALL {
            let team = match role {
                Role::SocialWorker | Role::TeamManager => Some(NORTH),
                other => FUNCTION_TEAMS
                    .iter()
                    .find(|(_, r, _)| *r == other)
                    .map(|(name, _, _)| team_index(county, name)),
            };
            let index = people.add(county, role, team, true);
            if role == Role::SocialWorker {
                demo_worker = Some(index);
            }
        }
    }
    allocate(county, &workers, demo_worker, demo_caseload);
}

/// Shares each team's children among its workers in turn.
fn allocate(county: &mut County, workers: &[Vec<usize>], demo_worker: Option<usize>, demo_caseload: &[usize]) {
    let mut next = vec![0usize; workers.len()];
    for (index, child) in county.children.iter_mut().enumerate() {
        if let Some(demo) = demo_worker.filter(|_| demo_caseload.contains(&index)) {
            child.worker = demo;
            continue;
        }
        let team = &workers[child.team];
        child.worker = team[next[child.team] % team.len()];
        next[child.team] += 1;
    }
}

fn team_index(county: &mut County, name: &str) -> usize {
    if let Some(index) = county.teams.iter().position(|t| t.name == name) {
        return index;
    }
    county.teams.push(TeamPlan {
        name: name.to_owned(),
        case_holding: false,
    });
    county.teams.len() - 1
}

/// Invents people with unique usernames.
struct People<'a> {
    random: &'a mut Random,
    usernames: BTreeSet<String>,
}

impl People<'_> {
    /// Adds a member of staff holding `role`; returns their index. A demo
    /// account's username is the role code.
    fn add(&mut self, county: &mut County, role: Role, team: Option<usize>, demo: bool) -> usize {
        let given = if self.random.chance(50) {
            self.random.pick(names::GIVEN_FEMALE)
        } else {
            self.random.pick(names::GIVEN_MALE)
        };
        let family = self.random.pick(names::FAMILY);
        let username = if demo {
            role.code().to_owned()
        } else {
            self.unique_username(given, family)
        };
        county.staff.push(StaffPlan {
            username,
            display_name: format!("{given} {family}"),
            roles: vec![role],
            team,
            demo,
        });
        county.staff.len() - 1
    }

    /// `given.family`, lower-case letters only, with a number added when
    /// the name is taken.
    fn unique_username(&mut self, given: &str, family: &str) -> String {
        let clean = |name: &str| name.chars().filter(char::is_ascii_alphabetic).collect::<String>().to_lowercase();
        let base = format!("{}.{}", clean(given), clean(family));
        let mut username = base.clone();
        let mut n = 2;
        while !self.usernames.insert(username.clone()) {
            username = format!("{base}{n}");
            n += 1;
        }
        username
    }
}
