//! Provider invoices on both backends: matched on entry against the
//! provider's service agreement and earlier invoices, exceptions for
//! overbilling, days after the placement ended, duplicates and no
//! agreement, an all-or-nothing CSV import, and resolution by a second
//! person with a reason at the current version.

use authz::cap::{ManageFinance, RecordChildren};
use authz::{Actor, Can, Role};
use finance::invoices::{Exception, Match};
use kernel::{Money, ProviderId, UserId};
use store::invoices::{ExceptionKind, Filter, InvoiceState, NewInvoice, Outcome, Sort};
use store::testing::{PaidPlacementSpec, TestDatabase};
use store::{on_both_backends, PageRequest, StoreError};
use time::macros::date;
use time::Date;

on_both_backends!(
    an_invoice_within_the_agreement_matches,
    overbilling_is_an_exception_with_its_detail,
    days_after_the_placement_ended_are_an_exception,
    a_reference_billed_twice_is_a_duplicate_until_rejected,
    an_invoice_before_any_agreement_has_no_agreement,
    entry_names_the_fields_at_fault,
    an_import_is_all_or_nothing_with_lines_and_columns,
    resolving_needs_a_reason_another_person_and_the_current_version,
);

fn invoice(provider: ProviderId, reference: &str, from: Date, to: Date, pounds: i64) -> NewInvoice {
    NewInvoice {
        provider_id: provider,
        reference: reference.into(),
        from,
        to,
        amount: Money::from_pounds(pounds),
        received_on: date!(2026 - 11 - 20),
    }
}

async fn enter(db: &TestDatabase, by: UserId, new: &NewInvoice) -> Result<(i64, Match), StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let done = store::invoices::enter(&mut cmd, &Can::<ManageFinance>::system(), new).await?;
    cmd.commit().await.unwrap();
    Ok(done)
}

async fn resolve(
    db: &TestDatabase,
    by: UserId,
    exception: i64,
    version: i64,
    outcome: Outcome,
    reason: &str,
) -> Result<InvoiceState, StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let state = store::invoices::resolve(&mut cmd, &Can::system(), exception, version, outcome, reason).await?;
    cmd.commit().await.unwrap();
    Ok(state)
}

/// A finance officer and Oak Homes, paid £700 a week (£100 a day) from 1 April.
async fn oak(db: &TestDatabase) -> (UserId, ProviderId) {
    let officer = db.person("fo", None, vec![Role::FinanceOfficer]).await;
    let paid = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    (officer, paid.provider)
}

async fn an_invoice_within_the_agreement_matches(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let april = invoice(oak, "OAK-0401", date!(2026 - 04 - 01), date!(2026 - 04 - 30), 3_000);
    let (id, matched) = enter(&db, fo, &april).await.unwrap();
    assert_eq!(
        matched,
        Match::Ok {
            expected: Money::from_pounds(3_000)
        }
    );
    let stored = store::invoices::get(&db.store, id).await.unwrap();
    assert_eq!(stored.listed.state, InvoiceState::Matched);
    assert_eq!(stored.listed.expected, Money::from_pounds(3_000));
    assert_eq!(stored.listed.provider_name, "Oak Homes");
    assert_eq!(stored.entered_by, Some(fo));
    assert!(stored.exceptions.is_empty());
    // Billing less than agreed is not an exception.
    let part = invoice(oak, "OAK-0501", date!(2026 - 05 - 01), date!(2026 - 05 - 31), 1_000);
    assert!(enter(&db, fo, &part).await.unwrap().1.is_ok());
    let entered = store::audit::AuditFilter {
        action: Some("invoice.entered".into()),
        entity_id: Some(id.to_string()),
        ..Default::default()
    };
    let events = store::audit::list(&db.store, &entered, PageRequest::new(1, 50)).await.unwrap();
    assert_eq!(events.total, 1);
}

async fn overbilling_is_an_exception_with_its_detail(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let week = invoice(oak, "OAK-0501", date!(2026 - 05 - 01), date!(2026 - 05 - 07), 900);
    let (id, matched) = enter(&db, fo, &week).await.unwrap();
    assert_eq!(
        matched,
        Match::Exceptions {
            expected: Money::from_pounds(700),
            exceptions: vec![Exception::Overbilled {
                by: Money::from_pounds(200)
            }],
        }
    );
    let stored = store::invoices::get(&db.store, id).await.unwrap();
    assert_eq!(stored.listed.state, InvoiceState::Exception);
    assert_eq!(stored.listed.open_exceptions, 1);
    let exception = &stored.exceptions[0];
    assert_eq!(exception.kind, ExceptionKind::Overbilled);
    assert_eq!(exception.detail, "Billed £200.00 more than the agreement allows");
    assert_eq!(exception.raised_on, date!(2026 - 11 - 22));
    let queue = store::invoices::exceptions(&db.store, true, date!(2026 - 12 - 30)).await.unwrap();
    assert_eq!((queue.len(), queue[0].age_days, queue[0].reference.as_str()), (1, 38, "OAK-0501"));
}

