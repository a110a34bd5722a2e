//! Benchmark: a ranked placement search over 10,000 provider settings and
//! 50,000 in-house foster households.
//!
//! Run with `cargo bench -p matching --bench search`. The candidates are
//! generated deterministically across a 100 km × 100 km grid (mixed
//! setting types, grades, registrations, needs, vacancies, prices and
//! histories); 200 searches with varied children each rank every
//! candidate and explain the top ten of each pass, as the referral screen
//! would. It prints the fastest, median and 95th-percentile time per
//! search, first with the candidates in id order (as the store reads them)
//! and again shuffled; the target is 10 ms or less.

use std::hint::black_box;
use std::time::{Duration, Instant};

use kernel::{Money, Nation, ProviderId};
use matching::{search, Candidate, Criteria, Location, NeedSet, PassKind, Source};
use placements::PlacementCategory;
use providers::accreditation::Status;
use providers::register::{Grade, Need, RegistrationStatus, Regulator, SettingType};
use time::macros::date;
use time::Duration as Days;

const SETTINGS: usize = 10_000;
const HOUSEHOLDS: usize = 50_000;
const SEARCHES: usize = 200;
const ORIGIN: Location = Location {
    easting: 400_000,
    northing: 250_000,
};
const GRID_METRES: u64 = 100_000;

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

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }

    fn location(&mut self) -> Location {
        let offset = |r: &mut XorShift| i32::try_from(r.below(GRID_METRES)).unwrap_or(0);
        Location {
            easting: ORIGIN.easting + offset(self),
            northing: ORIGIN.northing + offset(self),
        }
    }

    fn needs(&mut self, at_least: u64, at_most: u64) -> NeedSet {
        let count = at_least + self.below(at_most - at_least + 1);
        (0..count).map(|_| self.pick(Need::ALL)).collect()
    }

    fn pounds(&mut self, from: i64, to: i64) -> Money {
        Money::from_pounds(from + i64::try_from(self.below(u64::try_from(to - from).unwrap_or(1))).unwrap_or(0))
    }
}

const GRADES: [Grade; 5] = [
    Grade::Outstanding,
    Grade::Good,
    Grade::Good,
    Grade::RequiresImprovement,
    Grade::NotInspected,
];

fn setting(r: &mut XorShift, id: i64) -> Candidate {
    let setting_type = match r.below(100) {
        0..40 => SettingType::ChildrensHome,
        40..75 => SettingType::FosteringAgency,
        75..90 => SettingType::SupportedAccommodation,
        90..95 => SettingType::ResidentialSchool,
        95..97 => SettingType::SecureHome,
        _ => SettingType::Unregistered,
    };
    let unregistered = setting_type == SettingType::Unregistered;
    let age_min = u8::try_from(r.below(14)).unwrap_or(0);
    let source = if r.chance(60) {
        Source::Framework {
            tier: 1 + u8::try_from(r.below(3)).unwrap_or(0),
            rate: r.pounds(1_000, 7_000),
        }
    } else {
        Source::Spot
    };
    let previous_placements = u32::try_from(r.below(8)).unwrap_or(0);
    Candidate {
        source,
        id,
        provider_id: Some(ProviderId::new(1 + id / 4)),
        name: format!("Setting {id}"),
        category: setting_type.categories()[0],
        setting_type: Some(setting_type),
        regulator: if unregistered { Regulator::None } else { Regulator::Ofsted },
        registration: match (unregistered, r.below(100)) {
            (true, _) => RegistrationStatus::NotRegistered,
            (false, 0..90) => RegistrationStatus::Registered,
            (false, 90..94) => RegistrationStatus::ApplicationAccepted,
            (false, 94..97) => RegistrationStatus::Suspended,
            _ => RegistrationStatus::Cancelled,
        },
        accreditation: Some(r.pick(&[Status::Accredited, Status::Accredited, Status::Conditional, Status::Expired])),
        grade: r.pick(&GRADES),
        supervision: None,
        age_min,
        age_max: (age_min + 4 + u8::try_from(r.below(8)).unwrap_or(0)).min(17),
        accepts: r.needs(2, 8),
        places_free: u32::try_from(r.below(5)).unwrap_or(0),
        location: r.chance(97).then(|| r.location()),
        for_profit: r.chance(75),
        weekly_price: r.chance(90).then(|| r.pounds(800, 9_000)),
        previous_placements,
        previous_breakdowns: u32::try_from(r.below(u64::from(previous_placements) + 1)).unwrap_or(0) / 2,
        approval_lapsed: false,
    }
}

