//! Signatures and hashes both sides make and check: Ed25519 over an event's hash (every
//! signature names its algorithm, so a second one such as SM2 can be added), and the request
//! signature by which a device authenticates itself.

use ed25519_dalek::{Signature, Signer, Verifier};
use sha2::{Digest, Sha256};
use taizhang_core::chain::{event_hash, ChainFields};

use crate::wire::{WireEvent, ED25519};

pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// Why a public key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("unsupported signature algorithm {alg}")]
    UnsupportedAlgorithm { alg: String },
    #[error("{0}")]
    Malformed(&'static str),
}

/// A device's public key, parsed from the hex the device sent when it joined.
pub fn public_key(alg: &str, hex_key: &str) -> Result<VerifyingKey, KeyError> {
    if alg != ED25519 {
        return Err(KeyError::UnsupportedAlgorithm { alg: alg.to_string() });
    }
    let bytes: [u8; 32] = hex::decode(hex_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(KeyError::Malformed("public_key is not 32 bytes of hex"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::Malformed("public_key is not an Ed25519 point"))
}

/// Hex of a key's public half, as a join sends it.
pub fn public_key_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
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

/// Sets the event's hash from its fields and signs it with the device's key.
pub fn sign_event(key: &SigningKey, e: &mut WireEvent) {
    e.hash = recompute_hash(e);
    e.sig_alg = ED25519.into();
    e.sig = sign_hex(key, &event_message(&e.hash).expect("a fresh hash is 32 bytes"));
}

/// Whether the event's hash is its fields' and its signature verifies under `key`.
pub fn event_is_signed_by(key: &VerifyingKey, e: &WireEvent) -> bool {
    e.sig_alg == ED25519
        && recompute_hash(e) == e.hash
        && event_message(&e.hash).is_some_and(|m| verify(key, &m, &e.sig))
}

/// The text a request signature covers: method, path with query, and the body's SHA-256.
/// A replayed request does nothing new: a push is idempotent and a pull returns only what the
/// device may see anyway (docs/server.md).
pub fn request_message(method: &str, path_and_query: &str, body: &[u8]) -> Vec<u8> {
    format!("taizhang/request/v1\n{method}\n{path_and_query}\n{}", hex::encode(Sha256::digest(body))).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_reject() {
        let k = signing_key(&[3; 32]);
        let pk = public_key(ED25519, &public_key_hex(&k)).unwrap();
        let sig = sign_hex(&k, b"abc");
        assert!(verify(&pk, b"abc", &sig));
        assert!(!verify(&pk, b"abd", &sig));
        assert!(!verify(&pk, b"abc", "00"));
        assert_eq!(public_key("sm2", "00"), Err(KeyError::UnsupportedAlgorithm { alg: "sm2".into() }));
        assert!(matches!(public_key(ED25519, "zz"), Err(KeyError::Malformed(_))));
    }

    #[test]
    fn a_signed_event_verifies_and_an_edited_one_does_not() {
        let k = signing_key(&[5; 32]);
        let mut e = WireEvent {
            id: "e1".into(),
            device_id: "d1".into(),
            device_seq: 1,
            prev_hash: taizhang_core::chain::GENESIS_HASH.into(),
            hash: String::new(),
            actor: "u1".into(),
            occurred_at: "2026-03-02T02:00:00.000000Z".into(),
            kind: "visit_recorded".into(),
            schema_version: 1,
            payload: "{}".into(),
            sig_alg: String::new(),
            sig: String::new(),
        };
        sign_event(&k, &mut e);
        assert!(event_is_signed_by(&k.verifying_key(), &e));
        assert!(!event_is_signed_by(&signing_key(&[6; 32]).verifying_key(), &e));
        let mut edited = e.clone();
        edited.payload = "{\"x\":1}".into();
        assert!(!event_is_signed_by(&k.verifying_key(), &edited));
    }

    #[test]
    fn the_request_message_covers_method_path_and_body() {
        let base = request_message("POST", "/v1/push", b"{}");
        assert_ne!(base, request_message("GET", "/v1/push", b"{}"));
        assert_ne!(base, request_message("POST", "/v1/pull", b"{}"));
        assert_ne!(base, request_message("POST", "/v1/push", b"[]"));
    }
}
