//! Tests for service agreements.

use super::*;
use crate::fixtures::{agreement, line, pounds};
use proptest::prelude::*;
use time::macros::date;
use time::Duration;

#[test]
fn pays_only_days_inside_the_agreement() {
    // £700 a week is £100 a day, so the figures are exact.
    let deal = agreement(1, 1, date!(2026 - 04 - 10), Some(date!(2026 - 04 - 20)), pounds(700));
    let costs = cost_between(&deal, date!(2026 - 04 - 01), date!(2026 - 04 - 30)).unwrap();
    assert_eq!(
        costs,
        vec![ElementCost {
            element: Element::CoreFee,
            days: 11,
            amount: pounds(1_100)
        }]
    );
    assert_eq!(cost_between(&deal, date!(2026 - 05 - 01), date!(2026 - 05 - 31)), Ok(vec![]));
}

#[test]
fn rates_change_on_their_effective_date_and_zero_stops_an_element() {
    let start = date!(2026 - 04 - 01);
    let mut deal = agreement(1, 1, start, None, pounds(700));
    deal.lines.push(line(Element::OneToOne, pounds(1_400), start));
    deal.lines.push(line(Element::CoreFee, pounds(1_400), date!(2026 - 04 - 08)));
    deal.lines.push(line(Element::OneToOne, Money::ZERO, date!(2026 - 04 - 04)));
    let costs = cost_between(&deal, start, date!(2026 - 04 - 14)).unwrap();
    assert_eq!(
        costs,
        vec![
            ElementCost {
                element: Element::CoreFee,
                days: 14,
                amount: pounds(700 + 1_400)
            },
            ElementCost {
                element: Element::OneToOne,
                days: 3,
                amount: pounds(600)
            },
        ]
    );
}

#[test]
fn the_later_listed_of_two_lines_from_the_same_day_wins() {
    let start = date!(2026 - 04 - 01);
    let mut deal = agreement(1, 1, start, None, pounds(700));
    deal.lines.push(line(Element::CoreFee, pounds(1_400), start));
    assert_eq!(total_between(&deal, start, date!(2026 - 04 - 07)), Ok(pounds(1_400)));
}

#[test]
fn nothing_is_paid_after_the_placement_ends() {
    let deal = agreement(1, 1, date!(2026 - 04 - 01), None, pounds(700));
    let stopped = stop_at_placement_end(&deal, date!(2026 - 04 - 05));
    assert_eq!(stopped.end, Some(date!(2026 - 04 - 05)));
    assert_eq!(
        total_between(&stopped, date!(2026 - 04 - 01), date!(2026 - 04 - 30)),
        Ok(pounds(500))
    );
    let mut ended = deal.clone();
    ended.placement_ended = Some(date!(2026 - 04 - 02));
    assert!(ended.live_on(date!(2026 - 04 - 02)));
    assert!(!ended.live_on(date!(2026 - 04 - 03)));
    assert_eq!(total_between(&ended, date!(2026 - 04 - 01), date!(2026 - 04 - 30)), Ok(pounds(200)));
}

#[test]
fn days_paid_after_a_late_recorded_end_are_recovered() {
    // Paid to 30 April; the placement is then recorded as having ended on
    // the 10th: twenty days at £100 come back.
    let deal = agreement(1, 1, date!(2026 - 04 - 01), None, pounds(700));
    let stopped = stop_at_placement_end(&deal, date!(2026 - 04 - 10));
    let recovery = adjustments_between(&deal, &stopped, date!(2026 - 04 - 11), date!(2026 - 04 - 30)).unwrap();
    assert_eq!(
        recovery,
        vec![Adjustment {
            agreement: deal.id,
            element: Element::CoreFee,
            first: date!(2026 - 04 - 11),
            last: date!(2026 - 04 - 30),
            amount: pounds(-2_000),
        }]
    );
    assert_eq!(
        adjustments_between(&deal, &stopped, date!(2026 - 05 - 01), date!(2026 - 04 - 30)),
        Ok(vec![])
    );
}

