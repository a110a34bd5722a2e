//! The code lists of a collection year.
//!
//! Codes that change between years (SEX, PLACE, ...) come from the children
//! crate's versioned code sets, read for the year; codes that only the
//! return uses are listed here. Every list is sorted for binary search,
//! because the rules ask it millions of times on a national return.

use children::codes::CodeSets;

use super::year::CollectionYear;

/// A list of codes. Every 903 code is at most eight bytes, so each is kept
/// packed into a `u64` beside its text: a lookup compares integers, not
/// strings, which matters when rules ask millions of times.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodeList {
    codes: Vec<String>,
    packed: Vec<u64>,
}

/// The code's bytes as a number (zero-padded), or `None` if it is longer
/// than any code.
fn pack(value: &str) -> Option<u64> {
    let bytes = value.as_bytes();
    if bytes.len() > 8 {
        return None;
    }
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    Some(u64::from_le_bytes(word))
}

impl CodeList {
    fn of(codes: impl IntoIterator<Item = String>) -> CodeList {
        let mut codes: Vec<String> = codes.into_iter().collect();
        codes.sort();
        codes.dedup();
        let mut packed: Vec<u64> = codes.iter().map(|c| pack(c).expect("903 codes are at most eight bytes")).collect();
        packed.sort_unstable();
        CodeList { codes, packed }
    }

    fn fixed(codes: &[&str]) -> CodeList {
        CodeList::of(codes.iter().map(|c| (*c).to_owned()))
    }

    /// Whether a (non-blank) value is in the list.
    pub fn has(&self, value: &str) -> bool {
        pack(value).is_some_and(|word| self.packed.binary_search(&word).is_ok())
    }

    /// Whether a cell holds a code of the list (blank is not).
    pub fn holds(&self, cell: Option<&str>) -> bool {
        cell.is_some_and(|v| self.has(v))
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().map(String::as_str)
    }
}

/// Every list a year's rules check against.
#[derive(Debug, Clone)]
pub struct Codes {
    pub sex: CodeList,
    pub ethnic: CodeList,
    pub upn_unknown: CodeList,
    pub rne: CodeList,
    pub ls: CodeList,
    pub cin: CodeList,
    pub place: CodeList,
    pub place_provider: CodeList,
    pub rec: CodeList,
    pub reason_place_change: CodeList,
    pub review_code: CodeList,
    pub sdq_reason: CodeList,
    pub in_touch: CodeList,
    pub activ: CodeList,
    pub accom: CodeList,
    pub sex_adoptr: CodeList,
    pub ls_adoptr: CodeList,
    pub reason_placed_ceased: CodeList,
    pub prev_perm: CodeList,
    pub missing: CodeList,
    pub sw_reason: CodeList,
}

impl Codes {
    pub fn for_year(year: CollectionYear) -> Codes {
        let sets = CodeSets::standard();
        // Any day of the year picks its codes; the year's last day will do.
        let on = year.end();
        let set = |name: &str| CodeList::of(sets.current(name, on).into_iter().map(|c| c.code.clone()));
        let mut rec = set("reason-ceased");
        rec = CodeList::of(rec.codes.into_iter().chain(["X1".to_owned()]));
        Codes {
            sex: set("sex"),
            ethnic: set("ethnicity"),
            upn_unknown: set("upn-unknown"),
            rne: CodeList::fixed(&["S", "L", "P", "T", "U", "B"]),
            ls: set("legal-status"),
            cin: set("category-of-need"),
            place: set("place"),
            place_provider: set("place-provider"),
            rec,
            reason_place_change: set("reason-place-change"),
            review_code: CodeList::fixed(&["PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]),
            sdq_reason: CodeList::fixed(&["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"]),
            in_touch: CodeList::fixed(&["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"]),
            activ: CodeList::fixed(&["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"]),
            accom: CodeList::fixed(&[
                "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S2", "T1", "T2", "U1",
                "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0",
            ]),
            sex_adoptr: CodeList::fixed(&["M1", "F1", "MM", "FF", "MF"]),
            ls_adoptr: CodeList::fixed(&["L0", "L11", "L12", "L2", "L3", "L4"]),
            reason_placed_ceased: CodeList::fixed(&["RD1", "RD2", "RD3", "RD4"]),
            prev_perm: CodeList::fixed(&["P1", "P2", "P3", "P4", "Z1"]),
            missing: CodeList::fixed(&["M", "A"]),
            sw_reason: CodeList::fixed(&[
                "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS",
            ]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_longer_than_any_code_or_blank_is_not_a_code() {
        let codes = Codes::for_year(CollectionYear::new(2026).unwrap());
        assert!(!codes.place.has("U1U1U1U1U1"));
        assert!(!codes.place.has(""));
        assert!(!codes.place.holds(None));
        assert!(codes.sw_reason.has("FCONTA") && !codes.sw_reason.has("FCONT"));
    }

    #[test]
    fn codes_follow_the_year() {
        let y2024 = Codes::for_year(CollectionYear::new(2024).unwrap());
        let y2026 = Codes::for_year(CollectionYear::new(2026).unwrap());
        assert!(y2024.sex.has("1") && !y2024.sex.has("M"));
        assert!(y2026.sex.has("M") && !y2026.sex.has("1"));
        assert!(y2026.place.has("Z11") && !y2026.place.has("Z1") && !y2026.place.has("H5"));
        assert!(y2026.place.has("K3"));
        assert!(y2026.rec.has("X1") && y2026.rec.has("E14"));
        assert!(y2026.ethnic.has("CHNE"));
    }
}
