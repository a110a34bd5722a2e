//! Administration: accounts, roles, teams and API tokens.

pub mod teams;
pub mod tokens;
pub mod users;
