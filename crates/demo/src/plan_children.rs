//! Children and their care histories.

use kernel::Money;
use placements::PlacementCategory;
use providers::ProviderType;
use time::{Date, Duration};

use crate::names;
use crate::plan::{days_before, team_for_age, ChildPlan, PlacementPlan};
use crate::plan_providers::{postcode, Catalogue};
use crate::random::Random;

/// DfE ethnicity codes with shares (per thousand) near those of children
/// looked after in England: 71% White, 11% Mixed, 7% Black, 5% Asian.
const ETHNICITY: [(&str, u64); 19] = [
    ("WBRI", 645),
    ("WIRI", 5),
    ("WOTH", 45),
    ("WIRT", 5),
    ("WROM", 10),
    ("MWBC", 40),
    ("MWBA", 20),
    ("MWAS", 15),
    ("MOTH", 35),
    ("AIND", 8),
    ("APKN", 15),
    ("ABAN", 7),
    ("AOTH", 20),
    ("BAFR", 35),
    ("BCRB", 15),
    ("BOTH", 20),
    ("CHNE", 5),
    ("OOTH", 45),
    ("NOBT", 15),
];

/// Categories of need, abuse or neglect by far the most common.
const NEEDS: [&str; 7] = ["N1", "N2", "N3", "N4", "N5", "N6", "N8"];

/// Placement mix for a current placement, per thousand (England, 2024).
const MIX: [(PlacementCategory, u64); 9] = [
    (PlacementCategory::InHouseFoster, 280),
    (PlacementCategory::IndependentFoster, 250),
    (PlacementCategory::Kinship, 160),
    (PlacementCategory::ChildrensHome, 110),
    (PlacementCategory::SupportedAccommodation, 100),
    (PlacementCategory::WithParents, 60),
    (PlacementCategory::Bespoke, 15),
    (PlacementCategory::Secure, 3),
    (PlacementCategory::Other, 22),
];

/// A category suitable for a child of `age`.
pub fn category_for_age(random: &mut Random, age: i64) -> PlacementCategory {
    let weights: Vec<u64> = MIX
        .iter()
        .map(|(category, weight)| match category {
            PlacementCategory::SupportedAccommodation if age < 16 => 0,
            PlacementCategory::Secure if age < 10 => 0,
            PlacementCategory::ChildrensHome if age < 8 => 10,
            PlacementCategory::Bespoke if age < 10 => 3,
            PlacementCategory::Bespoke => weight * 2,
            // Older children are in supported accommodation and homes more.
            PlacementCategory::SupportedAccommodation => weight * 4,
            PlacementCategory::ChildrensHome if age >= 10 => weight * 5 / 2,
            _ => *weight,
        })
        .collect();
    MIX[random.weighted(&weights)].0
}

/// A weekly cost in pence for `category` (domain notes §4.7).
pub fn weekly_cost(random: &mut Random, category: PlacementCategory) -> Money {
    let pounds = match category {
        PlacementCategory::InHouseFoster => random.between(450, 700),
        PlacementCategory::IndependentFoster => random.between(750, 1_100),
        PlacementCategory::Kinship => random.between(250, 450),
        PlacementCategory::ChildrensHome if random.chance(10) => random.between(9_000, 15_000),
        PlacementCategory::ChildrensHome => random.between(4_000, 9_000),
        PlacementCategory::SupportedAccommodation if random.chance(5) => random.between(2_000, 7_000),
        PlacementCategory::SupportedAccommodation => random.between(300, 2_000),
        PlacementCategory::WithParents => random.between(0, 150),
        PlacementCategory::Bespoke => random.between(10_000, 35_000),
        PlacementCategory::Secure => random.between(7_000, 12_000),
        PlacementCategory::Other => random.between(500, 3_000),
    };
    Money::from_pence(pounds * 100 + random.between(0, 99))
}

fn age_on(dob: Date, on: Date) -> i64 {
    i64::from(children::age_on(dob, on))
}

/// Age profile of looked-after children (per cent): under 1, 1-4, 5-9,
/// 10-15, 16-17.
const AGE_BANDS: [((i64, i64), u64); 5] = [((0, 0), 5), ((1, 4), 15), ((5, 9), 18), ((10, 15), 38), ((16, 17), 24)];

/// An age band for each of `children`, in the national proportions to
/// within one child, in random order: a small county still has the right
/// shape, and every mix that depends on age follows.
pub fn age_bands(random: &mut Random, children: usize) -> Vec<usize> {
    let mut bands = random.quota(&AGE_BANDS.map(|(_, share)| share), children);
    random.shuffle(&mut bands);
    bands
}

