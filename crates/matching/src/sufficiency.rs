//! Sufficiency: demand for placements against supply, the evidence a
//! council's sufficiency strategy needs.
//!
//! Demand is the Gateway's requests (by month, age band, type and the
//! needs searched for); supply is the vacancies providers last reported
//! and the council's own carers' capacity; the gap shows as the unmet rate
//! (approved requests with no placement chosen), the out-of-area rate and
//! the time from request to a chosen placement.

use std::collections::BTreeMap;

use placements::PlacementCategory;
use serde::Serialize;
use time::Date;

/// Age bands used in sufficiency statements and the SSDA903 tables.
pub const AGE_BANDS: [(&str, i32, i32); 5] = [
    ("Under 1", 0, 0),
    ("1 to 4", 1, 4),
    ("5 to 9", 5, 9),
    ("10 to 15", 10, 15),
    ("16 and over", 16, 99),
];

/// The band an age falls in.
pub fn age_band(age: i32) -> &'static str {
    AGE_BANDS
        .iter()
        .find(|(_, low, high)| (*low..=*high).contains(&age))
        .map_or("16 and over", |(label, _, _)| label)
}

/// One request, as demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub submitted_on: Date,
    pub age: i32,
    pub category: PlacementCategory,
    pub approved: bool,
    /// Days from submission to a chosen placement, if one was chosen.
    pub days_to_place: Option<i64>,
}

/// Counts by a label, in label order.
pub type Counts = BTreeMap<String, usize>;

/// The sufficiency picture for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    pub requests: usize,
    pub by_month: Counts,
    pub by_age: Counts,
    pub by_type: Counts,
    pub by_need: Counts,
    /// Approved requests with no placement chosen, in percent.
    pub unmet_percent: u32,
    /// Current external placements outside the council's area, in percent.
    pub out_of_area_percent: u32,
    /// The middle number of days from request to chosen placement.
    pub median_days_to_place: Option<i64>,
    /// Places providers last reported free, by type.
    pub vacancies: Counts,
    /// Places the council's own carers are approved for, by approval type.
    pub in_house_capacity: Counts,
}

/// A whole-number percentage, rounded half up; 0 of 0 is 0.
pub fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    u32::try_from((part * 200 + whole) / (whole * 2)).unwrap_or(100)
}

/// The median of some day counts (the lower middle for an even count, so
/// the figure is always a real case's).
pub fn median(mut days: Vec<i64>) -> Option<i64> {
    days.sort_unstable();
    days.get(days.len().saturating_sub(1) / 2).copied()
}

/// Builds the picture. `needs` are the need labels each search looked
/// for; `out_of_area` is (placements outside the area, all placements).
pub fn picture(demand: &[Demand], needs: &[&str], out_of_area: (usize, usize), vacancies: Counts, in_house_capacity: Counts) -> Picture {
    let count = |labels: &mut dyn Iterator<Item = String>| {
        let mut counts = Counts::new();
        for label in labels {
            *counts.entry(label).or_default() += 1;
        }
        counts
    };
    let approved: Vec<&Demand> = demand.iter().filter(|d| d.approved).collect();
    let unmet = approved.iter().filter(|d| d.days_to_place.is_none()).count();
    Picture {
        requests: demand.len(),
        by_month: count(
            &mut demand
                .iter()
                .map(|d| format!("{}-{:02}", d.submitted_on.year(), u8::from(d.submitted_on.month()))),
        ),
        by_age: count(&mut demand.iter().map(|d| age_band(d.age).to_owned())),
        by_type: count(&mut demand.iter().map(|d| d.category.label().to_owned())),
        by_need: count(&mut needs.iter().map(|n| (*n).to_owned())),
        unmet_percent: percent(unmet, approved.len()),
        out_of_area_percent: percent(out_of_area.0, out_of_area.1),
        median_days_to_place: median(demand.iter().filter_map(|d| d.days_to_place).collect()),
        vacancies,
        in_house_capacity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn demand(on: Date, age: i32, approved: bool, days: Option<i64>) -> Demand {
        Demand {
            submitted_on: on,
            age,
            category: PlacementCategory::ChildrensHome,
            approved,
            days_to_place: days,
        }
    }

    #[test]
    fn bands_rates_and_medians() {
        assert_eq!(age_band(0), "Under 1");
        assert_eq!(age_band(4), "1 to 4");
        assert_eq!(age_band(15), "10 to 15");
        assert_eq!(age_band(17), "16 and over");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(median(vec![9, 1, 5, 3]), Some(3));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn the_picture_counts_demand_and_the_gap() {
        let demand = [
            demand(date!(2026 - 10 - 03), 14, true, Some(6)),
            demand(date!(2026 - 10 - 20), 16, true, None),
            demand(date!(2026 - 11 - 02), 3, false, None),
            demand(date!(2026 - 11 - 09), 12, true, Some(2)),
        ];
        let picture = picture(
            &demand,
            &["Autism", "Autism", "Going missing"],
            (3, 10),
            Counts::new(),
            Counts::new(),
        );
        assert_eq!(picture.requests, 4);
        assert_eq!(picture.by_month.get("2026-10"), Some(&2));
        assert_eq!(picture.by_age.get("10 to 15"), Some(&2));
        assert_eq!(picture.by_need.get("Autism"), Some(&2));
        assert_eq!(picture.unmet_percent, 33, "one of three approved has no placement chosen");
        assert_eq!(picture.out_of_area_percent, 30);
        assert_eq!(picture.median_days_to_place, Some(2));
    }
}
