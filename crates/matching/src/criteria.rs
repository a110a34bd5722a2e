//! What a search looks for, built from an approved placement request and
//! the child: the start date and the child's age on it, the nation whose
//! law applies, suitable placement types, needs and risks, siblings to
//! place together, where home and school are, and the approved cost.
//!
//! Locations are postcode centroids on the British National Grid, as the
//! ONS postcode directory gives them, so distance is plain geometry in
//! metres: no floats, no trigonometry.

use kernel::{Money, Nation};
use placements::PlacementCategory;
use providers::register::Need;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::constraints::Law;
use crate::needs::NeedSet;

/// A point on the British National Grid, in metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    pub easting: i32,
    pub northing: i32,
}

/// The straight-line distance in whole kilometres, rounded to nearest.
pub fn distance_km(a: Location, b: Location) -> u32 {
    let dx = i64::from(a.easting) - i64::from(b.easting);
    let dy = i64::from(a.northing) - i64::from(b.northing);
    // Both squares fit: grid coordinates are at most a few million metres.
    let squared = dx.unsigned_abs().pow(2) + dy.unsigned_abs().pow(2);
    let metres = squared.isqrt();
    u32::try_from((metres + 500) / 1_000).unwrap_or(u32::MAX)
}

/// The district (outward code) of a UK postcode, upper-case: "CF10 1AA"
/// and "cf101aa" are both "CF10". Locations are kept by district, which is
/// precise enough for distance and holds no one's address.
pub fn postcode_district(postcode: &str) -> Option<String> {
    let compact: String = postcode.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let valid = (5..=7).contains(&compact.len()) && compact.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| compact[..compact.len() - 3].to_owned())
}

/// The columns of a district location list.
pub const DISTRICT_COLUMNS: [&str; 3] = ["district", "easting", "northing"];

/// Reads a district location list (CSV: `district,easting,northing`, grid
/// metres, as the ONS postcode directory gives them), all or nothing, each
/// problem naming its line and column.
pub fn read_districts(text: &str) -> Result<Vec<(String, Location)>, Vec<providers::exchange::FeedError>> {
    use providers::exchange::{records, FeedError};
    let records = records(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![FeedError::whole_file("the file is empty; expected a header line")]);
    };
    if header.iter().map(|h| h.trim()).collect::<Vec<_>>() != DISTRICT_COLUMNS {
        return Err(vec![FeedError::whole_file(format!(
            "the header must be {}",
            DISTRICT_COLUMNS.join(",")
        ))]);
    }
    let mut errors = Vec::new();
    let mut districts: Vec<(String, Location)> = Vec::new();
    for (line, fields) in rows {
        let [district, easting, northing] = fields.as_slice() else {
            errors.push(FeedError::at(*line, "-", format!("expected 3 fields, found {}", fields.len())));
            continue;
        };
        let district = district.trim().to_uppercase();
        let valid = (2..=4).contains(&district.len()) && district.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            errors.push(FeedError::at(
                *line,
                "district",
                format!("expected an outward code such as CF10, not '{district}'"),
            ));
        } else if districts.iter().any(|(d, _)| *d == district) {
            errors.push(FeedError::at(*line, "district", format!("{district} is listed twice")));
        }
        let mut metres = |column: &str, text: &str, most: i32| {
            let parsed = text.trim().parse::<i32>().ok().filter(|m| (0..=most).contains(m));
            if parsed.is_none() {
                errors.push(FeedError::at(
                    *line,
                    column,
                    format!("expected whole metres from 0 to {most}, not '{}'", text.trim()),
                ));
            }
            parsed
        };
        let (easting, northing) = (metres("easting", easting, 700_000), metres("northing", northing, 1_300_000));
        if let (true, Some(easting), Some(northing)) = (valid, easting, northing) {
            districts.push((district, Location { easting, northing }));
        }
    }
    if errors.is_empty() {
        Ok(districts)
    } else {
        Err(errors)
    }
}

/// What the search looks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    /// The day the placement would start: ages and legal rules turn on it.
    pub start: Date,
    pub date_of_birth: Date,
    /// The nation whose law applies (the council's).
    pub nation: Nation,
    /// Placement types the request says would suit; empty means any here,
    /// though a recorded search must name at least one (see the store).
    pub categories: Vec<PlacementCategory>,
    /// Needs the setting's statement of purpose must all cover.
    pub needs: Vec<Need>,
    /// Behaviours the setting must say it accepts (going missing,
    /// exploitation, substance misuse, self-harm), as need codes.
    pub risks: Vec<Need>,
    /// Brothers and sisters to be placed with the child.
    pub siblings: u8,
    pub home: Option<Location>,
    pub school: Option<Location>,
    /// The cost the Gateway approved: ranks settings, never excludes them.
    pub max_weekly: Option<Money>,
}

