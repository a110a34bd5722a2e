//! Placement search through the store at scale: 10,000 settings and
//! 50,000 in-house households in SQLite, then each search timed in its
//! parts — reading the candidates from the register (cold, then reused
//! while nothing has changed), ranking them (`matching`), and running a
//! recorded search whole (read, rank, explain and store the evidence). Run with `cargo bench -p store --bench search`.

use std::time::{Duration, Instant};

use authz::cap::{Commission, SearchPlacements};
use authz::{Actor, Can, Role};
use kernel::{Money, Nation};
use matching::{Criteria, Location};
use placements::PlacementCategory;
use providers::accreditation::{Finding, Review};
use providers::foster::ApprovalType;
use providers::register::{Grade, LegalForm, Need, Organisation, RegistrationStatus, Regulator, Setting, SettingType};
use providers::ProviderType;
use store::households::NewHousehold;
use store::testing::{DecidedRequest, TestBackend, TestDatabase};
use time::macros::date;

const PROVIDERS: usize = 500;
const SETTINGS: usize = 10_000;
const HOUSEHOLDS: usize = 50_000;
const SEARCHES: usize = 20;
const NEEDS: [Need; 6] = [
    Need::EmotionalBehavioural,
    Need::Autism,
    Need::GoingMissing,
    Need::SelfHarm,
    Need::LearningDisability,
    Need::SiblingGroup,
];

/// A small deterministic generator, so every run loads the same county.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn needs(random: &mut Xorshift) -> Vec<Need> {
    let mut chosen: Vec<Need> = NEEDS.iter().copied().filter(|_| random.next(2) == 0).collect();
    chosen.sort();
    chosen
}

async fn load(db: &TestDatabase) {
    let mut random = Xorshift(0x5EA2C4);
    let can = Can::<Commission>::system();
    let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
    let districts: Vec<(String, Location)> = (1..=99)
        .map(|n| {
            (
                format!("DC{n}"),
                Location {
                    easting: 300_000 + n * 1_000,
                    northing: 200_000 + (n % 10) * 5_000,
                },
            )
        })
        .collect();
    store::search_candidates::load_locations(&mut cmd, &districts).await.unwrap();
    let mut providers = Vec::new();
    for p in 0..PROVIDERS {
        let org = Organisation {
            legal_name: format!("Provider {p}"),
            companies_house_number: None,
            charity_number: None,
            provider_type: ProviderType::Private,
            for_profit: true,
            legal_form: LegalForm::CompanyLimitedByShares,
        };
        let id = store::providers::create(&mut cmd, &can, &org).await.unwrap();
        for item in ["registration", "insurance", "safeguarding", "financial", "workforce", "continuity"] {
            let review = Review {
                item: item.into(),
                finding: Finding::Met,
                evidence: "seen".into(),
                reviewed_on: date!(2026 - 01 - 10),
                expires_on: date!(2027 - 11 - 01),
            };
            store::accreditation::record_review(&mut cmd, &can, id, &review, None, date!(2026 - 11 - 22))
                .await
                .unwrap();
        }
        providers.push(id);
    }
    for s in 0..SETTINGS {
        let setting_type = if s % 3 == 0 {
            SettingType::FosteringAgency
        } else {
            SettingType::ChildrensHome
        };
        let setting = Setting {
            name: format!("Setting {s}"),
            setting_type,
            regulator: Regulator::Ofsted,
            registration_number: Some(format!("SC{:06}", 100_000 + s)),
            registration_status: RegistrationStatus::Registered,
            grade: [Grade::Outstanding, Grade::Good, Grade::RequiresImprovement][s % 3],
            inspected_on: Some(date!(2026 - 03 - 01)),
            capacity: 1 + u32::try_from(random.next(5)).unwrap(),
            age_min: u8::try_from(random.next(10)).unwrap(),
            age_max: 17,
            needs: needs(&mut random),
            postcode: format!("DC{} 1AA", 1 + random.next(99)),
            local_authority: "Demo County".into(),
        };
        let provider = providers[s % PROVIDERS];
        store::providers::add_setting(&mut cmd, &can, provider, &setting, date!(2026 - 11 - 22))
            .await
            .unwrap();
    }
    for h in 0..HOUSEHOLDS {
        let household = NewHousehold {
            reference: format!("FC{h:06}"),
            name: format!("Household {h}"),
            approval_type: ApprovalType::Mainstream,
            approved_on: date!(2024 - 01 - 01),
            extended: false,
            capacity: 1 + u32::try_from(random.next(3)).unwrap(),
            age_min: 0,
            age_max: 17,
            supervising_worker: None,
            postcode: format!("DC{} 2BB", 1 + random.next(99)),
            accepts: needs(&mut random),
        };
        store::households::create(&mut cmd, &can, &household, date!(2026 - 11 - 22))
            .await
            .unwrap();
    }
    cmd.commit().await.unwrap();
}

