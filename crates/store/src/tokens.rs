//! Random secrets (session ids, CSRF and API tokens) and their stored hashes.
//!
//! Raw tokens leave Hearth once, in a cookie or on the page that creates an
//! API token; the database keeps only their SHA-256, so a copied database
//! cannot be used to sign in. SHA-256 without salt is enough here because the
//! tokens are 256 random bits, unlike passwords.

use sha2::{Digest, Sha256};

/// 32 random bytes from the operating system, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is unrecoverable for a server handing
    // out credentials; refusing to continue is the only safe choice.
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    hex::encode(bytes)
}

/// The form stored in the database.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they first differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn equality() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
