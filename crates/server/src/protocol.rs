//! The wire types and limits, shared with the desktop's client: they live in
//! `taizhang-protocol` (docs/server.md, "Protocol").

pub use taizhang_protocol::wire::*;
