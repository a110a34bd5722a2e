//! The validation rules.
//!
//! Each rule is a [`Rule`]: its DfE code and message, the tables it needs
//! (this year's and last year's), any lookup it needs, the collection years
//! it applies to, and a check that flags rows. Rules are grouped by what
//! they are about, one module per group; [`pack`] gathers a year's rules.
//!
//! Rules implement what the DfE guidance intends, not the reference tool's
//! defects (see `shared/reference/ssda903.md`): a rule that crashes or reads
//! the wrong column there is written here as it was meant.

use std::collections::{HashMap, HashSet};

use time::Date;

use super::codes::Codes;
use super::model::{Episode, Return, Row};
use super::tables::TableKind;
use super::validate::Lookups;
use super::year::CollectionYear;

mod activity;
mod adoption;
mod continuity;
mod episodes;
mod header;
mod integrity;
mod outcomes;
mod placements;

#[cfg(test)]
pub(crate) mod testing;

/// A lookup outside the files that a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Nothing,
    /// The returning council's UTLA code.
    LocalAuthority,
    /// The postcode list (for PL_LA, PL_LOCATION and PL_DISTANCE).
    Postcodes,
    /// Ofsted's children's homes and social care providers.
    Providers,
}

/// One validation rule.
#[derive(Debug)]
pub struct Rule {
    /// The DfE's code, such as "103" or "SW12STG2".
    pub code: &'static str,
    /// The DfE's message, as a council sees it.
    pub message: &'static str,
    /// This year's tables the rule reads; skipped if one is not supplied.
    pub tables: &'static [TableKind],
    /// Last year's tables the rule reads; skipped without them.
    pub previous: &'static [TableKind],
    pub needs: Need,
    /// First and last collection years (the year ending) the rule is in.
    pub years: (i32, i32),
    pub check: fn(&Ctx, &mut Flags),
}

/// Every collection year Hearth has a pack for.
pub const ALL_YEARS: (i32, i32) = (CollectionYear::FIRST, CollectionYear::LAST);

/// Every rule of every year.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        header::RULES,
        integrity::RULES,
        episodes::RULES,
        placements::RULES,
        activity::RULES,
        adoption::RULES,
        outcomes::RULES,
        continuity::RULES,
    ]
    .into_iter()
    .flatten()
}

/// The rules of one year's pack.
pub fn pack(year: CollectionYear) -> impl Iterator<Item = &'static Rule> {
    all().filter(move |r| r.years.0 <= year.ending() && year.ending() <= r.years.1)
}

/// The rows a rule flags.
#[derive(Debug, Default)]
pub struct Flags {
    rows: Vec<(TableKind, usize)>,
}

impl Flags {
    pub fn flag(&mut self, table: TableKind, index: usize) {
        self.rows.push((table, index));
    }

    /// Flags every row of `R`'s table for which `bad` holds.
    pub fn each<R: Row>(&mut self, rows: &[R], bad: impl Fn(&R) -> bool) {
        for (index, row) in rows.iter().enumerate() {
            if bad(row) {
                self.flag(R::TABLE, index);
            }
        }
    }

    pub(crate) fn into_rows(mut self) -> Vec<(TableKind, usize)> {
        self.rows.sort_unstable();
        self.rows.dedup();
        self.rows
    }
}

/// Rows by child id, in file order (episodes: in DECOM order).
#[derive(Debug, Default)]
pub struct Index<'a> {
    pub header: HashMap<&'a str, Vec<usize>>,
    pub episodes: HashMap<&'a str, Vec<usize>>,
    pub uasc: HashMap<&'a str, Vec<usize>>,
    pub reviews: HashMap<&'a str, Vec<usize>>,
    pub oc2: HashMap<&'a str, Vec<usize>>,
    pub oc3: HashMap<&'a str, Vec<usize>>,
    pub ad1: HashMap<&'a str, Vec<usize>>,
    pub placed_adoption: HashMap<&'a str, Vec<usize>>,
    pub prev_perm: HashMap<&'a str, Vec<usize>>,
    pub missing: HashMap<&'a str, Vec<usize>>,
    pub sw_episodes: HashMap<&'a str, Vec<usize>>,
    pub dolo: HashMap<&'a str, Vec<usize>>,
}

fn by_child<R: Row>(rows: &[R]) -> HashMap<&str, Vec<usize>> {
    let mut map: HashMap<&str, Vec<usize>> = HashMap::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        if let Some(child) = row.child() {
            map.entry(child).or_default().push(index);
        }
    }
    map
}

