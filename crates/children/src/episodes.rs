//! SSDA903 episodes, derived from the care history.
//!
//! A new episode starts at the start of each period of care and at every
//! change of legal status or placement within it. The reason for a new
//! episode (RNE) says which changed: S (started to be looked after), L
//! (legal status only), P (placement and carer), T (placement only, same
//! carer), B (L and P together), U (L and T together).

use std::collections::BTreeSet;

use serde::Serialize;
use time::Date;

use crate::care_history::{CareHistory, LegalStatus, Placement};

/// One row of the 903 Episodes table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Episode {
    pub decom: Date,
    pub rne: &'static str,
    pub ls: String,
    pub cin: String,
    pub place: String,
    pub place_provider: String,
    /// Exclusive end; `None` while open.
    pub dec: Option<Date>,
    /// X1 when the episode ended but care continued; the period's reason when care ended.
    pub rec: Option<String>,
    pub reason_place_change: Option<String>,
    pub pl_post: Option<String>,
    pub urn: Option<String>,
}

fn active_at<T>(items: &[T], day: Date, start: impl Fn(&T) -> Date, end: impl Fn(&T) -> Option<Date>) -> Option<&T> {
    items.iter().find(|i| start(i) <= day && end(i).is_none_or(|e| day < e))
}

/// Whether a change of placement keeps the same carer (RNE T or U rather
/// than P or B): the same registered setting (URN), provider and postcode,
/// unless the new placement is an adoption placement "not with the current
/// foster carer" (A4, A6), which the DfE defines as a new carer whatever
/// agency arranges it.
fn same_carer(a: &Placement, b: &Placement) -> bool {
    a.urn.is_some()
        && a.urn == b.urn
        && a.provider_type == b.provider_type
        && a.postcode == b.postcode
        && !matches!(b.place.as_str(), "A4" | "A6")
}

/// The episodes of every period of care, in date order. Assumes a history
/// that passes [`crate::care_history::validate`]; days without a legal status
/// or placement are skipped rather than invented.
pub fn episodes(history: &CareHistory) -> Vec<Episode> {
    let mut periods: Vec<_> = history.periods.iter().collect();
    periods.sort_by_key(|p| p.start);
    let mut out = Vec::new();
    for period in periods {
        let inside = |day: Date| day >= period.start && period.end.is_none_or(|end| day < end);
        let mut boundaries: BTreeSet<Date> = BTreeSet::from([period.start]);
        for status in &history.legal_statuses {
            boundaries.extend([Some(status.start), status.end].into_iter().flatten().filter(|d| inside(*d)));
        }
        for placement in &history.placements {
            boundaries.extend([Some(placement.start), placement.end].into_iter().flatten().filter(|d| inside(*d)));
        }
        let starts: Vec<Date> = boundaries.into_iter().collect();
        let mut previous: Option<(&LegalStatus, &Placement)> = None;
        for (index, start) in starts.iter().enumerate() {
            let legal = active_at(&history.legal_statuses, *start, |s| s.start, |s| s.end);
            let placement = active_at(&history.placements, *start, |p| p.start, |p| p.end);
            let (Some(legal), Some(placement)) = (legal, placement) else {
                continue;
            };
            let end = starts.get(index + 1).copied().or(period.end);
            let rne = match previous {
                None => "S",
                Some((old_legal, old_placement)) => {
                    let legal_changed = !std::ptr::eq(old_legal, legal);
                    let placement_changed = !std::ptr::eq(old_placement, placement);
                    let carer_changed = placement_changed && !same_carer(old_placement, placement);
                    match (legal_changed, placement_changed, carer_changed) {
                        (true, true, true) => "B",
                        (true, true, false) => "U",
                        (true, false, _) => "L",
                        (false, true, true) => "P",
                        (false, true, false) => "T",
                        (false, false, _) => "L",
                    }
                }
            };
            let care_ends_here = end.is_some() && end == period.end;
            let placement_ends_here = end.is_some() && placement.end == end;
            out.push(Episode {
                decom: *start,
                rne,
                ls: legal.code.clone(),
                cin: period.category_of_need.clone(),
                place: placement.place.clone(),
                place_provider: placement.provider_type.clone(),
                dec: end,
                rec: match end {
                    None => None,
                    Some(_) if care_ends_here => period.reason_ceased.clone(),
                    Some(_) => Some("X1".to_owned()),
                },
                reason_place_change: if placement_ends_here && !care_ends_here {
                    placement.reason_for_change.clone()
                } else {
                    None
                },
                pl_post: placement.postcode.clone(),
                urn: placement.urn.clone(),
            });
            previous = Some((legal, placement));
        }
    }
    out
}
