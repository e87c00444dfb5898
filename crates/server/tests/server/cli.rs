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

/// Runs the binary with no database URL in its environment: it comes from `--config` or not at all.
fn server_configured(args: &[&str], input: &str, env: &[(&str, &str)]) -> (bool, Value, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang-server"))
        .arg("--json")
        .args(args)
        .env_remove("TAIZHANG_DATABASE_URL")
        .env_remove("TAIZHANG_CONFIG")
        .env_remove("TAIZHANG_ADMIN_PASSWORD")
        .envs(env.iter().copied())
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

/// What an installer runs (docs/install.md): `init --create-database` as the superuser makes
/// the owner role, its database and the district, with the URL read from the package's
/// settings file; the tables belong to the owner, who takes on taizhang_app.
#[test]
fn init_create_database_makes_role_database_and_district_from_the_settings_file() {
    let c = crate::cluster::cluster();
    let superuser = c.url("postgres");
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("server.env");
    let target = format!("postgresql://tz_owner:owner-secret@127.0.0.1:{}/tz_made", c.port);
    std::fs::write(
        &conf,
        format!("# the district\nTAIZHANG_DATABASE_URL=\"{target}\"\n\nTAIZHANG_LISTEN=127.0.0.1:0\n"),
    )
    .unwrap();
    let conf = conf.to_str().unwrap();
    let count = |db: &str, sql: &str| -> i64 {
        let mut client = postgres::Client::connect(&c.url(db), postgres::NoTls).unwrap();
        client.query_one(sql, &[]).unwrap().get(0)
    };

    // A short admin password is refused before anything is created.
    let (ok, _, _) = server_configured(
        &["--config", conf, "init", "--create-database", "--superuser-url", &superuser],
        "short\n",
        &[],
    );
    assert!(!ok);
    assert_eq!(count("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'tz_owner'"), 0);
    assert_eq!(count("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'tz_made'"), 0);
    // A connection that is no superuser cannot create them (tz_owner does not exist yet, so
    // use a role made for this: a plain login role).
    {
        let mut su = postgres::Client::connect(&superuser, postgres::NoTls).unwrap();
        su.batch_execute("CREATE ROLE tz_plain LOGIN").unwrap();
    }
    let plain = format!("postgresql://tz_plain@127.0.0.1:{}/postgres", c.port);
    let (ok, _, err) = server_configured(
        &["--config", conf, "init", "--create-database", "--superuser-url", &plain],
        "admin-pass\n",
        &[],
    );
    assert!(!ok);
    assert!(err.contains("superuser"), "{err}");

    let (ok, v, err) = server_configured(
        &["--config", conf, "init", "--create-database", "--superuser-url", &superuser],
        "admin-pass\n",
        &[],
    );
    assert!(ok, "{err}");
    assert_eq!((v["role"].as_str(), v["database"].as_str()), (Some("tz_owner"), Some("tz_made")), "{v}");
    assert_eq!((v["role_created"].as_bool(), v["database_created"].as_bool()), (Some(true), Some(true)));
    assert_eq!(
        count("postgres", "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = 'tz_made' AND r.rolname = 'tz_owner' AND pg_encoding_to_char(d.encoding) = 'UTF8'"),
        1,
        "the database is the owner's, in UTF-8"
    );
    assert_eq!(
        count("tz_made", "SELECT count(*) FROM pg_tables WHERE tablename = 'events' AND tableowner = 'tz_owner'"),
        1
    );
    assert_eq!(count("postgres", "SELECT count(*) FROM pg_roles WHERE pg_has_role('tz_owner', 'taizhang_app', 'MEMBER') AND rolname = 'tz_owner'"), 1);
    // The owner logs in with the URL's password; the district verifies through the settings file.
    let (ok, v, err) = server_configured(&["--config", conf, "verify"], "", &[]);
    assert!(ok, "{err}");
    assert_eq!(v["broken"], Value::Null);
    // The unit's ExecStartPre: nothing to migrate on a current schema; an empty database is
    // refused rather than given a schema without a district.
    let (ok, v, err) = server_configured(&["--config", conf, "migrate"], "", &[]);
    assert!(ok, "{err}");
    assert_eq!(v["migrations_applied"], 0);
    let (ok, v, _) = server_configured(&["migrate"], "", &[("TAIZHANG_DATABASE_URL", &crate::cluster::empty_db())]);
    assert!(!ok);
    assert_eq!(v["code"], "server.not_a_district");
    // Again: the role and database are used as they are, and the district is not made twice.
    let (ok, v, _) = server_configured(
        &["--config", conf, "init", "--create-database", "--superuser-url", &superuser],
        "admin-pass\n",
        &[],
    );
    assert!(!ok);
    assert_eq!(v["code"], "server.already_initialized");
    // The environment wins over the file (as with systemd's EnvironmentFile and Environment).
    let empty = crate::cluster::empty_db();
    let (ok, v, _) =
        server_configured(&["verify"], "", &[("TAIZHANG_CONFIG", conf), ("TAIZHANG_DATABASE_URL", &empty)]);
    assert!(!ok);
    assert_eq!(v["code"], "server.not_a_district");
    // A misspelt setting fails instead of being ignored.
    let bad = dir.path().join("bad.env");
    std::fs::write(&bad, "DATABASE_URL=postgresql://x@127.0.0.1/x\n").unwrap();
    let (ok, _, err) = server_configured(&["--config", bad.to_str().unwrap(), "verify"], "", &[]);
    assert!(!ok);
    assert!(err.contains("unknown setting"), "{err}");
}
