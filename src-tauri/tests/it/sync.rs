//! The district server's commands through IPC, without a server: a standalone ledger has no
//! sync status and refuses to sync with `sync.not_a_replica`; a join that cannot reach its
//! server fails with `sync.offline`, leaves no file and no key, and keeps the open ledger open;
//! the device list is the office's.
//! (Desktops against a real PostgreSQL district: crates/sync/tests/replica.)

use crate::common::{data_dir_env, invoke};

use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::WebviewWindowBuilder;

#[test]
fn a_standalone_ledger_has_no_server_and_a_failed_join_leaves_nothing() {
    let _env = data_dir_env();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let err = invoke(&w, "sync_status", json!({})).unwrap_err();
    assert_eq!(err["code"], "ledger.not_open", "{err}");

    let path = dir.path().join("alone.db").display().to_string();
    invoke(&w, "ledger_create", json!({ "path": path })).unwrap();
    assert_eq!(invoke(&w, "sync_status", json!({})).unwrap(), Value::Null);
    let err = invoke(&w, "sync_now", json!({ "on_progress": "__CHANNEL__:7" })).unwrap_err();
    assert_eq!(err["code"], "sync.not_a_replica", "{err}");

    // Nothing listens on port 1 of this machine: offline, and nothing is left behind.
    let replica = dir.path().join("district.db");
    let err = invoke(
        &w,
        "sync_join",
        json!({ "path": replica.display().to_string(), "url": "http://127.0.0.1:1", "fingerprint": null,
                "login": "cg_zhang", "password": "pw", "device_name": "城关 张三" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "sync.offline", "{err}");
    assert!(!replica.exists(), "a failed join leaves no ledger file");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("district"))
        .collect();
    assert!(left.is_empty(), "and no key or side file: {left:?}");
    // The ledger that was open stays open.
    assert_eq!(invoke(&w, "sync_status", json!({})).unwrap(), Value::Null);

    // The device list: the office's (asked here first, and by the server again), of a replica.
    let err = invoke(&w, "server_devices", json!({})).unwrap_err();
    assert_eq!(err["code"], "auth.not_signed_in", "{err}");
    invoke(&w, "sign_in", json!({ "login": "admin", "password": null })).unwrap();
    let err = invoke(&w, "server_devices", json!({})).unwrap_err();
    assert_eq!(err["code"], "sync.not_a_replica", "{err}");
    invoke(&w, "execute", json!({ "command": { "action": "create_unit", "unit_id": "t1", "name": "城关街道", "short_name": "城关", "kind": "township" } })).unwrap();
    invoke(&w, "execute", json!({ "command": { "action": "create_user", "user_id": "cg", "login": "cg", "name": "张三", "unit_id": "t1", "role": "township" } })).unwrap();
    invoke(&w, "sign_in", json!({ "login": "cg", "password": null })).unwrap();
    let err = invoke(&w, "server_device_decide", json!({ "device_id": "dev-x", "approve": true })).unwrap_err();
    assert_eq!(err["code"], "auth.forbidden", "{err}");
}