#[test]
fn a_backdated_rise_pays_the_difference_for_days_already_paid() {
    let start = date!(2026 - 04 - 01);
    let deal = agreement(7, 1, start, None, pounds(700));
    let rise = line(Element::CoreFee, pounds(1_050), date!(2026 - 04 - 11));
    let adjustments = backdated_change(&deal, rise, date!(2026 - 04 - 20)).unwrap();
    assert_eq!(
        adjustments,
        vec![Adjustment {
            agreement: AgreementId::new(7),
            element: Element::CoreFee,
            first: date!(2026 - 04 - 11),
            last: date!(2026 - 04 - 20),
            amount: pounds(500),
        }]
    );
    let cut = line(Element::CoreFee, pounds(350), date!(2026 - 04 - 19));
    assert_eq!(backdated_change(&deal, cut, date!(2026 - 04 - 20)).unwrap()[0].amount, pounds(-100));
    // A change from after the paid days needs no adjustment.
    assert_eq!(backdated_change(&deal, rise, date!(2026 - 04 - 10)), Ok(vec![]));
    // The original line is untouched: history is never edited.
    assert_eq!(deal.lines.len(), 1);
}

#[test]
fn agreements_need_an_approved_basis_and_a_live_placement() {
    let deal = agreement(1, 1, date!(2026 - 04 - 01), None, pounds(700));
    let signed = Basis::PlacementAgreement { fully_signed: true };
    assert!(create(deal.clone(), signed, true).is_ok());
    assert!(create(deal.clone(), Basis::CarerFee { approved: true }, true).is_ok());
    assert_eq!(
        create(deal.clone(), Basis::PlacementAgreement { fully_signed: false }, true),
        Err(AgreementError::AgreementNotSigned)
    );
    assert_eq!(
        create(deal.clone(), Basis::CarerFee { approved: false }, true),
        Err(AgreementError::FeeNotApproved)
    );
    assert_eq!(create(deal.clone(), signed, false), Err(AgreementError::PlacementNotLive));
    let mut bad = deal.clone();
    bad.end = Some(date!(2026 - 03 - 01));
    assert_eq!(create(bad, signed, true), Err(AgreementError::EndBeforeStart));
    let mut bad = deal.clone();
    bad.lines[0].weekly = pounds(-1);
    assert_eq!(create(bad, signed, true), Err(AgreementError::NegativeRate));
    let mut bad = deal.clone();
    bad.lines[0].from = date!(2026 - 03 - 01);
    assert_eq!(create(bad, signed, true), Err(AgreementError::RateBeforeStart));
    let mut bad = deal.clone();
    bad.lines.clear();
    assert_eq!(create(bad, signed, true), Err(AgreementError::NoRates));
    let mut bad = deal;
    bad.funding.education = 10;
    assert_eq!(create(bad, signed, true), Err(AgreementError::FundingNot100));
}

#[test]
fn codes_and_payees_serialise_stably() {
    assert_eq!(Element::from(placements::ElementKind::Therapy), Element::Therapy);
    let payee = Payee::Household(HouseholdId::new(3));
    assert_eq!(payee.to_string(), "household:3");
    let json = serde_json::to_string(&payee).unwrap();
    assert_eq!(json, r#"{"kind":"household","id":3}"#);
    assert_eq!(serde_json::from_str::<Payee>(&json).unwrap(), payee);
    let deal = agreement(1, 1, date!(2026 - 04 - 01), None, pounds(700));
    let back: ServiceAgreement = serde_json::from_str(&serde_json::to_string(&deal).unwrap()).unwrap();
    assert_eq!(back, deal);
}

proptest! {
    #[test]
    fn a_backdated_change_then_paying_on_equals_paying_the_new_rates_throughout(
        old in 0i64..500_000,
        new in 0i64..500_000,
        change_after in 0i64..60,
        paid_for in 0i64..90,
    ) {
        let start = date!(2028 - 02 - 01);
        let deal = agreement(1, 1, start, None, Money::from_pence(old));
        let change = line(Element::CoreFee, Money::from_pence(new), start + Duration::days(change_after));
        let paid_through = start + Duration::days(paid_for);
        let paid = total_between(&deal, start, paid_through).unwrap();
        let adjusted = Money::sum(backdated_change(&deal, change, paid_through).unwrap().iter().map(|a| a.amount)).unwrap();
        let owed = total_between(&with_line(&deal, change), start, paid_through).unwrap();
        prop_assert_eq!(paid.checked_add(adjusted).unwrap(), owed);
    }
}
