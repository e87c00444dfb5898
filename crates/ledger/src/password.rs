//! Password hashing with argon2 (PHC strings). Hashes are made here, outside the core,
//! because salting needs randomness.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{LedgerError, Result};

pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 6 {
        return Err(LedgerError::bad_input("password", "at least 6 characters"));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| LedgerError::bad_input("password", e.to_string()))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("秘密password").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify_password(&h, "秘密password"));
        assert!(!verify_password(&h, "wrong"));
        assert!(hash_password("short").is_err());
    }
}