impl<'a> Index<'a> {
    pub fn of(ret: &'a Return) -> Index<'a> {
        let mut episodes = by_child(&ret.episodes);
        for list in episodes.values_mut() {
            // Unreadable dates sort last, so the readable order holds.
            list.sort_by_key(|&i| (ret.episodes[i].decom.get().is_none(), ret.episodes[i].decom.get(), i));
        }
        Index {
            header: by_child(&ret.header),
            episodes,
            uasc: by_child(&ret.uasc),
            reviews: by_child(&ret.reviews),
            oc2: by_child(&ret.oc2),
            oc3: by_child(&ret.oc3),
            ad1: by_child(&ret.ad1),
            placed_adoption: by_child(&ret.placed_adoption),
            prev_perm: by_child(&ret.prev_perm),
            missing: by_child(&ret.missing),
            sw_episodes: by_child(&ret.sw_episodes),
            dolo: by_child(&ret.dolo),
        }
    }
}

/// What the DfE's tool derives for each episode rather than reads: the
/// placement's local authority, whether it is in or out of the council's
/// area, and the straight-line distance from home in miles (one decimal).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    pub pl_la: Option<String>,
    pub pl_location: Option<&'static str>,
    pub pl_distance: Option<f64>,
}

/// Everything a rule can read.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub ret: &'a Return,
    pub prev: Option<&'a Return>,
    pub year: CollectionYear,
    pub codes: &'a Codes,
    pub lookups: &'a Lookups,
    pub index: Index<'a>,
    /// Last year's index (empty when there is no previous return).
    pub prev_index: Index<'a>,
    /// One per episode, in the episodes' order.
    pub derived: Vec<Derived>,
    uasc_children: HashSet<&'a str>,
}

const EMPTY: &[usize] = &[];

impl<'a> Ctx<'a> {
    pub fn new(ret: &'a Return, prev: Option<&'a Return>, lookups: &'a Lookups, codes: &'a Codes) -> Ctx<'a> {
        let index = Index::of(ret);
        let prev_index = prev.map(Index::of).unwrap_or_default();
        let derived = ret.episodes.iter().map(|e| derive(e, lookups)).collect();
        let uasc_children = ret.uasc.iter().filter_map(|u| u.child.as_deref()).collect();
        Ctx {
            ret,
            prev,
            year: ret.year,
            codes,
            lookups,
            index,
            prev_index,
            derived,
            uasc_children,
        }
    }

    /// 1 April of the year before.
    pub fn start(&self) -> Date {
        self.year.start()
    }

    /// 31 March.
    pub fn end(&self) -> Date {
        self.year.end()
    }

    /// The child's episodes (indexes into `ret.episodes`), in DECOM order.
    pub fn episodes_of(&self, child: &str) -> &[usize] {
        self.index.episodes.get(child).map_or(EMPTY, Vec::as_slice)
    }

    /// The child's date of birth from the Header (first row, if readable).
    pub fn dob(&self, child: &str) -> Option<Date> {
        let first = *self.index.header.get(child)?.first()?;
        self.ret.header[first].dob.get()
    }

    /// The child's Header row, if any.
    pub fn header_of(&self, child: &str) -> Option<&'a super::model::Header> {
        let first = *self.index.header.get(child)?.first()?;
        Some(&self.ret.header[first])
    }

    /// Whether the child is in this year's UASC table.
    pub fn is_uasc(&self, child: &str) -> bool {
        self.uasc_children.contains(child)
    }

    /// Whether the child has episodes this year.
    pub fn has_episodes(&self, child: &str) -> bool {
        self.index.episodes.contains_key(child)
    }

    /// The OC2 cohort, as the DfE derives CONTINUOUSLY_LOOKED_AFTER: an
    /// episode in the year, no new period starting in the year, no period
    /// ending before 31 March, and no short breaks (V3/V4).
    pub fn continuously_looked_after(&self, child: &str) -> bool {
        let episodes = self.episodes_of(child);
        !episodes.is_empty()
            && episodes.iter().all(|&i| {
                let e = &self.ret.episodes[i];
                let started_in_year = e.rne.as_deref() == Some("S") && e.decom.get().is_some_and(|d| d >= self.start() && d <= self.end());
                let left_in_year =
                    e.rec.as_deref().is_some_and(|r| r != "X1") && e.dec.get().is_some_and(|d| d >= self.start() && d < self.end());
                let short_break = matches!(e.ls.as_deref(), Some("V3" | "V4"));
                !started_in_year && !left_in_year && !short_break
            })
    }
}

