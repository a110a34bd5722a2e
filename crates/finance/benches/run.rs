//! Benchmark: calculate a 4-weekly payment run and its ledger journal for
//! 10,000, 100,000 and 1,000,000 live agreements.
//!
//! Run with `cargo bench -p finance --bench run`. Agreements are generated
//! deterministically: one to three rate lines each (some changing inside
//! the period), about a tenth starting and a tenth ending inside the
//! period, a few whose placement ended, spread over 2,000 providers, 5,000
//! carer households and 40 cost centres. Each size is timed three times
//! and the fastest printed, with the time per agreement, so growth can be
//! seen to be linear. The target is 1 s or less at 100,000.

use std::hint::black_box;
use std::time::{Duration, Instant};

use contracts::agreements::FundingSplit;
use finance::ledger::{balance, ledger_entries};
use finance::runs::{calculate, Cadence};
use finance::service::{AgreementId, CostCentre, Element, HouseholdId, Payee, RateLine, ServiceAgreement};
use kernel::{Money, PlacementId, ProviderId};
use placements::PlacementCategory;
use time::macros::date;
use time::Duration as Days;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
const REPEATS: usize = 3;

/// A tiny deterministic generator (xorshift64), so every run measures the
/// same work.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> i64 {
        i64::try_from(self.next() % bound.max(1)).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < i64::try_from(percent).unwrap_or(0)
    }
}

const ELEMENTS: [Element; 4] = [Element::OneToOne, Element::Education, Element::Therapy, Element::Transport];

fn agreements(count: usize, first: time::Date, rng: &mut XorShift) -> Vec<ServiceAgreement> {
    let centres: Vec<CostCentre> = (0..40).map(|n| CostCentre::new(&format!("CC-{:04}", 4000 + n))).collect();
    (0..count)
        .map(|n| {
            let id = i64::try_from(n).unwrap_or(0) + 1;
            // Most started long ago; a tenth start inside the period.
            let start = if rng.chance(10) {
                first + Days::days(rng.below(28))
            } else {
                first - Days::days(1 + rng.below(900))
            };
            let end = rng.chance(10).then(|| first + Days::days(rng.below(28)));
            let placement_ended = rng.chance(2).then(|| first + Days::days(rng.below(28)));
            let core = Money::from_pence(50_000 + rng.below(700_000));
            let mut lines = vec![RateLine {
                element: Element::CoreFee,
                weekly: core,
                from: start,
            }];
            for _ in 0..rng.below(3) {
                let element = ELEMENTS[usize::try_from(rng.below(4)).unwrap_or(0)];
                let from = if rng.chance(30) { first + Days::days(rng.below(28)) } else { start };
                lines.push(RateLine {
                    element,
                    weekly: Money::from_pence(rng.below(300_000)),
                    from: from.max(start),
                });
            }
            let in_house = rng.chance(40);
            ServiceAgreement {
                id: AgreementId::new(id),
                placement_id: PlacementId::new(id),
                placement_type: if in_house {
                    PlacementCategory::InHouseFoster
                } else {
                    PlacementCategory::ChildrensHome
                },
                payee: if in_house {
                    Payee::Household(HouseholdId::new(1 + rng.below(5_000)))
                } else {
                    Payee::Provider(ProviderId::new(1 + rng.below(2_000)))
                },
                start,
                end: end.filter(|e| *e >= start),
                placement_ended,
                lines,
                funding: FundingSplit::ALL_SOCIAL_CARE,
                cost_centre: centres[usize::try_from(rng.below(40)).unwrap_or(0)].clone(),
            }
        })
        .collect()
}

fn main() {
    let period = Cadence::FourWeekly.period_from(date!(2026 - 04 - 06));
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    println!("4-weekly run {} to {}: calculate + ledger_entries", period.first, period.last);
    for size in SIZES {
        let deals = agreements(size, period.first, &mut rng);
        let mut best = Duration::MAX;
        let mut line_count = 0;
        for _ in 0..REPEATS {
            let started = Instant::now();
            let lines = calculate(black_box(period), black_box(&deals)).expect("no overflow");
            let entries = ledger_entries(&lines).expect("no overflow");
            let elapsed = started.elapsed();
            assert_eq!(balance(&entries), Ok(Money::ZERO));
            line_count = lines.len();
            black_box((lines, entries));
            best = best.min(elapsed);
        }
        let per_agreement_ns = best.as_nanos() / u128::try_from(size).unwrap_or(1);
        println!(
            "{size:>9} agreements, {line_count:>9} lines: {:>8.1} ms, {per_agreement_ns:>5} ns per agreement",
            best.as_secs_f64() * 1_000.0
        );
    }
}
