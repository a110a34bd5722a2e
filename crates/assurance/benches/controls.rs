//! Benchmark: every control over a national-scale snapshot, and one
//! child's controls.
//!
//! Run with `cargo bench -p assurance --bench controls`. The snapshot is
//! generated deterministically (the same seed every run): 83,000 children
//! and 1,000,000 placements (about twelve each, end to end, 40% external
//! with 2,000 providers), with agreements, provider standing periods,
//! service agreements and payments for external placements, decisions,
//! three assessments and twenty reviews and visits per child, and invoice
//! exceptions, a few per cent of each breaking a control. `evaluate_all`
//! is timed three times and the fastest printed; `evaluate_child` is timed
//! for 1,000 children drawn at random, with the mean and the slowest.
//! Targets: a full pass in 2 s or less, one child in 1 ms or less.

use std::hint::black_box;
use std::time::{Duration, Instant};

use assurance::prng::SplitMix64;
use assurance::{
    evaluate, evaluate_child, library, Assessment, AssessmentId, Child, Decision, DecisionKind, Facts, GatewayApproval, InvoiceException,
    InvoiceExceptionId, InvoiceId, Payment, PaymentId, Placement, PlacementAgreement, ProviderStanding, RequestId, Scope,
    ServiceAgreementId, ServiceAgreementWindow, Settings, Snapshot, StandingIssue, StatutoryItem, StatutoryKind,
};
use kernel::{ChildId, Money, PlacementId, ProviderId, UserId};
use placements::PlacementCategory;
use time::macros::date;
use time::{Date, Duration as Days};

const CHILDREN: i64 = 83_000;
const PLACEMENTS: i64 = 1_000_000;
const PROVIDERS: i64 = 2_000;
const REPEATS: usize = 3;
const SAMPLED_CHILDREN: usize = 1_000;
const TODAY: Date = date!(2026 - 06 - 01);

/// Draws from the benchmark's one stream.
struct Draw(SplitMix64);

impl Draw {
    fn upto(&mut self, bound: i64) -> i64 {
        i64::try_from(self.0.below(u64::try_from(bound.max(1)).unwrap_or(1))).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.0.chance(percent)
    }

    fn days(&mut self, low: i64, high: i64) -> Days {
        Days::days(low + self.upto(high - low + 1))
    }
}

fn main() {
    let started = Instant::now();
    let facts = national_facts(&mut Draw(SplitMix64::new(0x5EED_2026)));
    let generated = started.elapsed();
    let started = Instant::now();
    let snapshot = Snapshot::new(TODAY, facts).expect("generated ids are unique");
    println!(
        "generated in {:.1} s, indexed in {:.0} ms",
        generated.as_secs_f64(),
        started.elapsed().as_secs_f64() * 1_000.0
    );
    describe(&snapshot);
    time_full_pass(&snapshot);
    time_child_passes(&snapshot);
}

fn describe(snapshot: &Snapshot) {
    let facts = snapshot.facts();
    println!(
        "{} children, {} placements, {} agreements, {} standings, {} service agreements, {} payments, {} decisions, {} assessments, {} reviews and visits, {} invoice exceptions",
        facts.children.len(),
        facts.placements.len(),
        facts.agreements.len(),
        facts.standings.len(),
        facts.service_agreements.len(),
        facts.payments.len(),
        facts.decisions.len(),
        facts.assessments.len(),
        facts.statutory.len(),
        facts.invoice_exceptions.len()
    );
}

fn time_full_pass(snapshot: &Snapshot) {
    let settings = Settings::default();
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..REPEATS {
        let started = Instant::now();
        let evaluation = evaluate(black_box(snapshot), black_box(&settings));
        best = best.min(started.elapsed());
        last = Some(evaluation);
    }
    let evaluation = last.expect("at least one repeat");
    for (result, control) in evaluation.results.iter().zip(library()) {
        let started = Instant::now();
        black_box(control.evaluate(snapshot, &settings, Scope::All));
        println!(
            "  {:<6} {:>9} tested {:>7} exceptions {:>7.1} ms alone",
            result.control.code(),
            result.population,
            result.exceptions,
            started.elapsed().as_secs_f64() * 1_000.0
        );
    }
    println!(
        "evaluate_all: {} exceptions, best of {REPEATS}: {:.1} ms (target 2,000 ms)",
        evaluation.exceptions.len(),
        best.as_secs_f64() * 1_000.0
    );
}

