//! Statutory timescales: when each duty to a looked-after child falls due,
//! and whether it was met.
//!
//! Deadlines are derived, never stored: from the facts recorded about a
//! child (when they became looked after, placement starts, the dates of
//! reviews, visits, health assessments and education plans) and the
//! council's [`Timescales`], which start from the statutory rule set for
//! England or Wales and may only be tightened. Each deadline is keyed to the
//! event the regulations key it to (the previous review, the start of each
//! placement), so a late review moves the next one, as in practice.
//! Pure functions: no I/O, no clock (callers pass "today").

pub mod deadlines;
pub use kernel::months;
pub mod status;
pub mod timescales;

pub use deadlines::{all_deadlines, assessment_deadline, CareFacts, Deadline, Obligation, PlacementFact};
pub use status::{DeadlineStatus, Tray};
pub use timescales::{Timescales, TimescalesError};
