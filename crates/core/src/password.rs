//! argon2 password hashes (PHC strings), shared by the desktop ledger and the district server
//! so both check a sign-in the same way. Pure: the salt is passed in, the core has no
//! randomness of its own.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The PHC string of `password` under a 16-byte salt the caller drew at random.
pub fn hash_password_with_salt(password: &str, salt: &[u8; 16]) -> Result<String, String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC string `hash`; a malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify_with_a_given_salt() {
        let h = hash_password_with_salt("秘密password", &[7; 16]).unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify_password(&h, "秘密password"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "秘密password"));
        assert_ne!(h, hash_password_with_salt("秘密password", &[8; 16]).unwrap());
    }
}