/// Age in whole years on a date, by exact birthdays (29 February birthdays
/// fall on 1 March in other years).
pub fn age_on(dob: Date, on: Date) -> i32 {
    children::age_on(dob, on)
}

/// The day a child turns `years` old.
pub fn birthday(dob: Date, years: i32) -> Date {
    let year = dob.year() + years;
    Date::from_calendar_date(year, dob.month(), dob.day())
        .unwrap_or_else(|_| Date::from_calendar_date(year, time::Month::March, 1).expect("1 March exists"))
}

fn derive(episode: &Episode, lookups: &Lookups) -> Derived {
    let Some(postcodes) = &lookups.postcodes else {
        return Derived::default();
    };
    let placed = episode.pl_post.as_deref().and_then(|p| postcodes.find(p));
    let home = episode.home_post.as_deref().and_then(|p| postcodes.find(p));
    let pl_la = placed.map(|p| p.la.clone());
    let pl_location = match (&pl_la, &lookups.la) {
        (Some(pl), Some(la)) => Some(if pl == la { "IN" } else { "OUT" }),
        _ => None,
    };
    let pl_distance = match (home, placed) {
        (Some(h), Some(p)) => {
            let (de, dn) = ((h.easting - p.easting) as f64, (h.northing - p.northing) as f64);
            let miles = (de * de + dn * dn).sqrt() / 1000.0 / 1.6093;
            Some((miles * 10.0).round() / 10.0)
        }
        _ => None,
    };
    Derived {
        pl_la,
        pl_location,
        pl_distance,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The rules the reference lists for a year, from its inventory.
    fn listed(year: i32) -> BTreeSet<String> {
        include_str!("../../../data/ssda903-rules.tsv")
            .lines()
            .skip(1)
            .filter_map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                let status = cols.get(5)?;
                let in_hearth = *status == "active" || *status == "from 2026-27" || status.starts_with("active in");
                let (from, to) = cols.get(4)?.split_once("..")?;
                let from: i32 = from.get(..4)?.parse::<i32>().ok()? + 1;
                let to: i32 = to.get(..4)?.parse::<i32>().ok()? + 1;
                (in_hearth && from <= year && year <= to).then(|| cols[0].to_owned())
            })
            .collect()
    }

    #[test]
    fn every_rule_code_is_unique() {
        let mut seen = BTreeSet::new();
        for rule in all() {
            assert!(seen.insert(rule.code), "rule {} is defined twice", rule.code);
        }
    }

    #[test]
    fn the_current_pack_implements_every_listed_rule() {
        for year in [2026, 2027] {
            let listed = listed(year);
            let ours: BTreeSet<String> = pack(CollectionYear::new(year).unwrap()).map(|r| r.code.to_owned()).collect();
            let missing: Vec<_> = listed.difference(&ours).collect();
            assert!(missing.is_empty(), "{year}: not implemented: {missing:?}");
        }
    }

    #[test]
    fn every_rule_has_a_failing_test_case() {
        // Rule tests are named `r<code>_...` (lower case) in each group's tests.rs.
        let sources = [
            include_str!("header/tests.rs"),
            include_str!("integrity/tests.rs"),
            include_str!("episodes/tests.rs"),
            include_str!("placements/tests.rs"),
            include_str!("activity/tests.rs"),
            include_str!("adoption/tests.rs"),
            include_str!("outcomes/tests.rs"),
            include_str!("continuity/tests.rs"),
        ]
        .concat();
        let untested: Vec<&str> = all()
            .filter(|r| !sources.contains(&format!("fn r{}_", r.code.to_lowercase())))
            .map(|r| r.code)
            .collect();
        assert!(untested.is_empty(), "rules without a test: {untested:?}");
    }

    #[test]
    fn the_clean_return_passes_every_rule() {
        let (ret, prev, lookups) = testing::clean();
        let report = crate::ssda903::validate(&ret, Some(&prev), &lookups);
        let failures: Vec<String> = report.findings.iter().map(|f| format!("{} {:?}", f.code, f.rows)).collect();
        assert!(failures.is_empty(), "the clean return fails: {failures:#?}");
        assert!(report.skipped.is_empty(), "skipped: {:?}", report.skipped);
    }
}
