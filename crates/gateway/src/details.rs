//! What a placement request asks for: urgency, siblings, location and
//! education, needs and risks, suitable placement types, and the package
//! elements with their proposed weekly costs (the DfE placements data
//! standard's request fields). [`validate`] names every field at fault so
//! the page and the API can say exactly what to fix.

use kernel::Money;
use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use time::Date;

kernel::coded!(
    /// How soon the child must be placed.
    Urgency {
        Today = "today", "Today";
        WithinFiveDays = "within-5-days", "Within 5 days";
        Planned = "planned", "Planned";
    }
);

kernel::coded!(
    /// Where the child should live, as the social worker sees it.
    LocationPreference {
        InArea = "in-area", "In the council's area";
        NearFamily = "near-family", "Near family";
        NearSchool = "near-school", "Near the current school";
        AwayForSafety = "away-for-safety", "Away from the area, for safety";
        NoPreference = "no-preference", "No preference";
    }
);

kernel::coded!(
    /// What should happen to the child's education.
    EducationContinuity {
        KeepSchool = "keep-school", "Keep the current school";
        MoveSchool = "move-school", "Move school";
        NotInEducation = "not-in-education", "Not in education";
        PostSixteen = "post-16", "Post-16 education or training";
    }
);

/// Package elements are priced the same way in requests and agreements.
pub use placements::ElementKind;

kernel::coded!(
    /// Why an approved placement comes back through the Gateway.
    VariationKind {
        Extension = "extension", "Extension";
        CostIncrease = "cost-increase", "Cost increase";
        ChangeOfPlacement = "change-of-placement", "Change of placement";
    }
);

/// One priced part of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    pub kind: ElementKind,
    pub weekly: Money,
    #[serde(default)]
    pub note: String,
}

/// Everything the social worker puts in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub urgency: Urgency,
    /// The main type of placement sought (drives the matrix).
    pub category: PlacementCategory,
    /// Every type that would meet the child's needs.
    pub suitable: Vec<PlacementCategory>,
    /// Brothers and sisters to be placed together with this child.
    pub siblings_together: u8,
    pub location: LocationPreference,
    pub education: EducationContinuity,
    pub needs: String,
    pub risks: String,
    pub elements: Vec<Element>,
    pub justification: String,
    pub out_of_area: bool,
    pub at_distance: bool,
    pub unregistered: bool,
    /// Unregistered settings: the deprivation-of-liberty order, its reference.
    pub dol_order: Option<String>,
    /// Unregistered settings: when Ofsted or CIW was told.
    pub regulator_notified_on: Option<Date>,
    /// Why an exception (such as an unregistered setting) is justified.
    pub override_reasons: Option<String>,
    /// The provider proposed, when one is known. One that is not
    /// accredited needs the exception the matrix sets before a child may
    /// be placed there.
    #[serde(default)]
    pub provider: Option<kernel::ProviderId>,
}

/// A field and what is wrong with it.
pub type FieldProblem = (&'static str, String);

impl Details {
    /// The package's weekly cost: the sum of its elements.
    pub fn weekly_cost(&self) -> Money {
        Money::sum(self.elements.iter().map(|e| e.weekly)).unwrap_or(Money::from_pence(i64::MAX))
    }
}

const MOST_ELEMENTS: usize = 12;
const MOST_SIBLINGS: u8 = 10;
/// Ten thousand pounds a day is beyond any real placement: a typing error.
const MOST_WEEKLY_PENCE: i64 = 7_000_000;

/// Everything wrong with a draft, field by field. Empty means it can be saved.
pub fn validate(details: &Details) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, message: &str| problems.push((field, message.to_owned()));
    if details.needs.trim().is_empty() {
        problem("needs", "describe the child's needs");
    }
    if details.risks.trim().is_empty() {
        problem("risks", "describe the risks, or say there are none known");
    }
    if details.justification.trim().is_empty() {
        problem("justification", "explain why this placement and cost are justified");
    }
    if details.suitable.is_empty() {
        problem("suitable", "select at least one suitable type of placement");
    } else if !details.suitable.contains(&details.category) {
        problem("suitable", "the main type of placement must be one of the suitable types");
    }
    if details.siblings_together > MOST_SIBLINGS {
        problem("siblings_together", "siblings to place together must be 10 or fewer");
    }
    if details.elements.is_empty() {
        problem("elements", "add at least one package element with its weekly cost");
    }
    if details.elements.len() > MOST_ELEMENTS {
        problem("elements", "a package can have at most 12 elements");
    }
    if details.elements.iter().any(|e| e.weekly.pence() <= 0) {
        problem("elements", "each package element needs a weekly cost above zero");
    }
    if details.weekly_cost().pence() > MOST_WEEKLY_PENCE {
        problem("elements", "the package costs more than £70,000 a week; check the amounts");
    }
    if details.at_distance && !details.out_of_area {
        problem("at_distance", "a placement at a distance is also out of area; tick both");
    }
    problems
}

