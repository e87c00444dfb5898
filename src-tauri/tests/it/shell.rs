//! The shell through Tauri's IPC (no window system needed): commands reach the ledger, errors
//! reach the UI as `{code, message, params}`, the core refuses what a role may not do even
//! when called directly, and the capability grants nothing beyond the app's own commands and
//! the native dialogs.

use crate::common::{data_dir_env, invoke};

use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::WebviewWindowBuilder;

#[test]
fn commands_reach_the_ledger_and_errors_keep_their_codes() {
    let _env = data_dir_env();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let err = invoke(&w, "list_units", json!({})).unwrap_err();
    assert_eq!(err["code"], "ledger.not_open", "{err}");

    let path = dir.path().join("t.db").display().to_string();
    let info = invoke(&w, "ledger_create", json!({ "path": path })).unwrap();
    assert_eq!(info["path"], path);
    let err = invoke(&w, "execute", json!({ "command": { "action": "create_unit", "unit_id": "u1", "name": "城关街道", "short_name": "城关", "kind": "township" } })).unwrap_err();
    assert_eq!(err["code"], "auth.not_signed_in");

    let session = invoke(&w, "sign_in", json!({ "login": "admin", "password": null })).unwrap();
    assert_eq!(session["user"]["login"], "admin");
    assert_eq!(session["capabilities"]["supervise"], true);
    assert!(session["user"].get("password_hash").is_none(), "hashes never reach the UI");

    for (id, name, short, kind) in
        [("t1", "城关街道", "城关", "township"), ("d1", "工业和信息化局", "工信局", "department")]
    {
        invoke(&w, "execute", json!({ "command": { "action": "create_unit", "unit_id": id, "name": name, "short_name": short, "kind": kind } })).unwrap();
    }
    invoke(&w, "execute", json!({ "command": { "action": "create_user", "user_id": "cg", "login": "cg", "name": "张三", "unit_id": "t1", "role": "township" } })).unwrap();
    let units = invoke(&w, "list_units", json!({})).unwrap();
    assert_eq!(units.as_array().unwrap().len(), 3);

    // Duplicate name: the domain error arrives with its code and fields.
    let err = invoke(&w, "execute", json!({ "command": { "action": "create_unit", "unit_id": "t2", "name": "城关街道", "short_name": "城关", "kind": "township" } })).unwrap_err();
    assert_eq!(err["code"], "input.duplicate");
    assert_eq!(err["params"]["value"], "城关街道");

    // A township may not assign, even by calling the command directly.
    invoke(&w, "sign_in", json!({ "login": "cg", "password": null })).unwrap();
    let enterprise = json!({ "id": "e1", "name": "示范区恒达精密机械有限公司", "credit_code": "91350100M000100Y43", "township_id": "t1",
        "industry": "", "scale": "above", "key_level": "district", "address": "", "contact": "", "phone": "", "steward": "" });
    invoke(&w, "execute", json!({ "command": { "action": "register", "problem_id": "p1", "enterprise_id": null, "new_enterprise": enterprise,
        "visit_id": null, "source": "visit", "category": "用地", "description": "<script>alert(1)</script>", "demand": "", "raised_on": "2026-01-05",
        "priority": "normal", "responsible_leader": "" } })).unwrap();
    let detail = invoke(&w, "problem_detail", json!({ "problem": "p1" })).unwrap();
    assert_eq!(detail["problem"]["description"], "<script>alert(1)</script>");
    let offered: Vec<&str> =
        detail["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(!offered.contains(&"assign"), "{offered:?}");
    let err = invoke(&w, "execute", json!({ "command": { "action": "assign", "problem_id": "p1",
        "request": { "lead_unit_id": "d1", "handler": "", "supporters": [], "sign_deadline": null, "handling_deadline": null } } })).unwrap_err();
    assert_eq!(err["code"], "auth.forbidden");

    let page =
        invoke(&w, "list_problems", json!({ "filter": {}, "sort": {}, "page": { "offset": 0, "limit": 50 } })).unwrap();
    assert_eq!(page["total"], 1);
    let err = invoke(&w, "scorecard", json!({ "period": "2026-13" })).unwrap_err();
    assert_eq!(err["code"], "period.bad_format");
    let card = invoke(&w, "dashboard", json!({ "period": "2026" })).unwrap();
    assert!(card["trend"].as_array().unwrap().len() == 12);
}

#[test]
fn the_capability_grants_only_app_commands_and_dialogs() {
    let cap: Value = serde_json::from_str(include_str!("../../capabilities/default.json")).unwrap();
    let granted: Vec<&str> =
        cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().expect("plain identifiers only")).collect();
    let mut expected: Vec<String> =
        ["core:default", "dialog:allow-open", "dialog:allow-save", "dialog:allow-ask", "dialog:allow-message"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    expected.extend(taizhang_desktop::COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))));
    let mut g: Vec<String> = granted.iter().map(|s| s.to_string()).collect();
    g.sort();
    expected.sort();
    assert_eq!(g, expected, "capabilities/default.json must grant exactly the app's commands and the dialogs");
    let arch = include_str!("../../../ARCHITECTURE.md");
    for p in ["core:default", "dialog:allow-open", "dialog:allow-save", "dialog:allow-ask", "dialog:allow-message"] {
        assert!(arch.contains(p), "ARCHITECTURE.md must list the granted permission {p}");
    }
    assert_eq!(cap["windows"], json!(["main"]));
}

