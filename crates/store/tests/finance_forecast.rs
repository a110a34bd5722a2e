//! Budgets, the year's forecast, the what-if of an uplift and the recharge
//! schedule on both backends. The test clock's today is 22 November 2026,
//! so the year is 1 April 2026 to 31 March 2027; £700 a week is £100 a day.

use authz::cap::{ApprovePayments, ManageFinance};
use authz::{Actor, Can, Role};
use contracts::agreements::FundingSplit;
use finance::runs::Cadence;
use kernel::{Money, UserId};
use store::budgets::NewBudget;
use store::testing::{PaidPlacementSpec, TestDatabase};
use store::{on_both_backends, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    a_budget_is_set_then_changed_from_the_version_read,
    a_budget_year_starts_on_1_april,
    the_forecast_adds_commitments_to_what_was_paid,
    a_head_of_service_sees_only_the_lines_they_hold,
    the_what_if_prices_an_uplift_to_the_penny,
    recharges_are_scheduled_by_partner_and_run,
);

const YEAR: Date = date!(2026 - 04 - 01);
const TODAY: Date = date!(2026 - 11 - 22);

fn pounds(amount: i64) -> Money {
    Money::from_pounds(amount)
}

fn budget(cost_centre: &str, holder: Option<UserId>, amount: i64) -> NewBudget {
    NewBudget {
        year_start: YEAR,
        cost_centre: cost_centre.into(),
        holder_id: holder,
        amount: pounds(amount),
    }
}

async fn set(db: &TestDatabase, by: UserId, new: &NewBudget, version: Option<i64>) -> Result<i64, StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let id = store::budgets::set_budget(&mut cmd, &Can::<ManageFinance>::system(), new, version).await?;
    cmd.commit().await.unwrap();
    Ok(id)
}

async fn officers(db: &TestDatabase) -> (UserId, UserId) {
    (
        db.person("fo", None, vec![Role::FinanceOfficer]).await,
        db.person("fa", None, vec![Role::FinanceApprover]).await,
    )
}

/// Drafts and calculates a run (the forecast counts it from then on);
/// with `approver`, also approves and releases it.
async fn run(db: &TestDatabase, fo: UserId, approver: Option<UserId>, first: Date) -> i64 {
    let mut cmd = db.store.begin(Actor::User(fo), db.clock.as_ref()).await.unwrap();
    let id = store::payment_runs::draft(&mut cmd, &Can::system(), Cadence::Monthly, first)
        .await
        .unwrap();
    store::payment_runs::calculate(&mut cmd, &Can::system(), id, 1).await.unwrap();
    cmd.commit().await.unwrap();
    if let Some(fa) = approver {
        let mut cmd = db.store.begin(Actor::User(fa), db.clock.as_ref()).await.unwrap();
        store::payment_runs::approve(&mut cmd, &Can::<ApprovePayments>::system(), id, 2)
            .await
            .unwrap();
        cmd.commit().await.unwrap();
        let mut cmd = db.store.begin(Actor::User(fo), db.clock.as_ref()).await.unwrap();
        store::payment_runs::release(&mut cmd, &Can::system(), id).await.unwrap();
        cmd.commit().await.unwrap();
    }
    id
}

async fn a_budget_is_set_then_changed_from_the_version_read(db: TestDatabase) {
    let (fo, _) = officers(&db).await;
    let hos = db.person("hos", None, vec![Role::HeadOfService]).await;
    let id = set(&db, fo, &budget(" csc-res ", Some(hos), 30_000), None).await.unwrap();
    let listed = store::budgets::budgets(&db.store, YEAR).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].cost_centre.as_str(), listed[0].version),
        (id, "CSC-RES", 1)
    );
    assert_eq!(listed[0].holder_name.as_deref(), Some("hos name"));
    assert_eq!(listed[0].amount, pounds(30_000));

    // A second "new" budget for the same line is refused: change that one.
    let twice = set(&db, fo, &budget("CSC-RES", None, 1), None).await.unwrap_err();
    assert!(matches!(&twice, StoreError::Duplicate { field: "cost_centre", .. }), "{twice:?}");

    set(&db, fo, &budget("CSC-RES", Some(hos), 42_500), Some(1)).await.unwrap();
    let stale = set(&db, fo, &budget("CSC-RES", None, 1), Some(1)).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
    let changed = store::budgets::budgets(&db.store, YEAR).await.unwrap();
    assert_eq!((changed[0].amount, changed[0].version), (pounds(42_500), 2));

    let filter = store::audit::AuditFilter {
        action: Some("budget.set".into()),
        ..Default::default()
    };
    let events = store::audit::list(&db.store, &filter, store::PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(events.total, 2);
    assert!(events.items[0].body.before.as_deref().unwrap_or_default().contains("3000000"));
    assert!(events.items[0].body.after.as_deref().unwrap_or_default().contains("4250000"));
    // Another year's budget for the same cost centre is its own line.
    let next = NewBudget {
        year_start: date!(2027 - 04 - 01),
        ..budget("CSC-RES", None, 1)
    };
    set(&db, fo, &next, None).await.unwrap();
    assert_eq!(store::budgets::budgets(&db.store, YEAR).await.unwrap().len(), 1);
}

