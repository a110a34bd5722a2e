//! One test per record control (payments, decisions, assessments, reviews
//! and visits, invoice exceptions), and the engine's own promises: library
//! order, populations, areas and serialization.

use kernel::{ChildId, PlacementId, UserId};
use time::macros::date;

use super::{evaluate, evaluate_all, evaluate_child, library, Area, ControlId, Detail, Settings, Subject};
use crate::facts::{
    Assessment, Decision, DecisionKind, Facts, InvoiceException, Payment, ServiceAgreementWindow, StatutoryItem, StatutoryKind,
};
use crate::fixtures::{days, placement, run, snapshot, with_placements, TODAY};
use crate::ids::{AssessmentId, InvoiceExceptionId, InvoiceId, PaymentId, ServiceAgreementId};

const START: time::Date = date!(2026 - 03 - 02);

fn payment(id: i64, first: time::Date, last: time::Date) -> Payment {
    Payment {
        id: PaymentId::new(id),
        service_agreement: ServiceAgreementId::new(1),
        placement: PlacementId::new(1),
        first,
        last,
        days: (last - first).whole_days() + 1,
    }
}

/// A placement from [`START`] with an agreement live `START..=START + 59`.
fn paid(payments: Vec<Payment>) -> Facts {
    Facts {
        service_agreements: vec![ServiceAgreementWindow {
            id: ServiceAgreementId::new(1),
            start: START,
            last_day: Some(START + days(59)),
        }],
        payments,
        ..with_placements(vec![placement(1, 1, START)])
    }
}

#[test]
fn fn01_payment_outside_live_service_agreement_fires() {
    assert!(run(ControlId::Fn01, paid(vec![payment(1, START, START + days(27))])).is_empty());
    assert!(run(ControlId::Fn01, paid(vec![payment(1, START + days(32), START + days(59))])).is_empty());

    let early = run(ControlId::Fn01, paid(vec![payment(1, START - days(3), START + days(24))]));
    assert_eq!(early[0].subject, Subject::Payment(PaymentId::new(1)));
    assert_eq!(early[0].child, Some(ChildId::new(1)), "linked to the child through the placement");
    assert_eq!(early[0].since, START - days(3));
    assert_eq!(
        early[0].detail,
        Detail::DaysOutsideAgreement {
            agreement: ServiceAgreementId::new(1),
            days: 3
        }
    );

    let late = run(ControlId::Fn01, paid(vec![payment(1, START + days(50), START + days(77))]));
    assert_eq!(late[0].since, START + days(60));
    assert!(matches!(late[0].detail, Detail::DaysOutsideAgreement { days: 18, .. }));

    let mut unknown = paid(vec![payment(1, START, START + days(27))]);
    unknown.payments[0].service_agreement = ServiceAgreementId::new(2);
    unknown.payments[0].placement = PlacementId::new(5);
    let found = run(ControlId::Fn01, unknown);
    assert_eq!(found[0].child, None, "a payment for a placement not on record links to no child");
    assert!(matches!(found[0].detail, Detail::UnknownServiceAgreement { .. }));
}

#[test]
fn dq02_payment_days_not_matching_its_dates_fire() {
    assert!(run(ControlId::Dq02, paid(vec![payment(1, START, START + days(27))])).is_empty());
    let mut miscounted = payment(1, START, START + days(27));
    miscounted.days = 27;
    let found = run(ControlId::Dq02, paid(vec![miscounted]));
    assert_eq!(found[0].detail, Detail::PaymentDaysMismatch { recorded: 27, span: 28 });
    let mut backwards = payment(1, START, START - days(1));
    backwards.days = 0;
    assert!(matches!(
        run(ControlId::Dq02, paid(vec![backwards]))[0].detail,
        Detail::PaymentEndsBeforeStart { .. }
    ));
}

fn decision(maker: i64, checker: i64, child: Option<i64>) -> Decision {
    Decision {
        kind: DecisionKind::CarerFee,
        record: 31,
        child: child.map(ChildId::new),
        maker: UserId::new(maker),
        checker: UserId::new(checker),
        decided_on: START,
    }
}

#[test]
fn fn02_maker_equal_to_checker_fires() {
    let facts = |d| Facts {
        decisions: vec![d],
        ..Facts::default()
    };
    assert!(run(ControlId::Fn02, facts(decision(3, 4, None))).is_empty());
    let found = run(ControlId::Fn02, facts(decision(3, 3, Some(1))));
    assert_eq!(
        found[0].subject,
        Subject::Decision {
            kind: DecisionKind::CarerFee,
            record: 31
        }
    );
    assert_eq!(found[0].child, Some(ChildId::new(1)));
    assert_eq!(found[0].since, START);
    assert_eq!(found[0].sentence(), "Made and checked by the same person (user 3).");
}

fn assessment(due: time::Date, completed: Option<time::Date>) -> Assessment {
    Assessment {
        id: AssessmentId::new(1),
        child: ChildId::new(1),
        kind: "child-and-family".to_owned(),
        started: due - days(63),
        due,
        completed,
    }
}

#[test]
fn as01_assessment_past_its_timescale_fires() {
    let facts = |a| Facts {
        assessments: vec![a],
        ..with_placements(vec![])
    };
    assert!(run(ControlId::As01, facts(assessment(START, Some(START)))).is_empty());
    assert!(run(ControlId::As01, facts(assessment(TODAY, None))).is_empty(), "due today");
    let overdue = run(ControlId::As01, facts(assessment(START, None)));
    assert_eq!(overdue[0].detail, Detail::AssessmentOverdue { due: START });
    assert_eq!(overdue[0].since, START + days(1));
    let late = run(ControlId::As01, facts(assessment(START, Some(START + days(2)))));
    assert!(matches!(late[0].detail, Detail::AssessmentLate { .. }));
    let mut not_started = assessment(TODAY + days(70), None);
    not_started.started = TODAY + days(7);
    let facts_future = facts(not_started);
    let evaluation = evaluate(&snapshot(facts_future), &Settings::default());
    assert_eq!(evaluation.results[0].population, 0, "an assessment not yet started is not tested");
}

