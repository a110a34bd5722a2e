//! Assurance opinions: a level for each area from its exception rate, and
//! an indicative audit opinion from an audit's rated findings.
//!
//! There is no mandated scale: councils use Substantial / Reasonable /
//! Limited / No, Full / Reasonable / Limited / No, High / Satisfactory /
//! Limited / No and others. So the [`Scale`] is configured: named levels,
//! best first, each given while the exception rate is at most its
//! threshold in basis points (1 bp = 0.01%), the last taking every higher
//! rate. Rates are integers, rounded up so a rate is never understated.

use serde::{Deserialize, Serialize};

use crate::controls::{Area, AreaResult};

/// A rate of 100%, in basis points.
pub const ALL_BASIS_POINTS: u32 = 10_000;

/// One level of an assurance scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub name: String,
    /// The highest exception rate (basis points) at which this level is
    /// given; `None` for the last level, which takes every higher rate.
    pub up_to_bp: Option<u32>,
}

/// A validated scale, best level first. Build with [`Scale::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Level>", into = "Vec<Level>")]
pub struct Scale {
    levels: Vec<Level>,
}

/// Why a configured scale cannot be used, naming the level at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    #[error("a scale needs at least two levels")]
    TooFewLevels,
    #[error("level {position} has no name")]
    MissingName { position: usize },
    #[error("the level name '{name}' is used twice")]
    DuplicateName { name: String },
    #[error("level '{name}' needs the highest exception rate at which it is given")]
    MissingThreshold { name: String },
    #[error("the last level, '{name}', takes every higher rate and must have no threshold")]
    LastHasThreshold { name: String },
    #[error("level '{name}' must allow a higher rate than the level before it")]
    NotAscending { name: String },
    #[error("level '{name}' has a threshold above 100% (10,000 basis points)")]
    AboveAll { name: String },
}

impl Scale {
    pub fn new(levels: Vec<Level>) -> Result<Scale, ScaleError> {
        validate(&levels)?;
        Ok(Scale { levels })
    }

    pub fn levels(&self) -> &[Level] {
        &self.levels
    }
}

impl Default for Scale {
    /// Substantial ≤ 200 bp (2%), Reasonable ≤ 1,000 bp (10%), Limited
    /// ≤ 2,500 bp (25%), else No assurance.
    fn default() -> Scale {
        let level = |name: &str, up_to_bp| Level {
            name: name.to_owned(),
            up_to_bp,
        };
        Scale {
            levels: vec![
                level("Substantial", Some(200)),
                level("Reasonable", Some(1_000)),
                level("Limited", Some(2_500)),
                level("No assurance", None),
            ],
        }
    }
}

impl TryFrom<Vec<Level>> for Scale {
    type Error = ScaleError;

    fn try_from(levels: Vec<Level>) -> Result<Scale, ScaleError> {
        Scale::new(levels)
    }
}

impl From<Scale> for Vec<Level> {
    fn from(scale: Scale) -> Vec<Level> {
        scale.levels
    }
}

fn validate(levels: &[Level]) -> Result<(), ScaleError> {
    if levels.len() < 2 {
        return Err(ScaleError::TooFewLevels);
    }
    let last = levels.len() - 1;
    let mut previous: Option<u32> = None;
    for (position, level) in levels.iter().enumerate() {
        let name = level.name.trim();
        if name.is_empty() {
            return Err(ScaleError::MissingName { position: position + 1 });
        }
        if levels[..position]
            .iter()
            .any(|earlier| earlier.name.trim().eq_ignore_ascii_case(name))
        {
            return Err(ScaleError::DuplicateName { name: name.to_owned() });
        }
        let named = || name.to_owned();
        match (level.up_to_bp, position == last) {
            (Some(_), true) => return Err(ScaleError::LastHasThreshold { name: named() }),
            (None, false) => return Err(ScaleError::MissingThreshold { name: named() }),
            (None, true) => {}
            (Some(bp), false) if bp > ALL_BASIS_POINTS => return Err(ScaleError::AboveAll { name: named() }),
            (Some(bp), false) if previous.is_some_and(|p| bp <= p) => return Err(ScaleError::NotAscending { name: named() }),
            (Some(bp), false) => previous = Some(bp),
        }
    }
    Ok(())
}

/// Exceptions over population in basis points, rounded up (so one
/// exception in a million still shows); `None` when nothing was tested.
/// More exceptions than items counts as 100%.
pub fn exception_rate_bp(population: usize, exceptions: usize) -> Option<u32> {
    if population == 0 {
        return None;
    }
    // usize to u128 always widens, and u128 cannot overflow on the product.
    let (population, exceptions) = (population as u128, exceptions.min(population) as u128);
    let rate = (exceptions * u128::from(ALL_BASIS_POINTS)).div_ceil(population);
    u32::try_from(rate).ok()
}

