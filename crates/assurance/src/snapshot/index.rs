//! The links a [`Snapshot`](super::Snapshot) computes once, so that no rule
//! searches: each child's runs of facts, and for each placement and
//! payment the positions of the facts linked to it.
//!
//! Positions are `u32` to halve the index's memory at national scale; the
//! snapshot refuses a collection too long for them.

use std::collections::HashMap;
use std::ops::Range;

use kernel::{ChildId, PlacementId};
use time::Date;

use crate::facts::{Facts, Placement};

/// A run of positions in one sorted collection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of(range: Range<usize>) -> Span {
        // Collections were checked to fit u32 before indexing.
        let fit = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: fit(range.start),
            end: fit(range.end),
        }
    }

    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Where one child's facts are.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ChildSlots {
    /// Position in `children`; `None` for a child id that only other facts name.
    pub(crate) child: Option<u32>,
    pub(crate) placements: Span,
    pub(crate) decisions: Span,
    pub(crate) assessments: Span,
    pub(crate) statutory: Span,
}

/// What a placement links to.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PlacementLinks {
    pub(crate) child: Option<u32>,
    pub(crate) agreements: Span,
    pub(crate) payments: Span,
    /// An earlier-starting placement of the same child sharing a day with it.
    pub(crate) earlier_overlap: Option<PlacementId>,
}

/// What a payment links to.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PaymentLinks {
    pub(crate) placement: Option<u32>,
    pub(crate) service_agreement: Option<u32>,
}

/// All the links, built from facts already sorted by `sort_facts`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// Every placement's id and position, by id.
    pub(crate) placement_positions: Vec<(PlacementId, u32)>,
    pub(crate) children: HashMap<ChildId, ChildSlots>,
    pub(crate) placements: Vec<PlacementLinks>,
    pub(crate) payments: Vec<PaymentLinks>,
}

impl Index {
    pub(crate) fn build(facts: &Facts) -> Index {
        let mut placement_positions: Vec<(PlacementId, u32)> = facts.placements.iter().enumerate().map(|(at, p)| (p.id, fit(at))).collect();
        placement_positions.sort_unstable();
        let mut index = Index {
            placement_positions,
            children: child_slots(facts),
            placements: vec![PlacementLinks::default(); facts.placements.len()],
            payments: vec![PaymentLinks::default(); facts.payments.len()],
        };
        index.link_placements(facts);
        index.link_payments(facts);
        index
    }

    pub(crate) fn placement_position(&self, id: PlacementId) -> Option<usize> {
        let at = self.placement_positions.binary_search_by_key(&id, |(pid, _)| *pid).ok()?;
        Some(self.placement_positions[at].1 as usize)
    }

    fn link_placements(&mut self, facts: &Facts) {
        let overlaps = earlier_overlaps(&facts.placements);
        for (links, (placement, overlap)) in self.placements.iter_mut().zip(facts.placements.iter().zip(overlaps)) {
            links.child = self.children.get(&placement.child).and_then(|slots| slots.child);
            links.earlier_overlap = overlap;
        }
        for (placement, range) in runs(&facts.agreements, |a| a.placement) {
            if let Some(at) = self.placement_position(placement) {
                self.placements[at].agreements = Span::of(range);
            }
        }
    }

    fn link_payments(&mut self, facts: &Facts) {
        for (placement, range) in runs(&facts.payments, |p| p.placement) {
            let Some(at) = self.placement_position(placement) else {
                continue;
            };
            self.placements[at].payments = Span::of(range.clone());
            for links in &mut self.payments[range] {
                links.placement = Some(fit(at));
            }
        }
        let windows = &facts.service_agreements;
        for (links, payment) in self.payments.iter_mut().zip(&facts.payments) {
            links.service_agreement = windows.binary_search_by_key(&payment.service_agreement, |w| w.id).ok().map(fit);
        }
    }
}

fn fit(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// Each child's runs in the collections sorted by child.
fn child_slots(facts: &Facts) -> HashMap<ChildId, ChildSlots> {
    let mut slots: HashMap<ChildId, ChildSlots> = HashMap::with_capacity(facts.children.len());
    for (at, child) in facts.children.iter().enumerate() {
        slots.entry(child.id).or_default().child = Some(fit(at));
    }
    for (child, range) in runs(&facts.placements, |p| p.child) {
        slots.entry(child).or_default().placements = Span::of(range);
    }
    for (child, range) in runs(&facts.decisions, |d| d.child) {
        if let Some(child) = child {
            slots.entry(child).or_default().decisions = Span::of(range);
        }
    }
    for (child, range) in runs(&facts.assessments, |a| a.child) {
        slots.entry(child).or_default().assessments = Span::of(range);
    }
    for (child, range) in runs(&facts.statutory, |s| s.child) {
        slots.entry(child).or_default().statutory = Span::of(range);
    }
    slots
}

/// The runs of equal keys in `items` (sorted by `key`), with their positions.
fn runs<'a, T, K: PartialEq + Copy>(items: &'a [T], key: impl Fn(&T) -> K + 'a) -> impl Iterator<Item = (K, Range<usize>)> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        let first = items.get(start)?;
        let wanted = key(first);
        let len = items[start..].iter().take_while(|item| key(item) == wanted).count();
        let range = start..start + len;
        start += len;
        Some((wanted, range))
    })
}

/// For each placement (sorted by child and start), the earlier placement
/// of the same child with the latest end, when that end is after this
/// placement's start. One pass: the latest end so far is the only earlier
/// placement that can overlap if any can. A placement of no days (ending
/// on or before its start) overlaps nothing.
fn earlier_overlaps(placements: &[Placement]) -> Vec<Option<PlacementId>> {
    let mut overlaps = Vec::with_capacity(placements.len());
    let mut latest: Option<(ChildId, Date, PlacementId)> = None;
    for placement in placements {
        let end = placement.end.unwrap_or(Date::MAX);
        let same_child = latest.filter(|(child, _, _)| *child == placement.child);
        let overlap = same_child.filter(|(_, latest_end, _)| *latest_end > placement.start && end > placement.start);
        overlaps.push(overlap.map(|(_, _, id)| id));
        if same_child.is_none_or(|(_, latest_end, _)| end > latest_end) {
            latest = Some((placement.child, end, placement.id));
        }
    }
    overlaps
}
