//! The file as a replica of a district server (docs/sync.md). A replica's events are the
//! server's applied ones in `server_seq` order with its own pending ones on top; its
//! projections are always the fold of exactly those, so they equal a rebuild at every moment.
//!
//! - `state`: becoming a replica (only a new, empty file), what it knows of the server.
//! - `outbox`: the pending events to push, and the server's outcomes for them.
//! - `ingest`: pulled events, checked and stored with their outcome and `server_seq`.
//! - `fold`: the fold order and the re-fold after an outcome or a pull that reorders.
//! - `numbering`: the device-series numbers of registrations made on a replica.
//! - `parked`: reply bundles kept until the pages before them arrive (docs/bundles.md).
//!
//! Whether a file is a replica, and marking its own events pending, are in `replica_log`
//! (below the write path, which asks). A file with no `replica` row is a standalone ledger and none of this touches it.

pub(crate) mod fold;
mod ingest;
pub(crate) mod numbering;
mod outbox;
mod parked;
mod state;

pub use ingest::PullOutcome;
pub use outbox::{OutboxEvent, PushRecord};
pub use parked::ParkedBundle;
pub use state::{Joined, ReplicaInfo, ReplicaStatus, SettledEvent};