/// tauri-build writes a permission file for each command and never deletes one: a command
/// removed from the app leaves its file behind, and with it a permission for nothing.
#[test]
fn every_generated_permission_names_a_command_of_the_app() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("permissions/autogenerated");
    let mut stale: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".toml").map(str::to_string))
        .filter(|name| !taizhang_desktop::COMMANDS.contains(&name.as_str()))
        .collect();
    stale.sort();
    assert!(stale.is_empty(), "{}: no such command, remove the files: {stale:?}", dir.display());
}

#[test]
fn the_csp_forbids_eval_and_inline_scripts() {
    let conf: Value = serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-eval") && !csp.contains("unsafe-inline"), "{csp}");
}

#[test]
fn import_export_report_and_backup_reach_the_ledger_with_their_rules() {
    let _env = data_dir_env();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let path = dir.path().join("t.db").display().to_string();
    invoke(&w, "ledger_create", json!({ "path": path })).unwrap();
    invoke(&w, "sign_in", json!({ "login": "admin", "password": null })).unwrap();

    let sheet = dir.path().join("台账.csv");
    std::fs::write(&sheet, "企业名称,所属镇街,问题描述,问题类别,牵头单位\n示范区恒达精密机械有限公司,城关街道,用地指标未落实,用地,区自然资源局\n").unwrap();
    let sheet = sheet.display().to_string();
    let preview = invoke(&w, "import_preview", json!({ "kind": "ledger", "path": sheet, "options": {} })).unwrap();
    assert_eq!(preview["rows_new"], 1, "{preview}");
    let outcome = invoke(
        &w,
        "import_commit",
        json!({ "kind": "ledger", "path": sheet, "options": {}, "on_progress": "__CHANNEL__:9" }),
    )
    .unwrap();
    assert_eq!(outcome["preview"]["rows_new"], 1);
    let err = invoke(&w, "import_preview", json!({ "kind": "ledger", "path": "/nonexistent/x.xlsx", "options": {} }))
        .unwrap_err();
    assert_eq!(err["code"], "import.io", "{err}");

    let out = dir.path().join("台账.xlsx").display().to_string();
    let summary = invoke(
        &w,
        "export_ledger",
        json!({ "path": out, "format": "xlsx", "filter": {}, "sort": {}, "on_progress": "__CHANNEL__:9" }),
    )
    .unwrap();
    assert_eq!(summary["rows"], 1);
    let report = invoke(&w, "report", json!({ "period": "2026" })).unwrap();
    assert!(report["departments"].is_array());

    // Backups: into the data folder by default; a restore signs everyone out.
    let info = invoke(&w, "backup_now", json!({ "path": null })).unwrap();
    let backup = info["path"].as_str().unwrap().to_string();
    // (The data folder comes from TAIZHANG_DATA_DIR, which tests running alongside also set.)
    let backups_dir = invoke(&w, "app_info", json!({})).unwrap()["backups_dir"].as_str().unwrap().to_string();
    assert!(backup.starts_with(&backups_dir), "{backup} in {backups_dir}");
    let restored = invoke(&w, "restore_ledger", json!({ "from": backup })).unwrap();
    assert!(restored["kept_as"].as_str().unwrap().contains("t.replaced-"));
    let err = invoke(&w, "backup_now", json!({ "path": null })).unwrap_err();
    assert_eq!(err["code"], "auth.not_signed_in");

    // Only the office backs up, restores or imports; only the office and leaders get reports.
    invoke(&w, "sign_in", json!({ "login": "admin", "password": null })).unwrap();
    let units = invoke(&w, "list_units", json!({})).unwrap();
    let township = units.as_array().unwrap().iter().find(|u| u["kind"] == "township").unwrap()["id"].clone();
    invoke(&w, "execute", json!({ "command": { "action": "create_user", "user_id": "cg", "login": "cg", "name": "张三", "unit_id": township, "role": "township" } })).unwrap();
    invoke(&w, "sign_in", json!({ "login": "cg", "password": null })).unwrap();
    for (cmd, args) in [
        ("backup_now", json!({ "path": null })),
        ("restore_ledger", json!({ "from": path })),
        ("report", json!({ "period": "2026" })),
    ] {
        let err = invoke(&w, cmd, args).unwrap_err();
        assert_eq!(err["code"], "auth.forbidden", "{cmd}: {err}");
    }
    let err = invoke(
        &w,
        "import_commit",
        json!({ "kind": "ledger", "path": sheet, "options": {}, "on_progress": "__CHANNEL__:9" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "auth.forbidden", "{err}");
}

#[test]
fn a_ledger_edited_behind_the_apps_back_opens_flagged() {
    let _env = data_dir_env();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let path = dir.path().join("tampered.db");
    {
        let mut l = taizhang_ledger::Ledger::create(&path, chrono::Utc::now()).unwrap();
        l.execute(
            "admin",
            &taizhang_core::Command::CreateUnit {
                unit_id: "t1".into(),
                name: "城关街道".into(),
                short_name: "城关".into(),
                kind: taizhang_core::UnitKind::Township,
            },
            chrono::Utc::now(),
        )
        .unwrap();
    }
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let p = path.display().to_string();
    // The open returns at once; the chain is checked in the background and asked for after.
    let info = invoke(&w, "ledger_open", json!({ "path": p })).unwrap();
    assert_eq!(info["path"], p);
    let check = chain_check(&w);
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(check["path"], p);
    // A sound chain is then backed up, still in the background.
    // (The data folder comes from TAIZHANG_DATA_DIR, which tests running alongside also set.)
    let backups = std::path::PathBuf::from(invoke(&w, "app_info", json!({})).unwrap()["backups_dir"].as_str().unwrap());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while backups_in(&backups) < 1 {
        assert!(std::time::Instant::now() < deadline, "no backup on open");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    invoke(&w, "ledger_close", json!({})).unwrap();
    assert_eq!(invoke(&w, "chain_check", json!({})).unwrap(), Value::Null, "no ledger, no check");

    // With sqlite3: drop the guards, rename the township in its creation event.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;").unwrap();
    c.execute("UPDATE events SET payload = replace(payload, '城关街道', '城东街道') WHERE kind = 'unit_created'", [])
        .unwrap();
    drop(c);
    invoke(&w, "ledger_open", json!({ "path": p })).unwrap();
    let check = chain_check(&w);
    assert_eq!(check["ok"], false, "{check}");
    assert!(check["first_break"]["seq"].as_i64().is_some(), "{check}");
    // A broken chain is not backed up on open.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(backups_in(&backups), 1);
}

fn backups_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with("tampered-") && n.ends_with(".db.gz"))
                .count()
        })
        .unwrap_or(0)
}

