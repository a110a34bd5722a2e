//! Reproducible audit samples.
//!
//! An auditor must be able to show how a sample was drawn and draw it
//! again: the same population, size and seed always give the same sample,
//! on any machine, because the generator is [`SplitMix64`] written out in
//! this crate. Samples are positions (0-based) in a population the caller
//! has put in a fixed order, returned sorted and without repeats.

use std::collections::BTreeSet;

use crate::prng::{derive_seed, SplitMix64};

/// Draws `size` distinct positions from `0..population_len`, uniformly
/// (every subset of that size equally likely), sorted. Asking for at least
/// the whole population returns all of it.
pub fn random(population_len: usize, size: usize, seed: u64) -> Vec<usize> {
    if size >= population_len {
        return (0..population_len).collect();
    }
    // Floyd's algorithm: exactly `size` draws, and memory for the sample only.
    let mut rng = SplitMix64::new(seed);
    let mut chosen = BTreeSet::new();
    for upper in population_len - size..population_len {
        let candidate = rng.index_below(upper + 1);
        if !chosen.insert(candidate) {
            chosen.insert(upper);
        }
    }
    chosen.into_iter().collect()
}

/// A population item listed in more than one stratum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("item {item} is in more than one stratum; strata must not overlap")]
pub struct OverlappingStrata {
    pub item: usize,
}

/// How many to draw from each stratum of the given sizes for a sample of
/// `size`: in proportion to the stratum's size, by largest remainder, with
/// at least one from every non-empty stratum and never more than it holds.
///
/// So the allocation adds up to `size` exactly, except that a `size`
/// smaller than the number of non-empty strata still takes one from each,
/// and a `size` larger than the population takes everything.
pub fn allocate(stratum_sizes: &[usize], size: usize) -> Vec<usize> {
    let total: usize = stratum_sizes.iter().sum();
    let non_empty = stratum_sizes.iter().filter(|n| **n > 0).count();
    if size >= total {
        return stratum_sizes.to_vec();
    }
    if size <= non_empty {
        return stratum_sizes.iter().map(|n| usize::from(*n > 0)).collect();
    }
    // Exact shares are size * n / total; u128 keeps the product exact.
    let share = |n: usize| (size as u128 * n as u128, total as u128);
    let mut counts: Vec<usize> = stratum_sizes
        .iter()
        .map(|&n| {
            let (numerator, denominator) = share(n);
            let floor = usize::try_from(numerator / denominator).unwrap_or(n);
            if n == 0 {
                0
            } else {
                floor.clamp(1, n)
            }
        })
        .collect();
    // Strata ordered by the fraction the floor dropped, largest first
    // (ties to the earlier stratum): first in line for an extra item,
    // last in line to give one back.
    let mut order: Vec<usize> = (0..stratum_sizes.len()).collect();
    order.sort_by_key(|&at| {
        let (numerator, denominator) = share(stratum_sizes[at]);
        (std::cmp::Reverse(numerator % denominator), at)
    });
    settle(&mut counts, stratum_sizes, &order, size);
    counts
}

/// Adds to or takes from `counts`, one at a time in `order` (forwards to
/// add, backwards to take), until they sum to `size`; never above a
/// stratum's size nor below one for a non-empty stratum. The caller has
/// checked that `size` lies strictly between the number of non-empty
/// strata and the total, so each round moves at least one.
fn settle(counts: &mut [usize], stratum_sizes: &[usize], order: &[usize], size: usize) {
    let mut sum: usize = counts.iter().sum();
    while sum < size {
        for &at in order {
            if sum < size && counts[at] < stratum_sizes[at] {
                counts[at] += 1;
                sum += 1;
            }
        }
    }
    while sum > size {
        for &at in order.iter().rev() {
            if sum > size && counts[at] > 1 {
                counts[at] -= 1;
                sum -= 1;
            }
        }
    }
}

/// Draws about `size` items across strata, each stratum's share by
/// [`allocate`] and drawn within it by [`random`] with a seed derived from
/// `seed` and the stratum's position. Each stratum lists its items
/// (positions in the whole population); the sample is those items, sorted.
/// The keys only name the strata for the caller.
pub fn stratified<K>(strata: &[(K, Vec<usize>)], size: usize, seed: u64) -> Result<Vec<usize>, OverlappingStrata> {
    check_disjoint(strata)?;
    let sizes: Vec<usize> = strata.iter().map(|(_, items)| items.len()).collect();
    let counts = allocate(&sizes, size);
    let mut sample = Vec::with_capacity(counts.iter().sum());
    for (stream, ((_, items), count)) in strata.iter().zip(counts).enumerate() {
        let positions = random(items.len(), count, derive_seed(seed, stream as u64));
        sample.extend(positions.into_iter().map(|at| items[at]));
    }
    sample.sort_unstable();
    Ok(sample)
}

