//! A ledger edited behind the app's back: joining a server that does not answer fails in words,
//! the ledger opens at once and the background chain check raises the red banner.

use serde_json::json;
use taizhang_testsupport::webdriver::free_port;

use crate::harness::{open_window, tid};

#[test]
#[ignore = "drives the real window: needs the built app, tauri-driver and a display (make test runs it)"]
fn a_ledger_edited_behind_the_apps_back_raises_the_red_banner() {
    use taizhang_core::{Command as Cmd, UnitKind};
    let data = tempfile::tempdir().unwrap();
    // A ledger, then an event edited with sqlite behind the app's back.
    let path = data.path().join("tampered.db");
    {
        let mut l = taizhang_ledger::Ledger::create(&path, chrono::Utc::now()).unwrap();
        let unit = Cmd::CreateUnit {
            unit_id: "t1".into(),
            name: "城关街道".into(),
            short_name: "城关".into(),
            kind: UnitKind::Township,
        };
        l.execute("admin", &unit, chrono::Utc::now()).unwrap();
    }
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;").unwrap();
    c.execute("UPDATE events SET payload = replace(payload, '城关街道', '城东街道') WHERE kind = 'unit_created'", [])
        .unwrap();
    drop(c);
    std::fs::write(data.path().join("recent.json"), serde_json::to_string(&[path.display().to_string()]).unwrap())
        .unwrap();

    let (_driver, ui) = open_window(data.path());
    // Joining a district server that does not answer: the dialog says so in words, and neither a
    // ledger file nor a device key is made (docs/sync.md, "In the window").
    ui.click("start-join");
    let replica = data.path().join("district.db");
    ui.fill("join-url", &format!("http://127.0.0.1:{}", free_port()));
    ui.fill("join-login", "cg_zhang");
    ui.fill("join-password", "pw");
    ui.fill("join-path", &replica.display().to_string());
    ui.click("join-submit");
    ui.wait_text("join-error", "无法连接区级服务器");
    ui.shot("12-join-offline");
    assert!(!replica.exists(), "a failed join makes no ledger file");
    assert!(!data.path().join("district.db.device-key").exists(), "nor a key");
    ui.click("join-cancel");

    // The ledger opens at once; the chain is checked in the background and the banner follows.
    ui.click("recent-0");
    ui.sign_in("admin");
    ui.by("audit-banner");
    ui.shot("13-tampered-banner");
    ui.click("nav-audit");
    ui.click("audit-verify");
    let result = ui.wait(&format!("{}[data-ok]", tid("audit-result")));
    assert_eq!(
        ui.s.element(&result, "attribute/data-ok", None).unwrap(),
        json!("false"),
        "the audit finds the break too"
    );
    let _ = ui.s.call("DELETE", "", None);
    let logs: String = std::fs::read_dir(data.path().join("logs"))
        .expect("the app logs into the data folder")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    assert!(logs.contains("is broken"), "the background check logged the break");
    assert!(
        !data.path().join("backups").exists()
            || std::fs::read_dir(data.path().join("backups")).unwrap().next().is_none(),
        "no backup of a broken chain"
    );
}
