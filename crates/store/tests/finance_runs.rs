//! Payment runs on both backends: calculation pro rata by days, no day paid
//! twice, maker-checker, idempotent release with a balanced journal,
//! backdated changes and late-recorded ends as adjustments.

use authz::cap::{ApprovePayments, ManageFinance, RecordChildren};
use authz::{Actor, Can, Role};
use contracts::agreements::FundingSplit;
use finance::runs::{Cadence, RunState};
use finance::Element;
use kernel::{Money, UserId};
use store::service_agreements::RateChange;
use store::testing::{PaidPlacementSpec, TestDatabase};
use store::{on_both_backends, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    a_run_pays_each_day_once_and_releases_once,
    the_preparer_cannot_approve,
    runs_follow_on_without_gaps,
    a_backdated_rise_is_paid_as_an_adjustment,
    days_paid_after_a_late_recorded_end_are_recovered,
    ledger_and_rate_tables_refuse_edits,
);

async fn officers(db: &TestDatabase) -> (UserId, UserId) {
    (
        db.person("fo", None, vec![Role::FinanceOfficer]).await,
        db.person("fa", None, vec![Role::FinanceApprover]).await,
    )
}

async fn draft(db: &TestDatabase, by: UserId, cadence: Cadence, first: Date) -> Result<i64, StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let id = store::payment_runs::draft(&mut cmd, &Can::<ManageFinance>::system(), cadence, first).await?;
    cmd.commit().await.unwrap();
    Ok(id)
}

async fn calculate(db: &TestDatabase, by: UserId, run: i64) -> store::payment_runs::Calculation {
    let version = store::payment_runs::get(&db.store, run).await.unwrap().version;
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let done = store::payment_runs::calculate(&mut cmd, &Can::system(), run, version)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    done
}

async fn approve(db: &TestDatabase, by: UserId, run: i64) -> Result<(), StoreError> {
    let version = store::payment_runs::get(&db.store, run).await.unwrap().version;
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    store::payment_runs::approve(&mut cmd, &Can::<ApprovePayments>::system(), run, version).await?;
    cmd.commit().await.unwrap();
    Ok(())
}

async fn release(db: &TestDatabase, by: UserId, run: i64) -> Result<store::payment_runs::Released, StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let done = store::payment_runs::release(&mut cmd, &Can::system(), run).await?;
    cmd.commit().await.unwrap();
    Ok(done)
}

/// Drafts, calculates, approves and releases a run; returns its id.
async fn paid_run(db: &TestDatabase, (fo, fa): (UserId, UserId), cadence: Cadence, first: Date) -> i64 {
    let run = draft(db, fo, cadence, first).await.unwrap();
    calculate(db, fo, run).await;
    approve(db, fa, run).await.unwrap();
    release(db, fo, run).await.unwrap();
    run
}

async fn a_run_pays_each_day_once_and_releases_once(db: TestDatabase) {
    let people = officers(&db).await;
    // £700 a week is £100 a day; the first placement started mid-month, so
    // April pays 21 days; the second is half-funded by education.
    let one = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 10), 700))
        .await;
    let mut shared = PaidPlacementSpec::new("C2", "Elm Care", date!(2026 - 04 - 01), 1_400);
    shared.funding = FundingSplit {
        social_care: 50,
        education: 50,
        health: 0,
    };
    db.paid_placement(&shared).await;
    let run = draft(&db, people.0, Cadence::Monthly, date!(2026 - 04 - 01)).await.unwrap();
    let done = calculate(&db, people.0, run).await;
    assert_eq!(done.total, Money::from_pounds(2_100 + 6_000));
    let released = release(&db, people.0, run).await.unwrap_err();
    assert!(released.to_string().contains("cannot become released"), "{released}");
    approve(&db, people.1, run).await.unwrap();
    let first = release(&db, people.0, run).await.unwrap();
    assert_eq!(first.total, Money::from_pounds(8_100));
    let again = release(&db, people.0, run).await.unwrap_err();
    assert!(again.to_string().contains("already been released"), "{again}");

    let journal = store::payment_runs::journal(&db.store, Some(&format!("run:{run}"))).await.unwrap();
    let debits = Money::sum(journal.iter().map(|p| p.entry.debit)).unwrap();
    let credits = Money::sum(journal.iter().map(|p| p.entry.credit)).unwrap();
    assert_eq!((debits, credits), (Money::from_pounds(8_100), Money::from_pounds(8_100)));
    let advice = store::payment_runs::remittances(&db.store, run).await.unwrap();
    assert_eq!(advice.len(), 2);
    assert!(advice
        .iter()
        .any(|a| a.payee_name == "Oak Homes" && a.remittance.total == Money::from_pounds(2_100)));

    // May pays May only: no day of April again.
    let may = paid_run(&db, people, Cadence::Monthly, date!(2026 - 05 - 01)).await;
    let lines = store::payment_runs::run_lines(&db.store, may).await.unwrap();
    let oak: Vec<_> = lines.iter().filter(|l| l.agreement.get() == one.service_agreement).collect();
    assert_eq!((oak.len(), oak[0].from, oak[0].days), (1, date!(2026 - 05 - 01), 31));

    let mut cmd = db.store.begin(Actor::User(people.0), db.clock.as_ref()).await.unwrap();
    let csv = store::payment_runs::export(&mut cmd, &Can::system(), run).await.unwrap();
    cmd.commit().await.unwrap();
    assert!(csv.starts_with(finance::export::HEADER));
    assert_eq!(csv.lines().count(), 3);
    let exported = store::payment_runs::get(&db.store, run).await.unwrap();
    assert_eq!(exported.run.state, RunState::Exported);
}

