//! A small seeded random generator (SplitMix64).
//!
//! The demo county must be identical for the same seed on every machine and
//! every version of our dependencies, so the generator is ours: a few lines
//! whose output never changes.

/// A deterministic stream of pseudo-random numbers.
#[derive(Debug, Clone)]
pub struct Random {
    state: u64,
}

impl Random {
    pub fn new(seed: u64) -> Random {
        Random { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = u64::try_from(high - low).unwrap_or(u64::MAX).saturating_add(1);
        low + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One item from a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = usize::try_from(self.next_u64() % items.len() as u64).unwrap_or(0);
        &items[index]
    }

    /// An index chosen with the given whole-number weights.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut ticket = self.next_u64() % total.max(1);
        for (index, weight) in weights.iter().enumerate() {
            if ticket < *weight {
                return index;
            }
            ticket -= weight;
        }
        weights.len() - 1
    }

    /// `count` indexes into `weights`, each appearing in proportion to its
    /// weight to within one (largest remainders, ties to the earlier
    /// index), in index order; shuffle them for a random order.
    pub fn quota(&mut self, weights: &[u64], count: usize) -> Vec<usize> {
        let total = u128::from(weights.iter().sum::<u64>().max(1));
        let count_wide = count as u128;
        let mut shares: Vec<(usize, u128, u128)> = weights
            .iter()
            .enumerate()
            .map(|(index, weight)| {
                let exact = count_wide * u128::from(*weight);
                (index, exact / total, exact % total)
            })
            .collect();
        let assigned: u128 = shares.iter().map(|(_, whole, _)| whole).sum();
        let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
        by_remainder.sort_by(|a, b| shares[*b].2.cmp(&shares[*a].2).then(a.cmp(b)));
        let short = usize::try_from(count_wide - assigned).unwrap_or(0);
        for index in by_remainder.into_iter().take(short) {
            shares[index].1 += 1;
        }
        shares
            .into_iter()
            .flat_map(|(index, whole, _)| std::iter::repeat_n(index, usize::try_from(whole).unwrap_or(0)))
            .collect()
    }

    /// Puts `items` in a random order (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            let other = usize::try_from(self.next_u64() % (last as u64 + 1)).unwrap_or(0);
            items.swap(last, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let mut a = Random::new(7);
        let mut b = Random::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Random::new(7).next_u64(), Random::new(8).next_u64());
    }

    #[test]
    fn between_stays_in_bounds() {
        let mut r = Random::new(1);
        for _ in 0..1000 {
            let n = r.between(-3, 5);
            assert!((-3..=5).contains(&n));
        }
    }

    #[test]
    fn pick_reaches_every_item() {
        let mut r = Random::new(3);
        let mut seen = [false; 4];
        for _ in 0..200 {
            seen[*r.pick(&[0usize, 1, 2, 3])] = true;
        }
        assert_eq!(seen, [true; 4]);
    }

    #[test]
    fn quota_matches_the_weights_to_within_one() {
        let mut r = Random::new(4);
        for count in [0, 1, 7, 60, 801] {
            let quota = r.quota(&[5, 15, 18, 38, 24], count);
            assert_eq!(quota.len(), count);
            for (index, weight) in [5u64, 15, 18, 38, 24].iter().enumerate() {
                let n = quota.iter().filter(|i| **i == index).count() as f64;
                let exact = count as f64 * *weight as f64 / 100.0;
                assert!((n - exact).abs() < 1.0, "{count}: {n} vs {exact}");
            }
        }
    }

    #[test]
    fn shuffle_keeps_every_item() {
        let mut r = Random::new(5);
        let mut items: Vec<u32> = (0..50).collect();
        r.shuffle(&mut items);
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut r = Random::new(2);
        for _ in 0..1000 {
            assert_ne!(r.weighted(&[5, 0, 5]), 1);
        }
    }
}
