//! The SSDA903 facts of the demo county: UPNs, motherhood, home postcodes,
//! review participation, reasons for placement and worker changes, Social
//! Work England numbers, missing spells, OC2 health outcomes, previous
//! permanence, should-be-placed-for-adoption decisions and DoLOs.
//!
//! Mostly clean, as a council's return is after a good data-quality drive,
//! with a deliberate sprinkle of gaps (a few per cent of children) so the
//! data-quality dashboard has something to show: a missing UPN, a review
//! without a participation code, a girl whose motherhood is not recorded,
//! a child in the OC2 cohort without health data for the latest year.
//!
//! Drawn from its own random stream, so adding these facts leaves the rest
//! of the county exactly as it was for the same seed.

use authz::Role;
use store::returns_facts::{AdoptionDecision, HealthOutcomes, MissingSpell, PreviousPermanence};
use time::{Date, Duration, Month};

use crate::plan::{ChildPlan, County, Options};
use crate::random::Random;

/// Every child's facts (in the order of `County::children`) and the Social
/// Work England numbers of the staff who hold cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturnsPlan {
    pub children: Vec<ChildReturns>,
    /// (index into `County::staff`, number without the SW prefix).
    pub swe_numbers: Vec<(usize, String)>,
}

/// One child's facts for the return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildReturns {
    /// A 13-character UPN, UN1 for a child under school age, or `None`
    /// (a deliberate gap).
    pub upn: Option<String>,
    /// For girls: recorded motherhood (`None` is a deliberate gap).
    pub mother: Option<bool>,
    pub first_child_born_on: Option<Date>,
    /// Home address line and postcode, from birth.
    pub home: (String, String),
    /// Participation (PN0–PN7) for each "review" event, in event order.
    pub reviews: Vec<Option<&'static str>>,
    /// REASON_PLACE_CHANGE for each placement that ended: (start, reason).
    pub placement_reasons: Vec<(Date, &'static str)>,
    /// SW_REASON of the allocation at the start of care.
    pub sw_reason: &'static str,
    pub missing: Vec<MissingSpell>,
    /// OC2 by collection year.
    pub health: Vec<(i32, HealthOutcomes)>,
    pub previous_permanence: PreviousPermanence,
    pub adoption_decision: Option<AdoptionDecision>,
    pub dolo: Option<(Date, Option<Date>)>,
}

const STREETS: [&str; 8] = [
    "High Street",
    "Church Lane",
    "Station Road",
    "Mill Close",
    "Victoria Road",
    "Orchard Way",
    "Park View",
    "Queen Street",
];

const PARTICIPATION: [(&str, u64); 7] = [("PN1", 48), ("PN2", 6), ("PN3", 9), ("PN4", 5), ("PN5", 8), ("PN6", 18), ("PN7", 6)];

const PLACE_CHANGE: [(&str, u64); 10] = [
    ("CARPL", 38),
    ("CREQB", 14),
    ("CREQO", 9),
    ("CHILD", 7),
    ("LAREQ", 8),
    ("CLOSE", 5),
    ("STAND", 3),
    ("ALLEG", 3),
    ("APPRR", 2),
    ("OTHER", 11),
];

/// The old three-digit council code the demo county borrows (for UPNs and
/// permanence arranged at home), and others' for permanence elsewhere.
const HOME_LA: &str = "931";
const OTHER_COUNCILS: [&str; 5] = ["886", "855", "330", "208", "873"];

/// Plans the return facts for a planned county.
pub fn plan_returns(options: &Options, county: &County) -> ReturnsPlan {
    let mut random = Random::new(options.seed ^ 0x0903_0903_0903_0903);
    let today = options.today;
    let children = county.children.iter().map(|c| plan_child(&mut random, today, c)).collect();
    let mut swe_numbers = Vec::new();
    for (index, person) in county.staff.iter().enumerate() {
        if person.roles.iter().any(|r| matches!(r, Role::SocialWorker | Role::TeamManager)) {
            swe_numbers.push((
                index,
                (10_000 + index * 37 + usize::try_from(random.between(0, 30)).unwrap_or(0)).to_string(),
            ));
        }
    }
    ReturnsPlan { children, swe_numbers }
}

fn birthday(dob: Date, years: i32) -> Date {
    dob.replace_year(dob.year() + years)
        .unwrap_or(dob + Duration::days(i64::from(years) * 365))
}

fn age_on(dob: Date, on: Date) -> i32 {
    children::age_on(dob, on)
}

fn march_31(year: i32) -> Date {
    Date::from_calendar_date(year, Month::March, 31).unwrap_or(Date::MIN)
}

