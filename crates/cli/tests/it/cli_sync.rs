//! `taizhang sync` at the command line without a server: a standalone file is no replica and
//! is left as it was; joining needs a new file and a reachable server, and leaves nothing
//! behind when it fails. (Syncing against a real server: crates/sync/tests/replica.)

use assert_cmd::Command;

fn taizhang(db: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
    c.env("TAIZHANG_NOW", "2026-03-02T10:00:00+08:00")
        .env_remove("TAIZHANG_AS")
        .env_remove("TAIZHANG_DB")
        .env_remove("TAIZHANG_LANG");
    c.arg("--db").arg(db);
    c
}

fn error_code(c: &mut Command) -> String {
    let out = c.arg("--json").assert().failure();
    let err: serde_json::Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    err["code"].as_str().unwrap().to_string()
}

#[test]
fn a_standalone_file_is_no_replica_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    taizhang(&db).arg("init").assert().success();
    let before = std::fs::read(&db).unwrap();
    assert_eq!(error_code(taizhang(&db).args(["sync", "status"])), "sync.not_a_replica");
    assert_eq!(error_code(taizhang(&db).arg("sync")), "sync.not_a_replica");
    // Joining an existing ledger is refused before the server is asked.
    let mut join = taizhang(&db);
    join.args(["--as", "admin", "sync", "join", "http://127.0.0.1:9"]).env("TAIZHANG_PASSWORD", "x");
    assert_eq!(error_code(&mut join), "sync.replica_not_fresh");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    taizhang(&db).arg("verify").assert().success();
}

#[test]
fn joining_a_server_that_is_down_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut join = taizhang(&db);
    join.args(["--as", "t1", "sync", "join", &format!("http://127.0.0.1:{port}")]).env("TAIZHANG_PASSWORD", "x");
    assert_eq!(error_code(&mut join), "sync.offline");
    let mut off = taizhang(&db);
    off.args(["--as", "t1", "sync", "join", "http://10.0.0.1:7878"]).env("TAIZHANG_PASSWORD", "x");
    assert_eq!(error_code(&mut off), "sync.plain_http_off_loopback");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no ledger and no key left");
}

#[test]
fn bundles_need_a_replica_and_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    taizhang(&db).arg("init").assert().success();
    let before = std::fs::read(&db).unwrap();
    let out = dir.path().join("out.tzb");
    assert_eq!(error_code(taizhang(&db).args(["bundle", "export"]).arg(&out)), "sync.not_a_replica");
    assert!(!out.exists(), "nothing written for a standalone ledger");
    let junk = dir.path().join("junk.tzb");
    std::fs::write(&junk, "hello").unwrap();
    assert_eq!(error_code(taizhang(&db).args(["bundle", "import"]).arg(&junk)), "sync.not_a_replica");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
