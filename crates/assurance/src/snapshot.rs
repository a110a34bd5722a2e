//! [`Snapshot`]: the facts sorted and indexed once, for every control.
//!
//! Controls run over a whole council (a million placements at national
//! scale) and over one child at a time (the child's record page). So the
//! snapshot sorts each collection once, by child where it concerns a child,
//! and builds links (see `index`): each child's runs of facts in a hash
//! map, and for every placement and payment the positions of its child,
//! agreements, payments and service agreement. A rule then finds what it
//! needs in O(1), a child's facts cost one map lookup, and no lookup
//! searches a million records, which at this size is a cache miss per step.
//! The map is only ever looked up, never iterated, so output order does
//! not depend on it.

mod index;

use std::ops::Deref;

use kernel::{ChildId, PlacementId, ProviderId};
use time::Date;

use crate::facts::{
    Assessment, Child, Decision, Facts, InvoiceException, Payment, Placement, PlacementAgreement, ProviderStanding, ServiceAgreementWindow,
    StatutoryItem,
};
use crate::ids::ServiceAgreementId;
use index::{ChildSlots, Index};

/// Facts that cannot be indexed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    #[error("{kind} {id} appears more than once in the facts")]
    Duplicate { kind: &'static str, id: i64 },
    #[error("there are too many {kind} records to index (more than 4,294,967,295)")]
    TooMany { kind: &'static str },
}

/// The facts on `today`, sorted and indexed. Build with [`Snapshot::new`].
#[derive(Debug, Clone)]
pub struct Snapshot {
    today: Date,
    facts: Facts,
    index: Index,
}

/// A fact with its position in the snapshot's sorted collection, so the
/// facts linked to it are found without a search. Reads as the fact.
#[derive(Debug)]
pub(crate) struct At<'a, T> {
    pub(crate) fact: &'a T,
    pub(crate) position: usize,
}

// By hand: a derive would ask for `T: Copy`, but only the reference is copied.
impl<T> Clone for At<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for At<'_, T> {}

impl<T> Deref for At<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.fact
    }
}

impl Snapshot {
    /// Sorts and indexes `facts` as they stood on `today`. Refuses facts in
    /// which a child, placement, service agreement, payment, assessment or
    /// invoice exception id appears twice, since every lookup and every
    /// exception assumes one record per id.
    pub fn new(today: Date, mut facts: Facts) -> Result<Snapshot, FactsError> {
        check_sizes(&facts)?;
        sort_facts(&mut facts);
        check_unique(&facts)?;
        let index = Index::build(&facts);
        Ok(Snapshot { today, facts, index })
    }

    pub fn today(&self) -> Date {
        self.today
    }