/// Asks for the background chain check until it has an answer.
fn chain_check(w: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let v = invoke(w, "chain_check", json!({})).unwrap();
        if !v.is_null() {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "the chain check never answered");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Issue 14: the window's exports and backups refuse the open ledger; a restore refuses while
/// another program holds the ledger; a file swapped under the app is noticed and refused.
#[test]
fn the_open_ledger_is_never_a_target_and_a_swapped_file_is_noticed() {
    let _env = data_dir_env();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("TAIZHANG_DATA_DIR", dir.path());
    let app = taizhang_desktop::build_app(mock_builder(), mock_context(noop_assets()));
    let w = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let path = dir.path().join("t.db");
    let shown = path.display().to_string();
    invoke(&w, "ledger_create", json!({ "path": shown })).unwrap();
    invoke(&w, "sign_in", json!({ "login": "admin", "password": null })).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = invoke(
        &w,
        "export_ledger",
        json!({ "path": shown, "format": "csv", "filter": {}, "sort": {}, "overwrite": true, "on_progress": "__CHANNEL__:9" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "output.target_is_open_ledger", "{err}");
    let err = invoke(
        &w,
        "export_report",
        json!({ "path": shown, "period": "2026", "overwrite": true, "on_progress": "__CHANNEL__:9" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "output.target_is_open_ledger", "{err}");
    let err = invoke(&w, "backup_now", json!({ "path": shown, "overwrite": true })).unwrap_err();
    assert_eq!(err["code"], "output.target_is_open_ledger", "{err}");
    let existing = dir.path().join("a.csv");
    std::fs::write(&existing, "mine").unwrap();
    let args = json!({ "path": existing.display().to_string(), "format": "csv", "filter": {}, "sort": {}, "on_progress": "__CHANNEL__:9" });
    assert_eq!(invoke(&w, "export_ledger", args).unwrap_err()["code"], "output.exists");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine");
    assert_eq!(std::fs::read(&path).unwrap().len(), before.len());

    // Another program holds the ledger open: the restore refuses and moves nothing.
    let backup = dir.path().join("b.db");
    invoke(&w, "backup_now", json!({ "path": backup.display().to_string() })).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap();
    let err = invoke(&w, "restore_ledger", json!({ "from": backup.display().to_string() })).unwrap_err();
    assert_eq!(err["code"], "ledger.busy", "{err}");
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .any(|n| n.contains("replaced"));
    assert!(!kept, "nothing was moved aside");
    drop(other);

    // Another program swaps the file under the app: noticed, and every command refuses.
    invoke(&w, "sign_in", json!({ "login": "admin", "password": null })).unwrap();
    // Not while the check on open still reads the file: the new file's first connection resets
    // the shared-memory index that the check's connection, in this same process, still maps
    // (SQLite's locks do not part connections of one process), and the check dies of SIGBUS.
    chain_check(&w);
    assert_eq!(invoke(&w, "ledger_replaced", json!({})).unwrap(), json!(false));
    std::fs::rename(&path, dir.path().join("aside.db")).unwrap();
    std::fs::copy(&backup, &path).unwrap();
    assert_eq!(invoke(&w, "ledger_replaced", json!({})).unwrap(), json!(true));
    let err = invoke(&w, "list_units", json!({})).unwrap_err();
    assert_eq!(err["code"], "ledger.replaced", "{err}");
    // Opened again, it is the file at the path.
    invoke(&w, "ledger_open", json!({ "path": shown })).unwrap();
    assert_eq!(invoke(&w, "ledger_replaced", json!({})).unwrap(), json!(false));
    invoke(&w, "list_units", json!({})).unwrap();
}
