//! What Hearth holds about a child that the return is made from. The store
//! loads these; [`super::export`] turns them into a year's rows.

use children::care_history::CareHistory;
use time::Date;

/// OC2 items for one collection year; `None` where not recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthOutcomes {
    pub sdq_score: Option<i64>,
    pub sdq_reason: Option<String>,
    pub convicted: Option<bool>,
    pub health_check: Option<bool>,
    pub immunisations: Option<bool>,
    pub teeth_check: Option<bool>,
    pub health_assessment: Option<bool>,
    pub substance_misuse: Option<bool>,
    pub intervention_received: Option<bool>,
    pub intervention_offered: Option<bool>,
}

/// OC3 for one collection year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareLeaverContact {
    pub in_touch: String,
    pub activity: String,
    pub accommodation: String,
}

/// AD1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adoption {
    pub should_be_placed_on: Option<Date>,
    pub matched_on: Option<Date>,
    pub by_foster_carer: Option<bool>,
    pub number_of_adopters: Option<i64>,
    pub adopter_sexes: Option<String>,
    pub adopter_status: Option<String>,
}

/// A should-be-placed-for-adoption decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionDecision {
    pub decided_on: Date,
    pub ceased_on: Option<Date>,
    pub reason_ceased: Option<String>,
}

/// Permanence before the period of care starting `period_start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousPermanence {
    pub period_start: Date,
    pub arrangement: String,
    pub la_code: Option<String>,
    /// dd/mm/yyyy with ZZ for unknown parts.
    pub date_text: Option<String>,
}

/// A spell missing (M) or away without authorisation (A).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSpell {
    pub kind: String,
    pub start: Date,
    pub end: Option<Date>,
}

/// A social worker's allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSpell {
    /// Social Work England number without the SW prefix; `None` if the
    /// worker has none recorded (the return then says XX).
    pub swe_number: Option<String>,
    pub start: Date,
    pub end: Option<Date>,
    pub reason: Option<String>,
}

/// A dated interval (home address postcode, DoLO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    pub value: T,
    pub start: Date,
    pub end: Option<Date>,
}

/// Everything about one child the return needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFacts {
    /// The council's child id (CHILD).
    pub child: String,
    pub sex: String,
    pub dob: Date,
    pub ethnicity: String,
    pub upn: Option<String>,
    pub mother: Option<bool>,
    pub first_child_born_on: Option<Date>,
    pub uasc: bool,
    pub uasc_ceased: Option<Date>,
    pub history: CareHistory,
    pub home_postcodes: Vec<Dated<String>>,
    /// Review dates and participation codes.
    pub reviews: Vec<(Date, Option<String>)>,
    /// OC2 by collection year.
    pub health: Vec<(i32, HealthOutcomes)>,
    /// OC3 by collection year.
    pub care_leaver: Vec<(i32, CareLeaverContact)>,
    pub adoption: Option<Adoption>,
    pub adoption_decisions: Vec<AdoptionDecision>,
    pub previous_permanence: Vec<PreviousPermanence>,
    pub missing: Vec<MissingSpell>,
    pub social_workers: Vec<WorkerSpell>,
    pub dolos: Vec<Dated<()>>,
}

impl ChildFacts {
    /// A child with nothing but identity, for building up.
    pub fn new(child: &str, sex: &str, dob: Date, ethnicity: &str) -> ChildFacts {
        ChildFacts {
            child: child.to_owned(),
            sex: sex.to_owned(),
            dob,
            ethnicity: ethnicity.to_owned(),
            upn: None,
            mother: None,
            first_child_born_on: None,
            uasc: false,
            uasc_ceased: None,
            history: CareHistory::default(),
            home_postcodes: Vec::new(),
            reviews: Vec::new(),
            health: Vec::new(),
            care_leaver: Vec::new(),
            adoption: None,
            adoption_decisions: Vec::new(),
            previous_permanence: Vec::new(),
            missing: Vec::new(),
            social_workers: Vec::new(),
            dolos: Vec::new(),
        }
    }
}
