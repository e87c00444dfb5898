//! taizhang-tls: TLS for the district server and certificate pinning for its clients.
//!
//! Government intranets often have no public CA, so the server can make a self-signed
//! certificate whose SHA-256 fingerprint the office hands out; a desktop pins it when it joins
//! and talks to no other certificate from then on. With a certificate from a CA, a client that
//! pins nothing trusts the CA roots and checks the name as usual. rustls with the ring
//! provider throughout. Design: docs/server.md, "TLS".
//!
//! - [`Fingerprint`]: what is pinned, printed as `AB:CD:…`.
//! - [`pinned_client_config`], [`ca_client_config`]: the two ways a client trusts.
//! - [`ureq_agent`] (feature `client`): a ureq 3 agent over either; [`tls_error`] names its
//!   TLS failures by stable code.
//! - [`ServerIdentity`], [`TlsListener`] (feature `server`): certificate files or the
//!   self-signed certificate, and a listener that serves axum over them.

mod error;
mod fingerprint;
mod pin;

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "server")]
mod identity;
#[cfg(feature = "server")]
mod listener;

pub use error::TlsError;
pub use fingerprint::Fingerprint;
pub use pin::{ca_client_config, classify, client_config, pinned_client_config, provider, PinnedVerifier};

#[cfg(feature = "client")]
pub use client::{tls_error, ureq_agent, ureq_agent_with, PinnedTlsConnector};
#[cfg(feature = "server")]
pub use identity::{ServerIdentity, CERT_FILE, KEY_FILE};
#[cfg(feature = "server")]
pub use listener::{TlsListener, HANDSHAKE_TIMEOUT, MAX_HANDSHAKES};

pub use rustls;
