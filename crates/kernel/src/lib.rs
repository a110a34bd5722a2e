//! The kernel: small values every other crate shares.
//!
//! Typed ids stop a child's id being passed where a provider's is meant;
//! [`Money`] keeps finance in whole pence; [`DateRange`] gives intervals one
//! meaning everywhere (end exclusive); [`Clock`] is injected so tests can fix
//! the date; [`WorkingDays`] counts statutory deadlines past weekends, bank
//! holidays and council closures. Pure: no I/O.

pub mod calendar;
pub mod clock;
pub mod codes;
pub mod dates;
pub mod ids;
pub mod money;
pub mod months;

pub use calendar::{Nation, WorkingDays};
pub use clock::{uk_local_date, Clock, FixedClock, SystemClock};
pub use dates::DateRange;
pub use ids::{ApiTokenId, ChildId, PlacementId, ProviderId, SettingId, TeamId, UserId};
pub use money::Money;