#[test]
fn mn02_review_or_visit_overdue_fires() {
    let item = |kind, due, done| Facts {
        statutory: vec![StatutoryItem {
            child: ChildId::new(1),
            kind,
            due,
            done,
        }],
        ..with_placements(vec![])
    };
    assert!(run(ControlId::Mn02, item(StatutoryKind::Review, START, Some(START - days(3)))).is_empty());
    assert!(run(ControlId::Mn02, item(StatutoryKind::Visit, TODAY + days(3), None)).is_empty());
    let overdue = run(ControlId::Mn02, item(StatutoryKind::Review, START, None));
    assert_eq!(
        overdue[0].subject,
        Subject::Statutory {
            child: ChildId::new(1),
            kind: StatutoryKind::Review,
            due: START
        }
    );
    assert_eq!(overdue[0].since, START + days(1));
    assert_eq!(overdue[0].sentence(), "Looked-after review due by 2026-03-02 not done.");
    let late = run(ControlId::Mn02, item(StatutoryKind::Visit, START, Some(START + days(1))));
    assert!(matches!(late[0].detail, Detail::StatutoryLate { .. }));
}

#[test]
fn fn03_invoice_exception_open_more_than_30_days_fires() {
    let raised = TODAY - days(30);
    let facts = |resolved_on, raised_on| Facts {
        invoice_exceptions: vec![InvoiceException {
            id: InvoiceExceptionId::new(2),
            invoice: InvoiceId::new(77),
            raised_on,
            resolved_on,
        }],
        ..Facts::default()
    };
    assert!(run(ControlId::Fn03, facts(None, raised)).is_empty(), "open exactly 30 days");
    let found = run(ControlId::Fn03, facts(None, raised - days(1)));
    assert_eq!(found[0].subject, Subject::InvoiceException(InvoiceExceptionId::new(2)));
    assert_eq!(found[0].since, TODAY);
    assert_eq!(found[0].child, None);
    assert!(matches!(found[0].detail, Detail::InvoiceExceptionOpen { days_open: 31, .. }));
    assert!(run(ControlId::Fn03, facts(Some(START + days(30)), START)).is_empty());
    assert!(matches!(
        run(ControlId::Fn03, facts(Some(START + days(31)), START))[0].detail,
        Detail::InvoiceExceptionResolvedLate { .. }
    ));
}

#[test]
fn the_library_is_in_control_id_order_and_covers_every_area() {
    let ids: Vec<ControlId> = library().iter().map(|c| c.id).collect();
    assert_eq!(ids, ControlId::ALL.to_vec());
    for area in Area::ALL {
        assert!(library().iter().any(|c| c.area == *area), "no control in {area}");
    }
    for control in library() {
        assert_eq!(control.id.control().id, control.id);
        assert!(control.statement.ends_with('.') && control.population.ends_with('.'));
        assert_eq!(control.id.code().len(), 5);
    }
}

#[test]
fn populations_count_the_items_tested_and_areas_add_them_up() {
    let mut facts = paid(vec![payment(1, START, START + days(27)), payment(2, START - days(2), START)]);
    facts.placements.push(placement(2, 1, TODAY + days(3)));
    let evaluation = evaluate(&snapshot(facts), &Settings::default());
    let result = |id: ControlId| evaluation.results.iter().find(|r| r.control == id).copied().unwrap();
    assert_eq!(result(ControlId::Gk01).population, 1, "the future placement is not tested");
    assert_eq!(result(ControlId::Dq01).population, 2, "data quality tests every placement");
    assert_eq!((result(ControlId::Fn01).population, result(ControlId::Fn01).exceptions), (2, 1));
    let finance = evaluation.by_area().into_iter().find(|a| a.area == Area::Finance).unwrap();
    assert_eq!((finance.population, finance.exceptions), (2, 1));
    assert_eq!(evaluation.by_area().len(), Area::ALL.len());
}

#[test]
fn exceptions_serialize_with_their_sentence_and_no_names() {
    let facts = Facts {
        decisions: vec![decision(3, 3, None)],
        ..Facts::default()
    };
    let found = evaluate_all(&snapshot(facts), &Settings::default());
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(json["control"], "FN-02");
    assert_eq!(json["subject"]["type"], "decision");
    assert_eq!(json["subject"]["id"]["kind"], "carer-fee");
    assert_eq!(json["since"], "2026-03-02");
    assert_eq!(json["detail"], "Made and checked by the same person (user 3).");
}

#[test]
fn a_child_pass_skips_controls_about_providers_only() {
    let facts = Facts {
        invoice_exceptions: vec![InvoiceException {
            id: InvoiceExceptionId::new(1),
            invoice: InvoiceId::new(1),
            raised_on: START - days(90),
            resolved_on: None,
        }],
        ..with_placements(vec![placement(1, 1, START)])
    };
    let snapshot = snapshot(facts);
    assert_eq!(evaluate_all(&snapshot, &Settings::default()).len(), 1);
    assert!(evaluate_child(&snapshot, &Settings::default(), ChildId::new(1)).is_empty());
    assert!(!ControlId::Fn03.control().concerns_children());
}
