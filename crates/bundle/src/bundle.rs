//! What a bundle holds and how it is signed. A bundle is a header and parts in order; each
//! part is one message of the sync protocol in its wire JSON. The signature covers a digest of
//! the header and every part's bytes, so no part can be added, dropped, reordered or edited
//! without the signer's key.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use taizhang_protocol::sign::{sign_hex, verify, SigningKey, VerifyingKey};
use taizhang_protocol::{AttachmentFile, Cursor, DeviceReply, PullReply, PushReply, PushRequest, ED25519};

use crate::error::{BundleError, Result};

/// The format this program writes and reads.
pub const FORMAT: &str = "taizhang-bundle/1";

/// Which way a bundle travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From a desk to the server: its pending events, signed by the device.
    ToServer,
    /// From the server to one desk: outcomes and pulled pages, signed by the server.
    ToDesk,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ToServer => "to_server",
            Direction::ToDesk => "to_desk",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "to_server" => Some(Direction::ToServer),
            "to_desk" => Some(Direction::ToDesk),
            _ => None,
        }
    }
}

/// Who signed a bundle: a desk's device, or the server's own device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    Device(String),
    Server(String),
}

impl Signer {
    pub(crate) fn text(&self) -> String {
        match self {
            Signer::Device(id) => format!("device:{id}"),
            Signer::Server(id) => format!("server:{id}"),
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Signer> {
        match s.split_once(':') {
            Some(("device", id)) if !id.is_empty() => Some(Signer::Device(id.to_string())),
            Some(("server", id)) if !id.is_empty() => Some(Signer::Server(id.to_string())),
            _ => None,
        }
    }
}

/// Where the server's copy of a desk's chain stops short of a bundle's first event: the
/// bundle is kept (parked) and applied once the missing events arrive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// The last event of the device's chain the server holds.
    pub held_to: i64,
    /// The device sequence the parked events start at.
    pub starts_at: i64,
}

/// One message of the protocol, as the network would carry it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Part {
    /// (to the server) Where the desk's pull stands: the reply's pages start here.
    Cursor(Cursor),
    /// (to the server) A batch of the desk's events in device order, each signed.
    Push(PushRequest),
    /// (to the desk) The device as the server knows it, with the server's key.
    Device(DeviceReply),
    /// (to the desk) The server's reply to one `Push` part.
    PushReply(PushReply),
    /// (to the desk) A pulled page and the cursor it continues from.
    Pull { from: Cursor, page: PullReply },
    /// (to the desk) The server parked events after a gap in the device's chain.
    Parked(Gap),
    /// (both ways) A file the events name (docs/attachments.md): to the server, those the
    /// desk's pending events name, stored before they are pushed; to the desk, those the pages
    /// name that the desk's unit may see.
    File(AttachmentFile),
}

impl Part {
    pub fn kind(&self) -> &'static str {
        match self {
            Part::Cursor(_) => "cursor",
            Part::Push(_) => "push",
            Part::Device(_) => "device",
            Part::PushReply(_) => "push_reply",
            Part::Pull { .. } => "pull",
            Part::Parked(_) => "parked",
            Part::File(_) => "file",
        }
    }

    /// The part's body: its wire JSON.
    pub fn body(&self) -> String {
        let v = match self {
            Part::Cursor(c) => serde_json::to_string(c),
            Part::Push(p) => serde_json::to_string(p),
            Part::Device(d) => serde_json::to_string(d),
            Part::PushReply(r) => serde_json::to_string(r),
            Part::Pull { from, page } => serde_json::to_string(&serde_json::json!({ "from": from, "page": page })),
            Part::Parked(g) => serde_json::to_string(g),
            Part::File(f) => serde_json::to_string(f),
        };
        v.expect("protocol messages serialize")
    }

    /// A part from its kind and body, as the file holds them.
    pub fn parse(kind: &str, body: &str) -> std::result::Result<Part, String> {
        fn de<T: serde::de::DeserializeOwned>(body: &str) -> std::result::Result<T, String> {
            serde_json::from_str(body).map_err(|e| e.to_string())
        }
        #[derive(Deserialize)]
        struct Page {
            from: Cursor,
            page: PullReply,
        }
        Ok(match kind {
            "cursor" => Part::Cursor(de(body)?),
            "push" => Part::Push(de(body)?),
            "device" => Part::Device(de(body)?),
            "push_reply" => Part::PushReply(de(body)?),
            "pull" => {
                let p: Page = de(body)?;
                Part::Pull { from: p.from, page: p.page }
            }
            "parked" => Part::Parked(de(body)?),
            "file" => Part::File(de(body)?),
            other => return Err(format!("unknown part kind {other}")),
        })
    }
}

