//! The demo county's shape: deterministic, complete, and close enough to
//! the national figures (domain notes §4) that demos and benchmarks look
//! like a real council's data.

use std::collections::{BTreeMap, BTreeSet};

use authz::Role;
use demo::{plan, County, Options};
use placements::PlacementCategory;
use providers::ProviderType;
use time::macros::date;
use time::{Date, Duration};

const TODAY: Date = date!(2026 - 11 - 22);

fn county(children: usize, seed: u64) -> County {
    plan(&Options {
        children,
        seed,
        today: TODAY,
        demo_accounts: true,
        casework: true,
    })
}

/// Percentage of `part` in `whole`.
fn percent(part: usize, whole: usize) -> f64 {
    part as f64 * 100.0 / whole as f64
}

fn age_on(date_of_birth: Date, on: Date) -> i32 {
    children::age_on(date_of_birth, on)
}

#[test]
fn the_same_options_give_the_same_county() {
    assert_eq!(county(200, 1), county(200, 1));
    assert_ne!(county(200, 1), county(200, 2));
    let later = plan(&Options {
        children: 200,
        seed: 1,
        today: TODAY + Duration::days(1),
        demo_accounts: true,
        casework: true,
    });
    assert_ne!(county(200, 1), later);
}

#[test]
fn ids_and_usernames_are_unique_and_well_formed() {
    let c = county(800, 2026);
    assert_eq!(c.children.len(), 800);
    let ids: BTreeSet<_> = c.children.iter().map(|ch| ch.la_child_id.as_str()).collect();
    assert_eq!(ids.len(), 800);
    for id in ids {
        assert!(
            id.len() == 8 && id.starts_with("DC") && id[2..].bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
    }
    let usernames: BTreeSet<_> = c.staff.iter().map(|s| s.username.as_str()).collect();
    assert_eq!(usernames.len(), c.staff.len());
    for username in &usernames {
        assert_eq!(store::users::normalise_username(username).as_deref(), Ok(*username));
    }
    for role in Role::ALL {
        assert!(usernames.contains(role.code()), "demo account for {role}");
        assert!(c.staff.iter().any(|s| s.roles.contains(&role) && !s.demo), "a real {role}");
    }
}

#[test]
fn exactly_the_asked_number_of_children_at_every_size() {
    for n in [0, 1, 7, 60] {
        let c = county(n, 5);
        assert_eq!(c.children.len(), n);
        assert!(c.children.iter().all(|ch| ch.worker < c.staff.len()));
    }
}

#[test]
fn care_histories_are_contiguous_and_open_today() {
    let six_years_ago = TODAY - Duration::days(6 * 366);
    for child in county(800, 2026).children {
        let id = &child.la_child_id;
        let placements = &child.placements;
        assert!((1..=4).contains(&placements.len()), "{id}: {} placements", placements.len());
        assert!(placements[0].start >= child.date_of_birth, "{id}: placed before birth");
        assert!(placements[0].start >= six_years_ago, "{id}: history too long");
        for pair in placements.windows(2) {
            assert_eq!(pair[0].end, Some(pair[1].start), "{id}: gap or overlap");
            assert!(pair[0].start < pair[1].start, "{id}: empty placement");
        }
        let open: Vec<_> = placements.iter().filter(|p| p.end.is_none()).collect();
        assert_eq!(open.len(), 1, "{id}: open placements");
        assert!(open[0].start <= TODAY, "{id}: open placement starts after today");
        for p in placements {
            let age = age_on(child.date_of_birth, p.start);
            match p.category {
                PlacementCategory::SupportedAccommodation => assert!(age >= 16, "{id}: supported accommodation at {age}"),
                PlacementCategory::Secure => assert!(age >= 10, "{id}: secure at {age}"),
                _ => {}
            }
        }
    }
}

#[test]
fn placements_match_their_providers_and_cost_ranges() {
    let c = county(800, 2026);
    let own_fostering = &c.providers[0];
    assert_eq!(own_fostering.provider_type, ProviderType::OwnCouncil);
    for child in &c.children {
        for p in &child.placements {
            let provider = p.provider.map(|index| &c.providers[index]);
            use PlacementCategory as C;
            match p.category {
                C::InHouseFoster | C::Kinship => assert_eq!(p.provider, Some(0), "{}", child.la_child_id),
                C::WithParents => assert_eq!(p.provider, None),
                C::Secure => assert_eq!(provider.map(|x| x.provider_type), Some(ProviderType::OtherCouncil)),
                _ => assert!(provider.is_some(), "{}: {:?} without a provider", child.la_child_id, p.category),
            }
            let (low, high) = match p.category {
                C::InHouseFoster => (450, 700),
                C::IndependentFoster => (750, 1_100),
                C::Kinship => (250, 450),
                C::ChildrensHome => (4_000, 15_000),
                C::SupportedAccommodation => (300, 7_000),
                C::WithParents => (0, 150),
                C::Bespoke => (10_000, 35_000),
                C::Secure => (7_000, 12_000),
                C::Other => (0, 35_000),
            };
            let pence = p.weekly_cost.pence();
            assert!((low * 100..=high * 100 + 99).contains(&pence), "{:?} at {pence}p", p.category);
        }
    }
}

#[test]
fn the_current_placement_mix_is_near_the_national_one() {
    use PlacementCategory as C;
    // Domain notes §4.7: target percentage and allowed distance, for 800 children.
    let targets = [
        (C::InHouseFoster, 28.0, 4.0),
        (C::IndependentFoster, 25.0, 4.0),
        (C::Kinship, 16.0, 3.0),
        (C::ChildrensHome, 11.0, 3.0),
        (C::SupportedAccommodation, 10.0, 3.0),
        (C::WithParents, 6.0, 2.5),
        (C::Bespoke, 1.5, 1.5),
        (C::Secure, 0.2, 0.6),
        (C::Other, 2.5, 2.5),
    ];
    for seed in [2026, 1, 99] {
        let c = county(800, seed);
        let mut counts: BTreeMap<C, usize> = BTreeMap::new();
        for child in &c.children {
            *counts.entry(child.placements.last().unwrap().category).or_default() += 1;
        }
        for (category, target, tolerance) in targets {
            let share = percent(counts.get(&category).copied().unwrap_or(0), 800);
            assert!(
                (share - target).abs() <= tolerance,
                "seed {seed}: {category:?} {share:.1}% vs {target}%"
            );
        }
    }
}

#[test]
fn ages_sex_and_teams_follow_the_looked_after_profile() {
    let c = county(800, 2026);
    let mut bands = [0usize; 5];
    for child in &c.children {
        let age = age_on(child.date_of_birth, TODAY);
        let band = match age {
            0 => 0,
            1..=4 => 1,
            5..=9 => 2,
            10..=15 => 3,
            16..=17 => 4,
            _ => panic!("{} is {age}, too old to be looked after", child.la_child_id),
        };
        bands[band] += 1;
    }
    for (count, target) in bands.iter().zip([5.0, 15.0, 18.0, 38.0, 24.0]) {
        assert!((percent(*count, 800) - target).abs() <= 4.0, "age bands {bands:?}");
    }
    let boys = c.children.iter().filter(|ch| ch.sex == "M").count();
    assert!((percent(boys, 800) - 57.0).abs() <= 4.0, "{boys} boys");
    assert!(c.children.iter().all(|ch| ch.sex == "M" || ch.sex == "F"));
    let white_british = c.children.iter().filter(|ch| ch.ethnicity == "WBRI").count();
    assert!((55.0..=75.0).contains(&percent(white_british, 800)));
    let sixteen_plus_team = c.teams.iter().position(|t| t.name == "16 Plus and Leaving Care").unwrap();
    let older: Vec<_> = c.children.iter().filter(|ch| age_on(ch.date_of_birth, TODAY) >= 16).collect();
    let held = older.iter().filter(|ch| ch.team == sixteen_plus_team).count();
    assert!(percent(held, older.len()) >= 60.0, "16 Plus holds {held} of {}", older.len());
}

#[test]
fn about_one_in_ten_moved_twice_in_the_last_year() {
    let c = county(800, 2026);
    let year_ago = TODAY - Duration::days(365);
    let movers = c
        .children
        .iter()
        .filter(|ch| ch.placements.iter().skip(1).filter(|p| p.start > year_ago).count() >= 2)
        .count();
    assert!((6.0..=15.0).contains(&percent(movers, 800)), "{movers} moved twice");
    let long_histories = c
        .children
        .iter()
        .filter(|ch| ch.placements[0].start < TODAY - Duration::days(3 * 365))
        .count();
    assert!(long_histories > 80, "only {long_histories} children in care 3+ years");
}

#[test]
fn about_half_of_external_placements_are_out_of_county() {
    let c = county(800, 2026);
    let (mut external, mut away) = (0, 0);
    for p in c.children.iter().flat_map(|ch| &ch.placements) {
        if let Some(index) = p.provider {
            if c.providers[index].provider_type.is_external() {
                external += 1;
                if !p.postcode.as_deref().unwrap_or_default().starts_with("DC") {
                    away += 1;
                }
            }
        }
    }
    assert!((40.0..=60.0).contains(&percent(away, external)), "{away} of {external}");
}

#[test]
fn providers_scale_mildly_and_carry_plausible_registrations() {
    for (children, low, high) in [(60, 55, 80), (800, 80, 120), (20_000, 120, 150)] {
        let c = county(children, 4);
        let n = c.providers.len();
        assert!((low..=high).contains(&n), "{children} children: {n} providers");
        let names: BTreeSet<_> = c.providers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), n, "provider names repeat");
        for kind in [
            ProviderType::OwnCouncil,
            ProviderType::Private,
            ProviderType::Voluntary,
            ProviderType::OtherCouncil,
        ] {
            assert!(c.providers.iter().any(|p| p.provider_type == kind), "no {kind:?} provider");
        }
        for p in &c.providers {
            if let Some(urn) = &p.ofsted_urn {
                let digits = urn.strip_prefix("SC").unwrap_or(urn);
                let expected = if urn.starts_with("SC") { 6 } else { 7 };
                assert!(digits.len() == expected && digits.bytes().all(|b| b.is_ascii_digit()), "{urn}");
            }
        }
    }
    let c = county(800, 2026);
    for p in c.children.iter().flat_map(|ch| &ch.placements) {
        if p.category == PlacementCategory::ChildrensHome {
            let urn = c.providers[p.provider.unwrap()].ofsted_urn.as_deref().unwrap_or_default();
            assert!(urn.starts_with("SC"), "children's home with URN {urn}");
        }
    }
}

