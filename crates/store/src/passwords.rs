//! Password hashing with argon2id.
//!
//! Hashing is deliberately slow, so callers on an async runtime run these
//! functions on a blocking thread. Unknown usernames are checked against
//! [`dummy_hash`] so a failed sign-in takes the same time whether or not the
//! account exists.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shortest password accepted for a new account (NCSC favours length).
pub const MIN_LENGTH: usize = 12;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$...`.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source is unavailable");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .expect("argon2 accepts any password with valid parameters")
}

/// Whether `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A valid hash of a random password, computed once per process.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash(&crate::tokens::random_token()))
}

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("the password must be at least {MIN_LENGTH} characters long")]
    TooShort,
    #[error("the password must not be the same as the username")]
    SameAsUsername,
}

/// The council's password policy for new passwords.
pub fn check_policy(username: &str, password: &str) -> Result<(), PasswordPolicyError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PasswordPolicyError::TooShort);
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(PasswordPolicyError::SameAsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("correct horse battery");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong", &a));
        assert_ne!(a, hash("correct horse battery"));
    }

    #[test]
    fn malformed_hashes_never_match() {
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert_eq!(check_policy("amy", "short"), Err(PasswordPolicyError::TooShort));
        assert_eq!(
            check_policy("amy.jones.12", "AMY.JONES.12"),
            Err(PasswordPolicyError::SameAsUsername)
        );
        assert!(check_policy("amy", "a long pass phrase").is_ok());
    }
}