async fn a_budget_year_starts_on_1_april(db: TestDatabase) {
    let (fo, _) = officers(&db).await;
    let wrong = NewBudget {
        year_start: date!(2026 - 05 - 01),
        cost_centre: String::new(),
        holder_id: Some(UserId::new(999)),
        amount: Money::from_pence(-1),
    };
    let refused = set(&db, fo, &wrong, None).await.unwrap_err();
    let StoreError::Invalid(fields) = &refused else {
        panic!("{refused:?}");
    };
    let named: Vec<&str> = fields.iter().map(|(field, _)| *field).collect();
    assert_eq!(named, ["year_start", "amount", "cost_centre"], "{fields:?}");
    assert!(fields[0].1.contains("1 April"), "{fields:?}");
    let nobody = set(&db, fo, &budget("CSC-RES", Some(UserId::new(999)), 1), None).await.unwrap_err();
    assert!(matches!(&nobody, StoreError::Invalid(f) if f[0].0 == "holder_id"), "{nobody:?}");
    assert!(store::budgets::budgets(&db.store, YEAR).await.unwrap().is_empty());
}

async fn the_forecast_adds_commitments_to_what_was_paid(db: TestDatabase) {
    let (fo, _) = officers(&db).await;
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    // £1,050 a week is £150 a day; never in a run, so all of it is owed.
    db.paid_placement(&PaidPlacementSpec::new("C2", "Elm Care", date!(2026 - 09 - 15), 1_050))
        .await;
    // Spend with no budget still shows, against nothing.
    let before = store::forecasts::forecast(&db.store, TODAY, None).await.unwrap();
    assert_eq!(before.lines.len(), 1);
    assert!(!before.lines[0].budgeted && before.lines[0].overspent());

    // April to June paid: 91 days. A July run only drafted is not spend.
    for first in [date!(2026 - 04 - 01), date!(2026 - 05 - 01), date!(2026 - 06 - 01)] {
        run(&db, fo, None, first).await;
    }
    let mut cmd = db.store.begin(Actor::User(fo), db.clock.as_ref()).await.unwrap();
    store::payment_runs::draft(&mut cmd, &Can::system(), Cadence::Monthly, date!(2026 - 07 - 01))
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    set(&db, fo, &budget("CSC-RES", None, 60_000), None).await.unwrap();
    set(&db, fo, &budget("CSC-FOS", None, 10_000), None).await.unwrap();

    let forecast = store::forecasts::forecast(&db.store, TODAY, None).await.unwrap();
    assert_eq!((forecast.year_start, forecast.year_end), (YEAR, date!(2027 - 03 - 31)));
    assert_eq!(forecast.year, "2026-27");
    let centres: Vec<&str> = forecast.lines.iter().map(|l| l.cost_centre.as_str()).collect();
    assert_eq!(centres, ["CSC-FOS", "CSC-RES"]);
    let res = &forecast.lines[1].figures;
    assert_eq!(res.actual_to_date, Money::from_pence(910_000));
    // Oak Homes from 1 July (274 days) and Elm Care from 15 September (198).
    assert_eq!(res.committed, Money::from_pence(2_740_000 + 2_970_000));
    assert_eq!(res.forecast_outturn, pounds(66_200));
    assert_eq!(res.variance, pounds(-6_200));
    assert!(forecast.lines[1].overspent());
    let fos = &forecast.lines[0];
    assert_eq!((fos.figures.variance, fos.overspent()), (pounds(10_000), false));
    assert_eq!(forecast.total.budget, pounds(70_000));
    assert_eq!(forecast.total.variance, pounds(3_800));
    assert_eq!(forecast.by_placement_type.len(), 1);
    assert_eq!(forecast.by_placement_type[0].committed, pounds(57_100));
    let payees: Vec<(&str, Money)> = forecast.by_payee.iter().map(|p| (p.name.as_str(), p.committed)).collect();
    assert_eq!(payees, [("Elm Care", pounds(29_700)), ("Oak Homes", pounds(27_400))]);
}