fn plan_child(random: &mut Random, today: Date, child: &ChildPlan) -> ChildReturns {
    let dob = child.date_of_birth;
    let start = child.placements[0].start;
    let girl = child.sex == "F";
    let (mother, first_child_born_on) = motherhood(random, today, dob, girl);
    let reviews = child
        .events
        .iter()
        .filter(|(kind, _)| *kind == "review")
        .map(|(_, on)| {
            Some(if age_on(dob, *on) < 4 {
                "PN0"
            } else {
                PARTICIPATION[random.weighted(&PARTICIPATION.map(|p| p.1))].0
            })
        })
        .collect::<Vec<_>>();
    let mut reviews = reviews;
    // Deliberate gap: one child in forty has a review without participation,
    // in the latest collection year when there is one.
    if !reviews.is_empty() && random.chance(3) {
        let year_end = march_31(today.year() - i32::from(today < march_31(today.year())));
        let dates: Vec<Date> = child
            .events
            .iter()
            .filter(|(kind, _)| *kind == "review")
            .map(|(_, on)| *on)
            .collect();
        let gap = dates
            .iter()
            .rposition(|on| *on <= year_end && *on > year_end - Duration::days(365))
            .unwrap_or(reviews.len() - 1);
        reviews[gap] = None;
    }
    let placement_reasons = child
        .placements
        .iter()
        .filter(|p| p.end.is_some())
        .map(|p| (p.start, PLACE_CHANGE[random.weighted(&PLACE_CHANGE.map(|r| r.1))].0))
        .collect();
    let street = random.pick(&STREETS);
    let home = (format!("{} {street}", random.between(1, 120)), {
        let in_county = random.chance(85);
        crate::plan_providers::postcode(random, in_county)
    });
    ChildReturns {
        upn: upn(random, today, dob),
        mother,
        first_child_born_on,
        home,
        reviews,
        placement_reasons,
        sw_reason: if random.chance(60) { "TSPROC" } else { "FCONTA" },
        missing: missing(random, today, dob, start),
        health: health(random, today, dob, start),
        previous_permanence: permanence(random, dob, start),
        adoption_decision: adoption_decision(random, child),
        dolo: dolo(random, today, child),
    }
}

/// A real-looking UPN (check letter, council, school, year, serial) for a
/// child of school age, UN1 for one too young; one in fifty left blank.
fn upn(random: &mut Random, today: Date, dob: Date) -> Option<String> {
    if random.chance(2) {
        return None;
    }
    let september =
        Date::from_calendar_date(today.year() - i32::from(today.month() < Month::September), Month::August, 31).unwrap_or(today);
    if age_on(dob, september) < 4 {
        return Some("UN1".to_owned());
    }
    let la = if random.chance(85) {
        HOME_LA
    } else {
        *random.pick(&OTHER_COUNCILS)
    };
    let body = format!(
        "{la}{:04}{:02}{:03}",
        random.between(2000, 7999),
        (dob.year() + 5).rem_euclid(100),
        random.between(1, 999)
    );
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let sum: u32 = body.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * (i as u32 + 2)).sum();
    Some(format!("{}{body}", char::from(LETTERS[(sum % 23) as usize])))
}

/// Girls' motherhood: a few older girls are mothers; one girl in
/// twenty-five has nothing recorded.
fn motherhood(random: &mut Random, today: Date, dob: Date, girl: bool) -> (Option<bool>, Option<Date>) {
    if !girl {
        return (None, None);
    }
    if random.chance(4) {
        return (None, None);
    }
    let fourteenth = birthday(dob, 14);
    if age_on(dob, today) >= 15 && random.chance(5) {
        let span = (today - fourteenth).whole_days() - 60;
        return (Some(true), Some(fourteenth + Duration::days(random.between(0, span.max(0)))));
    }
    (Some(false), None)
}

/// Some children of 11 and over go missing or away, mostly for a day or two.
fn missing(random: &mut Random, today: Date, dob: Date, start: Date) -> Vec<MissingSpell> {
    if age_on(dob, today) < 12 || !random.chance(18) {
        return Vec::new();
    }
    let from = start.max(today - Duration::days(730)).max(birthday(dob, 11));
    let span = (today - from).whole_days() - 10;
    if span < 10 {
        return Vec::new();
    }
    let mut starts: Vec<i64> = (0..random.between(1, 5)).map(|_| random.between(0, span)).collect();
    starts.sort_unstable();
    let mut spells: Vec<MissingSpell> = Vec::new();
    for offset in starts {
        let begin = from + Duration::days(offset);
        if spells.last().is_some_and(|s| s.end.is_some_and(|e| e >= begin)) {
            continue;
        }
        spells.push(MissingSpell {
            kind: if random.chance(85) { "M" } else { "A" }.to_owned(),
            start: begin,
            end: Some(begin + Duration::days(random.weighted(&[30, 40, 20, 10]) as i64)),
        });
    }
    spells
}