fn check_disjoint<K>(strata: &[(K, Vec<usize>)]) -> Result<(), OverlappingStrata> {
    let mut all: Vec<usize> = strata.iter().flat_map(|(_, items)| items.iter().copied()).collect();
    all.sort_unstable();
    match all.windows(2).find(|pair| pair[0] == pair[1]) {
        Some(pair) => Err(OverlappingStrata { item: pair[0] }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn is_sorted_and_distinct(items: &[usize]) -> bool {
        items.windows(2).all(|pair| pair[0] < pair[1])
    }

    proptest! {
        #[test]
        fn random_samples_are_sorted_distinct_in_range_and_sized(len in 0usize..2_000, size in 0usize..2_500, seed in any::<u64>()) {
            let sample = random(len, size, seed);
            prop_assert!(is_sorted_and_distinct(&sample));
            prop_assert!(sample.iter().all(|at| *at < len));
            prop_assert_eq!(sample.len(), size.min(len));
            prop_assert_eq!(random(len, size, seed), sample, "same seed, same sample");
        }

        #[test]
        fn different_seeds_give_different_samples(len in 1_000usize..100_000, seed in any::<u64>()) {
            // Two samples of 20 from 1,000 or more coincide with negligible probability.
            prop_assert_ne!(random(len, 20, seed), random(len, 20, seed.wrapping_add(1)));
        }

        #[test]
        fn allocation_is_proportional_and_adds_up(sizes in prop::collection::vec(0usize..300, 1..12), size in 0usize..2_000) {
            let counts = allocate(&sizes, size);
            let total: usize = sizes.iter().sum();
            let non_empty = sizes.iter().filter(|n| **n > 0).count();
            prop_assert_eq!(counts.iter().sum::<usize>(), size.clamp(non_empty, total.max(non_empty)).min(total));
            for (count, n) in counts.iter().zip(&sizes) {
                prop_assert!(*count <= *n);
                prop_assert!(*n == 0 || *count >= 1, "every non-empty stratum is represented");
            }
            // With no floor raised to one and no stratum full, each count is
            // within one of its exact share size * n / total.
            let unconstrained = sizes.iter().all(|&n| n == 0 || (size * n >= total && size * n + total <= n * total));
            if size < total && size > non_empty && unconstrained {
                for (&count, &n) in counts.iter().zip(&sizes) {
                    prop_assert!((count * total).abs_diff(size * n) < total, "{} for {} of {}", count, n, total);
                }
            }
        }

        #[test]
        fn stratified_samples_draw_from_every_stratum(sizes in prop::collection::vec(1usize..200, 1..8), size in 0usize..600, seed in any::<u64>()) {
            let mut next = 0;
            let strata: Vec<(usize, Vec<usize>)> = sizes.iter().enumerate().map(|(key, n)| {
                let items: Vec<usize> = (next..next + n).map(|i| i * 3).collect();
                next += n;
                (key, items)
            }).collect();
            let sample = stratified(&strata, size, seed).unwrap();
            prop_assert!(is_sorted_and_distinct(&sample));
            prop_assert_eq!(sample.len(), allocate(&sizes, size).iter().sum::<usize>());
            for (_, items) in &strata {
                prop_assert!(sample.iter().any(|s| items.contains(s)));
            }
            prop_assert_eq!(stratified(&strata, size, seed).unwrap(), sample);
        }
    }

    #[test]
    fn every_item_is_about_equally_likely() {
        // 4,000 samples of 10 from 50: each item expected 800 times.
        let mut hits = [0u32; 50];
        for seed in 0..4_000 {
            for at in random(50, 10, seed) {
                hits[at] += 1;
            }
        }
        assert!(hits.iter().all(|h| (680..=920).contains(h)), "{hits:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_sample_in_every_release() {
        // Pinned so that a change to the generator or the algorithm is
        // caught: samples already taken must be reproducible from their seeds.
        assert_eq!(random(1_000, 5, 42), [250, 474, 550, 841, 891]);
        let strata = [("residential", vec![2, 4, 6, 8]), ("fostering", vec![1, 3, 5, 7, 9, 11])];
        assert_eq!(stratified(&strata, 3, 42), Ok(vec![2, 3, 9]), "one residential, two fostering");
    }

    #[test]
    fn allocation_examples() {
        assert_eq!(allocate(&[50, 30, 20], 10), [5, 3, 2]);
        assert_eq!(allocate(&[90, 9, 1], 10), [8, 1, 1], "the smallest stratum still gets one");
        assert_eq!(allocate(&[5, 5, 5], 10), [4, 3, 3], "ties go to the earlier stratum");
        assert_eq!(allocate(&[3, 0, 3], 2), [1, 0, 1], "one each even when that is more than asked");
        assert_eq!(allocate(&[3, 0, 3], 1), [1, 0, 1]);
        assert_eq!(allocate(&[2, 3], 9), [2, 3], "more than the population takes everything");
        assert_eq!(allocate(&[], 4), Vec::<usize>::new());
    }

    #[test]
    fn overlapping_strata_are_refused() {
        let strata = [("a", vec![1, 2, 3]), ("b", vec![3, 4])];
        assert_eq!(stratified(&strata, 2, 1), Err(OverlappingStrata { item: 3 }));
    }
}
