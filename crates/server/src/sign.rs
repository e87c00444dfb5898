//! Signatures and hashes: Ed25519 over an event's hash and the request signature come from
//! `taizhang-protocol` (the desktop makes what the server checks); here they meet the server's
//! errors, and the server chain over `server_seq` is the server's own.

use sha2::{Digest, Sha256};
use taizhang_protocol::sign::{KeyError, VerifyingKey};

use crate::error::{Result, ServerError};

pub use taizhang_protocol::sign::{
    event_message, public_key_hex, recompute_hash, request_message, sign_event, sign_hex, signing_key, verify,
    SigningKey,
};

/// A device's public key, parsed from the hex the device sent when it joined.
pub fn public_key(alg: &str, hex_key: &str) -> Result<VerifyingKey> {
    taizhang_protocol::sign::public_key(alg, hex_key).map_err(|e| match e {
        KeyError::UnsupportedAlgorithm { alg } => ServerError::UnsupportedAlgorithm { alg },
        KeyError::Malformed(reason) => ServerError::malformed(reason),
    })
}

/// The server chain: each accepted event's link covers the previous link, its `server_seq`,
/// its hash and the outcome the server recorded, so neither a row nor a verdict can be changed
/// or dropped unnoticed.
pub fn chain_link(prev: &str, server_seq: i64, hash: &str, outcome: &str, reason_code: &str, flag: &str) -> String {
    let mut h = Sha256::new();
    for part in ["taizhang/server-chain/v1", prev, &server_seq.to_string(), hash, outcome, reason_code, flag] {
        h.update(part.len().to_string().as_bytes());
        h.update(b":");
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_errors_are_server_errors_with_their_codes() {
        let k = signing_key(&[3; 32]);
        let pk = public_key(crate::protocol::ED25519, &hex::encode(k.verifying_key().to_bytes())).unwrap();
        assert!(verify(&pk, b"abc", &sign_hex(&k, b"abc")));
        assert_eq!(public_key("sm2", "00").unwrap_err().code(), "sync.unsupported_algorithm");
        assert_eq!(public_key(crate::protocol::ED25519, "zz").unwrap_err().code(), "sync.malformed");
    }

    #[test]
    fn chain_link_covers_every_part() {
        let base = chain_link("p", 1, "h", "applied", "", "");
        assert_ne!(base, chain_link("p", 2, "h", "applied", "", ""));
        assert_ne!(base, chain_link("p", 1, "h", "refused", "", ""));
        assert_ne!(base, chain_link("p", 1, "h", "applied", "x", ""));
        assert_ne!(base, chain_link("q", 1, "h", "applied", "", ""));
        assert_ne!(chain_link("p", 1, "ha", "pplied", "", ""), chain_link("p", 1, "h", "applied", "", ""));
    }
}