fn time_child_passes(snapshot: &Snapshot) {
    let settings = Settings::default();
    let mut pick = Draw(SplitMix64::new(0xC41D));
    let (mut total, mut slowest, mut found) = (Duration::ZERO, Duration::ZERO, 0);
    for _ in 0..SAMPLED_CHILDREN {
        let child = ChildId::new(1 + pick.upto(CHILDREN));
        let started = Instant::now();
        let exceptions = evaluate_child(black_box(snapshot), black_box(&settings), child);
        let elapsed = started.elapsed();
        found += exceptions.len();
        total += elapsed;
        slowest = slowest.max(elapsed);
    }
    let mean_us = total.as_secs_f64() * 1e6 / SAMPLED_CHILDREN as f64;
    println!(
        "evaluate_child ({SAMPLED_CHILDREN} random children, {found} exceptions): mean {mean_us:.1} µs, max {:.1} µs (target 1,000 µs)",
        slowest.as_secs_f64() * 1e6
    );
}

fn national_facts(draw: &mut Draw) -> Facts {
    let mut facts = Facts {
        standings: (1..=PROVIDERS).filter_map(|id| standing(draw, id)).collect(),
        ..Facts::default()
    };
    // Twelve placements each, and a thirteenth for the first few, to make a million.
    let extra = PLACEMENTS - CHILDREN * 12;
    let mut next_id = 1;
    for id in 1..=CHILDREN {
        let child = ChildId::new(id);
        let count = if id <= extra { 13 } else { 12 };
        let chain = care_history(draw, child, next_id, count);
        next_id += count;
        let date_of_birth = chain[0].start - draw.days(0, 4_000);
        facts.children.push(Child {
            id: child,
            la_reference: format!("LA{id:06}"),
            date_of_birth,
            team: None,
        });
        for mut placement in chain {
            // Unregulated settings are for 16- and 17-year-olds, with rare slips.
            let under_16 = placement.start < date_of_birth + Days::days(16 * 365);
            placement.regulated |= under_16 && !draw.chance(5);
            finance_for(draw, &mut facts, &placement);
            facts.placements.push(placement);
        }
        casework_for(draw, &mut facts, child);
    }
    facts.decisions = (1..=200_000).map(|record| decision(draw, record)).collect();
    facts.invoice_exceptions = (1..=50_000).map(|id| invoice_exception(draw, id)).collect();
    facts
}

/// A child's placements end to end, the last going on (or ended) by today,
/// built backwards from today. Now and then one starts a few days before
/// the last ended, a recording slip for DQ-01 to find.
fn care_history(draw: &mut Draw, child: ChildId, first_id: i64, count: i64) -> Vec<Placement> {
    let mut chain = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let last_start = TODAY - draw.days(0, 400);
    let mut end = draw
        .chance(25)
        .then(|| last_start + draw.days(1, (TODAY - last_start).whole_days().max(1)));
    let mut start = last_start;
    for n in (0..count).rev() {
        let mut placement = placement(draw, first_id + n, child, start);
        placement.end = end;
        if draw.chance(1) {
            placement.start -= Days::days(3);
        }
        chain.push(placement);
        end = Some(start);
        start -= draw.days(20, 300);
    }
    chain.reverse();
    chain
}

fn standing(draw: &mut Draw, provider: i64) -> Option<ProviderStanding> {
    draw.chance(15).then(|| {
        let from = date!(2018 - 01 - 01) + draw.days(0, 3_000);
        ProviderStanding {
            provider: ProviderId::new(provider),
            issue: StandingIssue::ALL[usize::try_from(draw.upto(3)).unwrap_or(0)],
            from,
            to: draw.chance(80).then(|| from + draw.days(14, 120)),
        }
    })
}

/// Mostly clean; each flag breaks its control a few times in a hundred.
fn placement(draw: &mut Draw, id: i64, child: ChildId, start: Date) -> Placement {
    let external = draw.chance(40);
    let emergency = draw.chance(8);
    let ratified_late = draw.chance(3);
    Placement {
        id: PlacementId::new(id),
        child,
        start,
        end: None,
        category: if external {
            PlacementCategory::ChildrensHome
        } else {
            PlacementCategory::InHouseFoster
        },
        provider: external.then(|| ProviderId::new(1 + draw.upto(PROVIDERS))),
        external,
        regulated: !draw.chance(2),
        out_of_area: draw.chance(20),
        weekly_cost: Money::from_pounds(if external { 2_000 + draw.upto(6_000) } else { 300 + draw.upto(400) }),
        emergency,
        ratified_on: (emergency && !draw.chance(2)).then(|| start + if ratified_late { draw.days(6, 12) } else { draw.days(0, 5) }),
        gateway: (!emergency && !draw.chance(1)).then(|| GatewayApproval {
            request_id: RequestId::new(id),
            approved_on: start - if draw.chance(2) { draw.days(-5, -1) } else { draw.days(0, 30) },
        }),
        monitoring_officer: (!draw.chance(3)).then(|| UserId::new(1 + draw.upto(500))),
        high_cost_reviewed_on: (!draw.chance(5)).then(|| TODAY - draw.days(0, 88)),
    }
}

