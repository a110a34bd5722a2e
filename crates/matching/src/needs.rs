//! Sets of needs as bits, so a search can compare a child's needs with
//! tens of thousands of statements of purpose without allocating.
//!
//! Each [`Need`] is one bit, at its position in [`Need::ALL`]. A set
//! serialises as a list of need codes, the same shape as `Vec<Need>`.

use std::fmt;

use providers::register::Need;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set of needs, one bit per [`Need`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NeedSet(u32);

// One bit per need must fit in the word.
const _: () = assert!(Need::ALL.len() <= 32);

fn bit(need: Need) -> u32 {
    // `coded!` declares the variants in the order of `ALL`, so the
    // discriminant is the position in `ALL` (a test holds it to that).
    1 << (need as u32)
}

impl NeedSet {
    pub const EMPTY: NeedSet = NeedSet(0);

    pub fn of(needs: &[Need]) -> NeedSet {
        needs.iter().copied().collect()
    }

    pub fn contains(self, need: Need) -> bool {
        self.0 & bit(need) != 0
    }

    pub fn insert(&mut self, need: Need) {
        self.0 |= bit(need);
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn union(self, other: NeedSet) -> NeedSet {
        NeedSet(self.0 | other.0)
    }

    pub fn intersection(self, other: NeedSet) -> NeedSet {
        NeedSet(self.0 & other.0)
    }

    /// The needs in `self` that are not in `other`.
    pub fn difference(self, other: NeedSet) -> NeedSet {
        NeedSet(self.0 & !other.0)
    }

    /// The needs, in the order of [`Need::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Need> {
        Need::ALL.iter().copied().filter(move |n| self.contains(*n))
    }

    pub fn to_vec(self) -> Vec<Need> {
        self.iter().collect()
    }
}

impl FromIterator<Need> for NeedSet {
    fn from_iter<I: IntoIterator<Item = Need>>(needs: I) -> NeedSet {
        let mut set = NeedSet::EMPTY;
        for need in needs {
            set.insert(need);
        }
        set
    }
}

impl From<&[Need]> for NeedSet {
    fn from(needs: &[Need]) -> NeedSet {
        NeedSet::of(needs)
    }
}

impl From<Vec<Need>> for NeedSet {
    fn from(needs: Vec<Need>) -> NeedSet {
        needs.into_iter().collect()
    }
}

impl<const N: usize> From<[Need; N]> for NeedSet {
    fn from(needs: [Need; N]) -> NeedSet {
        needs.into_iter().collect()
    }
}

impl fmt::Display for NeedSet {
    /// Labels joined by commas, or "none".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, need) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(need.label())?;
        }
        Ok(())
    }
}

impl Serialize for NeedSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for NeedSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NeedSet, D::Error> {
        Vec::<Need>::deserialize(deserializer).map(NeedSet::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_need_has_the_bit_of_its_position_in_all() {
        for (i, need) in Need::ALL.iter().enumerate() {
            assert_eq!(bit(*need), 1 << i, "{need:?}");
        }
    }

    #[test]
    fn sets_combine_and_list_in_a_fixed_order() {
        let child = NeedSet::from([Need::SelfHarm, Need::Autism]);
        let home = NeedSet::from([Need::Autism, Need::LearningDisability]);
        assert_eq!(child.intersection(home).to_vec(), vec![Need::Autism]);
        assert_eq!(child.difference(home).to_vec(), vec![Need::SelfHarm]);
        assert_eq!(child.union(home).len(), 3);
        assert_eq!(child.to_string(), "Autism, Self-harm");
        assert_eq!(NeedSet::EMPTY.to_string(), "none");
    }
}
