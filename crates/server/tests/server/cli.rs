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