/// What must be on record before a request for an unregistered setting is
/// submitted: the deprivation-of-liberty order, the regulator's
/// notification and the reasons for the exception.
pub fn unregistered_prerequisites(details: &Details) -> Vec<FieldProblem> {
    if !details.unregistered {
        return Vec::new();
    }
    let mut problems = Vec::new();
    if details.dol_order.as_deref().is_none_or(|o| o.trim().is_empty()) {
        problems.push((
            "dol_order",
            "record the deprivation-of-liberty order before submitting a request for an unregistered setting".to_owned(),
        ));
    }
    if details.regulator_notified_on.is_none() {
        problems.push((
            "regulator_notified_on",
            "record when Ofsted or CIW was notified of the unregistered setting".to_owned(),
        ));
    }
    if details.override_reasons.as_deref().is_none_or(|r| r.trim().is_empty()) {
        problems.push((
            "override_reasons",
            "give the reasons for placing the child in an unregistered setting".to_owned(),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn sample() -> Details {
        Details {
            urgency: Urgency::Planned,
            category: PlacementCategory::ChildrensHome,
            suitable: vec![PlacementCategory::ChildrensHome, PlacementCategory::IndependentFoster],
            siblings_together: 0,
            location: LocationPreference::NearSchool,
            education: EducationContinuity::KeepSchool,
            needs: "Therapeutic care".into(),
            risks: "Going missing".into(),
            elements: vec![
                Element {
                    kind: ElementKind::CoreFee,
                    weekly: Money::from_pounds(4_200),
                    note: String::new(),
                },
                Element {
                    kind: ElementKind::OneToOne,
                    weekly: Money::from_pence(80_050),
                    note: "Evenings".into(),
                },
            ],
            justification: "No foster carer can meet the needs".into(),
            out_of_area: false,
            at_distance: false,
            unregistered: false,
            dol_order: None,
            regulator_notified_on: None,
            override_reasons: None,
            provider: None,
        }
    }

    #[test]
    fn the_weekly_cost_is_the_sum_of_the_elements() {
        assert_eq!(sample().weekly_cost(), Money::from_pence(500_050));
        assert!(validate(&sample()).is_empty());
    }

    #[test]
    fn every_missing_part_is_named() {
        let empty = Details {
            needs: " ".into(),
            risks: String::new(),
            justification: String::new(),
            suitable: Vec::new(),
            elements: Vec::new(),
            at_distance: true,
            siblings_together: 11,
            ..sample()
        };
        let fields: Vec<&str> = validate(&empty).iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                "needs",
                "risks",
                "justification",
                "suitable",
                "siblings_together",
                "elements",
                "at_distance"
            ]
        );
    }

    #[test]
    fn the_main_type_must_be_suitable_and_costs_sane() {
        let odd = Details {
            suitable: vec![PlacementCategory::IndependentFoster],
            ..sample()
        };
        assert_eq!(validate(&odd)[0].0, "suitable");
        let mut zero = sample();
        zero.elements[0].weekly = Money::ZERO;
        assert_eq!(validate(&zero)[0].0, "elements");
        let mut huge = sample();
        huge.elements[0].weekly = Money::from_pounds(70_001);
        assert_eq!(validate(&huge)[0].0, "elements");
    }

    #[test]
    fn an_unregistered_setting_needs_its_order_notification_and_reasons() {
        let unregistered = Details {
            unregistered: true,
            ..sample()
        };
        let fields: Vec<&str> = unregistered_prerequisites(&unregistered).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["dol_order", "regulator_notified_on", "override_reasons"]);
        let recorded = Details {
            dol_order: Some("FD24C00123".into()),
            regulator_notified_on: Some(date!(2026 - 11 - 20)),
            override_reasons: Some("No registered home would accept".into()),
            ..unregistered
        };
        assert!(unregistered_prerequisites(&recorded).is_empty());
        assert!(unregistered_prerequisites(&sample()).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for kind in ElementKind::ALL {
            assert_eq!(kind.code().parse::<ElementKind>(), Ok(*kind));
        }
        for urgency in Urgency::ALL {
            assert_eq!(urgency.code().parse::<Urgency>(), Ok(*urgency));
            assert_eq!(
                serde_json::to_value(urgency).ok(),
                Some(serde_json::Value::String(urgency.code().into()))
            );
        }
        assert!("soon".parse::<Urgency>().is_err());
    }
}