async fn the_preparer_cannot_approve(db: TestDatabase) {
    let (fo, fa) = officers(&db).await;
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    let run = draft(&db, fo, Cadence::Monthly, date!(2026 - 04 - 01)).await.unwrap();
    calculate(&db, fo, run).await;
    let refused = approve(&db, fo, run).await.unwrap_err();
    assert!(refused.to_string().contains("prepared"), "{refused}");
    let by_system = {
        let version = store::payment_runs::get(&db.store, run).await.unwrap().version;
        let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
        store::payment_runs::approve(&mut cmd, &Can::system(), run, version).await
    };
    assert!(by_system.is_err());
    let stale = {
        let mut cmd = db.store.begin(Actor::User(fa), db.clock.as_ref()).await.unwrap();
        store::payment_runs::approve(&mut cmd, &Can::system(), run, 1).await
    };
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    approve(&db, fa, run).await.unwrap();
}

async fn runs_follow_on_without_gaps(db: TestDatabase) {
    let (fo, _) = officers(&db).await;
    draft(&db, fo, Cadence::Weekly, date!(2026 - 04 - 06)).await.unwrap();
    let gap = draft(&db, fo, Cadence::Weekly, date!(2026 - 04 - 20)).await.unwrap_err();
    assert!(
        matches!(&gap, StoreError::Invalid(p) if p[0].0 == "first" && p[0].1.contains("2026-04-13")),
        "{gap:?}"
    );
    draft(&db, fo, Cadence::Weekly, date!(2026 - 04 - 13)).await.unwrap();
    // Other cadences keep their own sequence.
    draft(&db, fo, Cadence::FourWeekly, date!(2026 - 04 - 01)).await.unwrap();
}

async fn a_backdated_rise_is_paid_as_an_adjustment(db: TestDatabase) {
    let people = officers(&db).await;
    let paid = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    paid_run(&db, people, Cadence::Monthly, date!(2026 - 04 - 01)).await;
    // A rise to £1,400 from 21 April: ten paid days cost £1,000 more.
    let change = RateChange {
        element: Element::CoreFee,
        weekly: Money::from_pounds(1_400),
        from: date!(2026 - 04 - 21),
        reason: "Uplift agreed".into(),
    };
    let mut cmd = db.store.begin(Actor::User(people.0), db.clock.as_ref()).await.unwrap();
    let stale = store::service_agreements::add_rate(&mut cmd, &Can::system(), paid.service_agreement, 7, &change).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    drop(cmd);
    let mut cmd = db.store.begin(Actor::User(people.0), db.clock.as_ref()).await.unwrap();
    let adjustments = store::service_agreements::add_rate(&mut cmd, &Can::system(), paid.service_agreement, 1, &change)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    assert_eq!(adjustments[0].amount, Money::from_pounds(1_000));
    let may = paid_run(&db, people, Cadence::Monthly, date!(2026 - 05 - 01)).await;
    let lines = store::payment_runs::run_lines(&db.store, may).await.unwrap();
    let amounts: Vec<(i64, Money)> = lines.iter().map(|l| (l.days, l.amount)).collect();
    assert!(amounts.contains(&(0, Money::from_pounds(1_000))), "{amounts:?}");
    assert!(amounts.contains(&(31, Money::from_pounds(6_200))), "{amounts:?}");
}

async fn days_paid_after_a_late_recorded_end_are_recovered(db: TestDatabase) {
    let people = officers(&db).await;
    let paid = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    paid_run(&db, people, Cadence::Monthly, date!(2026 - 04 - 01)).await;
    // The child left on 21 April (last night the 20th), recorded in May.
    let history = store::care_history::history_of(&db.store, paid.child).await.unwrap();
    let change = store::care_history::HistoryChange::EndPeriod {
        on: date!(2026 - 04 - 21),
        reason_ceased: "E11".into(),
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    store::care_history::record(
        &mut cmd,
        &Can::<RecordChildren>::system(),
        paid.child,
        &change,
        &children::codes::CodeSets::standard(),
    )
    .await
    .unwrap();
    cmd.commit().await.unwrap();
    assert!(history.placements[0].interval.end.is_none());
    let may = paid_run(&db, people, Cadence::Monthly, date!(2026 - 05 - 01)).await;
    let lines = store::payment_runs::run_lines(&db.store, may).await.unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0].days, lines[0].amount), (0, Money::from_pounds(-1_000)));
    // The recovery posts as a reversal: the creditor is debited.
    let journal = store::payment_runs::journal(&db.store, Some(&format!("run:{may}"))).await.unwrap();
    assert!(journal
        .iter()
        .any(|p| matches!(p.entry.account, finance::Account::Creditor(_)) && p.entry.debit == Money::from_pounds(1_000)));
}

async fn ledger_and_rate_tables_refuse_edits(db: TestDatabase) {
    let people = officers(&db).await;
    db.paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    paid_run(&db, people, Cadence::Monthly, date!(2026 - 04 - 01)).await;
    for sql in [
        "UPDATE ledger_entries SET debit_pence = 1",
        "DELETE FROM ledger_entries",
        "UPDATE service_rate_lines SET weekly_pence = 1",
        "DELETE FROM payment_lines",
        "DELETE FROM payment_releases",
    ] {
        let refused = sqlx::query(sql).execute(db.store.pool()).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
    }
}
