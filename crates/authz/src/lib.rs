//! Authorisation for Hearth: who may do what, decided in one place.
//!
//! Everything here is deny-by-default. A role grants a fixed list of
//! [`Permission`]s ([`permissions::granted_by`]); nothing else does. Code that
//! performs a protected action asks for a [`Capability`] value, which can only
//! be obtained from [`authorize`], so "forgot to check" does not compile.
//! Segregation-of-duties rules (maker and checker must differ) live in
//! [`duties`] because they depend on who did the earlier step, not on roles.

pub mod capability;
pub mod duties;
pub mod permissions;
pub mod principal;
pub mod roles;

pub use capability::{authorize, cap, Can, Capability, Denied};
pub use duties::{ensure_different_people, ensure_new_approver, DutyViolation};
pub use permissions::Permission;
pub use principal::{Actor, Principal};
pub use roles::{Role, UnknownRole};