fn criteria(n: usize) -> Criteria {
    Criteria {
        start: date!(2026 - 11 - 22),
        date_of_birth: date!(2012 - 05 - 17),
        nation: Nation::England,
        categories: vec![
            PlacementCategory::InHouseFoster,
            PlacementCategory::IndependentFoster,
            PlacementCategory::ChildrensHome,
        ],
        needs: vec![NEEDS[n % NEEDS.len()]],
        risks: vec![],
        siblings: 0,
        home: Some(Location {
            easting: 350_000,
            northing: 220_000,
        }),
        school: None,
        max_weekly: Some(Money::from_pounds(5_000)),
    }
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    println!(
        "{name}: min {:.1} ms, median {:.1} ms, max {:.1} ms over {} searches",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let db = TestDatabase::new(TestBackend::Sqlite).await.unwrap();
        let started = Instant::now();
        load(&db).await;
        println!(
            "loaded {SETTINGS} settings and {HOUSEHOLDS} households in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let worker = {
            let mut cmd = db.store.begin(Actor::System, db.clock.as_ref()).await.unwrap();
            let user = store::users::create(
                &mut cmd,
                &Can::system(),
                store::users::NewUser {
                    username: "gill".into(),
                    display_name: "Gill".into(),
                    email: None,
                    password_hash: "x".into(),
                    roles: vec![Role::GatewayOfficer],
                    teams: vec![],
                },
            )
            .await
            .unwrap();
            cmd.commit().await.unwrap();
            user.id
        };
        let request = db.decided_requests(worker, &[DecidedRequest::approved("B1")]).await[0].1;
        let (mut households, mut settings) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let at = Instant::now();
            store::households::list(&db.store, Nation::England, 6, date!(2026 - 11 - 22))
                .await
                .unwrap();
            households.push(at.elapsed());
            let at = Instant::now();
            let mut conn = db.store.pool().acquire().await.unwrap();
            store::providers::settings(&mut conn, None).await.unwrap();
            settings.push(at.elapsed());
        }
        report("of which the households", households);
        report("of which the settings", settings);
        let (mut reading, mut ranking, mut whole) = (Vec::new(), Vec::new(), Vec::new());
        for n in 0..SEARCHES {
            let at = Instant::now();
            let candidates = store::search_candidates::candidates(&db.store, Nation::England, date!(2026 - 11 - 22))
                .await
                .unwrap();
            reading.push(at.elapsed());
            let at = Instant::now();
            let outcome = matching::search::search(&criteria(n), &candidates);
            ranking.push(at.elapsed());
            assert!(outcome.results().count() > 0);
            let at = Instant::now();
            let mut cmd = db.store.begin(Actor::User(worker), db.clock.as_ref()).await.unwrap();
            store::placement_search::run(
                &db.store,
                &mut cmd,
                &Can::<SearchPlacements>::system(),
                request,
                &criteria(n),
                Nation::England,
                date!(2026 - 11 - 22),
            )
            .await
            .unwrap();
            cmd.commit().await.unwrap();
            whole.push(at.elapsed());
        }
        println!(
            "reading 60,000 candidates from the register, cold: {:.1} ms",
            reading[0].as_secs_f64() * 1_000.0
        );
        report("reading them again with nothing changed", reading.split_off(1));
        report("ranking them (matching::search)", ranking);
        report("a recorded search, whole", whole);
    });
}
