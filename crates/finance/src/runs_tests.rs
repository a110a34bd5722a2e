//! Tests for payment runs, with the properties that tie runs, agreements
//! and the ledger together.

use super::*;
use crate::fixtures::{agreement, line, pounds};
use crate::ledger::{balance, ledger_entries, reverse};
use crate::prorata::days_inclusive;
use crate::service::{backdated_change, total_between, CostCentre};
use kernel::{ProviderId, UserId};
use proptest::prelude::*;
use time::macros::date;

fn user(n: i64) -> Actor {
    Actor::User(UserId::new(n))
}

fn period(first: Date, last: Date) -> Period {
    Period { first, last }
}

#[test]
fn runs_move_one_step_at_a_time_and_never_back() {
    let mut state = RunState::Draft;
    for next in &RunState::ALL[1..] {
        state = state.advance(*next).unwrap();
    }
    assert_eq!(state, RunState::Exported);
    assert_eq!(
        RunState::Draft.advance(RunState::Approved),
        Err(RunError::IllegalStep {
            from: RunState::Draft,
            to: RunState::Approved
        })
    );
    assert!(RunState::Released.advance(RunState::Approved).is_err());
    assert!(RunState::Exported.advance(RunState::Exported).is_err());
    assert_eq!(
        RunState::Draft.advance(RunState::Released).unwrap_err().to_string(),
        "a run that is draft cannot become released for payment"
    );
}

#[test]
fn cadences_give_their_periods() {
    let first = date!(2026 - 01 - 31);
    assert_eq!(Cadence::Weekly.period_from(first).last, date!(2026 - 02 - 06));
    assert_eq!(Cadence::FourWeekly.period_from(first).last, date!(2026 - 02 - 27));
    assert_eq!(Cadence::Monthly.period_from(date!(2026 - 02 - 01)).last, date!(2026 - 02 - 28));
    assert_eq!(Cadence::Monthly.period_from(date!(2028 - 02 - 01)).last, date!(2028 - 02 - 29));
}

#[test]
fn calculate_pays_only_days_inside_the_period_and_the_agreement() {
    let first = date!(2026 - 04 - 01);
    let mut starting = agreement(1, 1, date!(2026 - 04 - 10), None, pounds(700));
    starting.lines.push(line(Element::Therapy, pounds(70), date!(2026 - 04 - 20)));
    let ending = agreement(2, 2, date!(2026 - 01 - 01), Some(date!(2026 - 04 - 03)), pounds(1_400));
    let mut placement_over = agreement(3, 2, date!(2026 - 01 - 01), None, pounds(700));
    placement_over.placement_ended = Some(date!(2026 - 04 - 01));
    let outside = agreement(4, 2, date!(2026 - 06 - 01), None, pounds(700));
    let lines = calculate(Cadence::FourWeekly.period_from(first), &[starting, ending, placement_over, outside]).unwrap();
    let summary: Vec<(i64, Element, Date, Date, i64, Money)> = lines
        .iter()
        .map(|l| (l.agreement.get(), l.element, l.from, l.to, l.days, l.amount))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, Element::CoreFee, date!(2026 - 04 - 10), date!(2026 - 04 - 28), 19, pounds(1_900)),
            (1, Element::Therapy, date!(2026 - 04 - 20), date!(2026 - 04 - 28), 9, pounds(90)),
            (2, Element::CoreFee, first, date!(2026 - 04 - 03), 3, pounds(600)),
            (3, Element::CoreFee, first, first, 1, pounds(100)),
        ]
    );
}

#[test]
fn an_adjustment_becomes_a_line_in_the_next_run() {
    let deal = agreement(1, 1, date!(2026 - 04 - 01), None, pounds(700));
    let rise = line(Element::CoreFee, pounds(1_050), date!(2026 - 04 - 01));
    let adjustments = backdated_change(&deal, rise, date!(2026 - 04 - 28)).unwrap();
    let adjustment = adjustment_line(&adjustments[0], &deal);
    assert_eq!((adjustment.days, adjustment.amount), (0, pounds(1_400)));
    let entries = ledger_entries(&[adjustment]).unwrap();
    assert_eq!(balance(&entries), Ok(Money::ZERO));
}

