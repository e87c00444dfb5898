//! The server's certificate and key: PEM files the office has (from a CA), or a self-signed
//! certificate made once in a directory the office chooses and reused on every start, so its
//! fingerprint, which clients pin, stays the same.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::ServerConfig;

use crate::error::TlsError;
use crate::fingerprint::Fingerprint;
use crate::pin::provider;

/// The self-signed certificate's files in its directory.
pub const CERT_FILE: &str = "cert.pem";
pub const KEY_FILE: &str = "key.pem";

/// A certificate chain (leaf first) and its private key.
pub struct ServerIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity").field("fingerprint", &self.fingerprint()).finish_non_exhaustive()
    }
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

impl ServerIdentity {
    /// A PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or SEC1),
    /// checked to belong together.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<ServerIdentity, TlsError> {
        let unreadable = |reason: String| TlsError::CertificateUnreadable { path: shown(cert), reason };
        let chain = CertificateDer::pem_file_iter(cert)
            .map_err(|e| unreadable(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unreadable(e.to_string()))?;
        if chain.is_empty() {
            return Err(unreadable("no CERTIFICATE block in the file".into()));
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| TlsError::KeyUnreadable { path: shown(key), reason: e.to_string() })?;
        let identity = ServerIdentity { chain, key };
        identity.server_config()?;
        Ok(identity)
    }

    /// The self-signed certificate kept in `dir`: read when it is there, made (for `names`,
    /// DNS names or IP addresses) when it is not. Returns whether it was made now. The names
    /// only matter when it is made: clients that pin the fingerprint do not check them, and a
    /// certificate made once is never replaced behind the office's back (remove `cert.pem` to
    /// make a new one, then hand out its new fingerprint).
    pub fn self_signed(dir: &Path, names: &[String]) -> Result<(ServerIdentity, bool), TlsError> {
        let cert_path = dir.join(CERT_FILE);
        let key_path = dir.join(KEY_FILE);
        if cert_path.exists() {
            if !key_path.exists() {
                return Err(TlsError::SelfSignedIncomplete { dir: shown(dir) });
            }
            check_private(&key_path)?;
            return Ok((ServerIdentity::from_pem_files(&cert_path, &key_path)?, false));
        }
        let names = checked_names(names)?;
        let (cert_pem, key_pem) = make_self_signed(&names)?;
        make_private_dir(dir)?;
        // The key first: a certificate on disk always has its key beside it. A key without a
        // certificate (a stop between the two) is made again next time.
        write_new(&key_path, key_pem.as_bytes(), 0o600)?;
        write_new(&cert_path, cert_pem.as_bytes(), 0o644)?;
        Ok((ServerIdentity::from_pem_files(&cert_path, &key_path)?, true))
    }

    /// The SHA-256 of the leaf certificate: what clients pin.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_der(&self.chain[0])
    }

    /// The rustls server configuration (TLS 1.2 and 1.3, HTTP/1.1 by ALPN).
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, TlsError> {
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| TlsError::BadIdentity { reason: e.to_string() })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Each name is a DNS name or an IP address; none given means `localhost`.
fn checked_names(names: &[String]) -> Result<Vec<String>, TlsError> {
    if names.is_empty() {
        return Ok(vec!["localhost".into()]);
    }
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim();
        ServerName::try_from(n).map_err(|_| TlsError::BadName { name: n.to_string() })?;
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    Ok(out)
}

/// An ECDSA P-256 key and a certificate for `names` signed by it, as PEM.
fn make_self_signed(names: &[String]) -> Result<(String, String), TlsError> {
    let bad = |e: rcgen::Error| TlsError::BadIdentity { reason: e.to_string() };
    let key = rcgen::KeyPair::generate().map_err(bad)?;
    let mut params = rcgen::CertificateParams::new(names.to_vec()).map_err(bad)?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, "Taizhang district server");
    dn.push(rcgen::DnType::OrganizationName, "Taizhang");
    params.distinguished_name = dn;
    let cert = params.self_signed(&key).map_err(bad)?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// The directory, made readable by its owner only when this makes it.
fn make_private_dir(dir: &Path) -> Result<(), TlsError> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|e| TlsError::WriteFailed { path: shown(dir), reason: e.to_string() })
}

/// Writes `bytes` whole beside `path` with `mode`, then renames it into place.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), TlsError> {
    let fail = |p: &Path, e: std::io::Error| TlsError::WriteFailed { path: shown(p), reason: e.to_string() };
    let tmp: PathBuf = path.with_extension("pem.tmp");
    let _ = fs::remove_file(&tmp);
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = o.open(&tmp).map_err(|e| fail(&tmp, e))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| fail(&tmp, e))?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| fail(path, e))?;
    if let Some(parent) = path.parent() {
        if let Ok(d) = fs::File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// A private key others may read is refused, as ssh refuses one.
fn check_private(key: &Path) -> Result<(), TlsError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta =
            fs::metadata(key).map_err(|e| TlsError::KeyUnreadable { path: shown(key), reason: e.to_string() })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(TlsError::KeyTooOpen { path: shown(key), mode: format!("{mode:04o}") });
        }
    }
    Ok(())
}
