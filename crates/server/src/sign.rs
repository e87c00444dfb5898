//! Signatures and hashes: Ed25519 over an event's hash (every signature names its algorithm),
//! the request signature that authenticates a device, and the server chain over `server_seq`.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use taizhang_core::chain::{event_hash, ChainFields};

use crate::error::{Result, ServerError};
use crate::protocol::{WireEvent, ED25519};

/// A device's public key, parsed from the hex the device sent when it joined.
pub fn public_key(alg: &str, hex_key: &str) -> Result<VerifyingKey> {
    if alg != ED25519 {
        return Err(ServerError::UnsupportedAlgorithm { alg: alg.to_string() });
    }
    let bytes: [u8; 32] = hex::decode(hex_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ServerError::malformed("public_key is not 32 bytes of hex"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| ServerError::malformed("public_key is not an Ed25519 point"))
}

/// Whether `sig_hex` is `key`'s signature of `message`.
pub fn verify(key: &VerifyingKey, message: &[u8], sig_hex: &str) -> bool {
    let Some(bytes) = hex::decode(sig_hex).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&bytes)).is_ok()
}

/// A key pair from 32 random bytes the caller drew.
pub fn signing_key(secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(secret)
}

pub fn sign_hex(key: &SigningKey, message: &[u8]) -> String {
    hex::encode(key.sign(message).to_bytes())
}

/// The bytes an event signature covers: the 32 bytes of its hash.
pub fn event_message(hash_hex: &str) -> Option<Vec<u8>> {
    hex::decode(hash_hex).ok().filter(|b| b.len() == 32)
}

/// The event's hash recomputed from its fields, as the device's chain defines it.
pub fn recompute_hash(e: &WireEvent) -> String {
    event_hash(&ChainFields {
        id: &e.id,
        device_id: &e.device_id,
        device_seq: e.device_seq,
        prev_hash: &e.prev_hash,
        actor: &e.actor,
        occurred_at: &e.occurred_at,
        kind: &e.kind,
        schema_version: e.schema_version,
        payload: &e.payload,
    })
}

/// Signs an event whose hash is set (the server's own device, and test clients).
pub fn sign_event(key: &SigningKey, e: &mut WireEvent) {
    e.hash = recompute_hash(e);
    e.sig_alg = ED25519.into();
    e.sig = sign_hex(key, &event_message(&e.hash).expect("a fresh hash is 32 bytes"));
}

/// The text a request signature covers: method, path with query, and the body's SHA-256.
/// A replayed request does nothing new: a push is idempotent and a pull returns only what the
/// device may see anyway (docs/server.md).
pub fn request_message(method: &str, path_and_query: &str, body: &[u8]) -> Vec<u8> {
    format!("taizhang/request/v1\n{method}\n{path_and_query}\n{}", hex::encode(Sha256::digest(body))).into_bytes()
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
    fn signatures_verify_and_reject() {
        let k = signing_key(&[3; 32]);
        let pk = public_key(ED25519, &hex::encode(k.verifying_key().to_bytes())).unwrap();
        let sig = sign_hex(&k, b"abc");
        assert!(verify(&pk, b"abc", &sig));
        assert!(!verify(&pk, b"abd", &sig));
        assert!(!verify(&pk, b"abc", "00"));
        assert!(public_key("sm2", "00").is_err());
        assert!(public_key(ED25519, "zz").is_err());
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