async fn days_after_the_placement_ended_are_an_exception(db: TestDatabase) {
    let fo = db.person("fo", None, vec![Role::FinanceOfficer]).await;
    let paid = db
        .paid_placement(&PaidPlacementSpec::new("C1", "Oak Homes", date!(2026 - 04 - 01), 700))
        .await;
    // The child left on 21 April: the last night paid is the 20th.
    let end = store::care_history::HistoryChange::EndPeriod {
        on: date!(2026 - 04 - 21),
        reason_ceased: "E11".into(),
    };
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let codes = children::codes::CodeSets::standard();
    store::care_history::record(&mut cmd, &Can::<RecordChildren>::system(), paid.child, &end, &codes)
        .await
        .unwrap();
    cmd.commit().await.unwrap();
    let late = invoice(paid.provider, "OAK-0415", date!(2026 - 04 - 15), date!(2026 - 04 - 28), 1_400);
    let (id, matched) = enter(&db, fo, &late).await.unwrap();
    assert_eq!(
        matched,
        Match::Exceptions {
            expected: Money::from_pounds(600),
            exceptions: vec![
                Exception::DaysAfterEnd { days: 8 },
                Exception::Overbilled {
                    by: Money::from_pounds(800)
                }
            ],
        }
    );
    let details: Vec<String> = store::invoices::get(&db.store, id)
        .await
        .unwrap()
        .exceptions
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert_eq!(
        details,
        ["8 days after the placement ended", "Billed £800.00 more than the agreement allows"]
    );
}

