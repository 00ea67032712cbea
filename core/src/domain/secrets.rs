//! Passwords and bearer tokens: how they are made, stored and checked.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults, which follow the
//! OWASP recommendation). Tokens are 32 random bytes; the database keeps only their
//! SHA-256, which is enough for a secret with 256 bits of entropy and cheap to check on
//! every request.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Tokens carry a prefix so that secret scanners and people recognise them.
const TOKEN_PREFIX: &str = "kronika_";

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
}

/// Hashes a new password for storage.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hashing(error.to_string()))
}

/// A hash of a password nobody knows, verified when an e-mail address is unknown so that
/// a wrong address takes as long as a wrong password and the two cannot be told apart.
static DECOY_HASH: LazyLock<Option<String>> = LazyLock::new(|| hash_password(&new_token()).ok());

/// Checks a password against a stored hash; `None` (no account, or an account without a
/// password) is checked against a decoy and always fails.
pub fn verify_password(password: &str, stored_hash: Option<&str>) -> bool {
    let decoy = DECOY_HASH.as_deref();
    let (hash, is_real) = match stored_hash {
        Some(hash) => (Some(hash), true),
        None => (decoy, false),
    };
    let Some(parsed) = hash.and_then(|hash| PasswordHash::new(hash).ok()) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && is_real
}

/// A new random bearer token, shown to its owner once.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database stores of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

/// Whether two secrets are equal, in a time that does not depend on where they differ,
/// so that the answer's timing cannot be used to guess a secret byte by byte.
pub fn same_secret(expected: &str, offered: &str) -> bool {
    let (expected, offered) = (expected.as_bytes(), offered.as_bytes());
    expected.len() == offered.len()
        && expected
            .iter()
            .zip(offered)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("correct horse battery").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(
            hash_password("short"),
            Err(PasswordError::TooShort)
        ));
    }

    #[test]
    fn tokens_are_unique_and_stored_only_as_hashes() {
        let first = new_token();
        let second = new_token();
        assert_ne!(first, second);
        assert!(first.starts_with(TOKEN_PREFIX));
        assert_eq!(token_hash(&first), token_hash(&first));
        assert!(!token_hash(&first).contains(&first));
    }
}
