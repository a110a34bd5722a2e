//! The answer texts Ofsted's Annex A template expects ("a) Male",
//! "C2: FCO", "N1 - Abuse or neglect"), rendered from the canonical codes
//! Hearth stores. Only the export speaks in letters; a code with no
//! Ofsted text (a newer placement type, say) is written as "CODE: label"
//! from the standard code sets, or as itself, never dropped.

use children::codes::CodeSets;

fn find(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, text)| *text)
}

/// "a) Yes" / "b) No".
pub fn yes_no(value: bool) -> String {
    if value { "a) Yes" } else { "b) No" }.to_owned()
}

/// "a) Yes" / "b) No" / "c) Unknown".
pub fn yes_no_unknown(value: Option<bool>) -> String {
    value.map_or_else(|| "c) Unknown".to_owned(), yes_no)
}

/// Sex as Annex A's Gender column.
pub fn gender(sex: &str) -> String {
    match sex {
        "M" | "1" => "a) Male",
        "F" | "2" => "b) Female",
        "I" | "N" => "d) Neither",
        _ => "c) Not stated/recorded",
    }
    .to_owned()
}

const ETHNICITY: &[(&str, &str)] = &[
    ("WBRI", "a) WBRI"),
    ("WIRI", "b) WIRI"),
    ("WIRT", "c) WIRT"),
    ("WOTH", "d) WOTH"),
    ("WROM", "e) WROM"),
    ("MWBC", "f) MWBC"),
    ("MWBA", "g) MWBA"),
    ("MWAS", "h) MWAS"),
    ("MOTH", "i) MOTH"),
    ("AIND", "j) AIND"),
    ("APKN", "k) APKN"),
    ("ABAN", "l) ABAN"),
    ("AOTH", "m) AOTH"),
    ("BCRB", "n) BCRB"),
    ("BAFR", "o) BAFR"),
    ("BOTH", "p) BOTH"),
    ("CHNE", "q) CHNE"),
    ("OOTH", "r) OOTH"),
    ("REFU", "s) REFU"),
    ("NOBT", "s) NOBT"),
];

/// The DfE ethnicity code with Ofsted's letter; unknown codes as "s) NOBT".
pub fn ethnicity(code: &str) -> String {
    find(ETHNICITY, code).unwrap_or("s) NOBT").to_owned()
}

const NEED: &[(&str, &str)] = &[
    ("N1", "N1 - Abuse or neglect"),
    ("N2", "N2 - Child's disability"),
    ("N3", "N3 - Parental disability or illness"),
    ("N4", "N4 - Family in acute stress"),
    ("N5", "N5 - Family dysfunction"),
    ("N6", "N6 - Socially unacceptable behaviour"),
    ("N7", "N7 - Low income"),
    ("N8", "N8 - Absent parenting"),
    ("N9", "N9 - Cases other than children in need"),
    ("N0", "N0 - Not stated"),
];

pub fn category_of_need(code: &str) -> String {
    find(NEED, code).map_or_else(|| fallback("category-of-need", code), str::to_owned)
}

const LEGAL_STATUS: &[(&str, &str)] = &[
    ("C1", "C1: ICO"),
    ("C2", "C2: FCO"),
    ("D1", "D1: Freeing order"),
    ("E1", "E1: Placement order"),
    ("V2", "V2: Single period under S20"),
    ("V3", "V3: Short term breaks, episodes recorded"),
    ("V4", "V4: Short term breaks, agreements recorded"),
    ("L1", "L1: Police protection LA accommodation"),
    ("L2", "L2: EPO"),
    ("L3", "L3: Child assessment order LA accommodation"),
    ("J1", "J1: Remanded to LA or youth detention"),
    ("J2", "J2: LA accommodation under PACE"),
    ("J3", "J3: Youth rehabilitation order"),
];

pub fn legal_status(code: &str) -> String {
    find(LEGAL_STATUS, code).map_or_else(|| fallback("legal-status", code), str::to_owned)
}

