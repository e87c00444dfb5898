//! How the server is reached: TLS (certificate files, or a self-signed certificate whose
//! fingerprint clients pin) on any address, plain HTTP on a loopback address only, where
//! nothing crosses a network. TLS itself is `taizhang-tls`; docs/server.md, "TLS".

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use taizhang_tls::rustls::ServerConfig;
use taizhang_tls::{ServerIdentity, TlsListener};

use crate::error::{Result, ServerError};
use crate::http::router;
use crate::store::Store;

/// Where the server's certificate comes from.
#[derive(Debug, Clone)]
pub enum TlsSource {
    /// A PEM certificate chain and its key (from a CA the clients trust, or any the office has).
    Files { cert: PathBuf, key: PathBuf },
    /// The self-signed certificate kept in `dir`, made there (for `names`) on first use.
    SelfSigned { dir: PathBuf, names: Vec<String> },
}

/// Plain HTTP is allowed on a loopback address only: anywhere else requests, passwords
/// included, would cross the network in the clear.
pub fn check_listen(listen: &SocketAddr, tls: bool) -> Result<()> {
    if tls || listen.ip().to_canonical().is_loopback() {
        Ok(())
    } else {
        Err(ServerError::PlainHttpOffLoopback { listen: listen.to_string() })
    }
}

/// The certificate and key to serve with, and whether a self-signed one was made now. A
/// self-signed certificate made for no names given is made for `localhost` and the listen
/// address (when it is one address, not all of them); clients that pin it do not check names.
pub fn identity(source: &TlsSource, listen: Option<&SocketAddr>) -> Result<(ServerIdentity, bool)> {
    Ok(match source {
        TlsSource::Files { cert, key } => (ServerIdentity::from_pem_files(cert, key)?, false),
        TlsSource::SelfSigned { dir, names } => {
            let mut names = names.clone();
            if names.is_empty() {
                names.push("localhost".into());
                if let Some(ip) = listen.map(|l| l.ip()).filter(|ip| !ip.is_unspecified()) {
                    names.push(ip.to_string());
                }
            }
            ServerIdentity::self_signed(dir, &names)?
        }
    })
}

/// Serves the sync protocol on `listener`, over TLS when `tls` is given, until the process
/// is stopped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    tls: Option<Arc<ServerConfig>>,
) -> std::io::Result<()> {
    match tls {
        Some(config) => axum::serve(TlsListener::new(listener, config)?, router(store)).await,
        None => crate::http::serve(listener, store).await,
    }
}
