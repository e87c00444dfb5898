//! What a client trusts: exactly one certificate, by its SHA-256 (pinned), or the CA roots
//! with the usual name check (a certificate from a real CA).
//!
//! A pin replaces the CA and the name check, not the handshake: the server must still prove,
//! by signing the handshake, that it holds the pinned certificate's key. Validity dates are not
//! checked for a pinned certificate: the office chose it by handing out its fingerprint, and
//! replaces it by handing out another, whatever its dates say.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};

use crate::error::TlsError;
use crate::fingerprint::Fingerprint;

/// The one cryptographic provider of every Taizhang TLS config: ring (builds without system
/// packages, and is what ureq brings by default).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts the certificate whose SHA-256 is `expected` and nothing else.
#[derive(Debug)]
pub struct PinnedVerifier {
    expected: Fingerprint,
    provider: Arc<CryptoProvider>,
}

impl PinnedVerifier {
    pub fn new(expected: Fingerprint) -> PinnedVerifier {
        PinnedVerifier { expected, provider: provider() }
    }
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = Fingerprint::of_der(end_entity);
        if presented == self.expected {
            Ok(ServerCertVerified::assertion())
        } else {
            let e = TlsError::FingerprintMismatch { expected: self.expected, presented };
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(e)))))
        }
    }

    // The handshake signatures are checked as ever, against the pinned certificate's key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A client config that talks only to the server holding the certificate `pin`.
pub fn pinned_client_config(pin: &Fingerprint) -> ClientConfig {
    ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous() // a verifier of our own; it is stricter than a CA's, not weaker
        .with_custom_certificate_verifier(Arc::new(PinnedVerifier::new(*pin)))
        .with_no_client_auth()
}

/// A client config that trusts the Mozilla roots (webpki-roots) and the system's own store
/// (where an office installs its government CA), with the usual name and date checks.
pub fn ca_client_config() -> ClientConfig {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    // A system store that cannot be read (or holds unparsable entries) leaves the Mozilla roots.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .expect("the root store is not empty");
    ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_webpki_verifier(verifier)
        .with_no_client_auth()
}

/// The client config for `pin`: pinned when given, the CA roots when not.
pub fn client_config(pin: Option<&Fingerprint>) -> ClientConfig {
    match pin {
        Some(f) => pinned_client_config(f),
        None => ca_client_config(),
    }
}

/// What a failed handshake means to the person connecting, from rustls's error: the pinned
/// certificate was not presented, a CA certificate was not trusted, or TLS failed otherwise
/// (a server that speaks plain HTTP, a protocol mismatch).
pub fn classify(e: &rustls::Error) -> TlsError {
    if let rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) = e {
        if let Some(t) = inner.downcast_ref::<TlsError>() {
            return t.clone();
        }
    }
    match e {
        rustls::Error::InvalidCertificate(_) => TlsError::Untrusted { reason: e.to_string() },
        other => TlsError::HandshakeFailed { reason: other.to_string() },
    }
}