async fn a_head_of_service_sees_only_the_lines_they_hold(db: TestDatabase) {
    let (fo, _) = officers(&db).await;
    let residential = db.person("hos-res", None, vec![Role::HeadOfService]).await;
    let fostering = db.person("hos-fos", None, vec![Role::HeadOfService]).await;
    let neither = db.person("hos-new", None, vec![Role::HeadOfService]).await;
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    set(&db, fo, &budget("CSC-RES", Some(residential), 30_000), None).await.unwrap();
    set(&db, fo, &budget("CSC-FOS", Some(fostering), 10_000), None).await.unwrap();
    set(&db, fo, &budget("CSC-IFA", None, 5_000), None).await.unwrap();

    let all = store::forecasts::forecast(&db.store, TODAY, None).await.unwrap();
    assert_eq!(all.lines.len(), 3);
    let theirs = store::forecasts::forecast(&db.store, TODAY, Some(residential)).await.unwrap();
    let centres: Vec<&str> = theirs.lines.iter().map(|l| l.cost_centre.as_str()).collect();
    assert_eq!(centres, ["CSC-RES"]);
    assert_eq!(theirs.lines[0].holder_name.as_deref(), Some("hos-res name"));
    assert_eq!(theirs.total.committed, pounds(36_500));
    assert_eq!(theirs.by_payee.len(), 1);
    let other = store::forecasts::forecast(&db.store, TODAY, Some(fostering)).await.unwrap();
    assert_eq!(other.lines.len(), 1);
    assert_eq!(other.total.budget, pounds(10_000));
    assert!(other.by_payee.is_empty() && other.by_placement_type.is_empty());
    let none = store::forecasts::forecast(&db.store, TODAY, Some(neither)).await.unwrap();
    assert!(none.lines.is_empty());
    assert_eq!(none.total.forecast_outturn, Money::ZERO);
    // The what-if is limited the same way.
    let whatif = store::forecasts::what_if(&db.store, TODAY, 350, date!(2027 - 01 - 01), Some(fostering))
        .await
        .unwrap();
    assert_eq!(whatif.overall.increase, Money::ZERO);
}

async fn the_what_if_prices_an_uplift_to_the_penny(db: TestDatabase) {
    let (fo, _) = officers(&db).await;
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    // Paid days still count: a back-dated uplift is paid as adjustments.
    run(&db, fo, None, date!(2026 - 04 - 01)).await;
    // 3.5% on £700 is £724.50 a week (£103.50 a day), for the 90 days from
    // 1 January to 31 March: £9,315 against £9,000.
    let from = date!(2027 - 01 - 01);
    let whatif = store::forecasts::what_if(&db.store, TODAY, 350, from, None).await.unwrap();
    assert_eq!(whatif.overall.current, Money::from_pence(900_000));
    assert_eq!(whatif.overall.uplifted, Money::from_pence(931_500));
    assert_eq!(whatif.overall.increase, Money::from_pence(31_500));
    assert_eq!(whatif.by_cost_centre, [("CSC-RES".to_owned(), whatif.overall)]);
    assert_eq!(whatif.year_end, date!(2027 - 03 - 31));
    let none = store::forecasts::what_if(&db.store, TODAY, 0, from, None).await.unwrap();
    assert_eq!(none.overall.increase, Money::ZERO);

    let outside = store::forecasts::what_if(&db.store, TODAY, 350, date!(2027 - 04 - 01), None)
        .await
        .unwrap_err();
    assert!(matches!(&outside, StoreError::Invalid(f) if f[0].0 == "from"), "{outside:?}");
    let absurd = store::forecasts::what_if(&db.store, TODAY, 10_001, from, None).await.unwrap_err();
    assert!(matches!(&absurd, StoreError::Invalid(f) if f[0].0 == "uplift"), "{absurd:?}");
    assert_eq!(store::forecasts::basis_points("3.5"), Some(350));
}

async fn recharges_are_scheduled_by_partner_and_run(db: TestDatabase) {
    let (fo, fa) = officers(&db).await;
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    let mut shared = PaidPlacementSpec::new("C2", "Elm Care", date!(2026 - 04 - 01), 700);
    shared.funding = FundingSplit {
        social_care: 50,
        education: 30,
        health: 20,
    };
    db.paid_placement(&shared).await;
    let april = run(&db, fo, Some(fa), date!(2026 - 04 - 01)).await;
    let may = run(&db, fo, Some(fa), date!(2026 - 05 - 01)).await;
    // Calculated but not released: nothing is recharged yet.
    run(&db, fo, None, date!(2026 - 06 - 01)).await;

    let schedule = store::forecasts::recharge_schedule(&db.store, YEAR).await.unwrap();
    assert_eq!(schedule.year, "2026-27");
    let partners: Vec<&str> = schedule.partners.iter().map(|p| p.partner).collect();
    assert_eq!(partners, ["education", "health"]);
    // April is £3,000 for 30 days, May £3,100 for 31.
    let education = &schedule.partners[0];
    let runs: Vec<(i64, Date, Date, Money)> = education
        .runs
        .iter()
        .map(|r| (r.run_id, r.period_first, r.period_last, r.amount))
        .collect();
    assert_eq!(
        runs,
        [
            (april, date!(2026 - 04 - 01), date!(2026 - 04 - 30), pounds(900)),
            (may, date!(2026 - 05 - 01), date!(2026 - 05 - 31), pounds(930)),
        ]
    );
    assert_eq!(education.total, pounds(1_830));
    assert_eq!(schedule.partners[1].total, pounds(1_220));
    assert_eq!(schedule.total, pounds(3_050));
    assert_eq!(schedule.lines.len(), 4);
    assert!(schedule
        .lines
        .iter()
        .all(|l| l.la_child_id == "C2" && l.payee_name == "Elm Care" && l.cost_centre == "CSC-RES"));
    // Another year has none.
    let next = store::forecasts::recharge_schedule(&db.store, date!(2027 - 04 - 01)).await.unwrap();
    assert!(next.lines.is_empty() && next.total == Money::ZERO);
}