impl Criteria {
    /// The child's age in whole years on the start date.
    pub fn age(&self) -> i32 {
        children::age_on(self.date_of_birth, self.start)
    }

    /// Places needed: the child and every sibling placed with them.
    pub fn places_needed(&self) -> u32 {
        1 + u32::from(self.siblings)
    }
}

/// Criteria worked out once per search, so checking a candidate is a few
/// comparisons and bit operations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query {
    pub age: i32,
    /// Bit `i` set when `PlacementCategory::ALL[i]` suits; all set when
    /// the request named none.
    pub categories: u16,
    pub needs: NeedSet,
    pub risks: NeedSet,
    pub places_needed: u32,
    pub home: Option<Location>,
    pub school: Option<Location>,
    pub max_weekly: Option<Money>,
    pub law: Law,
}

pub(crate) fn category_bit(category: PlacementCategory) -> u16 {
    // The variants are declared in the order of `ALL` (a test holds it to
    // that), so the discriminant is the position.
    1 << (category as u16)
}

impl Query {
    pub fn new(criteria: &Criteria) -> Query {
        let categories = if criteria.categories.is_empty() {
            u16::MAX
        } else {
            criteria.categories.iter().fold(0, |bits, c| bits | category_bit(*c))
        };
        let age = criteria.age();
        Query {
            age,
            law: Law::on(criteria.nation, criteria.start, age),
            categories,
            needs: NeedSet::of(&criteria.needs),
            risks: NeedSet::of(&criteria.risks),
            places_needed: criteria.places_needed(),
            home: criteria.home,
            school: criteria.school,
            max_weekly: criteria.max_weekly,
        }
    }

    pub fn suits(&self, category: PlacementCategory) -> bool {
        self.categories & category_bit(category) != 0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn district_lists_are_read_whole_or_not_at_all() {
        let good = super::read_districts("district,easting,northing\r\nCF10,318000,176000\r\ndc1,380000,260000\r\n").unwrap();
        assert_eq!(good[1].0, "DC1");
        assert_eq!(good[0].1.northing, 176_000);
        let bad = super::read_districts("district,easting,northing\r\nCF10,318000,176000\r\nCF10,x,176000\r\n").unwrap_err();
        let places: Vec<(usize, &str)> = bad.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(places, vec![(3, "district"), (3, "easting")]);
    }

    #[test]
    fn postcodes_reduce_to_their_district() {
        assert_eq!(super::postcode_district("CF10 1AA").as_deref(), Some("CF10"));
        assert_eq!(super::postcode_district("dc14aa").as_deref(), Some("DC1"));
        assert_eq!(super::postcode_district("nonsense here"), None);
    }

    use super::*;
    use time::macros::date;

    fn at(easting: i32, northing: i32) -> Location {
        Location { easting, northing }
    }

    #[test]
    fn distance_is_straight_line_kilometres_rounded() {
        assert_eq!(distance_km(at(0, 0), at(0, 0)), 0);
        assert_eq!(distance_km(at(0, 0), at(3_000, 4_000)), 5);
        assert_eq!(distance_km(at(0, 0), at(1_499, 0)), 1);
        assert_eq!(distance_km(at(0, 0), at(1_500, 0)), 2);
        assert_eq!(distance_km(at(700_000, 1_200_000), at(0, 0)), 1_389);
        assert_eq!(
            distance_km(at(10, 20), at(40_010, 30_020)),
            distance_km(at(40_010, 30_020), at(10, 20))
        );
    }

    #[test]
    fn each_category_has_the_bit_of_its_position_in_all() {
        for (i, category) in PlacementCategory::ALL.iter().enumerate() {
            assert_eq!(category_bit(*category), 1 << i);
        }
    }

    #[test]
    fn age_and_places_come_from_the_child_and_siblings() {
        let criteria = Criteria {
            start: date!(2026 - 12 - 01),
            date_of_birth: date!(2010 - 12 - 02),
            nation: Nation::England,
            categories: vec![PlacementCategory::ChildrensHome],
            needs: vec![],
            risks: vec![],
            siblings: 2,
            home: None,
            school: None,
            max_weekly: None,
        };
        assert_eq!(criteria.age(), 15);
        assert_eq!(criteria.places_needed(), 3);
        let query = Query::new(&criteria);
        assert!(query.suits(PlacementCategory::ChildrensHome));
        assert!(!query.suits(PlacementCategory::InHouseFoster));
        let any = Query::new(&Criteria {
            categories: vec![],
            ..criteria
        });
        assert!(PlacementCategory::ALL.iter().all(|c| any.suits(*c)));
    }
}
