//! taizhang-sync: a desktop ledger as a replica of the district server (docs/sync.md).
//!
//! - `key`: the device's Ed25519 key file (0600, beside the ledger).
//! - `client`: the blocking HTTP client (ureq over `taizhang-tls`: a pinned certificate, the
//!   CA roots, or plain HTTP to a loopback address only) for join, device, push and pull.
//! - `replica`: what the CLI and the window call: `join`, `sync` (push then pull),
//!   `status`, and the office's `server_devices` / `decide_device`, over the ledger's
//!   `replica` module.
//! - `bundle`: the same pushes and replies carried as files (`export`, `import`), for a desk
//!   whose network never meets the server's (docs/bundles.md).
//! - `error`: every failure with a stable code (`sync.offline`, `sync.not_a_replica`,
//!   `sync.protocol_too_new`, …), messages in i18n/.
//!
//! Depends on `taizhang-protocol` for the wire, never on the server crate.

pub mod bundle;
pub mod client;
pub mod error;
pub mod key;
pub mod replica;

pub use client::Client;
pub use error::{Result, SyncError};
pub use replica::{
    decide_device, join, server_devices, status, sync, sync_with, JoinOptions, SyncProgress, SyncSummary, PULL_PAGE,
};
pub use taizhang_protocol::DeviceListing;
