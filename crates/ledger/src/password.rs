//! Password hashing with argon2 (PHC strings). The salt is drawn here, outside the core,
//! because it needs randomness; the hashing and the check are the core's (`core::password`).

use argon2::password_hash::rand_core::{OsRng, RngCore};

use crate::error::{LedgerError, Result};

pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 6 {
        return Err(LedgerError::bad_input("password", "at least 6 characters"));
    }
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    taizhang_core::password::hash_password_with_salt(password, &salt).map_err(|e| LedgerError::bad_input("password", e))
}

/// The check lives in the core, so the district server checks a sign-in the same way.
pub use taizhang_core::password::verify_password;

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
