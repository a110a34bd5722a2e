//! Test builders: clean facts that pass every control, so each test
//! changes only the one field its rule is about; and random facts for the
//! property tests.

use kernel::{ChildId, Money, PlacementId, ProviderId, UserId};
use placements::PlacementCategory;
use time::macros::date;
use time::{Date, Duration};

use crate::controls::{ControlId, Exception, Scope, Settings};
use crate::facts::{
    Assessment, Child, Decision, DecisionKind, Facts, GatewayApproval, InvoiceException, Payment, Placement, PlacementAgreement,
    ProviderStanding, ServiceAgreementWindow, StandingIssue, StatutoryItem, StatutoryKind,
};
use crate::ids::{AssessmentId, InvoiceExceptionId, InvoiceId, PaymentId, RequestId, ServiceAgreementId};
use crate::prng::SplitMix64;
use crate::snapshot::Snapshot;

/// The day every fixed-date test is judged on.
pub(crate) const TODAY: Date = date!(2026 - 06 - 01);

pub(crate) fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// A child born in 2012 (13 on [`TODAY`]).
pub(crate) fn child(id: i64) -> Child {
    Child {
        id: ChildId::new(id),
        la_reference: format!("LA{id:05}"),
        date_of_birth: date!(2012 - 09 - 15),
        team: None,
    }
}

/// A clean in-house placement: approved the week before it started,
/// regulated, in area, not high-cost.
pub(crate) fn placement(id: i64, child: i64, start: Date) -> Placement {
    Placement {
        id: PlacementId::new(id),
        child: ChildId::new(child),
        start,
        end: None,
        category: PlacementCategory::InHouseFoster,
        provider: None,
        external: false,
        regulated: true,
        out_of_area: false,
        weekly_cost: Money::from_pounds(450),
        emergency: false,
        ratified_on: None,
        gateway: Some(GatewayApproval {
            request_id: RequestId::new(id),
            approved_on: start - days(7),
        }),
        monitoring_officer: None,
        high_cost_reviewed_on: None,
    }
}

/// A clean external placement with provider `provider` and a signed agreement.
pub(crate) fn external(id: i64, child: i64, start: Date, provider: i64) -> (Placement, PlacementAgreement) {
    let placement = Placement {
        category: PlacementCategory::ChildrensHome,
        provider: Some(ProviderId::new(provider)),
        external: true,
        weekly_cost: Money::from_pounds(4_200),
        ..placement(id, child, start)
    };
    let agreement = PlacementAgreement {
        placement: PlacementId::new(id),
        fully_signed_on: Some(start - days(1)),
    };
    (placement, agreement)
}

/// Facts with one child (id 1) and the given placements.
pub(crate) fn with_placements(placements: Vec<Placement>) -> Facts {
    Facts {
        children: vec![child(1)],
        placements,
        ..Facts::default()
    }
}

pub(crate) fn snapshot(facts: Facts) -> Snapshot {
    Snapshot::new(TODAY, facts).expect("fixture facts have unique ids")
}

/// The exceptions `control` raises over all of `facts` on [`TODAY`].
pub(crate) fn run(control: ControlId, facts: Facts) -> Vec<Exception> {
    run_with(control, facts, &Settings::default())
}

pub(crate) fn run_with(control: ControlId, facts: Facts, settings: &Settings) -> Vec<Exception> {
    control.control().evaluate(&snapshot(facts), settings, Scope::All)
}

/// Random facts over a small id space, so children share providers,
/// payments miss agreements and decisions repeat people: every control has
/// a fair chance of firing. Deterministic for a seed.
pub(crate) fn random_facts(seed: u64, children: i64, placements: i64) -> Facts {
    let mut rng = SplitMix64::new(seed);
    let mut facts = Facts::default();
    for id in 1..=children {
        let child = random_child(&mut rng, id);
        // A few child ids are left out of the children list on purpose.
        if !rng.chance(10) {
            facts.children.push(child);
        }
    }
    for id in 1..=placements {
        let placement = random_placement(&mut rng, id, children);
        random_placement_records(&mut rng, &mut facts, &placement);
        facts.placements.push(placement);
    }
    random_child_records(&mut rng, &mut facts, children);
    random_finance_records(&mut rng, &mut facts, children);
    facts
}

fn pick(rng: &mut SplitMix64, low: i64, high: i64) -> i64 {
    low + i64::try_from(rng.below(u64::try_from(high - low + 1).unwrap_or(1))).unwrap_or(0)
}

fn random_date(rng: &mut SplitMix64) -> Date {
    date!(2020 - 01 - 01) + days(pick(rng, 0, 2_500))
}

fn random_child(rng: &mut SplitMix64, id: i64) -> Child {
    Child {
        date_of_birth: date!(2004 - 01 - 01) + days(pick(rng, 0, 6_000)),
        ..child(id)
    }
}

