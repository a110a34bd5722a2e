//! Planning a county: pure, seeded, no I/O.

use authz::Role;
use kernel::Money;
use placements::PlacementCategory;
use providers::ProviderType;
use store::providers::NewProvider;
use time::{Date, Duration};

use crate::names;
use crate::random::Random;

/// What to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub children: usize,
    pub seed: u64,
    /// The county is built as it stands on this date.
    pub today: Date,
    /// Add one account per role, named after the role, for demos.
    pub demo_accounts: bool,
    /// Generate casework (reviews, visits, health, education plans,
    /// assessments); off for benchmark-scale data where it is not needed.
    pub casework: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamPlan {
    pub name: String,
    pub case_holding: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPlan {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub team: Option<usize>,
    /// A demo account, listed on the sign-in page.
    pub demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementPlan {
    pub category: PlacementCategory,
    pub provider: Option<usize>,
    pub start: Date,
    pub end: Option<Date>,
    pub weekly_cost: Money,
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildPlan {
    pub la_child_id: String,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub sex: &'static str,
    pub ethnicity: &'static str,
    pub team: usize,
    pub worker: usize,
    pub placements: Vec<PlacementPlan>,
    pub category_of_need: &'static str,
    /// Legal statuses covering the period of care: (code, start, end).
    pub legal_statuses: Vec<(&'static str, Date, Option<Date>)>,
    /// Dated casework events: (kind code, date).
    pub events: Vec<(&'static str, Date)>,
    /// An assessment, if one is under way: (kind code, started, state).
    pub assessment: Option<(&'static str, Date, &'static str)>,
    /// Restricted to the disabled children's team.
    pub restricted: bool,
}

/// A whole county, ready to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct County {
    /// The date the county was planned for.
    pub today: Date,
    pub teams: Vec<TeamPlan>,
    pub staff: Vec<StaffPlan>,
    pub providers: Vec<NewProvider>,
    pub children: Vec<ChildPlan>,
}

const CASE_TEAMS: [&str; 5] = [
    "Children in Care North",
    "Children in Care South",
    "Children in Care East",
    "16 Plus and Leaving Care",
    "Disabled Children's Service",
];
const NORTH: usize = 0;
const SIXTEEN_PLUS: usize = 3;
const DISABLED: usize = 4;

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

/// Builds the county described by `options`.
pub fn plan(options: &Options) -> County {
    let mut random = Random::new(options.seed);
    let mut county = County {
        today: options.today,
        teams: Vec::new(),
        staff: Vec::new(),
        providers: Vec::new(),
        children: Vec::new(),
    };
    for name in CASE_TEAMS {
        county.teams.push(TeamPlan {
            name: name.to_owned(),
            case_holding: true,
        });
    }
    let mut usernames = std::collections::BTreeSet::new();
    plan_staff(&mut county, &mut random, &mut usernames, options);
    let catalogue = crate::plan_providers::plan_providers(&mut county, &mut random, options.children);
    let social_workers: Vec<Vec<usize>> = (0..CASE_TEAMS.len())
        .map(|team| {
            county
                .staff
                .iter()
                .enumerate()
                .filter(|(_, s)| s.team == Some(team) && s.roles.contains(&Role::SocialWorker) && !s.demo)
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    for number in 0..options.children {
        let mut child = crate::plan_children::plan_child(&mut random, options.today, number, &catalogue, &social_workers);
        crate::plan_casework::add_casework(&mut random, options, &mut child);
        county.children.push(child);
    }
    if options.demo_accounts {
        give_demo_worker_a_caseload(&mut county);
    }
    county
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

fn person(random: &mut Random, usernames: &mut std::collections::BTreeSet<String>) -> (String, String) {
    let given = if random.chance(50) {
        random.pick(names::GIVEN_FEMALE)
    } else {
        random.pick(names::GIVEN_MALE)
    };
    let family = random.pick(names::FAMILY);
    let base = format!("{}.{}", given.to_lowercase(), family.to_lowercase()).replace(' ', "");
    let mut username = base.clone();
    let mut n = 2;
    while !usernames.insert(username.clone()) {
        username = format!("{base}{n}");
        n += 1;
    }
    (username, format!("{given} {family}"))
}

fn plan_staff(county: &mut County, random: &mut Random, usernames: &mut std::collections::BTreeSet<String>, options: &Options) {
    // Demo usernames are the role codes; reserve them so nobody else gets one.
    for role in Role::ALL {
        usernames.insert(role.code().to_owned());
    }
    // At least one worker per case-holding team, then one per 15 children.
    let workers = (options.children / 15).max(CASE_TEAMS.len());
    for n in 0..workers {
        let (username, display_name) = person(random, usernames);
        county.staff.push(StaffPlan {
            username,
            display_name,
            roles: vec![Role::SocialWorker],
            team: Some(n % CASE_TEAMS.len()),
            demo: false,
        });
    }
    for team in 0..CASE_TEAMS.len() {
        let (username, display_name) = person(random, usernames);
        county.staff.push(StaffPlan {
            username,
            display_name,
            roles: vec![Role::TeamManager],
            team: Some(team),
            demo: false,
        });
    }
    for (team_name, role, count) in FUNCTION_TEAMS {
        let team = team_index(county, team_name);
        for _ in 0..count {
            let (username, display_name) = person(random, usernames);
            county.staff.push(StaffPlan {
                username,
                display_name,
                roles: vec![role],
                team: Some(team),
                demo: false,
            });
        }
    }
    for (role, count) in [(Role::CommitteeMember, 3), (Role::Administrator, 2)] {
        for _ in 0..count {
            let (username, display_name) = person(random, usernames);
            county.staff.push(StaffPlan {
                username,
                display_name,
                roles: vec![role],
                team: None,
                demo: false,
            });
        }
    }
    if options.demo_accounts {
        for role in Role::ALL {
            let (_, display_name) = person(random, usernames);
            let team = match role {
                Role::SocialWorker | Role::TeamManager => Some(NORTH),
                other => FUNCTION_TEAMS
                    .iter()
                    .find(|(_, r, _)| *r == other)
                    .map(|(name, _, _)| team_index(county, name)),
            };
            county.staff.push(StaffPlan {
                username: role.code().to_owned(),
                display_name,
                roles: vec![role],
                team,
                demo: true,
            });
        }
    }
}

/// The demo social worker holds 14 children in the demo team manager's team,
/// so their trays have content on first sign-in.
fn give_demo_worker_a_caseload(county: &mut County) {
    let Some(worker) = county.staff.iter().position(|s| s.demo && s.roles.contains(&Role::SocialWorker)) else {
        return;
    };
    for child in county.children.iter_mut().take(14) {
        child.team = NORTH;
        child.worker = worker;
    }
}

/// The team a child of `age` is held by.
pub(crate) fn team_for_age(random: &mut Random, age: i64) -> usize {
    if age >= 16 && random.chance(80) {
        SIXTEEN_PLUS
    } else if random.chance(5) {
        DISABLED
    } else {
        usize::try_from(random.between(0, 2)).unwrap_or(0)
    }
}

/// A date `days` before `date`.
pub(crate) fn days_before(date: Date, days: i64) -> Date {
    date - Duration::days(days)
}

/// Which kind of provider a county keeps for each placement category.
pub(crate) fn provider_kind(category: PlacementCategory) -> Option<ProviderType> {
    match category {
        PlacementCategory::WithParents => None,
        PlacementCategory::InHouseFoster | PlacementCategory::Kinship => Some(ProviderType::OwnCouncil),
        PlacementCategory::Secure => Some(ProviderType::OtherPublic),
        _ => Some(ProviderType::Private),
    }
}