const REASON_CEASED: &[(&str, &str)] = &[
    ("E11", "a) E11: Adopted - application unopposed"),
    ("E12", "b) E12: Adopted - consent dispensed"),
    ("E2", "c) E2: Died"),
    ("E3", "d) E3: Care taken by another LA"),
    ("E4A", "e) E4A: Returned home to live with parents or relatives - part of planning"),
    (
        "E4B",
        "f) E4B: Returned home to live with parents or relatives - not part of planning",
    ),
    ("E13", "g) E13: Parents, relatives or other with no parental responsibility"),
    ("E41", "h) E41: Residence order granted"),
    ("E45", "i) E45: Special Guardianship Orders - former carer relative/friend"),
    ("E46", "j) E46: Special Guardianship Orders - former carer other"),
    ("E43", "j) E46: Special Guardianship Orders - former carer other"),
    ("E47", "k) E47: Special Guardianship Orders - relative/friend"),
    ("E48", "l) E48: Special Guardianship Orders - other"),
    ("E44", "l) E48: Special Guardianship Orders - other"),
    ("E5", "m) E5: Moved into independent living - supported"),
    ("E6", "n) E6: Moved into independent living - no support"),
    ("E7", "o) E7: Transferred to residential care funded by adult social services"),
    ("E9", "p) E9: Sentenced to custody"),
    ("E14", "q) E14: Accommodation on remand ended"),
    ("E15", "r) E15: Age assessment determined child was 18 or over"),
    ("E16", "s) E16: Child moved abroad"),
    ("E8", "t) E8: Care ceased for any other reason"),
    ("E17", "v) E17: Aged 18+ and remained with current carers"),
];

pub fn reason_ceased(code: &str) -> String {
    find(REASON_CEASED, code).map_or_else(|| fallback("reason-ceased", code), str::to_owned)
}

const PLACE: &[(&str, &str)] = &[
    ("U1", "a) U1: Foster placement - relatives - long term"),
    ("U2", "b) U2: Foster placement - relative - FFA"),
    ("U3", "c) U3: Foster placement - relative - not FFA"),
    ("U4", "d) U4: Foster placement - long term"),
    ("U5", "e) U5: Foster placement - FFA"),
    ("U6", "f) U6: Foster placement - not FFA"),
    ("A3", "g) A3: Placed for adoption - consent - current foster"),
    ("A4", "h) A4: Placed for adoption - consent - not foster"),
    ("A5", "i) A5: Placed for adoption - order - foster"),
    ("A6", "j) A6: Placed for adoption - order - not foster"),
    ("P1", "k) P1: Placed with parents"),
    ("P2", "l) P2: Independent living"),
    ("P3", "m) P3: Residential employment"),
    ("H5", "n) H5: Residential accommodation"),
    ("K1", "o) K1: Secure Children's Homes"),
    ("K2", "p) K2: Children's Homes"),
    ("R1", "q) R1: Residential Care Home"),
    ("R2", "r) R2: NHS/Health Trust"),
    ("R3", "s) R3: Family Centre or Mother and Baby Unit"),
    ("R5", "t) R5: Young Offender Institution"),
    ("S1", "u) S1: Residential school"),
    ("Z1", "v) Z1: Other placements"),
    ("T0", "w) T0: Temporary placement"),
    ("T1", "x) T1: Temporary placement - hospital"),
    ("T2", "y) T2: Temporary placement - holiday"),
    ("T3", "z) T3: Temporary placement - carer holiday"),
    ("T4", "zz) T4: Temporary placement - seven days or less"),
];

pub fn placement_type(code: &str) -> String {
    find(PLACE, code).map_or_else(|| fallback("place", code), str::to_owned)
}

const PROVIDER: &[(&str, &str)] = &[
    ("PR0", "a) PR0: Parents/Parental responsibility"),
    ("PR1", "b) PR1: Own provision"),
    ("PR2", "c) PR2: Other LA provision"),
    ("PR3", "d) PR3: Other public provision"),
    ("PR4", "e) PR4: Private provision"),
    ("PR5", "f) PR5: Voluntary/third sector"),
];

