//! taizhang-server: the district server. One authoritative ledger on PostgreSQL that desktops
//! push their signed, chained events to and pull what their unit may see from. Every decision
//! and fold is the core's (`taizhang-core`); this crate stores, orders, verifies and serves.
//! Design: docs/server.md.

pub mod bundle;
pub mod error;
pub mod http;
pub mod protocol;
pub mod sign;
pub mod store;
pub mod transport;
pub mod verdict;

pub use error::{Result, ServerError};
pub use store::{PgStore, Store};
