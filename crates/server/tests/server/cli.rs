//! The `taizhang-server` binary end to end: init, the office's commands, devices, verify, and
//! the refusals a newcomer meets first.

use std::process::Command;

use serde_json::Value;

use crate::cluster::empty_db;
use crate::fixture::PASSWORD;

fn server(url: &str, args: &[&str]) -> (bool, Value, String) {
    server_with_input(url, args, "")
}

/// Runs the binary with `input` on its standard input (where it reads passwords).
fn server_with_input(url: &str, args: &[&str], input: &str) -> (bool, Value, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang-server"))
        .arg("--json")
        .args(args)
        .env("TAIZHANG_DATABASE_URL", url)
        .env_remove("TAIZHANG_ADMIN_PASSWORD")
        .env_remove("TAIZHANG_NEW_PASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run taizhang-server");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_str(stdout.trim()).or_else(|_| serde_json::from_str(stderr.trim())).unwrap_or(Value::Null);
    (out.status.success(), v, stderr)
}

#[test]
fn the_binary_inits_a_district_and_runs_the_offices_commands() {
    let url = empty_db();
    let (ok, v, _) = server(&url, &["verify"]);
    assert!(!ok);
    assert_eq!(v["code"], "server.not_a_district");
    // A password is never an argument (other users can read a process's arguments), and
    // without one on standard input or in the environment nothing is created.
    let (ok, _, _) = server(&url, &["init", "--admin-password", "admin-pass"]);
    assert!(!ok, "a password argument is refused");
    let (ok, _, _) = server(&url, &["init"]);
    assert!(!ok, "no password given");
    let (ok, v, _) = server(&url, &["verify"]);
    assert!(!ok);
    assert_eq!(v["code"], "server.not_a_district", "a refused init writes nothing");
    let (ok, _, err) = server_with_input(&url, &["init"], "admin-pass\n");
    assert!(ok, "{err}");
    let (ok, v, _) = server_with_input(&url, &["init"], "admin-pass\n");
    assert!(!ok);
    assert_eq!(v["code"], "server.already_initialized");
    let (ok, _, err) = server(&url, &["unit", "add", "--name", "一镇", "--short-name", "一镇", "--kind", "township"]);
    assert!(ok, "{err}");
    let (ok, v, err) = server_with_input(
        &url,
        &[
            "user",
            "add",
            "--login",
            "zhang",
            "--name",
            "张三",
            "--unit",
            "一镇",
            "--role",
            "township",
            "--with-password",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{err}");
    assert_eq!(v.as_array().map(Vec::len), Some(2), "user created and password set: {v}");
    assert!(v.as_array().unwrap().iter().all(|o| o["outcome"] == "applied"));
    // The core decides the office's commands too: a role that does not fit its unit.
    let (ok, v, _) =
        server(&url, &["user", "add", "--login", "li", "--name", "李四", "--unit", "一镇", "--role", "department"]);
    assert!(!ok);
    assert_eq!(v["code"], "input.invalid");
    // And only the office may: zhang is a township official.
    let (ok, v, _) =
        server(&url, &["unit", "add", "--name", "二镇", "--short-name", "二镇", "--kind", "township", "--as", "zhang"]);
    assert!(!ok);
    assert_eq!(v["code"], "auth.forbidden");
    let (ok, v, _) = server(&url, &["device", "list"]);
    assert!(ok);
    assert_eq!(v.as_array().map(Vec::len), Some(1), "only the server's own device: {v}");
    let (ok, v, _) = server(&url, &["device", "approve", "no-such-device"]);
    assert!(!ok);
    assert_eq!(v["code"], "sync.device_unknown");
    let (ok, v, err) = server(&url, &["verify"]);
    assert!(ok, "{err}");
    assert_eq!(v["broken"], Value::Null);
    assert!(v["events"].as_i64().unwrap() > 8);
    // Plain HTTP beyond loopback is refused until TLS is built.
    let (ok, v, _) = server(&url, &["serve", "--listen", "0.0.0.0:0"]);
    assert!(!ok);
    assert_eq!(v["code"], "server.plain_http_off_loopback");
}

#[test]
fn bundle_import_ingests_a_desks_file_and_writes_a_signed_reply() {
    use taizhang_bundle::{Bundle, Direction, Part, Signer};
    use taizhang_server::protocol::{Cursor, PushRequest};
    use taizhang_server::Store;

    let d = crate::fixture::District::new();
    let mut dev = d.device("t1");
    let ev = dev.event(&crate::visit(&d), crate::cluster::t0() + chrono::Duration::minutes(5));
    let parts = vec![Part::Cursor(Cursor::default()), Part::Push(PushRequest { events: vec![ev] })];
    let mut b = Bundle::new(Direction::ToServer, &dev.id, "2026-03-02T02:00:00.000000Z", parts);
    b.sign(Signer::Device(dev.id.clone()), &dev.key);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("一镇 0302.tzb");
    taizhang_bundle::write(&b, &file).unwrap();
    let before = crate::count(&d.url, "SELECT count(*) FROM events");

    let (ok, v, err) = server(&d.url, &["bundle", "import", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(
        (v["events"].as_i64(), v["applied"].as_i64(), v["device_state"].as_str()),
        (Some(1), Some(1), Some("approved"))
    );
    let reply = dir.path().join("一镇 0302.reply.tzb");
    assert_eq!(v["reply"].as_str(), reply.to_str(), "the reply is written beside the bundle");
    assert_eq!(crate::count(&d.url, "SELECT count(*) FROM events"), before + 1);
    // Signed by the server's device, for this desk, with what a pull brings.
    let back = taizhang_bundle::read(&reply).unwrap();
    let (server_device, key) = d.store.server_signer().unwrap();
    back.check_signature(&Signer::Server(server_device), &key.verifying_key(), "reply").unwrap();
    assert_eq!((back.direction, back.device_id.as_str()), (Direction::ToDesk, dev.id.as_str()));
    assert!(back.parts.iter().any(|p| matches!(p, Part::Pull { page, .. } if !page.events.is_empty())));

    // Again: the same outcomes, nothing stored twice. A file that is no bundle is named.
    let (ok, v, err) = server(
        &d.url,
        &["bundle", "import", file.to_str().unwrap(), "--reply", dir.path().join("2.tzb").to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert_eq!(v["applied"].as_i64(), Some(1));
    assert_eq!(crate::count(&d.url, "SELECT count(*) FROM events"), before + 1);
    let junk = dir.path().join("junk.tzb");
    std::fs::write(&junk, "不是数据包").unwrap();
    let (ok, v, _) = server(&d.url, &["bundle", "import", junk.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(v["code"], "bundle.not_a_bundle");
}