/// The level a rate earns: its place on the scale (0 is best) and the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Graded<'a> {
    pub rank: usize,
    pub level: &'a Level,
    pub rate_bp: u32,
}

/// The level for `exceptions` among `population` items tested: the first
/// level whose threshold the rate does not exceed. `None` when nothing was
/// tested, since no opinion can rest on no evidence.
pub fn level_for(population: usize, exceptions: usize, scale: &Scale) -> Option<Graded<'_>> {
    let rate_bp = exception_rate_bp(population, exceptions)?;
    let rank = scale
        .levels
        .iter()
        .position(|level| level.up_to_bp.is_none_or(|limit| rate_bp <= limit))?;
    Some(Graded {
        rank,
        level: &scale.levels[rank],
        rate_bp,
    })
}

/// Each area's level, in the order given.
pub fn area_levels<'a>(areas: &[AreaResult], scale: &'a Scale) -> Vec<(Area, Option<Graded<'a>>)> {
    areas
        .iter()
        .map(|a| (a.area, level_for(a.population, a.exceptions, scale)))
        .collect()
}

kernel::coded!(
    /// How serious an audit finding is.
    FindingRating {
        Significant = "significant", "Significant";
        Moderate = "moderate", "Moderate";
        Minor = "minor", "Minor";
    }
);

kernel::coded!(
    /// The indicative opinion of an audit, on the four-level scale.
    AuditOpinion {
        Substantial = "substantial", "Substantial assurance";
        Reasonable = "reasonable", "Reasonable assurance";
        Limited = "limited", "Limited assurance";
        NoAssurance = "no-assurance", "No assurance";
    }
);

/// An audit's findings by rating, and the areas of strength it noted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    pub significant: u32,
    pub moderate: u32,
    pub minor: u32,
    pub strengths: u32,
}

impl Findings {
    /// Counts rated findings.
    pub fn from_ratings(ratings: &[FindingRating], strengths: u32) -> Findings {
        let count = |rating| u32::try_from(ratings.iter().filter(|r| **r == rating).count()).unwrap_or(u32::MAX);
        Findings {
            significant: count(FindingRating::Significant),
            moderate: count(FindingRating::Moderate),
            minor: count(FindingRating::Minor),
            strengths,
        }
    }
}

/// The most moderate findings an audit may have (with no significant
/// one) and still be Reasonable; see [`indicative_opinion`].
pub const MODERATE_FINDINGS_BEFORE_LIMITED: u32 = 6;

