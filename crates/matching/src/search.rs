//! The search: three passes in the order the council must look — its own
//! foster carers first, then framework providers tier by tier, then spot
//! purchases — each split into ranked results and excluded candidates.
//!
//! Every candidate lands in exactly one pass, as a result or as excluded.
//! Results are ordered by score (framework results by tier first), ties
//! broken by id, so the same candidates in any order give the same
//! ranking. To stay fast over tens of thousands of candidates the search
//! keeps numbers and bits only; [`explain`] and [`Pass::explained`] turn
//! them into reasons for the ones someone reads.

use std::cmp::Reverse;

use kernel::Money;
use serde::Serialize;

use crate::candidates::{Candidate, Source};
use crate::constraints::{self, Exclusion, ExclusionKind, ExclusionKinds};
use crate::criteria::{Criteria, Query};
use crate::ranking::{self, Points, Score};

kernel::coded!(
    /// The passes, in the order the council must look.
    PassKind {
        InHouse = "in-house", "The council's own foster carers";
        Framework = "framework", "Framework providers";
        Spot = "spot", "Spot purchase";
    }
);

impl PassKind {
    pub fn of(source: Source) -> PassKind {
        match source {
            Source::InHouse { .. } => PassKind::InHouse,
            Source::Framework { .. } => PassKind::Framework,
            Source::Spot => PassKind::Spot,
        }
    }
}

/// A candidate that passed every hard constraint, and where it ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ranked {
    /// Position in the candidates the search was given.
    pub index: usize,
    pub id: i64,
    /// 1 for the first result in its pass.
    pub rank: u32,
    /// The framework tier, for framework results.
    pub tier: Option<u8>,
    pub total: u32,
    pub points: Points,
    /// The price compared, if known.
    pub weekly: Option<Money>,
}

/// A candidate that failed one or more hard constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub index: usize,
    pub id: i64,
    pub kinds: ExclusionKinds,
}

/// One pass of the search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pass {
    pub kind: PassKind,
    pub results: Vec<Ranked>,
    /// Ordered by id.
    pub excluded: Vec<Excluded>,
}

/// A candidate's full explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Empty when it passed every hard constraint.
    pub exclusions: Vec<Exclusion>,
    pub score: Score,
}

/// The three passes, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub passes: [Pass; 3],
}

impl Pass {
    fn new(kind: PassKind) -> Pass {
        Pass {
            kind,
            results: Vec::new(),
            excluded: Vec::new(),
        }
    }

    /// How many candidates each constraint excluded (one candidate can
    /// fail several), in checking order, leaving out those that excluded none.
    pub fn exclusion_counts(&self) -> Vec<(ExclusionKind, usize)> {
        let mut counts = vec![0usize; ExclusionKind::ALL.len()];
        for excluded in &self.excluded {
            for kind in excluded.kinds.iter() {
                counts[kind as usize] += 1;
            }
        }
        ExclusionKind::ALL.iter().copied().zip(counts).filter(|(_, n)| *n > 0).collect()
    }

    /// The first `n` results with the reasons for their scores.
    /// `candidates` must be the slice the search was given.
    pub fn explained<'a>(&'a self, criteria: &Criteria, candidates: &[Candidate], n: usize) -> Vec<(&'a Ranked, Score)> {
        let q = Query::new(criteria);
        self.results
            .iter()
            .take(n)
            .map(|r| (r, ranking::score_query(&q, &candidates[r.index])))
            .collect()
    }

    fn order(&mut self) {
        // Tier first (absent outside frameworks), then best score, then id;
        // the index only separates duplicate ids.
        self.results.sort_unstable_by_key(|r| (r.tier, Reverse(r.total), r.id, r.index));
        for (rank, r) in (1..).zip(self.results.iter_mut()) {
            r.rank = rank;
        }
        self.excluded.sort_unstable_by_key(|e| (e.id, e.index));
    }
}

impl Outcome {
    pub fn pass(&self, kind: PassKind) -> &Pass {
        &self.passes[kind as usize]
    }

    /// Every result, in search order: in-house, framework, spot.
    pub fn results(&self) -> impl Iterator<Item = (PassKind, &Ranked)> {
        self.passes.iter().flat_map(|p| p.results.iter().map(move |r| (p.kind, r)))
    }

    /// The result with this id in this pass, if it passed.
    pub fn find(&self, kind: PassKind, id: i64) -> Option<&Ranked> {
        self.pass(kind).results.iter().find(|r| r.id == id)
    }
}

/// Ranks the candidates that pass every hard constraint, pass by pass.
pub fn search(criteria: &Criteria, candidates: &[Candidate]) -> Outcome {
    let q = Query::new(criteria);
    let mut passes = [
        Pass::new(PassKind::InHouse),
        Pass::new(PassKind::Framework),
        Pass::new(PassKind::Spot),
    ];
    for (index, c) in candidates.iter().enumerate() {
        let pass = &mut passes[PassKind::of(c.source) as usize];
        let kinds = constraints::check(&q, c);
        if !kinds.is_empty() {
            pass.excluded.push(Excluded { index, id: c.id, kinds });
            continue;
        }
        let points = ranking::points(&q, c);
        pass.results.push(Ranked {
            index,
            id: c.id,
            rank: 0,
            tier: c.tier(),
            total: points.total(),
            points,
            weekly: c.effective_price(),
        });
    }
    for pass in &mut passes {
        pass.order();
    }
    Outcome { passes }
}

/// Why one candidate was excluded (if it was) and how it scores.
pub fn explain(criteria: &Criteria, candidate: &Candidate) -> Explanation {
    let q = Query::new(criteria);
    Explanation {
        exclusions: constraints::explain(&q, candidate, constraints::check(&q, candidate)),
        score: ranking::score_query(&q, candidate),
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