#[test]
fn the_preparer_cannot_approve_and_only_a_calculated_run_is_approved() {
    let draft = Run::draft(RunId::new(1), Cadence::Weekly, date!(2026 - 04 - 06), user(1));
    assert!(matches!(approve(&draft, user(2)), Err(RunError::IllegalStep { .. })));
    let calculated = draft.advanced(RunState::Calculated).unwrap();
    assert_eq!(
        approve(&calculated, user(1)).unwrap_err().to_string(),
        "you cannot approve something you prepared yourself; another person must do it"
    );
    assert!(matches!(approve(&calculated, Actor::System), Err(RunError::Duty(_))));
    let approved = approve(&calculated, user(2)).unwrap();
    assert_eq!((approved.state, approved.approved_by), (RunState::Approved, Some(user(2))));
}

#[test]
fn releasing_twice_or_retrying_after_a_crash_never_pays_twice() {
    let run = Run::draft(RunId::new(5), Cadence::Monthly, date!(2026 - 04 - 01), user(1));
    let approved = approve(&run.advanced(RunState::Calculated).unwrap(), user(2)).unwrap();
    assert!(matches!(release(&run, &[]), Err(RunError::IllegalStep { .. })));
    let released = release(&approved, &[]).unwrap();
    assert_eq!(released.key, ReleaseKey("payment-run-5-2026-04-01-2026-04-30".to_owned()));
    assert_eq!(released.run.state, RunState::Released);
    // The same click again, on the released run.
    assert_eq!(
        release(&released.run, &[]),
        Err(RunError::AlreadyReleased { key: released.key.clone() })
    );
    // A retry from the approved run saved before the crash: the key is on record.
    assert_eq!(
        release(&approved, std::slice::from_ref(&released.key)),
        Err(RunError::AlreadyReleased { key: released.key })
    );
    assert_eq!(release_key(&approved), release_key(&approved.clone()));
}

/// A generated agreement: start and end around the period, 1–3 lines.
fn any_agreement() -> impl Strategy<Value = ServiceAgreement> {
    (
        1i64..1_000,
        1i64..5,
        -60i64..60,
        proptest::option::of(0i64..120),
        proptest::option::of(0i64..120),
        proptest::collection::vec((0usize..3, 0i64..700_000, 0i64..90), 1..4),
        0usize..3,
    )
        .prop_map(|(id, payee, start, length, ended_after, lines, centre)| {
            let base = date!(2028 - 02 - 01);
            let start = base + Duration::days(start);
            let mut deal = agreement(id, payee, start, length.map(|l| start + Duration::days(l)), Money::ZERO);
            deal.placement_ended = ended_after.map(|e| start + Duration::days(e));
            deal.cost_centre = CostCentre::new(["CC-1", "CC-2", "CC-3"][centre]);
            deal.payee = Payee::Provider(ProviderId::new(payee));
            deal.lines = lines
                .into_iter()
                .map(|(element, weekly, from)| {
                    line(
                        [Element::CoreFee, Element::OneToOne, Element::Therapy][element],
                        Money::from_pence(weekly),
                        start + Duration::days(from),
                    )
                })
                .collect();
            deal
        })
}

fn any_period() -> impl Strategy<Value = Period> {
    (0i64..60, 0i64..60).prop_map(|(offset, len)| {
        let first = date!(2028 - 01 - 15) + Duration::days(offset);
        period(first, first + Duration::days(len))
    })
}