    /// All facts, sorted: children, service agreements and invoice
    /// exceptions by id; the rest by child, placement or provider first.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    pub fn child(&self, id: ChildId) -> Option<&Child> {
        let at = self.slots(id).child?;
        self.facts.children.get(at as usize)
    }

    pub fn placement(&self, id: PlacementId) -> Option<&Placement> {
        self.facts.placements.get(self.index.placement_position(id)?)
    }

    /// The child's placements, earliest start first.
    pub fn placements_of(&self, child: ChildId) -> &[Placement] {
        &self.facts.placements[self.slots(child).placements.range()]
    }

    pub fn agreements_for(&self, placement: PlacementId) -> &[PlacementAgreement] {
        self.index
            .placement_position(placement)
            .map_or(&[], |at| &self.facts.agreements[self.index.placements[at].agreements.range()])
    }

    /// An earlier-starting placement of the same child that shares at
    /// least one day with `placement`, if there is one.
    pub fn earlier_overlap(&self, placement: PlacementId) -> Option<PlacementId> {
        self.index.placements[self.index.placement_position(placement)?].earlier_overlap
    }

    /// The periods in which `provider` was not in good standing, earliest first.
    pub fn standings_of(&self, provider: ProviderId) -> &[ProviderStanding] {
        let standings = &self.facts.standings;
        let start = standings.partition_point(|s| s.provider < provider);
        let len = standings[start..].partition_point(|s| s.provider == provider);
        &standings[start..start + len]
    }

    pub fn service_agreement(&self, id: ServiceAgreementId) -> Option<&ServiceAgreementWindow> {
        let windows = &self.facts.service_agreements;
        windows.binary_search_by_key(&id, |w| w.id).ok().map(|at| &windows[at])
    }

    /// The payments for a placement, earliest first day first.
    pub fn payments_for(&self, placement: PlacementId) -> &[Payment] {
        self.index
            .placement_position(placement)
            .map_or(&[], |at| &self.facts.payments[self.index.placements[at].payments.range()])
    }

    /// The decisions on records that concern the child.
    pub fn decisions_about(&self, child: ChildId) -> &[Decision] {
        &self.facts.decisions[self.slots(child).decisions.range()]
    }

    pub fn assessments_of(&self, child: ChildId) -> &[Assessment] {
        &self.facts.assessments[self.slots(child).assessments.range()]
    }

    pub fn statutory_items_of(&self, child: ChildId) -> &[StatutoryItem] {
        &self.facts.statutory[self.slots(child).statutory.range()]
    }

    pub fn invoice_exceptions(&self) -> &[InvoiceException] {
        &self.facts.invoice_exceptions
    }

    /// Where the child's facts are (all empty for a child named nowhere).
    pub(crate) fn slots(&self, child: ChildId) -> ChildSlots {
        self.index.children.get(&child).copied().unwrap_or_default()
    }

    /// The positions of the payments for the placement at `position`.
    pub(crate) fn payment_positions(&self, placement_position: usize) -> std::ops::Range<usize> {
        self.index.placements[placement_position].payments.range()
    }

    pub(crate) fn child_placed(&self, placement: At<'_, Placement>) -> Option<&Child> {
        let at = self.index.placements[placement.position].child?;
        self.facts.children.get(at as usize)
    }

    pub(crate) fn agreements_of(&self, placement: At<'_, Placement>) -> &[PlacementAgreement] {
        &self.facts.agreements[self.index.placements[placement.position].agreements.range()]
    }

    pub(crate) fn overlap_of(&self, placement: At<'_, Placement>) -> Option<PlacementId> {
        self.index.placements[placement.position].earlier_overlap
    }

    pub(crate) fn placement_paid(&self, payment: At<'_, Payment>) -> Option<&Placement> {
        let at = self.index.payments[payment.position].placement?;
        self.facts.placements.get(at as usize)
    }

    pub(crate) fn window_of(&self, payment: At<'_, Payment>) -> Option<&ServiceAgreementWindow> {
        let at = self.index.payments[payment.position].service_agreement?;
        self.facts.service_agreements.get(at as usize)
    }
}

/// Sorts every collection by its lookup key first, then by enough fields
/// that the order never depends on the order the store loaded them in.
///
/// Children, service agreements and invoice exceptions by id; placements by
/// child, start and id; agreements by placement; standings by provider and
/// start; payments by placement, first day and id; decisions by child (none
/// first); assessments and statutory items by child.
fn sort_facts(facts: &mut Facts) {
    facts.children.sort_unstable_by_key(|c| c.id);
    facts.placements.sort_unstable_by_key(|p| (p.child, p.start, p.id));
    facts.agreements.sort_unstable_by_key(|a| (a.placement, a.fully_signed_on));
    facts.standings.sort_unstable_by_key(|s| (s.provider, s.from, s.to, s.issue));
    facts.service_agreements.sort_unstable_by_key(|w| w.id);
    facts.payments.sort_unstable_by_key(|p| (p.placement, p.first, p.id));
    facts
        .decisions
        .sort_unstable_by_key(|d| (d.child, d.kind, d.record, d.decided_on, d.maker, d.checker));
    facts.assessments.sort_unstable_by_key(|a| (a.child, a.id));
    facts.statutory.sort_unstable_by_key(|s| (s.child, s.kind, s.due, s.done));
    facts.invoice_exceptions.sort_unstable_by_key(|e| e.id);
}

/// Positions are held as u32; refuses a collection they cannot address.
fn check_sizes(facts: &Facts) -> Result<(), FactsError> {
    let sizes = [
        ("child", facts.children.len()),
        ("placement", facts.placements.len()),
        ("agreement", facts.agreements.len()),
        ("service agreement", facts.service_agreements.len()),
        ("payment", facts.payments.len()),
        ("decision", facts.decisions.len()),
        ("assessment", facts.assessments.len()),
        ("statutory item", facts.statutory.len()),
    ];
    match sizes.into_iter().find(|(_, len)| u32::try_from(*len).is_err()) {
        Some((kind, _)) => Err(FactsError::TooMany { kind }),
        None => Ok(()),
    }
}

