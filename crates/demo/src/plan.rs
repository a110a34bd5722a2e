//! Planning a county: pure, seeded, no I/O.

use authz::Role;
use kernel::Money;
use placements::PlacementCategory;
use store::providers::NewProvider;
use time::{Date, Duration};

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
    /// The seed it was planned from; the commissioning data loaded with it
    /// draws from its own stream seeded from this.
    pub seed: u64,
    pub teams: Vec<TeamPlan>,
    pub staff: Vec<StaffPlan>,
    pub providers: Vec<NewProvider>,
    /// The placement category each provider mainly offers, by index into
    /// `providers`.
    pub provider_categories: Vec<PlacementCategory>,
    pub children: Vec<ChildPlan>,
    /// The SSDA903 facts of the children and staff.
    pub returns: crate::plan_returns::ReturnsPlan,
}

pub(crate) const CASE_TEAMS: [&str; 5] = [
    "Children in Care North",
    "Children in Care South",
    "Children in Care East",
    "16 Plus and Leaving Care",
    "Disabled Children's Service",
];
pub(crate) const NORTH: usize = 0;
const SOUTH: usize = 1;
const EAST: usize = 2;
const SIXTEEN_PLUS: usize = 3;
const DISABLED: usize = 4;

/// How many children the demo social worker holds.
const DEMO_CASELOAD: usize = 14;

/// Builds the county described by `options`.
pub fn plan(options: &Options) -> County {
    let mut random = Random::new(options.seed);
    let mut county = County {
        today: options.today,
        seed: options.seed,
        teams: Vec::new(),
        staff: Vec::new(),
        providers: Vec::new(),
        provider_categories: Vec::new(),
        children: Vec::new(),
        returns: Default::default(),
    };
    for name in CASE_TEAMS {
        county.teams.push(TeamPlan {
            name: name.to_owned(),
            case_holding: true,
        });
    }
    let catalogue = crate::plan_providers::plan_providers(&mut county, &mut random, options.children);
    let bands = crate::plan_children::age_bands(&mut random, options.children);
    county.children = bands
        .into_iter()
        .enumerate()
        .map(|(number, band)| crate::plan_children::plan_child(&mut random, options.today, number, band, &catalogue))
        .collect();
    let demo_caseload = if options.demo_accounts {
        choose_demo_caseload(&mut county)
    } else {
        Vec::new()
    };
    crate::plan_staff::plan_staff(&mut county, &mut random, options, &demo_caseload);
    for child in &mut county.children {
        crate::plan_casework::add_casework(&mut random, options, child);
    }
    county.returns = crate::plan_returns::plan_returns(options, &county);
    county
}

/// Picks the children the demo social worker will hold: the first few
/// held by the three area teams, all moved to the demo team manager's
/// team, so their trays have content on first sign-in.
fn choose_demo_caseload(county: &mut County) -> Vec<usize> {
    let chosen: Vec<usize> = county
        .children
        .iter()
        .enumerate()
        .filter(|(_, child)| [NORTH, SOUTH, EAST].contains(&child.team))
        .map(|(index, _)| index)
        .take(DEMO_CASELOAD)
        .collect();
    for index in &chosen {
        county.children[*index].team = NORTH;
    }
    chosen
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