/// An agreement, a service agreement to the placement's last day and
/// four-weekly payments for the first eight weeks of an external placement.
fn finance_for(draw: &mut Draw, facts: &mut Facts, placement: &Placement) {
    if !placement.external {
        return;
    }
    facts.agreements.push(PlacementAgreement {
        placement: placement.id,
        fully_signed_on: (!draw.chance(2)).then(|| placement.start + if draw.chance(3) { draw.days(1, 20) } else { draw.days(-20, 0) }),
    });
    let agreement = ServiceAgreementId::new(placement.id.get());
    let last_day = placement.end.map(|end| end - Days::days(1));
    facts.service_agreements.push(ServiceAgreementWindow {
        id: agreement,
        start: placement.start,
        last_day,
    });
    // Two four-weekly payments for the days the placement lasted; now and
    // then the first reaches back before the agreement began.
    let early = if draw.chance(2) { Days::days(3) } else { Days::ZERO };
    for period in 0..2 {
        let first = placement.start + Days::days(28 * period) - if period == 0 { early } else { Days::ZERO };
        let last = placement.start + Days::days(28 * period + 27);
        if last_day.is_some_and(|day| last > day) {
            break;
        }
        let id = i64::try_from(facts.payments.len()).unwrap_or(0) + 1;
        facts.payments.push(Payment {
            id: PaymentId::new(id),
            service_agreement: agreement,
            placement: placement.id,
            first,
            last,
            days: (last - first).whole_days() + if draw.chance(1) { 0 } else { 1 },
        });
    }
}

fn casework_for(draw: &mut Draw, facts: &mut Facts, child: ChildId) {
    for _ in 0..3 {
        let id = i64::try_from(facts.assessments.len()).unwrap_or(0) + 1;
        let started = TODAY - draw.days(0, 2_000);
        let due = started + Days::days(63);
        let took = if draw.chance(4) { draw.days(64, 90) } else { draw.days(10, 63) };
        facts.assessments.push(Assessment {
            id: AssessmentId::new(id),
            child,
            kind: "child-and-family".to_owned(),
            started,
            due,
            completed: Some(started + took).filter(|done| *done <= TODAY),
        });
    }
    let mut due = TODAY - draw.days(700, 1_500);
    for n in 0..20 {
        let kind = if n % 3 == 0 { StatutoryKind::Review } else { StatutoryKind::Visit };
        let held = if draw.chance(3) {
            due + draw.days(1, 10)
        } else {
            due - draw.days(0, 20)
        };
        facts.statutory.push(StatutoryItem {
            child,
            kind,
            due,
            done: (!draw.chance(1)).then_some(held).filter(|done| *done <= TODAY),
        });
        due += draw.days(30, 70);
    }
}

fn decision(draw: &mut Draw, record: i64) -> Decision {
    let maker = UserId::new(1 + draw.upto(300));
    Decision {
        kind: DecisionKind::ALL[usize::try_from(draw.upto(4)).unwrap_or(0)],
        record,
        child: draw.chance(60).then(|| ChildId::new(1 + draw.upto(CHILDREN))),
        maker,
        checker: if draw.chance(1) { maker } else { UserId::new(301 + draw.upto(100)) },
        decided_on: TODAY - draw.days(0, 1_500),
    }
}

fn invoice_exception(draw: &mut Draw, id: i64) -> InvoiceException {
    let raised_on = TODAY - draw.days(0, 1_000);
    let took = if draw.chance(5) { draw.days(31, 60) } else { draw.days(0, 30) };
    InvoiceException {
        id: InvoiceExceptionId::new(id),
        invoice: InvoiceId::new(id),
        raised_on,
        resolved_on: (!draw.chance(1)).then_some(raised_on + took).filter(|done| *done <= TODAY),
    }
}
