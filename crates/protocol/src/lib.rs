//! taizhang-protocol: what a desktop and the district server both need to speak to each other
//! (docs/server.md, "Protocol"): the wire types and limits (`wire`) and the Ed25519 signatures
//! over event hashes and requests (`sign`). No I/O, no database, no HTTP: the server
//! (`taizhang-server`) and the desktop's client (`taizhang-sync`) depend on this, never on
//! each other.

pub mod sign;
pub mod wire;

pub use sign::KeyError;
pub use wire::*;