#[test]
fn every_child_has_a_worker_from_their_team_and_caseloads_are_even() {
    let c = county(800, 2026);
    let mut caseloads: BTreeMap<usize, usize> = BTreeMap::new();
    for child in &c.children {
        let worker = &c.staff[child.worker];
        assert!(worker.roles.contains(&Role::SocialWorker), "{}", child.la_child_id);
        assert_eq!(worker.team, Some(child.team), "{}", child.la_child_id);
        assert!(c.teams[child.team].case_holding);
        *caseloads.entry(child.worker).or_default() += 1;
    }
    let workers = c.staff.iter().filter(|s| s.roles.contains(&Role::SocialWorker)).count();
    assert!((800 / 15..=800 / 15 + 8).contains(&workers), "{workers} social workers");
    assert!(caseloads.values().all(|n| (5..=20).contains(n)), "{caseloads:?}");
    let managers = c.staff.iter().filter(|s| s.roles.contains(&Role::TeamManager) && !s.demo).count();
    assert_eq!(managers, c.teams.iter().filter(|t| t.case_holding).count());
}

#[test]
fn the_demo_social_worker_has_a_caseload_in_the_demo_managers_team() {
    for (children, seed) in [(60, 3), (800, 2026)] {
        let c = county(children, seed);
        let north = c.teams.iter().position(|t| t.name == "Children in Care North").unwrap();
        let worker = c.staff.iter().position(|s| s.username == "social-worker").unwrap();
        let manager = c.staff.iter().find(|s| s.username == "team-manager").unwrap();
        assert_eq!(c.staff[worker].team, Some(north));
        assert_eq!(manager.team, Some(north));
        let caseload = c.children.iter().filter(|ch| ch.worker == worker).count();
        assert!((10..=20).contains(&caseload), "{caseload}");
    }
    let without = plan(&Options {
        children: 100,
        seed: 3,
        today: TODAY,
        demo_accounts: false,
        casework: false,
    });
    assert!(without.staff.iter().all(|s| !s.demo && s.username != "social-worker"));
}
