//! The server over TLS on 127.0.0.1: a self-signed certificate, clients pinned to its
//! fingerprint, and the rule that plain HTTP stays on loopback (checked, never bound
//! elsewhere).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;

use taizhang_server::transport::{check_listen, identity, serve, TlsSource};
use taizhang_server::{PgStore, Store};
use taizhang_tls::{tls_error, ureq_agent, Fingerprint, ServerIdentity, KEY_FILE};

use crate::cluster::fresh_db;

/// The district at `db_url` served over TLS with the self-signed certificate of `dir`, on a
/// free loopback port; returns its address and the certificate's fingerprint.
fn start_tls(db_url: &str, dir: &std::path::Path) -> (SocketAddr, Fingerprint) {
    let store: Arc<dyn Store> = Arc::new(PgStore::open(db_url).expect("open the district"));
    let (id, _) = identity(&TlsSource::SelfSigned { dir: dir.to_path_buf(), names: vec![] }, None).unwrap();
    let config = id.server_config().unwrap();
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    tcp.set_nonblocking(true).unwrap();
    let addr = tcp.local_addr().unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            serve(tokio::net::TcpListener::from_std(tcp).unwrap(), store, Some(config)).await.unwrap()
        });
    });
    (addr, id.fingerprint())
}

fn health(pin: Option<&Fingerprint>, url: &str) -> Result<(u16, String), ureq::Error> {
    let mut r = ureq_agent(pin).get(url).header("x-taizhang-protocol", "1").call()?;
    Ok((r.status().as_u16(), r.body_mut().read_to_string()?))
}

#[test]
fn plain_http_is_allowed_on_loopback_only_and_tls_anywhere() {
    for loopback in ["127.0.0.1:7878", "127.8.9.10:1", "[::1]:7878", "[::ffff:127.0.0.1]:7878"] {
        let a: SocketAddr = loopback.parse().unwrap();
        assert!(check_listen(&a, false).is_ok(), "{loopback}");
    }
    for public in
        ["0.0.0.0:7878", "10.255.255.1:7878", "192.168.1.2:80", "[::]:7878", "[::ffff:10.0.0.1]:7878", "[fe80::1]:7878"]
    {
        let a: SocketAddr = public.parse().unwrap();
        let e = check_listen(&a, false).unwrap_err();
        assert_eq!(e.code(), "server.plain_http_off_loopback", "{public}");
        assert!(check_listen(&a, true).is_ok(), "{public} with TLS");
    }
}

#[test]
fn a_pinned_client_reaches_the_district_over_tls_and_another_pin_is_refused() {
    let db = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let (addr, pin) = start_tls(&db, dir.path());
    let (status, body) = health(Some(&pin), &format!("https://{addr}/v1/health")).unwrap();
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["protocol"], 1);
    let other = ServerIdentity::self_signed(&dir.path().join("other"), &[]).unwrap().0.fingerprint();
    let e = health(Some(&other), &format!("https://{addr}/v1/health")).unwrap_err();
    assert_eq!(tls_error(&e).map(|t| t.code()), Some("sync.tls_fingerprint_mismatch"), "{e}");
    // A client without a pin does not trust a self-signed certificate.
    let e = health(None, &format!("https://localhost:{}/v1/health", addr.port())).unwrap_err();
    assert_eq!(tls_error(&e).map(|t| t.code()), Some("sync.tls_untrusted"), "{e}");
}

fn server(args: &[&str], db: &str) -> (bool, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_taizhang-server"))
        .arg("--json")
        .args(args)
        .env("TAIZHANG_DATABASE_URL", db)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = if out.status.success() { out.stdout } else { out.stderr };
    (out.status.success(), serde_json::from_slice(String::from_utf8_lossy(&text).trim().as_bytes()).unwrap_or_default())
}

#[test]
fn the_binary_refuses_plain_http_off_loopback_before_opening_or_binding_anything() {
    // No database at all: the rule is decided first.
    let (ok, v) = server(&["serve", "--listen", "10.255.255.1:7878"], "");
    assert!(!ok);
    assert_eq!(v["code"], "server.plain_http_off_loopback");
    // With TLS the address passes the rule; the (closed, loopback) database is what stops it,
    // still before anything is bound.
    let dir = tempfile::tempdir().unwrap();
    let tls = dir.path().join("tls");
    let (ok, v) = server(
        &["serve", "--listen", "10.255.255.1:7878", "--tls-self-signed", tls.to_str().unwrap()],
        "postgresql://nobody@127.0.0.1:1/none",
    );
    assert!(!ok);
    assert_eq!(v["code"], "server.database", "{v}");
    // Certificate options that do not go together are refused by the argument parser.
    let (ok, _) = server(&["serve", "--tls-cert", "c.pem"], "");
    assert!(!ok, "a certificate without its key");
    let (ok, _) = server(&["serve", "--tls-name", "x"], "");
    assert!(!ok, "a name without --tls-self-signed");
}

#[test]
fn the_fingerprint_command_makes_the_certificate_once_and_serve_uses_it() {
    let db = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let tls = dir.path().join("tls");
    let tls_arg = tls.to_str().unwrap();
    let (ok, first) = server(&["tls", "fingerprint", "--tls-self-signed", tls_arg, "--tls-name", "district.local"], "");
    assert!(ok, "{first}");
    assert_eq!(first["made"], true);
    let (ok, again) = server(&["tls", "fingerprint", "--tls-self-signed", tls_arg], "");
    assert!(ok);
    assert_eq!(again["made"], false);
    assert_eq!(again["fingerprint"], first["fingerprint"], "reused on every start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(tls.join(KEY_FILE)).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let pin: Fingerprint = serde_json::from_value(first["fingerprint"].clone()).unwrap();
    let (ok, v) = server(&["tls", "fingerprint"], "");
    assert!(!ok);
    assert_eq!(v["code"], "sync.malformed");

    // `serve` with the same directory prints the same fingerprint and answers a pinned client.
    let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-self-signed", tls_arg])
        .env("TAIZHANG_DATABASE_URL", &db)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut printed, mut url) = (None, None);
    while url.is_none() {
        let line = lines.next().expect("serve says where it serves").unwrap();
        if let Some(f) = line.strip_prefix("taizhang-server: certificate SHA-256 fingerprint ") {
            printed = Some(f.parse::<Fingerprint>().unwrap());
        }
        url = line.strip_prefix("taizhang-server: serving on ").map(str::to_string);
    }
    let answer = health(Some(&pin), &format!("{}/v1/health", url.clone().unwrap()));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(printed, Some(pin));
    assert!(url.unwrap().starts_with("https://127.0.0.1:"));
    assert_eq!(answer.unwrap().0, 200);
}