async fn a_reference_billed_twice_is_a_duplicate_until_rejected(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let checker = db.person("fo2", None, vec![Role::FinanceOfficer]).await;
    enter(
        &db,
        fo,
        &invoice(oak, "OAK-0401", date!(2026 - 04 - 01), date!(2026 - 04 - 30), 3_000),
    )
    .await
    .unwrap();
    // The same reference, however it is spaced or cased, for other days.
    let again = invoice(oak, " oak-0401", date!(2026 - 05 - 01), date!(2026 - 05 - 07), 700);
    let (id, matched) = enter(&db, fo, &again).await.unwrap();
    assert!(matches!(&matched, Match::Exceptions { exceptions, .. } if exceptions == &[Exception::Duplicate]));
    let stored = store::invoices::get(&db.store, id).await.unwrap();
    assert_eq!(stored.exceptions[0].kind, ExceptionKind::Duplicate);
    let first = store::invoices::list(&db.store, &Filter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    let first = first.items.iter().find(|l| l.reference == "OAK-0401").unwrap().id;
    assert_eq!(
        store::invoices::get(&db.store, first).await.unwrap().listed.state,
        InvoiceState::Matched
    );
    let e = &stored.exceptions[0];
    let state = resolve(&db, checker, e.id, e.version, Outcome::Rejected, "Sent twice")
        .await
        .unwrap();
    assert_eq!(state, InvoiceState::Rejected);
    // The first OAK-0401 still stands; the rejected one no longer counts,
    // so the same days and amount under the right reference match.
    let repeat = invoice(oak, "OAK-0401", date!(2026 - 06 - 01), date!(2026 - 06 - 07), 700);
    assert!(
        matches!(&enter(&db, fo, &repeat).await.unwrap().1, Match::Exceptions { exceptions, .. } if exceptions == &[Exception::Duplicate])
    );
    let corrected = invoice(oak, "OAK-0501", date!(2026 - 05 - 01), date!(2026 - 05 - 07), 700);
    assert_eq!(
        enter(&db, fo, &corrected).await.unwrap().1,
        Match::Ok {
            expected: Money::from_pounds(700)
        }
    );
    let listed = store::invoices::list(
        &db.store,
        &Filter {
            state: Some(InvoiceState::Rejected),
            provider: "oak".into(),
            sort: Sort::Amount,
        },
        PageRequest::new(1, 10),
    )
    .await
    .unwrap();
    assert_eq!((listed.total, listed.items[0].id), (1, id));
    let none = store::invoices::list(
        &db.store,
        &Filter {
            provider: "elm".into(),
            ..Filter::default()
        },
        PageRequest::new(1, 10),
    )
    .await
    .unwrap();
    assert_eq!(none.total, 0);
}

async fn an_invoice_before_any_agreement_has_no_agreement(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let march = invoice(oak, "OAK-0301", date!(2026 - 03 - 01), date!(2026 - 03 - 07), 700);
    let (id, matched) = enter(&db, fo, &march).await.unwrap();
    assert!(matches!(&matched, Match::Exceptions { exceptions, .. } if exceptions == &[Exception::NoAgreement]));
    let stored = store::invoices::get(&db.store, id).await.unwrap();
    assert_eq!(stored.exceptions[0].kind, ExceptionKind::NoAgreement);
    assert_eq!(stored.listed.expected, Money::ZERO);
}

async fn entry_names_the_fields_at_fault(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let mut bad = invoice(ProviderId::new(9_999), " ", date!(2026 - 04 - 30), date!(2026 - 04 - 01), 0);
    bad.received_on = date!(2026 - 12 - 01);
    let refused = enter(&db, fo, &bad).await.unwrap_err();
    let StoreError::Invalid(fields) = refused else {
        panic!("{refused:?}")
    };
    let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
    assert_eq!(names, ["provider_id", "reference", "period_to", "amount", "received_on"]);
    bad.provider_id = oak;
    assert!(matches!(enter(&db, fo, &bad).await, Err(StoreError::Invalid(f)) if f[0].0 == "reference"));
}

const HEADER: &str = "provider_id,reference,period_from,period_to,amount,received_on\n";

async fn import(db: &TestDatabase, by: UserId, text: &str) -> Result<Vec<(i64, Match)>, StoreError> {
    let mut cmd = db.store.begin(Actor::User(by), db.clock.as_ref()).await.unwrap();
    let done = store::invoices::import_csv(&mut cmd, &Can::system(), text).await?;
    cmd.commit().await.unwrap();
    Ok(done)
}

async fn an_import_is_all_or_nothing_with_lines_and_columns(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let bad = format!(
        "{HEADER}{oak},OAK-0401,2026-04-01,2026-04-30,3000.00,2026-05-02\n{oak},OAK-0501,2026-05-01,31/05/2026,3100.00,2026-06-02\n777,OAK-0601,2026-06-01,2026-06-30,-5,2026-07-02\n"
    );
    let refused = import(&db, fo, &bad).await.unwrap_err();
    let StoreError::Invalid(problems) = refused else {
        panic!("{refused:?}")
    };
    let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
    assert!(problems.iter().all(|(field, _)| *field == "file"));
    assert_eq!(
        messages,
        [
            "line 3, column period_to: expected a date as YYYY-MM-DD, not '31/05/2026'",
            "line 4, column provider_id: no provider on the register has the number 777",
            "line 4, column amount: the amount must be above zero",
        ]
    );
    let nothing = store::invoices::list(&db.store, &Filter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(nothing.total, 0, "a file with a problem enters nothing");

    // A good file: the second line repeats the first's reference.
    let good = format!(
        "{HEADER}{oak},OAK-0401,2026-04-01,2026-04-30,3000.00,2026-05-02\n{oak},oak-0401,2026-05-01,2026-05-31,3100.00,2026-06-02\n"
    );
    let entered = import(&db, fo, &good).await.unwrap();
    assert_eq!(entered.len(), 2);
    assert!(entered[0].1.is_ok());
    assert!(matches!(&entered[1].1, Match::Exceptions { exceptions, .. } if exceptions == &[Exception::Duplicate]));
    let empty = import(&db, fo, HEADER).await.unwrap_err();
    assert!(
        matches!(&empty, StoreError::Invalid(p) if p[0].1.contains("no invoices")),
        "{empty:?}"
    );
}

async fn resolving_needs_a_reason_another_person_and_the_current_version(db: TestDatabase) {
    let (fo, oak) = oak(&db).await;
    let checker = db.person("fo2", None, vec![Role::FinanceOfficer]).await;
    let (id, _) = enter(
        &db,
        fo,
        &invoice(oak, "OAK-0501", date!(2026 - 05 - 01), date!(2026 - 05 - 07), 900),
    )
    .await
    .unwrap();
    let exception = store::invoices::get(&db.store, id).await.unwrap().exceptions[0].clone();
    let own = resolve(&db, fo, exception.id, exception.version, Outcome::Accepted, "Agreed extra").await;
    assert!(matches!(&own, Err(StoreError::Rejected(r)) if r[0].contains("entered")), "{own:?}");
    let blank = resolve(&db, checker, exception.id, exception.version, Outcome::Accepted, "  ").await;
    assert!(matches!(&blank, Err(StoreError::Invalid(f)) if f[0].0 == "reason"), "{blank:?}");
    let stale = resolve(&db, checker, exception.id, exception.version + 1, Outcome::Accepted, "Agreed extra").await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })), "{stale:?}");
    let by_system = {
        let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
        store::invoices::resolve(&mut cmd, &Can::system(), exception.id, exception.version, Outcome::Accepted, "x").await
    };
    assert!(by_system.is_err());

    let state = resolve(
        &db,
        checker,
        exception.id,
        exception.version,
        Outcome::Accepted,
        "Extra staffing agreed by phone",
    )
    .await
    .unwrap();
    assert_eq!(state, InvoiceState::Accepted);
    let stored = store::invoices::get(&db.store, id).await.unwrap();
    assert_eq!(stored.listed.state, InvoiceState::Accepted);
    let resolved = &stored.exceptions[0];
    assert_eq!(resolved.outcome, Some(Outcome::Accepted));
    assert_eq!(resolved.resolved_by_name.as_deref(), Some("fo2 name"));
    let again = resolve(&db, checker, resolved.id, resolved.version, Outcome::Rejected, "Changed my mind").await;
    assert!(
        matches!(&again, Err(StoreError::Rejected(r)) if r[0].contains("already")),
        "{again:?}"
    );
    assert!(store::invoices::exceptions(&db.store, true, date!(2026 - 11 - 22))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store::invoices::exceptions(&db.store, false, date!(2026 - 11 - 22))
            .await
            .unwrap()
            .len(),
        1
    );
}