/// The opinion the findings indicate, for the auditor to confirm:
///
/// - two or more significant findings: No assurance;
/// - one significant finding, or more than six moderate ones: Limited;
/// - any moderate finding: Reasonable;
/// - otherwise (minor findings only, or none): Substantial.
///
/// Minor findings and strengths are reported but never move the opinion.
pub fn indicative_opinion(findings: &Findings) -> AuditOpinion {
    if findings.significant >= 2 {
        AuditOpinion::NoAssurance
    } else if findings.significant == 1 || findings.moderate > MODERATE_FINDINGS_BEFORE_LIMITED {
        AuditOpinion::Limited
    } else if findings.moderate >= 1 {
        AuditOpinion::Reasonable
    } else {
        AuditOpinion::Substantial
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_for(population: usize, exceptions: &[usize], scale: &Scale) -> Vec<String> {
        exceptions
            .iter()
            .map(|e| level_for(population, *e, scale).unwrap().level.name.clone())
            .collect()
    }

    #[test]
    fn the_default_scale_grades_at_its_thresholds() {
        let names = names_for(10_000, &[0, 200, 201, 1_000, 1_001, 2_500, 2_501, 10_000], &Scale::default());
        assert_eq!(
            names,
            [
                "Substantial",
                "Substantial",
                "Reasonable",
                "Reasonable",
                "Limited",
                "Limited",
                "No assurance",
                "No assurance"
            ]
        );
        let scale = Scale::default();
        let graded = level_for(50, 1, &scale).unwrap();
        assert_eq!((graded.rank, graded.rate_bp), (0, 200));
    }

    #[test]
    fn rates_round_up_and_need_a_population() {
        assert_eq!(exception_rate_bp(1_000_000, 1), Some(1));
        assert_eq!(exception_rate_bp(3, 1), Some(3_334));
        assert_eq!(exception_rate_bp(4, 9), Some(10_000), "capped at 100%");
        assert_eq!(exception_rate_bp(0, 0), None);
        assert_eq!(level_for(0, 0, &Scale::default()), None);
        assert_eq!(level_for(usize::MAX, usize::MAX, &Scale::default()).unwrap().rate_bp, 10_000);
    }

    fn level(name: &str, up_to_bp: Option<u32>) -> Level {
        Level {
            name: name.to_owned(),
            up_to_bp,
        }
    }

    #[test]
    fn a_council_may_set_its_own_scale() {
        let gwynedd = Scale::new(vec![
            level("High", Some(100)),
            level("Satisfactory", Some(500)),
            level("Limited", Some(2_000)),
            level("No", None),
        ])
        .unwrap();
        assert_eq!(names_for(100, &[1, 5, 6, 21], &gwynedd), ["High", "Satisfactory", "Limited", "No"]);
        let json = serde_json::to_string(&gwynedd).unwrap();
        assert_eq!(serde_json::from_str::<Scale>(&json).unwrap(), gwynedd);
    }

    #[test]
    fn broken_scales_are_refused_with_the_level_named() {
        let check = |levels: Vec<Level>| Scale::new(levels).unwrap_err();
        assert_eq!(check(vec![level("Only", None)]), ScaleError::TooFewLevels);
        assert_eq!(
            check(vec![level(" ", Some(5)), level("No", None)]),
            ScaleError::MissingName { position: 1 }
        );
        assert_eq!(
            check(vec![level("Good", Some(5)), level("good", None)]),
            ScaleError::DuplicateName { name: "good".into() }
        );
        assert_eq!(
            check(vec![level("Good", None), level("No", None)]),
            ScaleError::MissingThreshold { name: "Good".into() }
        );
        assert_eq!(
            check(vec![level("Good", Some(5)), level("No", Some(9))]),
            ScaleError::LastHasThreshold { name: "No".into() }
        );
        assert_eq!(
            check(vec![level("Good", Some(500)), level("Fair", Some(500)), level("No", None)]),
            ScaleError::NotAscending { name: "Fair".into() }
        );
        assert_eq!(
            check(vec![level("Good", Some(10_001)), level("No", None)]),
            ScaleError::AboveAll { name: "Good".into() }
        );
        assert!(serde_json::from_str::<Scale>(r#"[{"name":"Good","up_to_bp":null}]"#).is_err());
        assert_eq!(
            ScaleError::NotAscending { name: "Fair".into() }.to_string(),
            "level 'Fair' must allow a higher rate than the level before it"
        );
    }

    #[test]
    fn the_indicative_opinion_follows_the_documented_rule() {
        let opinion = |significant, moderate, minor| {
            indicative_opinion(&Findings {
                significant,
                moderate,
                minor,
                strengths: 3,
            })
        };
        assert_eq!(opinion(0, 0, 0), AuditOpinion::Substantial);
        assert_eq!(opinion(0, 0, 40), AuditOpinion::Substantial, "minor findings never move it");
        assert_eq!(opinion(0, 1, 0), AuditOpinion::Reasonable);
        assert_eq!(opinion(0, 6, 0), AuditOpinion::Reasonable);
        assert_eq!(opinion(0, 7, 0), AuditOpinion::Limited);
        assert_eq!(opinion(1, 0, 0), AuditOpinion::Limited);
        assert_eq!(opinion(1, 9, 0), AuditOpinion::Limited);
        assert_eq!(opinion(2, 0, 0), AuditOpinion::NoAssurance);
    }

    #[test]
    fn findings_are_counted_by_rating() {
        use FindingRating::*;
        let findings = Findings::from_ratings(&[Minor, Moderate, Significant, Minor], 2);
        assert_eq!(
            findings,
            Findings {
                significant: 1,
                moderate: 1,
                minor: 2,
                strengths: 2
            }
        );
        assert_eq!(indicative_opinion(&findings), AuditOpinion::Limited);
    }

    #[test]
    fn areas_are_graded_and_untested_areas_get_no_level() {
        let areas = [
            AreaResult {
                area: Area::Finance,
                population: 100,
                exceptions: 30,
            },
            AreaResult {
                area: Area::Contracts,
                population: 0,
                exceptions: 0,
            },
        ];
        let scale = Scale::default();
        let graded = area_levels(&areas, &scale);
        assert_eq!(graded[0].1.unwrap().level.name, "No assurance");
        assert_eq!(graded[1], (Area::Contracts, None));
    }
}
