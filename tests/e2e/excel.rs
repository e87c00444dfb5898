//! Excel in and out through the window: an office's sheet imported through its preview, the
//! ledger exported to a real workbook, hostile text shown as text, a password kept out of the
//! logs, and the printable report (the 通报).

use std::time::Duration;

use serde_json::json;

use crate::harness::{open_window, tid};

#[test]
#[ignore = "drives the real window: needs the built app, tauri-driver and a display (make test runs it)"]
fn excel_in_and_out_through_the_window() {
    use calamine::Reader;
    let data = tempfile::tempdir().unwrap();
    let (_driver, ui) = open_window(data.path());
    ui.click("start-demo");
    ui.sign_in("office_wang");

    // An office's sheet: a title row, synonyms, a new enterprise, a footer row.
    let sheet = data.path().join("城关街道问题台账.csv");
    std::fs::write(
        &sheet,
        "城关街道企业问题台账（3月）\n序号,企业名称,所属镇(街道),存在问题,问题类别,反映时间,主办单位,协办单位,办理时限\n\
         1,城关云帆物流有限公司,城关街道,冷链仓库用电增容审批慢,水电气等要素,2026/3/5,区自然资源局,区工业和信息化局,15个工作日\n\
         2,城关云帆物流有限公司,城关街道,\"货车通行证办理难 <script>alert(1)</script><b>粗</b> \u{202e}RTL 😀👨\u{200d}👩\u{200d}👧 '; DROP TABLE events; --\",其他,2026年3月6日,,,\n\
         合计,2\n",
    )
    .unwrap();
    ui.click("nav-import");
    ui.click("import-kind-ledger");
    ui.fill("import-path", &sheet.display().to_string());
    ui.click("import-next");
    ui.by("import-mapping-summary");
    ui.click("import-next");
    ui.wait_text("import-count-new", "2");
    ui.shot("10-import-preview");
    ui.click("import-commit");
    ui.wait_text("import-result-new", "2");

    // The imported rows are in the ledger; the ledger view exports to a real workbook.
    ui.click("nav-ledger");
    ui.fill("ledger-search", "冷链仓库");
    ui.poll("the imported problem in the ledger", 30, || {
        let t = ui.text("ledger-total");
        t.contains('1').then_some(t)
    });
    let out = data.path().join("导出台账.xlsx");
    ui.click("ledger-export-xlsx");
    ui.fill("export-path", &out.display().to_string());
    ui.click("export-start");
    ui.wait_text("export-result-rows", "1");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("the export is a workbook");
    let range = book.worksheet_range("问题台账").unwrap();
    let header: Vec<String> = range.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..3], ["序号", "问题编号", "企业名称"]);
    let row: Vec<String> = range.rows().nth(3).unwrap().iter().map(|c| c.to_string()).collect();
    assert!(row.contains(&"冷链仓库用电增容审批慢".to_string()), "{row:?}");
    ui.shot("11-export");
    ui.click("export-close");

    // Hostile text arrives as typed and is shown as text.
    let hostile = "货车通行证办理难 <script>alert(1)</script><b>粗</b> \u{202e}RTL 😀👨\u{200d}👩\u{200d}👧 '; DROP TABLE events; --";
    let found = ui.invoke_directly(
        "list_problems",
        json!({ "filter": { "text": "货车通行证" }, "sort": {}, "page": { "offset": 0, "limit": 5 } }),
    );
    let number = found["ok"]["rows"][0]["number"].as_str().expect("the imported problem").to_string();
    ui.open_problem(&number);
    ui.by("problem-description");
    let shown = ui
        .s
        .call("POST", "/execute/sync", Some(json!({ "script": "return document.querySelector(arguments[0]).textContent", "args": [tid("problem-description")] })))
        .unwrap();
    assert_eq!(shown.as_str().map(str::trim), Some(hostile), "the description is shown exactly as typed");
    assert!(ui
        .s
        .find_all(
            "css selector",
            "[data-testid=\"problem-description\"] b, [data-testid=\"problem-description\"] script"
        )
        .is_empty());

    // A password set through the app never reaches the logs, nor does its hash.
    let me = ui.invoke_directly("session", json!({}));
    let user_id = me["ok"]["user"]["id"].as_str().unwrap().to_string();
    let secret = "Tz-秘密-2026!";
    let r = ui.invoke_directly("set_password", json!({ "user_id": user_id, "password": secret }));
    assert!(r.get("ok").is_some(), "{r}");
    let r = ui.invoke_directly("sign_in", json!({ "login": "office_wang", "password": secret }));
    assert!(r.get("ok").is_some(), "{r}");

    // The printable report.
    ui.click("nav-report");
    ui.by("report-title");
    ui.by("report-departments");
    // Laid out as its numbered sheets (docs/documents.md, "Pages").
    ui.wait(&format!("{}[data-sheets]", tid("report")));
    ui.wait_text("bulletin-page", "第 1 页");
    std::thread::sleep(Duration::from_millis(800));
    ui.shot("12-report");
    // The 通报 as printed (docs/documents.md): its head, the period once, the annex.
    ui.wait_text("report-issuing", "企业服务工作通报");
    ui.by("report-chain");
    ui.keep_page("12-report");
    let _ = ui.s.call("DELETE", "", None);
    let logs: String = std::fs::read_dir(data.path().join("logs"))
        .expect("the app logs into the data folder")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    assert!(logs.contains("opened ledger"), "the log is the app's");
    assert!(!logs.contains(secret) && !logs.contains("$argon2"), "no password or hash in the logs");
}