/// A child in age band `band`, held by a team; the worker is allocated
/// once staff are planned.
pub fn plan_child(random: &mut Random, today: Date, number: usize, band: usize, catalogue: &Catalogue) -> ChildPlan {
    let (youngest, oldest) = AGE_BANDS[band].0;
    let age = random.between(youngest, oldest);
    let date_of_birth = days_before(today, age * 365 + random.between(age / 4 + 1, 364));
    let male = random.chance(57);
    let given = if male {
        random.pick(names::GIVEN_MALE)
    } else {
        random.pick(names::GIVEN_FEMALE)
    };
    let team = team_for_age(random, age_on(date_of_birth, today));
    ChildPlan {
        la_child_id: format!("DC{:06}", 100_000 + number),
        given_names: (*given).to_owned(),
        family_name: (*random.pick(names::FAMILY)).to_owned(),
        date_of_birth,
        sex: if male { "M" } else { "F" },
        ethnicity: ETHNICITY[random.weighted(&ETHNICITY.map(|(_, w)| w))].0,
        team,
        worker: usize::MAX,
        placements: care_history(random, today, date_of_birth, catalogue),
        category_of_need: NEEDS[random.weighted(&[3, 1, 1, 1, 1, 1, 1])],
        legal_statuses: Vec::new(),
        events: Vec::new(),
        assessment: None,
        restricted: false,
    }
}

/// Contiguous placements from the start of care to today, the last open.
fn care_history(random: &mut Random, today: Date, date_of_birth: Date, catalogue: &Catalogue) -> Vec<PlacementPlan> {
    let earliest = date_of_birth.max(days_before(today, 6 * 365));
    let span = (today - earliest).whole_days().max(1);
    let start = earliest + Duration::days(random.between(0, span - 1));
    let days_in_care = (today - start).whole_days();
    let wanted = 1 + random.weighted(&[45, 30, 15, 10]);
    // Each placement lasts at least a week, so short histories have fewer moves.
    let moves = wanted.min(usize::try_from(days_in_care / 7).unwrap_or(0).max(1));
    let mut boundaries: Vec<i64> = (1..moves).map(|_| random.between(1, days_in_care.max(2) - 1)).collect();
    boundaries.sort_unstable();
    boundaries.dedup();
    let mut starts = vec![start];
    starts.extend(boundaries.iter().map(|offset| start + Duration::days(*offset)));
    let mut history = Vec::with_capacity(starts.len());
    for (index, begin) in starts.iter().enumerate() {
        let end = starts.get(index + 1).copied();
        let age = age_on(date_of_birth, *begin);
        let category = category_for_age(random, age);
        let provider = catalogue.pick(random, category);
        history.push(PlacementPlan {
            category,
            provider,
            start: *begin,
            end,
            weekly_cost: weekly_cost(random, category),
            postcode: Some(placement_postcode(random, catalogue, provider)),
        });
    }
    move_on_at_sixteen(random, today, date_of_birth, catalogue, &mut history);
    history
}

/// Many young people move to supported accommodation after their sixteenth
/// birthday; model that as a final move for some of those now 16 or 17
/// whose history has room for it (four placements at most).
fn move_on_at_sixteen(random: &mut Random, today: Date, date_of_birth: Date, catalogue: &Catalogue, history: &mut Vec<PlacementPlan>) {
    let Some(last) = history.last().filter(|_| history.len() < 4) else {
        return;
    };
    let sixteenth = date_of_birth
        .replace_year(date_of_birth.year() + 16)
        .unwrap_or(date_of_birth + Duration::days(16 * 365 + 4));
    let earliest = sixteenth.max(last.start + Duration::days(7));
    if last.category == PlacementCategory::SupportedAccommodation || earliest >= today || !random.chance(40) {
        return;
    }
    let span = (today - earliest).whole_days();
    let start = earliest + Duration::days(random.between(0, span - 1));
    if let Some(previous) = history.last_mut() {
        previous.end = Some(start);
    }
    let category = PlacementCategory::SupportedAccommodation;
    let provider = catalogue.pick(random, category);
    history.push(PlacementPlan {
        category,
        provider,
        start,
        end: None,
        weekly_cost: weekly_cost(random, category),
        postcode: Some(placement_postcode(random, catalogue, provider)),
    });
}

/// Where a placement is: the council's own carers and homes are in the
/// county, other councils and the secure home outside it, independent
/// providers about half and half (domain notes §4.2), and a child placed
/// with parents usually near home.
fn placement_postcode(random: &mut Random, catalogue: &Catalogue, provider: Option<usize>) -> String {
    let in_county = match provider.map(|index| catalogue.provider_type(index)) {
        None | Some(ProviderType::Parent) => random.chance(90),
        Some(ProviderType::OwnCouncil) => random.chance(97),
        Some(ProviderType::OtherCouncil | ProviderType::OtherPublic) => false,
        Some(ProviderType::Private | ProviderType::Voluntary) => random.chance(52),
    };
    postcode(random, in_county)
}
