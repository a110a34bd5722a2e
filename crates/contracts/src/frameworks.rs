//! Frameworks: regional (consortium) and local agreements with providers,
//! divided into lots (by kind of placement) and tiers (preferred first),
//! each member with its rate card. A placement bought outside any
//! framework is a spot purchase and needs a recorded reason.

use kernel::Money;
use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use time::Date;

kernel::coded!(
    /// Who let the framework.
    Scope {
        Regional = "regional", "Regional (consortium)";
        Local = "local", "Local";
    }
);

kernel::coded!(
    /// Why a placement was bought outside the frameworks.
    SpotReason {
        NoFrameworkVacancy = "no-framework-vacancy", "No framework provider had a vacancy";
        NeedsNotMet = "needs-not-met", "No framework provider could meet the child's needs";
        KeepSiblingsTogether = "keep-siblings-together", "Only this provider could keep siblings together";
        Continuity = "continuity", "Continuity with an existing carer or school";
        Emergency = "emergency", "Emergency placement out of hours";
        Location = "location", "Location needed for the child's safety or family links";
        Other = "other", "Other (explained in the note)";
    }
);

/// A provider's place on a framework lot, with its core weekly rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub framework: String,
    pub lot_category: PlacementCategory,
    pub tier: u8,
    pub weekly_rate: Money,
    pub from: Date,
    pub until: Option<Date>,
}

impl Membership {
    pub fn is_current(&self, on: Date) -> bool {
        self.from <= on && self.until.is_none_or(|u| on < u)
    }
}

/// How a placement is bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "kebab-case")]
pub enum Route {
    Framework { tier: u8, weekly_rate: Money },
    Spot { reason: SpotReason, note: String },
}

/// Why a purchase route is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteRefused {
    #[error("the provider is not on a current framework for this kind of placement; record why it is a spot purchase")]
    SpotReasonNeeded,
    #[error("explain the spot purchase in the note")]
    NoteNeeded,
}

/// The route for a placement with a provider on `on`: the best (lowest)
/// tier of its current memberships for the category, or a spot purchase,
/// which needs a reason (and a note when the reason is "other").
pub fn route(
    memberships: &[Membership],
    category: PlacementCategory,
    on: Date,
    spot: Option<(SpotReason, &str)>,
) -> Result<Route, RouteRefused> {
    let best = memberships
        .iter()
        .filter(|m| m.lot_category == category && m.is_current(on))
        .min_by_key(|m| (m.tier, m.weekly_rate));
    match (best, spot) {
        (Some(m), _) => Ok(Route::Framework {
            tier: m.tier,
            weekly_rate: m.weekly_rate,
        }),
        (None, None) => Err(RouteRefused::SpotReasonNeeded),
        (None, Some((SpotReason::Other, note))) if note.trim().is_empty() => Err(RouteRefused::NoteNeeded),
        (None, Some((reason, note))) => Ok(Route::Spot {
            reason,
            note: note.trim().to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn member(tier: u8, pounds: i64, until: Option<Date>) -> Membership {
        Membership {
            framework: "4Cs Residential".into(),
            lot_category: PlacementCategory::ChildrensHome,
            tier,
            weekly_rate: Money::from_pounds(pounds),
            from: date!(2024 - 04 - 01),
            until,
        }
    }

    #[test]
    fn a_current_membership_makes_it_a_framework_purchase_at_the_best_tier() {
        let on = date!(2026 - 11 - 22);
        let members = [member(2, 5_000, None), member(1, 5_400, None), member(1, 4_000, Some(on))];
        assert_eq!(
            route(&members, PlacementCategory::ChildrensHome, on, None),
            Ok(Route::Framework {
                tier: 1,
                weekly_rate: Money::from_pounds(5_400)
            })
        );
    }

    #[test]
    fn a_spot_purchase_needs_a_reason_and_other_needs_a_note() {
        let on = date!(2026 - 11 - 22);
        let members = [member(1, 5_000, None)];
        let cat = PlacementCategory::IndependentFoster;
        assert_eq!(route(&members, cat, on, None), Err(RouteRefused::SpotReasonNeeded));
        assert_eq!(route(&[], cat, on, Some((SpotReason::Other, " "))), Err(RouteRefused::NoteNeeded));
        assert!(matches!(
            route(&[], cat, on, Some((SpotReason::NoFrameworkVacancy, ""))),
            Ok(Route::Spot { .. })
        ));
    }
}
