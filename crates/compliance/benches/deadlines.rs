//! Benchmark: every statutory deadline for 100,000 children.
//!
//! Run with `cargo bench -p compliance`. Each child has a realistic history
//! (a period of care of up to six years, one to four placements, reviews,
//! visits and health assessments roughly on schedule); the benchmark
//! derives every deadline and its status for all of them, five times, and
//! prints the fastest and median runs.

use std::hint::black_box;
use std::time::Instant;

use compliance::{all_deadlines, CareFacts, DeadlineStatus, PlacementFact, Timescales};
use kernel::{Nation, WorkingDays};
use time::{Date, Duration};

const CHILDREN: usize = 100_000;

struct History {
    date_of_birth: Date,
    start: Date,
    placements: Vec<PlacementFact>,
    reviews: Vec<Date>,
    visits: Vec<Date>,
    health: Vec<Date>,
}

/// A tiny deterministic generator, so every run measures the same work.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        i64::try_from((self.0 >> 33) % u64::try_from(bound.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

fn histories(today: Date) -> Vec<History> {
    let mut random = Lcg(2026);
    (0..CHILDREN)
        .map(|_| {
            let date_of_birth = today - Duration::days(random.next(18 * 365));
            let start = (today - Duration::days(1 + random.next(6 * 365))).max(date_of_birth);
            let moves = 1 + random.next(4);
            let span = (today - start).whole_days().max(moves);
            let mut starts: Vec<Date> = (0..moves).map(|i| start + Duration::days(i * span / moves)).collect();
            starts.dedup();
            let placements: Vec<PlacementFact> = starts
                .iter()
                .enumerate()
                .map(|(i, s)| PlacementFact {
                    start: *s,
                    end: starts.get(i + 1).copied(),
                    long_term: random.next(2) == 0,
                    placement_plan: Some(*s),
                })
                .collect();
            let every = |first: i64, gap: i64, random: &mut Lcg| -> Vec<Date> {
                let mut out = Vec::new();
                let mut day = start + Duration::days(first + random.next(10));
                while day < today {
                    out.push(day);
                    day += Duration::days(gap + random.next(30));
                }
                out
            };
            History {
                date_of_birth,
                start,
                placements,
                reviews: every(25, 170, &mut random),
                visits: every(5, 40, &mut random),
                health: every(25, 350, &mut random),
            }
        })
        .collect()
}

fn main() {
    let today = time::macros::date!(2026 - 11 - 22);
    let calendar = WorkingDays::new(Nation::England, []);
    let timescales = Timescales::statutory(Nation::England);
    let children = histories(today);
    let mut runs = Vec::new();
    let mut total = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let mut deadlines = 0usize;
        let mut overdue = 0usize;
        for child in &children {
            let facts = CareFacts {
                date_of_birth: child.date_of_birth,
                became_looked_after: child.start,
                ceased: None,
                placements: &child.placements,
                care_plan: Some(child.start),
                reviews: &child.reviews,
                visits: &child.visits,
                health_assessments: &child.health,
                peps: &child.health,
            };
            for deadline in all_deadlines(&facts, &timescales, &calendar) {
                deadlines += 1;
                if DeadlineStatus::of(&deadline, today, &timescales) == DeadlineStatus::Overdue {
                    overdue += 1;
                }
            }
        }
        runs.push(started.elapsed());
        total = black_box(deadlines);
        black_box(overdue);
    }
    runs.sort();
    println!(
        "compliance/all_deadlines: {CHILDREN} children, {total} deadlines: fastest {:.1} ms, median {:.1} ms ({:.2} µs per child)",
        runs[0].as_secs_f64() * 1e3,
        runs[2].as_secs_f64() * 1e3,
        runs[2].as_secs_f64() * 1e6 / CHILDREN as f64
    );
}