/// OC2 for every collection year from 2022-23 in which the child had been
/// looked after for twelve months at 31 March; one child in thirty-three
/// has nothing for the latest year.
fn health(random: &mut Random, today: Date, dob: Date, start: Date) -> Vec<(i32, HealthOutcomes)> {
    let latest = if today >= march_31(today.year()) {
        today.year()
    } else {
        today.year() - 1
    };
    let mut years = Vec::new();
    for year in 2023..=latest {
        let (begin, end) = (march_31(year - 1) + Duration::days(1), march_31(year));
        if start >= begin {
            continue;
        }
        if year == latest && random.chance(3) {
            continue;
        }
        years.push((year, outcomes(random, dob, begin, end)));
    }
    years
}

fn outcomes(random: &mut Random, dob: Date, begin: Date, end: Date) -> HealthOutcomes {
    let (four, five, ten, seventeen) = (birthday(dob, 4), birthday(dob, 5), birthday(dob, 10), birthday(dob, 17));
    let mut h = HealthOutcomes::default();
    if four <= begin && seventeen > end {
        if random.chance(88) {
            h.sdq_score = Some(random.between(3, 18) + random.between(0, 14));
        } else {
            h.sdq_reason = Some((*random.pick(&["SDQ2", "SDQ3", "SDQ4", "SDQ5"])).to_owned());
        }
    } else if (four > begin && four <= end) || (seventeen >= begin && seventeen <= end) {
        // A 4th or 17th birthday in the year: a score or "outside the range".
        if random.chance(50) {
            h.sdq_score = Some(random.between(4, 28));
        } else {
            h.sdq_reason = Some("SDQ1".to_owned());
        }
    }
    if ten <= end {
        h.convicted = Some(random.chance(3));
    }
    if five > end {
        h.health_check = Some(random.chance(95));
    }
    h.immunisations = Some(random.chance(86));
    h.teeth_check = Some(random.chance(84));
    h.health_assessment = Some(random.chance(91));
    let misuse = age_on(dob, end) >= 12 && random.chance(6);
    h.substance_misuse = Some(misuse);
    if misuse {
        let received = random.chance(65);
        h.intervention_received = Some(received);
        if !received {
            h.intervention_offered = Some(random.chance(70));
        }
    }
    h
}

/// Mostly no previous permanence; a few children come into care after an
/// adoption, special guardianship or child arrangements order broke down.
fn permanence(random: &mut Random, dob: Date, start: Date) -> PreviousPermanence {
    let arrangement = ["Z1", "P1", "P2", "P3", "P4"][random.weighted(&[86, 2, 5, 4, 3])];
    let (la_code, date_text) = if arrangement == "Z1" {
        (None, None)
    } else {
        let span = (start - dob).whole_days() - 60;
        let on = dob + Duration::days(random.between(0, span.max(0)));
        let la = if random.chance(60) {
            HOME_LA
        } else {
            *random.pick(&OTHER_COUNCILS)
        };
        // Only the year may be known, if it is before the year care began.
        let text = if (arrangement == "P4" || random.chance(15)) && on.year() < start.year() {
            format!("ZZ/ZZ/{}", on.year())
        } else {
            format!("{:02}/{:02}/{}", on.day(), u8::from(on.month()), on.year())
        };
        (Some(la.to_owned()), Some(text))
    };
    PreviousPermanence {
        period_start: start,
        arrangement: arrangement.to_owned(),
        la_code,
        date_text,
    }
}

/// The agency decision that a child should be placed for adoption comes
/// between the care order and the placement order.
fn adoption_decision(random: &mut Random, child: &ChildPlan) -> Option<AdoptionDecision> {
    let placement_order = child.legal_statuses.iter().find(|(code, ..)| *code == "E1")?.1;
    let care_order = child
        .legal_statuses
        .iter()
        .find(|(code, ..)| *code == "C2")
        .map_or(placement_order, |s| s.1);
    let span = (placement_order - care_order).whole_days() - 14;
    Some(AdoptionDecision {
        decided_on: care_order + Duration::days(7 + random.between(0, span.max(0))),
        ceased_on: None,
        reason_ceased: None,
    })
}

/// A few older children in a children's home or a bespoke placement are
/// deprived of their liberty by order (collected from 2026-27).
fn dolo(random: &mut Random, today: Date, child: &ChildPlan) -> Option<(Date, Option<Date>)> {
    let current = child.placements.last()?;
    let fits = matches!(
        current.category,
        placements::PlacementCategory::ChildrensHome | placements::PlacementCategory::Bespoke
    );
    let collected_from = Date::from_calendar_date(2026, Month::April, 1).unwrap_or(today);
    let from = current.start.max(collected_from);
    if !fits || age_on(child.date_of_birth, today) < 10 || from + Duration::days(14) >= today || !random.chance(20) {
        return None;
    }
    let span = (today - from).whole_days() - 14;
    Some((from + Duration::days(random.between(0, span.min(90))), None))
}