fn check_unique(facts: &Facts) -> Result<(), FactsError> {
    unique("child", facts.children.iter().map(|c| c.id.get()))?;
    unique("placement", facts.placements.iter().map(|p| p.id.get()))?;
    unique("service agreement", facts.service_agreements.iter().map(|w| w.id.get()))?;
    unique("payment", facts.payments.iter().map(|p| p.id.get()))?;
    unique("assessment", facts.assessments.iter().map(|a| a.id.get()))?;
    unique("invoice exception", facts.invoice_exceptions.iter().map(|e| e.id.get()))
}

fn unique(kind: &'static str, ids: impl Iterator<Item = i64>) -> Result<(), FactsError> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    match ids.windows(2).find(|pair| pair[0] == pair[1]) {
        Some(pair) => Err(FactsError::Duplicate { kind, id: pair[0] }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Payment, StatutoryItem, StatutoryKind};
    use crate::fixtures::{child, days, placement, random_facts, TODAY};
    use crate::ids::PaymentId;

    #[test]
    fn a_repeated_id_is_refused_by_kind() {
        let mut facts = Facts {
            children: vec![child(1), child(2), child(1)],
            ..Facts::default()
        };
        let refused = Snapshot::new(TODAY, facts.clone()).unwrap_err();
        assert_eq!(refused, FactsError::Duplicate { kind: "child", id: 1 });
        assert_eq!(refused.to_string(), "child 1 appears more than once in the facts");
        facts.children.pop();
        facts.placements = vec![placement(4, 1, TODAY), placement(4, 2, TODAY)];
        assert_eq!(
            Snapshot::new(TODAY, facts).unwrap_err(),
            FactsError::Duplicate { kind: "placement", id: 4 }
        );
    }

    #[test]
    fn a_childs_facts_are_found_by_their_index() {
        let facts = random_facts(7, 20, 200);
        let snapshot = Snapshot::new(TODAY, facts.clone()).unwrap();
        for id in 0..=21 {
            let child = ChildId::new(id);
            let mut expected: Vec<PlacementId> = facts.placements.iter().filter(|p| p.child == child).map(|p| p.id).collect();
            let mut found: Vec<PlacementId> = snapshot.placements_of(child).iter().map(|p| p.id).collect();
            expected.sort_unstable();
            found.sort_unstable();
            assert_eq!(found, expected);
            assert_eq!(
                snapshot.statutory_items_of(child).len(),
                facts.statutory.iter().filter(|s| s.child == child).count()
            );
            assert_eq!(
                snapshot.child(child).map(|c| c.id),
                facts.children.iter().find(|c| c.id == child).map(|c| c.id)
            );
        }
        for placement in &facts.placements {
            assert_eq!(snapshot.placement(placement.id), Some(placement));
            let payments = snapshot.payments_for(placement.id);
            assert!(payments.iter().all(|p| p.placement == placement.id));
        }
        assert_eq!(snapshot.placement(PlacementId::new(9_999)), None);
    }

    #[test]
    fn a_childs_facts_are_sorted_for_reading() {
        let facts = Facts {
            children: vec![child(1)],
            placements: vec![placement(2, 1, TODAY), placement(1, 1, TODAY - days(10))],
            payments: vec![Payment {
                id: PaymentId::new(1),
                service_agreement: crate::ids::ServiceAgreementId::new(1),
                placement: PlacementId::new(2),
                first: TODAY,
                last: TODAY,
                days: 1,
            }],
            statutory: vec![
                StatutoryItem {
                    child: ChildId::new(1),
                    kind: StatutoryKind::Visit,
                    due: TODAY,
                    done: None,
                },
                StatutoryItem {
                    child: ChildId::new(1),
                    kind: StatutoryKind::Review,
                    due: TODAY,
                    done: None,
                },
            ],
            ..Facts::default()
        };
        let snapshot = Snapshot::new(TODAY, facts).unwrap();
        let starts: Vec<_> = snapshot.placements_of(ChildId::new(1)).iter().map(|p| p.id.get()).collect();
        assert_eq!(starts, [1, 2]);
        assert_eq!(snapshot.statutory_items_of(ChildId::new(1))[0].kind, StatutoryKind::Review);
        assert_eq!(snapshot.payments_for(PlacementId::new(2)).len(), 1);
        assert!(snapshot.payments_for(PlacementId::new(1)).is_empty());
        assert_eq!(snapshot.today(), TODAY);
    }
}
