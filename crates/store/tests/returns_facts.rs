//! The bulk SSDA903 fact writers on both backends: what
//! `store::returns_facts` writes, `store::returns::facts` reads back.

use authz::cap::RecordChildren;
use authz::{Actor, Can, Role};
use children::care_history::{LegalStatus, Period};
use kernel::Money;
use placements::PlacementCategory;
use store::children::NewChild;
use store::on_both_backends;
use store::placements::NewPlacement;
use store::returns_facts::{Adoption, AdoptionDecision, CareLeaverContact, HeaderFacts, HealthOutcomes, MissingSpell, PreviousPermanence};
use store::testing::TestDatabase;
use time::macros::date;

on_both_backends!(every_fact_written_in_bulk_reads_back);

fn child(id: &str, sex: &str) -> NewChild {
    NewChild {
        la_child_id: id.to_owned(),
        given_names: "Sam".to_owned(),
        family_name: "Jones".to_owned(),
        date_of_birth: date!(2010 - 05 - 06),
        sex: sex.to_owned(),
        ethnicity: "WBRI".to_owned(),
        team_id: None,
        allocated_worker_id: None,
    }
}

async fn every_fact_written_in_bulk_reads_back(db: TestDatabase) {
    let worker = db.person("worker", None, vec![Role::SocialWorker]).await;
    let can = Can::<RecordChildren>::system();
    let (s, moved) = (date!(2024 - 02 - 01), date!(2025 - 06 - 01));
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let ids = store::children::insert_many(&mut cmd, &can, &[child("A1", "F"), child("B2", "M")])
        .await
        .unwrap();
    let (a, b) = (ids[0], ids[1]);
    let period = |id| {
        (
            id,
            Period {
                start: s,
                end: None,
                reason_ceased: None,
                category_of_need: "N1".to_owned(),
            },
        )
    };
    let legal = |id| {
        (
            id,
            LegalStatus {
                code: "C2".to_owned(),
                start: s,
                end: None,
            },
        )
    };
    store::care_history::insert_intervals(&mut cmd, &can, &[period(a), period(b)], &[legal(a), legal(b)])
        .await
        .unwrap();
    let placement = |start, end| NewPlacement {
        child_id: a,
        provider_id: None,
        category: PlacementCategory::InHouseFoster,
        place_code: "U6".to_owned(),
        start_date: start,
        end_date: end,
        weekly_cost: Money::from_pence(50_000),
        postcode: Some("AB1 2CD".to_owned()),
    };
    store::placements::insert_many(&mut cmd, &can, &[placement(s, Some(moved)), placement(moved, None)])
        .await
        .unwrap();
    let allocation = |id| (id, worker, None, s, "allocation".to_owned());
    store::casework::insert_bulk(&mut cmd, &can, &[], &[allocation(a), allocation(b)], &[])
        .await
        .unwrap();

    let header = HeaderFacts {
        upn: Some("A123456789012".to_owned()),
        mother: Some(true),
        first_child_born_on: Some(date!(2025 - 01 - 02)),
    };
    let unknown = HeaderFacts {
        upn: Some("UN2".to_owned()),
        mother: None,
        first_child_born_on: None,
    };
    store::returns_facts::set_header_facts(&mut cmd, &can, &[(a, header), (b, unknown)])
        .await
        .unwrap();
    store::returns_facts::insert_home_addresses(&mut cmd, &can, &[(a, "1 High Street".to_owned(), "CD3 4EF".to_owned(), s, None)])
        .await
        .unwrap();
    let reviews = [(a, date!(2024 - 03 - 01), Some("PN1".to_owned())), (b, date!(2024 - 03 - 02), None)];
    store::returns_facts::insert_reviews(&mut cmd, &can, &reviews).await.unwrap();
    store::returns_facts::set_placement_reasons(&mut cmd, &can, &[(a, s, "CARPL".to_owned())])
        .await
        .unwrap();
    store::returns_facts::set_allocation_reasons(&mut cmd, &can, &[(a, s, "FCONTA".to_owned()), (b, s, "TSPROC".to_owned())])
        .await
        .unwrap();
    store::returns_facts::set_swe_numbers(&mut cmd, &can, &[(worker, "12345".to_owned())])
        .await
        .unwrap();
    let spell = MissingSpell {
        kind: "M".to_owned(),
        start: date!(2025 - 07 - 01),
        end: Some(date!(2025 - 07 - 03)),
    };
    store::returns_facts::insert_missing(&mut cmd, &can, &[(a, spell.clone())])
        .await
        .unwrap();
    let health = HealthOutcomes {
        sdq_score: Some(14),
        convicted: Some(false),
        immunisations: Some(true),
        teeth_check: Some(true),
        health_assessment: Some(true),
        substance_misuse: Some(true),
        intervention_received: Some(false),
        intervention_offered: Some(true),
        ..HealthOutcomes::default()
    };
    let reason_only = HealthOutcomes {
        sdq_reason: Some("SDQ4".to_owned()),
        ..HealthOutcomes::default()
    };
    store::returns_facts::insert_health(&mut cmd, &can, &[(a, 2025, health.clone()), (a, 2026, reason_only.clone())])
        .await
        .unwrap();
    let contact = CareLeaverContact {
        in_touch: "YES".to_owned(),
        activity: "F2".to_owned(),
        accommodation: "D1".to_owned(),
    };
    store::returns_facts::insert_care_leaver_contacts(&mut cmd, &can, &[(b, 2026, contact.clone())])
        .await
        .unwrap();
    let adoption = Adoption {
        should_be_placed_on: Some(date!(2024 - 08 - 01)),
        matched_on: Some(date!(2025 - 02 - 01)),
        by_foster_carer: Some(false),
        number_of_adopters: Some(2),
        adopter_sexes: Some("MF".to_owned()),
        adopter_status: Some("L11".to_owned()),
    };
    store::returns_facts::insert_adoptions(&mut cmd, &can, &[(a, adoption.clone())])
        .await
        .unwrap();
    let decision = AdoptionDecision {
        decided_on: date!(2024 - 08 - 01),
        ceased_on: Some(date!(2025 - 01 - 01)),
        reason_ceased: Some("RD1".to_owned()),
    };
    store::returns_facts::insert_adoption_decisions(&mut cmd, &can, &[(a, decision.clone())])
        .await
        .unwrap();
    let permanence = PreviousPermanence {
        period_start: s,
        arrangement: "P2".to_owned(),
        la_code: Some("931".to_owned()),
        date_text: Some("ZZ/06/2019".to_owned()),
    };
    store::returns_facts::insert_previous_permanence(&mut cmd, &can, &[(a, permanence.clone())])
        .await
        .unwrap();
    store::returns_facts::insert_dolos(&mut cmd, &can, &[(b, date!(2026 - 05 - 01), None)])
        .await
        .unwrap();
    cmd.commit().await.unwrap();

    let all = store::returns::facts(&db.store, None).await.unwrap();
    assert_eq!(all.len(), 2);
    let fa = &all.iter().find(|c| c.id == a).unwrap().facts;
    let fb = &all.iter().find(|c| c.id == b).unwrap().facts;
    assert_eq!(fa.upn.as_deref(), Some("A123456789012"));
    assert_eq!((fa.mother, fa.first_child_born_on), (Some(true), Some(date!(2025 - 01 - 02))));
    assert_eq!((fb.upn.as_deref(), fb.mother), (Some("UN2"), None));
    assert_eq!(fa.home_postcodes.len(), 1);
    assert_eq!((fa.home_postcodes[0].value.as_str(), fa.home_postcodes[0].start), ("CD3 4EF", s));
    assert!(fb.home_postcodes.is_empty());
    assert_eq!(fa.reviews, vec![(date!(2024 - 03 - 01), Some("PN1".to_owned()))]);
    assert_eq!(fb.reviews, vec![(date!(2024 - 03 - 02), None)]);
    let reasons: Vec<_> = fa.history.placements.iter().map(|p| p.reason_for_change.clone()).collect();
    assert_eq!(reasons, vec![Some("CARPL".to_owned()), None]);
    assert_eq!(fa.social_workers.len(), 1);
    assert_eq!(fa.social_workers[0].swe_number.as_deref(), Some("12345"));
    assert_eq!(fa.social_workers[0].reason.as_deref(), Some("FCONTA"));
    assert_eq!(fb.social_workers[0].reason.as_deref(), Some("TSPROC"));
    assert_eq!(fa.missing, vec![spell]);
    assert_eq!(fa.health, vec![(2025, health), (2026, reason_only)]);
    assert_eq!(fb.care_leaver, vec![(2026, contact)]);
    assert_eq!(fa.adoption, Some(adoption));
    assert_eq!(fa.adoption_decisions, vec![decision]);
    assert_eq!(fa.previous_permanence, vec![permanence]);
    assert_eq!(fb.dolos.len(), 1);
    assert_eq!((fb.dolos[0].start, fb.dolos[0].end), (date!(2026 - 05 - 01), None));
    assert!(store::audit::verify(&db.store).await.unwrap().is_ok());
}
