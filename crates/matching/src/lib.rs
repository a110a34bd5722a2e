//! Matching: placement search for an approved request, with reasons.
//!
//! Providers complain of untargeted "send to all" referrals that ignore a
//! home's statement of purpose; this crate sends a referral only where the
//! child could lawfully and safely live, and says why each place ranks
//! where it does.
//!
//! - [`criteria`]: what the search looks for, from the request and the
//!   child (age on the start date, needs, risks, siblings, home, school,
//!   approved cost); grid locations and distances.
//! - [`candidates`]: the council's households and providers' settings in
//!   one shape, with where each came from (in-house, framework tier, spot).
//! - [`needs`]: sets of needs as bits, for fast comparison.
//! - [`constraints`]: the hard constraints (registration, accreditation,
//!   type, age, needs, risks, vacancy, siblings, the legal rules in England
//!   and Wales, lapsed approval), each excluding with a message.
//! - [`ranking`]: five scores with reasons — needs fit, distance, quality,
//!   stability, cost — and the fixed weights that total them.
//! - [`search`](mod@search): the three passes (in-house, framework by tier, spot),
//!   deterministic ordering, and explanations on demand.
//! - [`rationale`]: the first suggestion, the cheapest suitable, and the
//!   reasons a different choice must record.
//! - [`referrals`]: response deadlines by pass and tier, what a referral
//!   tells a provider (never a name), and the reasoned choice among offers.
//! - [`sufficiency`]: demand against supply for the sufficiency strategy:
//!   requests by month, age, type and need, vacancies and in-house
//!   capacity, unmet and out-of-area rates, time to place.
//!
//! Pure functions over values; the store builds the candidates.

pub mod candidates;
pub mod constraints;
pub mod criteria;
pub mod needs;
pub mod ranking;
pub mod rationale;
pub mod referrals;
pub mod search;
pub mod sufficiency;

#[cfg(test)]
mod fixtures;

pub use candidates::{Candidate, Source};
pub use constraints::{exclusions, Exclusion, ExclusionKind, ExclusionKinds};
pub use criteria::{distance_km, Criteria, Location};
pub use needs::NeedSet;
pub use ranking::{score, Component, Part, Points, Score, WEIGHTS};
pub use rationale::{cheapest_suitable, needs_rationale, top_ranked, Reason};
pub use search::{explain, search, Excluded, Explanation, Outcome, Pass, PassKind, Ranked};
