//! TLS end to end on 127.0.0.1: a self-signed server, clients pinned to it or not, and the
//! certificate kept on disk.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use taizhang_tls::rustls::pki_types::pem::PemObject;
use taizhang_tls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use taizhang_tls::rustls::server::{ClientHello, ResolvesServerCert};
use taizhang_tls::rustls::sign::CertifiedKey;
use taizhang_tls::rustls::ServerConfig;
use taizhang_tls::*;

/// Serves `GET /v1/health` over `tls` (or plain HTTP when `None`) on a free loopback port, for
/// the rest of the test.
fn serve(tls: Option<Arc<ServerConfig>>) -> SocketAddr {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    tcp.set_nonblocking(true).unwrap();
    let addr = tcp.local_addr().unwrap();
    let router = Router::new().route("/v1/health", get(|| async { Json(serde_json::json!({ "protocol": 1 })) }));
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        rt.block_on(async move {
            let tcp = tokio::net::TcpListener::from_std(tcp).unwrap();
            match tls {
                Some(config) => axum::serve(TlsListener::new(tcp, config).unwrap(), router).await.unwrap(),
                None => axum::serve(tcp, router).await.unwrap(),
            }
        });
    });
    addr
}

fn health(agent: &ureq::Agent, url: &str) -> Result<String, ureq::Error> {
    let mut r = agent.get(url).call()?;
    assert_eq!(r.status().as_u16(), 200);
    r.body_mut().read_to_string()
}

fn tls_code(e: &ureq::Error) -> &'static str {
    tls_error(e).unwrap_or_else(|| panic!("not a TLS error: {e:?}")).code()
}

fn self_signed(dir: &Path) -> ServerIdentity {
    ServerIdentity::self_signed(dir, &["localhost".into(), "127.0.0.1".into()]).unwrap().0
}

#[test]
fn a_client_pinned_to_the_fingerprint_talks_to_the_self_signed_server() {
    let dir = tempfile::tempdir().unwrap();
    let id = self_signed(dir.path());
    let addr = serve(Some(id.server_config().unwrap()));
    let agent = ureq_agent(Some(&id.fingerprint()));
    let body = health(&agent, &format!("https://{addr}/v1/health")).unwrap();
    assert_eq!(body, r#"{"protocol":1}"#);
    // The name in the address does not matter to a pin: localhost is not an IP SAN here.
    let body = health(&agent, &format!("https://localhost:{}/v1/health", addr.port())).unwrap();
    assert_eq!(body, r#"{"protocol":1}"#);
    // A connection kept by the agent's pool serves the next request too.
    for _ in 0..3 {
        health(&agent, &format!("https://{addr}/v1/health")).unwrap();
    }
}

#[test]
fn another_certificate_is_refused_with_the_stable_code_and_both_fingerprints() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let served = self_signed(a.path());
    let other = self_signed(b.path());
    assert_ne!(served.fingerprint(), other.fingerprint());
    let addr = serve(Some(served.server_config().unwrap()));
    let e = health(&ureq_agent(Some(&other.fingerprint())), &format!("https://{addr}/v1/health")).unwrap_err();
    assert_eq!(tls_code(&e), "sync.tls_fingerprint_mismatch");
    match tls_error(&e).unwrap() {
        TlsError::FingerprintMismatch { expected, presented } => {
            assert_eq!(*expected, other.fingerprint());
            assert_eq!(*presented, served.fingerprint(), "the client can show what the server presented");
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(tls_error(&e).unwrap().code(), "sync.tls_fingerprint_mismatch");
}

#[test]
fn without_a_pin_a_self_signed_certificate_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let addr = serve(Some(self_signed(dir.path()).server_config().unwrap()));
    let e = health(&ureq_agent(None), &format!("https://localhost:{}/v1/health", addr.port())).unwrap_err();
    assert_eq!(tls_code(&e), "sync.tls_untrusted");
}

#[test]
fn plain_http_servers_and_addresses_are_told_apart_from_tls() {
    let dir = tempfile::tempdir().unwrap();
    let pin = self_signed(dir.path()).fingerprint();
    let plain = serve(None);
    // https to a plain-HTTP server: the handshake fails.
    let e = health(&ureq_agent(Some(&pin)), &format!("https://{plain}/v1/health")).unwrap_err();
    assert_eq!(tls_code(&e), "sync.tls_handshake_failed");
    // A pin with an http:// address is refused rather than quietly sent in the clear.
    let e = health(&ureq_agent(Some(&pin)), &format!("http://{plain}/v1/health")).unwrap_err();
    assert_eq!(tls_code(&e), "sync.tls_pin_needs_https");
    // No pin, plain HTTP (a loopback server): it passes through.
    assert_eq!(health(&ureq_agent(None), &format!("http://{plain}/v1/health")).unwrap(), r#"{"protocol":1}"#);
}

/// Presents `cert` but signs the handshake with `key`, which is not its key: what a server
/// that copied the pinned certificate without its key would do.
#[derive(Debug)]
struct Impostor(Arc<CertifiedKey>);

impl ResolvesServerCert for Impostor {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

#[test]
fn the_pinned_certificate_without_its_key_does_not_pass() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let genuine = self_signed(a.path());
    self_signed(b.path());
    let cert = CertificateDer::from_pem_file(a.path().join(CERT_FILE)).unwrap();
    let wrong_key = PrivateKeyDer::from_pem_file(b.path().join(KEY_FILE)).unwrap();
    let signer = provider().key_provider.load_private_key(wrong_key).unwrap();
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Impostor(Arc::new(CertifiedKey::new(vec![cert], signer)))));
    let addr = serve(Some(Arc::new(config)));
    let e = health(&ureq_agent(Some(&genuine.fingerprint())), &format!("https://{addr}/v1/health")).unwrap_err();
    // The fingerprint matched; the handshake signature, checked against its key, did not.
    assert_eq!(tls_code(&e), "sync.tls_untrusted");
    assert!(e.to_string().contains("BadSignature"), "{e}");
}

#[test]
fn the_self_signed_certificate_is_made_once_private_and_reused() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("tls");
    let (first, made) = ServerIdentity::self_signed(&dir, &["district.example".into(), "10.0.0.5".into()]).unwrap();
    assert!(made);
    // Reused on the next start, whatever names are asked for then: the fingerprint clients
    // pinned stays.
    let (second, made) = ServerIdentity::self_signed(&dir, &[]).unwrap();
    assert!(!made);
    assert_eq!(first.fingerprint(), second.fingerprint());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.join(KEY_FILE)), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(CERT_FILE)) & 0o600, 0o600);
    }
    // The same files as certificate files give the same fingerprint.
    let files = ServerIdentity::from_pem_files(&dir.join(CERT_FILE), &dir.join(KEY_FILE)).unwrap();
    assert_eq!(files.fingerprint(), first.fingerprint());
    assert!(!dir.join("key.pem.tmp").exists() && !dir.join("cert.pem.tmp").exists());
}