fn maybe<T>(rng: &mut SplitMix64, percent: u64, value: impl FnOnce(&mut SplitMix64) -> T) -> Option<T> {
    rng.chance(percent).then(|| value(rng))
}

fn random_placement(rng: &mut SplitMix64, id: i64, children: i64) -> Placement {
    let start = random_date(rng);
    Placement {
        end: maybe(rng, 60, |rng| start + days(pick(rng, -20, 700))),
        provider: maybe(rng, 60, |rng| ProviderId::new(pick(rng, 1, 6))),
        external: rng.chance(50),
        regulated: rng.chance(70),
        out_of_area: rng.chance(30),
        weekly_cost: Money::from_pounds(pick(rng, 300, 9_000)),
        emergency: rng.chance(20),
        ratified_on: maybe(rng, 60, |rng| start + days(pick(rng, 0, 12))),
        gateway: maybe(rng, 80, |rng| GatewayApproval {
            request_id: RequestId::new(id),
            approved_on: start + days(pick(rng, -30, 5)),
        }),
        monitoring_officer: maybe(rng, 70, |rng| UserId::new(pick(rng, 1, 9))),
        high_cost_reviewed_on: maybe(rng, 50, |rng| start + days(pick(rng, 0, 400))),
        ..placement(id, pick(rng, 1, children), start)
    }
}

fn random_placement_records(rng: &mut SplitMix64, facts: &mut Facts, placement: &Placement) {
    for _ in 0..pick(rng, 0, 2) {
        facts.agreements.push(PlacementAgreement {
            placement: placement.id,
            fully_signed_on: maybe(rng, 70, |rng| placement.start + days(pick(rng, -10, 10))),
        });
    }
    for _ in 0..pick(rng, 0, 2) {
        let id = i64::try_from(facts.payments.len()).unwrap_or(0) + 1;
        let first = placement.start + days(pick(rng, -5, 60));
        let last = first + days(pick(rng, -2, 27));
        facts.payments.push(Payment {
            id: PaymentId::new(id),
            service_agreement: ServiceAgreementId::new(pick(rng, 1, 12)),
            // Now and then a payment for a placement not in the facts.
            placement: if rng.chance(5) { PlacementId::new(9_999) } else { placement.id },
            first,
            last,
            days: if rng.chance(90) {
                ((last - first).whole_days() + 1).max(0)
            } else {
                pick(rng, 0, 30)
            },
        });
    }
}

fn random_child_records(rng: &mut SplitMix64, facts: &mut Facts, children: i64) {
    for id in 1..=children * 2 {
        let started = random_date(rng);
        facts.assessments.push(Assessment {
            id: AssessmentId::new(id),
            child: ChildId::new(pick(rng, 1, children)),
            kind: "child-and-family".to_owned(),
            started,
            due: started + days(63),
            completed: maybe(rng, 70, |rng| started + days(pick(rng, 0, 90))),
        });
        let due = random_date(rng);
        facts.statutory.push(StatutoryItem {
            child: ChildId::new(pick(rng, 1, children)),
            kind: if rng.chance(50) {
                StatutoryKind::Review
            } else {
                StatutoryKind::Visit
            },
            due,
            done: maybe(rng, 70, |rng| due + days(pick(rng, -10, 10))),
        });
    }
}

fn random_finance_records(rng: &mut SplitMix64, facts: &mut Facts, children: i64) {
    for id in 1..=10 {
        let start = random_date(rng);
        facts.service_agreements.push(ServiceAgreementWindow {
            id: ServiceAgreementId::new(id),
            start,
            last_day: maybe(rng, 50, |rng| start + days(pick(rng, 0, 600))),
        });
        facts.standings.push(ProviderStanding {
            provider: ProviderId::new(pick(rng, 1, 6)),
            issue: StandingIssue::ALL[usize::try_from(pick(rng, 0, 2)).unwrap_or(0)],
            from: start,
            to: maybe(rng, 60, |rng| start + days(pick(rng, 1, 300))),
        });
        facts.invoice_exceptions.push(InvoiceException {
            id: InvoiceExceptionId::new(id),
            invoice: InvoiceId::new(id),
            raised_on: start,
            resolved_on: maybe(rng, 60, |rng| start + days(pick(rng, 0, 60))),
        });
    }
    for record in 1..=children {
        facts.decisions.push(Decision {
            kind: DecisionKind::ALL[usize::try_from(pick(rng, 0, 3)).unwrap_or(0)],
            record,
            child: maybe(rng, 60, |rng| ChildId::new(pick(rng, 1, children))),
            maker: UserId::new(pick(rng, 1, 4)),
            checker: UserId::new(pick(rng, 1, 4)),
            decided_on: random_date(rng),
        });
    }
}