fn household(r: &mut XorShift, id: i64) -> Candidate {
    let kinship = r.chance(15);
    let age_min = u8::try_from(r.below(12)).unwrap_or(0);
    let previous_placements = u32::try_from(r.below(6)).unwrap_or(0);
    Candidate {
        source: Source::InHouse { household_id: id },
        id,
        provider_id: None,
        name: format!("Household {id}"),
        category: if kinship {
            PlacementCategory::Kinship
        } else {
            PlacementCategory::InHouseFoster
        },
        setting_type: None,
        regulator: Regulator::Ofsted,
        registration: RegistrationStatus::Registered,
        accreditation: None,
        grade: Grade::NotInspected,
        supervision: r.chance(70).then(|| r.pick(&GRADES)),
        age_min,
        age_max: (age_min + 3 + u8::try_from(r.below(10)).unwrap_or(0)).min(17),
        accepts: r.needs(1, 6),
        places_free: u32::try_from(r.below(3)).unwrap_or(0),
        location: r.chance(99).then(|| r.location()),
        for_profit: false,
        weekly_price: Some(r.pounds(250, 700)),
        previous_placements,
        previous_breakdowns: u32::try_from(r.below(u64::from(previous_placements) + 1)).unwrap_or(0) / 3,
        approval_lapsed: kinship && r.chance(10),
    }
}

fn criteria(r: &mut XorShift) -> Criteria {
    let start = date!(2026 - 12 - 01);
    let age_days = 365 * (3 + i64::try_from(r.below(15)).unwrap_or(0)) + i64::try_from(r.below(365)).unwrap_or(0);
    let mut categories = vec![PlacementCategory::InHouseFoster, PlacementCategory::IndependentFoster];
    if r.chance(60) {
        categories.push(PlacementCategory::ChildrensHome);
    }
    if r.chance(30) {
        categories.extend([PlacementCategory::SupportedAccommodation, PlacementCategory::Kinship]);
    }
    if r.chance(10) {
        categories.push(PlacementCategory::Bespoke);
    }
    Criteria {
        start,
        date_of_birth: start - Days::days(age_days),
        nation: if r.chance(85) { Nation::England } else { Nation::Wales },
        categories,
        needs: r.needs(0, 2).to_vec(),
        risks: r.needs(0, 1).to_vec(),
        siblings: if r.chance(20) {
            1 + u8::try_from(r.below(2)).unwrap_or(0)
        } else {
            0
        },
        home: Some(r.location()),
        school: r.chance(80).then(|| r.location()),
        max_weekly: r.chance(90).then(|| r.pounds(500, 8_000)),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn main() {
    let mut r = XorShift(0x2026_1201_cafe_f00d);
    let mut candidates: Vec<Candidate> = (0..SETTINGS).map(|i| setting(&mut r, 1 + i as i64)).collect();
    candidates.extend((0..HOUSEHOLDS).map(|i| household(&mut r, 100_001 + i as i64)));
    let searches: Vec<Criteria> = (0..SEARCHES).map(|_| criteria(&mut r)).collect();

    // One untimed search warms the caches and the allocator.
    black_box(search(&searches[0], &candidates));
    run("candidates in id order (as the store reads them)", &searches, &candidates);

    // Shuffled input costs more to put in order: the worst case.
    for i in (1..candidates.len()).rev() {
        let j = usize::try_from(r.below(i as u64 + 1)).unwrap_or(0);
        candidates.swap(i, j);
    }
    run("candidates shuffled", &searches, &candidates);
}

/// Times every search and prints the spread.
fn run(label: &str, searches: &[Criteria], candidates: &[Candidate]) {
    let mut times = Vec::with_capacity(searches.len());
    let (mut results, mut excluded) = (0usize, 0usize);
    for criteria in searches {
        let began = Instant::now();
        let outcome = search(black_box(criteria), black_box(candidates));
        let shown: usize = outcome.passes.iter().map(|p| p.explained(criteria, candidates, 10).len()).sum();
        times.push(began.elapsed());
        results += outcome.passes.iter().map(|p| p.results.len()).sum::<usize>();
        excluded += outcome.passes.iter().map(|p| p.excluded.len()).sum::<usize>();
        black_box((shown, outcome.pass(PassKind::InHouse).results.first().copied()));
    }
    times.sort();
    let at = |fraction: f64| times[((times.len() - 1) as f64 * fraction).round() as usize];
    println!(
        "{label}: {SETTINGS} settings + {HOUSEHOLDS} households, {} searches, mean {} ranked and {} excluded each",
        searches.len(),
        results / searches.len(),
        excluded / searches.len()
    );
    println!(
        "  per request: min {:.3} ms, median {:.3} ms, p95 {:.3} ms, max {:.3} ms (target: 10 ms or less)",
        ms(times[0]),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(times[times.len() - 1])
    );
}