pub fn provider(code: &str) -> String {
    find(PROVIDER, code).map_or_else(|| fallback("place-provider", code), str::to_owned)
}

const IN_TOUCH: &[(&str, &str)] = &[
    ("YES", "a) Yes"),
    ("NO", "b) No"),
    ("DIED", "c) Died"),
    ("REFU", "d) Refu"),
    ("NREQ", "e) NREQ"),
    ("RHOM", "f) Rhom"),
];

pub fn in_touch(code: &str) -> String {
    find(IN_TOUCH, code).unwrap_or(code).to_owned()
}

const ACCOMMODATION: &[(&str, &str)] = &[
    ("B", "B: Parents/relatives"),
    ("C", "C: Community home/residential care"),
    (
        "D",
        "D: Semi-independent, transitional accommodation and self-contained accommodation",
    ),
    ("E", "E: Supported lodgings"),
    ("G", "G: Abroad"),
    ("H", "H: Deported"),
    ("K", "K: Ordinary lodgings, without formal support"),
    ("R", "R: Residence not known"),
    ("S", "S: No fixed adobe/homeless"),
    ("T", "T: Foyers and similar supported accommodation"),
    ("U", "U: Independent living"),
    ("V", "V: Emergency accommodation"),
    ("W", "W: Bed and breakfast"),
    ("X", "X: In custody"),
    ("Y", "Y: Other accommodation"),
    ("Z", "Z: With former foster carers"),
];

/// The SSDA903 ACCOM code (letter, then 1 suitable or 2 unsuitable) as
/// Annex A's type of accommodation and suitability; blanks for "0" (not
/// in touch) or nothing recorded.
pub fn accommodation(code: &str) -> (String, String) {
    let mut chars = code.chars();
    let (Some(letter), suitability) = (chars.next(), chars.as_str()) else {
        return (String::new(), String::new());
    };
    let Some(kind) = find(ACCOMMODATION, &letter.to_string()) else {
        return (String::new(), String::new());
    };
    let suitable = match suitability {
        "1" => "a) Suitable",
        "2" => "b) Unsuitable",
        _ => "",
    };
    (kind.to_owned(), suitable.to_owned())
}

const ACTIVITY: &[(&str, &str)] = &[
    ("F1", "F1: Full time in higher education"),
    ("P1", "P1: Part time in higher education"),
    ("F2", "F2: Full time in education other than higher"),
    ("P2", "P2: Part time in education other than higher"),
    ("F3", "F3: Full time in training or employment"),
    ("P3", "P3: Part time in training or employment"),
    ("F4", "F4: Young person engaged full time in an apprenticeship"),
    ("P4", "P4: Young person engaged part time in an apprenticeship"),
    (
        "F5",
        "F5: Young person engaged full time in training or employment (not apprenticeship)",
    ),
    (
        "P5",
        "P5: Young person engaged part time in training or employment (not apprenticeship)",
    ),
    ("G4", "G4: Not in education, employment or training - illness or disability"),
    ("G5", "G5: Not in education, employment or training - other"),
    ("G6", "G6: Not in education, employment or training - pregnancy or parenting"),
];

pub fn activity(code: &str) -> String {
    find(ACTIVITY, code).unwrap_or_default().to_owned()
}

const NO_LONGER_PLACED: &[(&str, &str)] = &[
    ("RD1", "RD1 - The child’s needs changed subsequent to the decision"),
    ("RD2", "RD2 - The Court did not make a placement order"),
    ("RD3", "RD3 - Prospective adopters could not be found"),
    ("RD4", "RD4 - Any other reason"),
];

pub fn no_longer_placed(code: &str) -> String {
    find(NO_LONGER_PLACED, code).unwrap_or(code).to_owned()
}

/// "CODE: label" from the standard code sets, or the bare code.
fn fallback(set: &str, code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    let sets = CodeSets::standard();
    let label = sets.label(set, code);
    if label.is_empty() || label == code {
        code.to_owned()
    } else {
        format!("{code}: {label}")
    }
}
