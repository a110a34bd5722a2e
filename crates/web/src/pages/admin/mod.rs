//! Administration: accounts, roles, teams and API tokens.

pub mod tokens;
pub mod users;
