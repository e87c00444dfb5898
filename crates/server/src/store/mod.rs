//! The server's store: a trait the HTTP handlers and the CLI call, and its PostgreSQL
//! implementation (`PgStore`). Handlers stay thin; every decision and fold is the core's.

use chrono::{DateTime, Utc};
use serde::Serialize;
use taizhang_core::Command;

use crate::error::Result;
use crate::protocol::{Cursor, DeviceListing, DeviceReply, EventOutcome, JoinRequest, PullReply, PushReply, WireEvent};
use crate::sign::SigningKey;

pub mod append;
pub mod attachments;
mod devices;
pub mod fold;
pub mod office;
mod parked;
mod pg;
pub mod prepared;
mod projections;
pub mod provision;
mod pull;
mod push;
mod reads;
pub mod schema;
mod verify;
pub mod world;
mod writes;

pub use pg::PgStore;

/// A projection's body (its first column: the aggregate as the core's JSON, stored as text,
/// migration 0011) parsed; `what` names it in the error.
fn body<T: serde::de::DeserializeOwned>(row: &postgres::Row, what: &str) -> Result<T> {
    serde_json::from_str(row.get::<_, &str>(0))
        .map_err(|e| crate::error::ServerError::Internal(format!("stored {what}: {e}")))
}

/// A device as the server knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DeviceRow {
    pub id: String,
    pub user_id: Option<String>,
    pub login: Option<String>,
    pub kind: String,
    pub name: String,
    pub key_alg: String,
    pub public_key: String,
    pub state: String,
    pub joined_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub last_seq: i64,
    pub last_hash: String,
}

impl DeviceRow {
    pub fn reply(&self) -> DeviceReply {
        DeviceReply {
            device_id: self.id.clone(),
            user_id: self.user_id.clone().unwrap_or_default(),
            state: self.state.clone(),
            last_seq: self.last_seq,
            last_hash: self.last_hash.clone(),
            server_device: String::new(),
            server_key: String::new(),
        }
    }

    /// The device as the office's list shows it.
    pub fn listing(&self) -> DeviceListing {
        DeviceListing {
            device_id: self.id.clone(),
            login: self.login.clone(),
            name: self.name.clone(),
            state: self.state.clone(),
            joined_at: taizhang_core::chain::format_instant(self.joined_at),
            decided_at: self.decided_at.map(taizhang_core::chain::format_instant),
            decided_by: self.decided_by.clone(),
            last_seq: self.last_seq,
        }
    }
}

/// A device's reply about itself with the server's own device and public key, which a desk
/// checks reply bundles with (docs/bundles.md).
pub fn with_server_key(store: &dyn Store, mut reply: DeviceReply) -> Result<DeviceReply> {
    let (device, key) = store.server_signer()?;
    reply.server_device = device;
    reply.server_key = crate::sign::public_key_hex(&key);
    Ok(reply)
}

/// Events of a device kept after a gap in its chain (a bundle that arrived before the one
/// holding the events between), pushed again once the gap closes (docs/bundles.md).
#[derive(Debug, Clone)]
pub struct ParkedEvents {
    pub id: i64,
    pub device_id: String,
    pub starts_at: i64,
    pub events: Vec<WireEvent>,
}

/// What `verify` found: the number of events checked and the first break, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub events: i64,
    pub head: String,
    pub broken: Option<(i64, String)>,
}

pub trait Store: Send + Sync + 'static {
    fn device(&self, id: &str) -> Result<Option<DeviceRow>>;
    fn devices(&self) -> Result<Vec<DeviceRow>>;
    /// A user as the district's projections hold it.
    fn user(&self, id: &str) -> Result<Option<taizhang_core::User>>;
    /// A user with their unit (whether they may act at all is `actor_may_act`'s).
    fn actor(&self, user_id: &str) -> Result<Option<taizhang_core::Actor>>;
    /// Records a device joining with a user's login and password; it waits for approval.
    fn join(&self, req: &JoinRequest, now: DateTime<Utc>) -> Result<DeviceReply>;
    /// The office approves (`approve`) or revokes a device.
    fn decide_device(&self, id: &str, approve: bool, by: &str, now: DateTime<Utc>) -> Result<DeviceRow>;
    /// Ingests a batch of one device's events, in its order.
    fn push(&self, device: &DeviceRow, events: &[WireEvent], now: DateTime<Utc>) -> Result<PushReply>;
    /// A page of what the device's user may see after `cursor`.
    fn pull(&self, device: &DeviceRow, cursor: Cursor, limit: i64) -> Result<PullReply>;
    /// Checks the server chain, every device chain and every signature.
    fn verify(&self) -> Result<VerifyReport>;
    /// Runs the office's commands (CLI `user`, `unit`) as `login`, decided by the core and
    /// appended by the server's own device, in one transaction.
    fn execute(&self, login: &str, cmds: &[Command], now: DateTime<Utc>) -> Result<Vec<EventOutcome>>;
    /// The server's own device id and signing key: what reply bundles are signed with.
    fn server_signer(&self) -> Result<(String, SigningKey)>;
    /// Keeps a device's events that arrived after a gap in its chain.
    fn park(&self, device_id: &str, starts_at: i64, events: &[WireEvent], now: DateTime<Utc>) -> Result<()>;
    /// The device's parked events, the earliest first.
    fn parked(&self, device_id: &str) -> Result<Vec<ParkedEvents>>;
    /// Forgets parked events once they are stored.
    fn unpark(&self, id: i64) -> Result<()>;
    /// Of these files, those the server does not hold (docs/attachments.md).
    fn missing_attachments(&self, sha256: &[String]) -> Result<Vec<String>>;
    /// Keeps a file a device uploads, under the hash of its bytes.
    fn put_attachment(
        &self,
        device: &DeviceRow,
        file: &crate::protocol::AttachmentFile,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A file for a device whose user may see an event naming it.
    fn attachment(&self, device: &DeviceRow, sha256: &str) -> Result<crate::protocol::AttachmentFile>;
}
