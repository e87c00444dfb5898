//! A ureq 3 `Agent` whose TLS is ours: pinned to one certificate, or the CA roots.
//!
//! ureq's own `TlsConfig` takes root certificates but no custom verifier and no rustls
//! `ClientConfig`, so a pin cannot be expressed through it. ureq does let an agent be built
//! from its own connector chain (`Agent::with_parts`), a public though "unversioned" API: the
//! chain here is ureq's `TcpConnector` followed by `PinnedTlsConnector`, which wraps the socket
//! in a rustls client connection made from our `ClientConfig`. A plain `http://` address passes
//! through untouched (loopback servers speak plain HTTP), unless a pin is set: a pin means the
//! server was meant to be reached over TLS, and plain HTTP would drop the guarantee silently.
//! Proxies are not supported (a district's server is reached directly).
//!
//! Errors of the TLS layer come back as `ureq::Error::Other` holding a `TlsError`; `tls_error`
//! finds it, so the sync client can name it by its stable code.

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, TcpConnector, Transport, TransportAdapter,
};
use ureq::Agent;

use crate::error::TlsError;
use crate::fingerprint::Fingerprint;
use crate::pin::{classify, client_config};

/// A ureq agent for the district server: `pin` given, only the server holding that certificate
/// is spoken to; `None`, a server with a certificate from a CA the system or Mozilla trusts,
/// under its name. HTTP error statuses come back as responses (`http_status_as_error(false)`):
/// the server's errors are JSON bodies with a code, which the caller reads.
pub fn ureq_agent(pin: Option<&Fingerprint>) -> Agent {
    ureq_agent_with(Agent::config_builder().http_status_as_error(false).build(), pin)
}

/// `ureq_agent` with the caller's own ureq configuration (timeouts, limits). Its TLS settings
/// are not used: the TLS is this crate's.
pub fn ureq_agent_with(config: ureq::config::Config, pin: Option<&Fingerprint>) -> Agent {
    let tls = PinnedTlsConnector { config: Arc::new(client_config(pin)), pinned: pin.is_some() };
    let connector = ().chain(TcpConnector::default()).chain(tls);
    Agent::with_parts(config, connector, DefaultResolver::default())
}

/// The TLS failure behind a ureq error, if that is what it was: the code to show is its
/// `code()` (`sync.tls_fingerprint_mismatch`, `sync.tls_untrusted`, …).
pub fn tls_error(e: &ureq::Error) -> Option<&TlsError> {
    match e {
        ureq::Error::Other(inner) => inner.downcast_ref::<TlsError>(),
        _ => None,
    }
}

/// Wraps the chained socket in TLS made from one `ClientConfig`.
pub struct PinnedTlsConnector {
    config: Arc<ClientConfig>,
    pinned: bool,
}

impl fmt::Debug for PinnedTlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedTlsConnector").field("pinned", &self.pinned).finish()
    }
}

impl<In: Transport> Connector<In> for PinnedTlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() {
            if self.pinned {
                let e = TlsError::PinNeedsHttps { url: details.uri.to_string() };
                return Err(ureq::Error::Other(Box::new(e)));
            }
            return Ok(Some(Either::A(transport)));
        }
        if transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details.uri.host().unwrap_or_default();
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        let name = ServerName::try_from(host.to_string()).map_err(|_| ureq::Error::BadUri(details.uri.to_string()))?;
        let mut conn =
            ClientConnection::new(self.config.clone(), name).map_err(|e| ureq::Error::Other(Box::new(classify(&e))))?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock).map_err(handshake_error)?;
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(TlsTransport { buffers, stream: StreamOwned { conn, sock } })))
    }
}

/// rustls reports a failed handshake as an `io::Error` holding its own error; anything else
/// (a timeout, a reset) is ureq's to name.
fn handshake_error(e: std::io::Error) -> ureq::Error {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        Some(r) => ureq::Error::Other(Box::new(classify(r))),
        None => ureq::Error::from(e),
    }
}

/// A TLS connection as a ureq transport.
pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
