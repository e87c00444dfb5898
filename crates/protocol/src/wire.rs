//! The wire format between a desktop and the district server (docs/server.md). Events travel
//! as they are hashed: `occurred_at` and `payload` are the exact stored text, so the server
//! recomputes the same hash the device chained.

use serde::{Deserialize, Serialize};

/// The protocol this server speaks. A client of a newer one is refused (`sync.protocol_newer`)
/// before anything is read; an older one is served while the shapes below stay compatible.
pub const PROTOCOL_VERSION: u32 = 1;
/// The header every request names its protocol version in.
pub const PROTOCOL_HEADER: &str = "x-taizhang-protocol";
/// The device a signed request comes from, and its signature (docs/server.md, "Requests").
pub const DEVICE_HEADER: &str = "x-taizhang-device";
pub const SIGNATURE_HEADER: &str = "x-taizhang-signature";
/// Most events in one push; a longer batch is refused whole (`sync.batch_too_large`).
pub const MAX_BATCH: usize = 1000;
/// Largest request body in bytes; a larger one is refused before it is parsed.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// Largest and default page of a pull.
pub const MAX_PAGE: i64 = 1000;
pub const DEFAULT_PAGE: i64 = 500;
/// The only signature algorithm so far; every signature names its algorithm, so a second one
/// (SM2) can be added without a new protocol.
pub const ED25519: &str = "ed25519";

/// One event as a device chained and signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEvent {
    pub id: String,
    pub device_id: String,
    pub device_seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub actor: String,
    /// As hashed: RFC 3339 UTC with microseconds.
    pub occurred_at: String,
    pub kind: String,
    pub schema_version: i64,
    /// The canonical JSON text, as hashed.
    pub payload: String,
    pub sig_alg: String,
    /// Hex of the signature over the 32 bytes of `hash`.
    pub sig: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    pub login: String,
    pub password: String,
    pub device_id: String,
    pub key_alg: String,
    /// Hex of the 32-byte public key.
    pub public_key: String,
    #[serde(default)]
    pub name: String,
}

/// A desktop as the office sees it in the server's device list (`GET /v1/devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceListing {
    pub device_id: String,
    /// The user it joined as.
    pub login: Option<String>,
    pub name: String,
    /// `pending`, `approved` or `revoked`.
    pub state: String,
    pub joined_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    /// The last event of its chain the server holds.
    #[ts(type = "number")]
    pub last_seq: i64,
}

/// The office's decision on a device (`POST /v1/devices/decide`): approve, or revoke for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDecision {
    pub device_id: String,
    pub approve: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceReply {
    pub device_id: String,
    pub user_id: String,
    /// `pending`, `approved` or `revoked`.
    pub state: String,
    /// The last event of this device's chain the server holds (0 and the genesis hash if none).
    pub last_seq: i64,
    pub last_hash: String,
    /// The server's own device and the hex of its Ed25519 public key: reply bundles are signed
    /// with it (docs/bundles.md). Empty from a server that does not say.
    #[serde(default)]
    pub server_device: String,
    #[serde(default)]
    pub server_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub events: Vec<WireEvent>,
}

/// The server's verdict on one stored event; the same on every retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventOutcome {
    pub id: String,
    pub device_seq: i64,
    pub server_seq: i64,
    /// `applied`, `no_effect` or `refused`.
    pub outcome: String,
    /// `{code, ...fields}` of the error behind a `no_effect` or `refused`.
    pub reason: Option<serde_json::Value>,
    /// Set when the event was stored but not decided (`device_revoked`).
    pub flag: Option<String>,
}

/// Where a batch stopped and why: the events before it are stored, this one and the ones after
/// it are not; the device resends from `resend_from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    pub index: usize,
    pub device_seq: i64,
    pub code: String,
    pub resend_from: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReply {
    pub outcomes: Vec<EventOutcome>,
    pub stopped: Option<Stop>,
}

/// A pull cursor: every delivery up to `after` is consumed, and of delivery `after` itself the
/// events up to `after_event` (a problem newly visible is delivered at the grant's position
/// with its whole, older history, so one delivery can hold many events and span pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Cursor {
    pub after: i64,
    pub after_event: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledEvent {
    pub delivery: i64,
    pub server_seq: i64,
    pub event: WireEvent,
    pub outcome: String,
    pub reason: Option<serde_json::Value>,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullReply {
    pub events: Vec<PulledEvent>,
    /// Where the next page starts.
    pub next: Cursor,
    /// Whether more events wait beyond `next` (a page of exactly `limit` events says so only
    /// when there is at least one more).
    pub more: bool,
    /// The server's last `server_seq` when this page was read.
    pub high_water: i64,
}

/// Which of these files (SHA-256, lowercase hex) the server lacks (`POST /v1/attachments/missing`,
/// docs/attachments.md): a desk asks before it pushes events that name files, and uploads those.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentQuery {
    pub sha256: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMissing {
    pub missing: Vec<String>,
}

/// A file's bytes on the wire, base64 (`POST /v1/attachments` up, `GET /v1/attachments/{sha256}`
/// down). The server keeps it under the hash of its bytes, never under a name it is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentFile {
    pub sha256: String,
    pub media_type: String,
    /// Standard base64 of the bytes.
    pub data: String,
}

/// Most files one query names.
pub const MAX_ATTACHMENT_QUERY: usize = 10_000;
/// Largest body of an upload: the largest file the core allows, in base64, with room for the
/// JSON around it.
pub const MAX_ATTACHMENT_BODY: usize =
    (taizhang_core::attachment::MAX_ATTACHMENT_BYTES as usize).div_ceil(3) * 4 + 4096;