#[test]
fn a_key_a_stop_left_without_its_certificate_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(KEY_FILE), "half made").unwrap();
    let (id, made) = ServerIdentity::self_signed(dir.path(), &[]).unwrap();
    assert!(made);
    assert_eq!(ServerIdentity::self_signed(dir.path(), &[]).unwrap().0.fingerprint(), id.fingerprint());
}

#[test]
fn bad_certificate_directories_and_files_are_refused_with_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    let code = |r: Result<(ServerIdentity, bool), TlsError>| r.unwrap_err().code();
    assert_eq!(code(ServerIdentity::self_signed(dir.path(), &["not a name".into()])), "tls.bad_name");
    assert!(!dir.path().join(KEY_FILE).exists(), "a refused name writes nothing");
    self_signed(dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join(KEY_FILE);
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(code(ServerIdentity::self_signed(dir.path(), &[])), "tls.key_too_open");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let other = tempfile::tempdir().unwrap();
    self_signed(other.path());
    let (cert, key) = (dir.path().join(CERT_FILE), other.path().join(KEY_FILE));
    assert_eq!(ServerIdentity::from_pem_files(&cert, &key).unwrap_err().code(), "tls.bad_identity");
    let missing = dir.path().join("missing.pem");
    assert_eq!(ServerIdentity::from_pem_files(&missing, &key).unwrap_err().code(), "tls.certificate_unreadable");
    assert_eq!(
        ServerIdentity::from_pem_files(&key, &key).unwrap_err().code(),
        "tls.certificate_unreadable",
        "a key is no certificate"
    );
    assert_eq!(ServerIdentity::from_pem_files(&cert, &cert).unwrap_err().code(), "tls.key_unreadable");
    std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
    assert_eq!(code(ServerIdentity::self_signed(dir.path(), &[])), "tls.self_signed_incomplete");
}
