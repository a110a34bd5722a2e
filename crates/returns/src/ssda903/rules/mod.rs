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
use std::hash::{BuildHasherDefault, Hasher};

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

/// Returns with more episodes than this are indexed and validated on
/// several threads; smaller ones (one child's) are not worth the spawn.
pub const PARALLEL_FROM: usize = 20_000;

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

/// The Fx hash (as rustc uses): a multiply and a rotate per word, several
/// times faster than the default SipHash on the short child ids the rules
/// look up millions of times. It does not resist crafted collisions; the
/// worst a hostile file can do is make its own validation slow.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    /// The words are mixed into the low bits only weakly (ids differ in
    /// their last characters, which land in the high bits), so the result
    /// is finished with SplitMix64's mixer before the table picks a bucket.
    fn finish(&self) -> u64 {
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// One child's rows in a table: nearly always one, so one is kept inline
/// and only a second spills to the heap (a national return has a million
/// of these; an allocation each would be most of the indexing time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    One([usize; 1]),
    Many(Vec<usize>),
}

impl Rows {
    fn push(&mut self, index: usize) {
        match self {
            Rows::One([first]) => *self = Rows::Many(vec![*first, index]),
            Rows::Many(all) => all.push(index),
        }
    }

    pub fn as_slice(&self) -> &[usize] {
        self
    }
}

impl std::ops::Deref for Rows {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        match self {
            Rows::One(one) => one,
            Rows::Many(all) => all,
        }
    }
}

impl std::ops::DerefMut for Rows {
    fn deref_mut(&mut self) -> &mut [usize] {
        match self {
            Rows::One(one) => one,
            Rows::Many(all) => all,
        }
    }
}

impl<'r> IntoIterator for &'r Rows {
    type Item = &'r usize;
    type IntoIter = std::slice::Iter<'r, usize>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A map keyed by child id, with the fast hash.
pub type ChildMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<FxHasher>>;

/// Rows by child id, in file order (episodes: in DECOM order).
#[derive(Debug, Default)]
pub struct Index<'a> {
    pub header: ChildMap<'a, Rows>,
    pub episodes: ChildMap<'a, Rows>,
    pub uasc: ChildMap<'a, Rows>,
    pub reviews: ChildMap<'a, Rows>,
    pub oc2: ChildMap<'a, Rows>,
    pub oc3: ChildMap<'a, Rows>,
    pub ad1: ChildMap<'a, Rows>,
    pub placed_adoption: ChildMap<'a, Rows>,
    pub prev_perm: ChildMap<'a, Rows>,
    pub missing: ChildMap<'a, Rows>,
    pub sw_episodes: ChildMap<'a, Rows>,
    pub dolo: ChildMap<'a, Rows>,
}

fn by_child<R: Row>(rows: &[R]) -> ChildMap<'_, Rows> {
    let mut map: ChildMap<'_, Rows> = ChildMap::with_capacity_and_hasher(rows.len(), Default::default());
    for (index, row) in rows.iter().enumerate() {
        if let Some(child) = row.child() {
            map.entry(child).and_modify(|rows| rows.push(index)).or_insert(Rows::One([index]));
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
    uasc_children: HashSet<&'a str, BuildHasherDefault<FxHasher>>,
    /// Work several rules share, done once by the first that needs it.
    pub(crate) shared: Shared,
}

/// Results several rules need, worked out once per validation.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// (this year's first episode, last year's final episode) for each
    /// child whose final episode last year was still open.
    pub(crate) continuing: std::sync::OnceLock<Vec<(usize, usize)>>,
}

const EMPTY: &[usize] = &[];

impl<'a> Ctx<'a> {
    pub fn new(ret: &'a Return, prev: Option<&'a Return>, lookups: &'a Lookups, codes: &'a Codes) -> Ctx<'a> {
        // Last year's index and the derived fields are made beside this
        // year's index when the return is large enough to be worth a thread.
        let (index, prev_index, derived) = if ret.episodes.len() > PARALLEL_FROM {
            std::thread::scope(|scope| {
                let prev_index = scope.spawn(|| prev.map(Index::of).unwrap_or_default());
                let derived = scope.spawn(|| ret.episodes.iter().map(|e| derive(e, lookups)).collect());
                let index = Index::of(ret);
                (
                    index,
                    prev_index.join().expect("indexing does not panic"),
                    derived.join().expect("deriving does not panic"),
                )
            })
        } else {
            (
                Index::of(ret),
                prev.map(Index::of).unwrap_or_default(),
                ret.episodes.iter().map(|e| derive(e, lookups)).collect(),
            )
        };
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
            shared: Shared::default(),
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
        self.index.episodes.get(child).map_or(EMPTY, Rows::as_slice)
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

/// The day a child turns `years` old. A birthday past the calendar's end
/// (year 9999, reachable from a typed date of birth) is its last day, so it
/// comes after every date a return can hold.
pub fn birthday(dob: Date, years: i32) -> Date {
    let year = dob.year().saturating_add(years);
    Date::from_calendar_date(year, dob.month(), dob.day())
        .or_else(|_| Date::from_calendar_date(year, time::Month::March, 1))
        .unwrap_or(if years < 0 { Date::MIN } else { Date::MAX })
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
            // In floating point: grid references come from a council's file,
            // and the difference of two far-off ones overflows an i64.
            let (de, dn) = (h.easting as f64 - p.easting as f64, h.northing as f64 - p.northing as f64);
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
    fn a_distance_between_grid_references_at_the_ends_of_i64_does_not_overflow() {
        use super::super::validate::{PostcodeIndex, PostcodePlace};
        let mut postcodes = PostcodeIndex::default();
        for (postcode, metres) in [("ME14 1AA", i64::MAX), ("ME15 6AA", i64::MIN)] {
            let la = "E10000016".to_owned();
            let place = PostcodePlace {
                easting: metres,
                northing: -metres.saturating_add(1),
                la,
            };
            postcodes.insert(postcode, place);
        }
        let lookups = Lookups {
            postcodes: Some(postcodes),
            ..Lookups::default()
        };
        let episode = Episode {
            home_post: Some("ME14 1AA".into()),
            pl_post: Some("ME15 6AA".into()),
            ..Episode::default()
        };
        let distance = derive(&episode, &lookups).pl_distance.unwrap();
        assert!(distance > 1e15, "{distance}");
    }

    #[test]
    fn a_birthday_past_the_calendar_is_its_last_day() {
        use time::macros::date;
        assert_eq!(birthday(date!(9999 - 12 - 31), 18), Date::MAX);
        assert_eq!(birthday(date!(9996 - 02 - 29), 4), Date::MAX);
        assert_eq!(birthday(date!(2012 - 02 - 29), 1), date!(2013 - 03 - 01));
        assert_eq!(birthday(date!(2012 - 02 - 29), 4), date!(2016 - 02 - 29));
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