proptest! {
    #[test]
    fn every_runs_ledger_entries_sum_to_zero(
        agreements in proptest::collection::vec(any_agreement(), 0..20),
        p in any_period(),
        corrections in proptest::collection::vec(any_agreement(), 0..3),
    ) {
        let mut lines = calculate(p, &agreements).unwrap();
        // Adjustments can be credits; the journal must still balance.
        for deal in &corrections {
            let cut = line(Element::CoreFee, Money::ZERO, deal.start);
            for adjustment in backdated_change(deal, cut, p.last).unwrap() {
                lines.push(adjustment_line(&adjustment, deal));
            }
        }
        let entries = ledger_entries(&lines).unwrap();
        prop_assert_eq!(balance(&entries), Ok(Money::ZERO));
        prop_assert!(entries.iter().all(|e| (e.debit == Money::ZERO) != (e.credit == Money::ZERO)));
        prop_assert_eq!(balance(&reverse(&entries)), Ok(Money::ZERO));
    }

    #[test]
    fn no_day_is_paid_outside_a_live_agreement(
        agreements in proptest::collection::vec(any_agreement(), 1..10),
        p in any_period(),
    ) {
        let lines = calculate(p, &agreements).unwrap();
        for (index, deal) in agreements.iter().enumerate() {
            // Ids may repeat in generated data, so match lines by position.
            let own: Vec<&PaymentLine> = lines.iter().filter(|l| l.agreement == deal.id).collect();
            let overlap_first = p.first.max(deal.start);
            let overlap_last = deal.last_day().map_or(p.last, |l| l.min(p.last));
            let overlap = days_inclusive(overlap_first, overlap_last);
            let same_id = agreements.iter().filter(|a| a.id == deal.id).count();
            for l in &own {
                prop_assert!(l.from >= p.first && l.to <= p.last && l.from <= l.to);
                if same_id == 1 {
                    prop_assert!(deal.live_on(l.from) && deal.live_on(l.to), "agreement {}", index);
                }
            }
            if same_id == 1 {
                for element in Element::ALL {
                    let days: i64 = own.iter().filter(|l| l.element == *element).map(|l| l.days).sum();
                    prop_assert!(days <= overlap);
                }
            }
        }
    }

    #[test]
    fn splitting_a_period_anywhere_gives_the_same_total(
        agreements in proptest::collection::vec(any_agreement(), 1..10),
        p in any_period(),
        cut in 0i64..60,
    ) {
        let total = |lines: Vec<PaymentLine>| Money::sum(lines.into_iter().map(|l| l.amount)).unwrap();
        let whole = total(calculate(p, &agreements).unwrap());
        let cut = (p.first + Duration::days(cut)).min(p.last);
        let left = total(calculate(period(p.first, cut), &agreements).unwrap());
        let right = total(calculate(period(cut + Duration::days(1), p.last), &agreements).unwrap());
        prop_assert_eq!(left.checked_add(right).unwrap(), whole);
        let by_agreement = Money::sum(agreements.iter().map(|a| total_between(a, p.first, p.last).unwrap())).unwrap();
        prop_assert_eq!(by_agreement, whole);
    }

    #[test]
    fn maker_checker_refuses_the_preparer(preparer in 1i64..50, approver in 1i64..50) {
        let run = Run::draft(RunId::new(1), Cadence::Weekly, date!(2026 - 04 - 06), user(preparer))
            .advanced(RunState::Calculated)
            .unwrap();
        let result = approve(&run, user(approver));
        prop_assert_eq!(result.is_ok(), preparer != approver);
    }

    #[test]
    fn release_twice_is_refused(id in 1i64..10_000, offset in 0i64..1_000) {
        let first = date!(2026 - 04 - 01) + Duration::days(offset);
        let run = Run::draft(RunId::new(id), Cadence::FourWeekly, first, user(1)).advanced(RunState::Calculated).unwrap();
        let approved = approve(&run, user(2)).unwrap();
        let mut paid = Vec::new();
        let mut releases = 0;
        for _ in 0..3 {
            if let Ok(release) = release(&approved, &paid) {
                paid.push(release.key);
                releases += 1;
            }
        }
        prop_assert_eq!(releases, 1);
    }
}
