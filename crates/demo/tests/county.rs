//! The demo county's shape: deterministic, complete, and realistic.

use std::collections::BTreeSet;

use authz::Role;
use demo::{plan, County, Options};
use placements::PlacementCategory;
use time::macros::date;

fn county(children: usize, seed: u64) -> County {
    plan(&Options {
        children,
        seed,
        today: date!(2026 - 11 - 22),
        demo_accounts: true,
        casework: true,
    })
}

#[test]
fn the_same_seed_gives_the_same_county() {
    assert_eq!(county(200, 1), county(200, 1));
    assert_ne!(county(200, 1), county(200, 2));
}

#[test]
fn ids_and_usernames_are_unique() {
    let c = county(800, 2026);
    assert_eq!(c.children.len(), 800);
    let ids: BTreeSet<_> = c.children.iter().map(|ch| ch.la_child_id.as_str()).collect();
    assert_eq!(ids.len(), 800);
    let usernames: BTreeSet<_> = c.staff.iter().map(|s| s.username.as_str()).collect();
    assert_eq!(usernames.len(), c.staff.len());
    for role in Role::ALL {
        assert!(usernames.contains(role.code()), "demo account for {role}");
    }
}

#[test]
fn care_histories_are_contiguous_and_open_today() {
    let today = date!(2026 - 11 - 22);
    for child in county(800, 2026).children {
        let placements = &child.placements;
        assert!(!placements.is_empty());
        assert!(placements[0].start >= child.date_of_birth, "{}", child.la_child_id);
        for pair in placements.windows(2) {
            assert_eq!(pair[0].end, Some(pair[1].start), "{}: gap or overlap", child.la_child_id);
            assert!(pair[0].start < pair[1].start);
        }
        let last = placements.last().unwrap();
        assert!(last.end.is_none() && last.start < today, "{}", child.la_child_id);
        for p in placements {
            if p.category == PlacementCategory::SupportedAccommodation {
                assert!(
                    children::age_on(child.date_of_birth, p.start) >= 16,
                    "{}: supported accommodation under 16",
                    child.la_child_id
                );
            }
            assert!(p.weekly_cost.pence() >= 0);
        }
    }
}

#[test]
fn the_placement_mix_is_near_the_national_one() {
    let c = county(2000, 2026);
    let share = |category: PlacementCategory| {
        let n = c
            .children
            .iter()
            .filter(|ch| ch.placements.last().unwrap().category == category)
            .count();
        n * 100 / c.children.len()
    };
    let foster = share(PlacementCategory::InHouseFoster) + share(PlacementCategory::IndependentFoster) + share(PlacementCategory::Kinship);
    assert!((55..=75).contains(&foster), "foster care {foster}%");
    assert!((6..=16).contains(&share(PlacementCategory::ChildrensHome)), "children's homes");
    assert!(
        (4..=16).contains(&share(PlacementCategory::SupportedAccommodation)),
        "supported accommodation"
    );
}

#[test]
fn the_demo_social_worker_has_a_caseload() {
    let c = county(800, 2026);
    let worker = c.staff.iter().position(|s| s.username == "social-worker").unwrap();
    let caseload = c.children.iter().filter(|ch| ch.worker == worker).count();
    assert!((10..=20).contains(&caseload), "{caseload}");
}

#[tokio::test]
async fn a_small_county_loads_with_an_intact_audit_trail() {
    let db = store::testing::TestDatabase::new(store::testing::TestBackend::Sqlite)
        .await
        .unwrap();
    let c = county(60, 3);
    let report = demo::load(&db.store, db.clock.as_ref(), &c, "x").await.unwrap();
    assert_eq!(report.children, 60);
    assert_eq!(report.demo_accounts.len(), Role::ALL.len());
    assert_eq!(store::children::count(&db.store).await.unwrap(), 60);
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());
    // Every generated care history obeys the rules the pages enforce.
    let codes = children::codes::CodeSets::standard();
    let page = store::children::search(&db.store, &Default::default(), store::PageRequest::new(1, 100))
        .await
        .unwrap();
    for child in page.items {
        let history = store::care_history::history_of(&db.store, child.id).await.unwrap().history();
        let problems = children::care_history::validate(&history, &codes);
        assert!(
            problems.is_empty(),
            "{}: {:?}",
            child.la_child_id,
            problems.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
        assert!(!children::episodes::episodes(&history).is_empty());
    }
}