/// A bundle: who made it for which device, and the parts in order.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub direction: Direction,
    /// The protocol its parts are in.
    pub protocol: u32,
    /// The desk's device: the author of a `ToServer` bundle, the addressee of a `ToDesk` one.
    pub device_id: String,
    /// RFC 3339 UTC, when it was made.
    pub created_at: String,
    pub parts: Vec<Part>,
    pub(crate) signer: Option<Signer>,
    pub(crate) sig_alg: String,
    pub(crate) sig: String,
}

impl Bundle {
    pub fn new(direction: Direction, device_id: &str, created_at: &str, parts: Vec<Part>) -> Bundle {
        Bundle {
            direction,
            protocol: taizhang_protocol::PROTOCOL_VERSION,
            device_id: device_id.to_string(),
            created_at: created_at.to_string(),
            parts,
            signer: None,
            sig_alg: String::new(),
            sig: String::new(),
        }
    }

    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    /// The SHA-256 the signature covers: the header, then each part's kind and body, each
    /// length-prefixed so that no two different bundles share a digest.
    pub fn digest(&self, signer: &Signer) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(FORMAT.as_bytes());
        field(self.direction.as_str().as_bytes());
        field(self.protocol.to_string().as_bytes());
        field(self.device_id.as_bytes());
        field(self.created_at.as_bytes());
        field(signer.text().as_bytes());
        field(self.parts.len().to_string().as_bytes());
        for p in &self.parts {
            field(p.kind().as_bytes());
            field(p.body().as_bytes());
        }
        h.finalize().into()
    }

    /// Signs the bundle as `signer` with its key.
    pub fn sign(&mut self, signer: Signer, key: &SigningKey) {
        let digest = self.digest(&signer);
        self.sig_alg = ED25519.into();
        self.sig = sign_hex(key, &digest);
        self.signer = Some(signer);
    }

    /// Whether the bundle is signed by `signer` with `key` and nothing in it changed since.
    pub fn check_signature(&self, signer: &Signer, key: &VerifyingKey, path: &str) -> Result<()> {
        let ok = self.signer.as_ref() == Some(signer)
            && self.sig_alg == ED25519
            && verify(key, &self.digest(signer), &self.sig);
        if ok {
            Ok(())
        } else {
            Err(BundleError::BadSignature { path: path.to_string() })
        }
    }

    /// Refuses a bundle that travels the other way.
    pub fn expect_direction(&self, direction: Direction, path: &str) -> Result<()> {
        if self.direction == direction {
            return Ok(());
        }
        Err(BundleError::WrongDirection {
            path: path.to_string(),
            expected: direction.as_str().into(),
            found: self.direction.as_str().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_protocol::sign::signing_key;

    fn sample() -> Bundle {
        Bundle::new(
            Direction::ToServer,
            "dev-1",
            "2026-03-02T02:00:00.000000Z",
            vec![Part::Cursor(Cursor { after: 4, after_event: 0 }), Part::Push(PushRequest { events: vec![] })],
        )
    }

    #[test]
    fn a_signed_bundle_checks_and_any_change_breaks_it() {
        let key = signing_key(&[7; 32]);
        let me = Signer::Device("dev-1".into());
        let mut b = sample();
        b.sign(me.clone(), &key);
        b.check_signature(&me, &key.verifying_key(), "x").unwrap();
        // Another key, another signer, an edited part, a dropped part, another direction.
        assert!(b.check_signature(&me, &signing_key(&[8; 32]).verifying_key(), "x").is_err());
        assert!(b.check_signature(&Signer::Server("dev-1".into()), &key.verifying_key(), "x").is_err());
        let mut edited = b.clone();
        edited.parts[0] = Part::Cursor(Cursor { after: 5, after_event: 0 });
        assert!(edited.check_signature(&me, &key.verifying_key(), "x").is_err());
        let mut dropped = b.clone();
        dropped.parts.pop();
        assert!(dropped.check_signature(&me, &key.verifying_key(), "x").is_err());
        let mut turned = b.clone();
        turned.direction = Direction::ToDesk;
        assert!(turned.check_signature(&me, &key.verifying_key(), "x").is_err());
    }

    #[test]
    fn parts_read_back_as_written() {
        for p in sample().parts {
            let back = Part::parse(p.kind(), &p.body()).unwrap();
            assert_eq!(back.body(), p.body());
        }
        assert!(Part::parse("teleport", "{}").is_err());
        assert!(Part::parse("cursor", "{\"after\":\"x\"}").is_err());
    }

    #[test]
    fn signers_round_trip() {
        for s in [Signer::Device("a".into()), Signer::Server("b".into())] {
            assert_eq!(Signer::parse(&s.text()), Some(s));
        }
        assert_eq!(Signer::parse("device:"), None);
        assert_eq!(Signer::parse("someone"), None);
    }
}
