//! A township's day (issue 19) through the real window, on the demo district: 城关's official
//! imports a small visit sheet from the 走访 page (a bad row first: the preview names it and
//! 导入 stays off; then the corrected sheet: two visits, two problems), follows the enterprise's
//! name to its page (一企一档) and finds the visit with the problems it raised there; the office
//! sees them in 待交办 with 诉求 and 已等待 N 天, and opens a key enterprise's page from the
//! monitoring report.

use rust_xlsxwriter::Workbook;
use serde_json::json;

use taizhang_testsupport::webdriver::ELEMENT;

use crate::harness::{beijing_today, open_window, tid};

fn sheet(path: &std::path::Path, rows: &[[&str; 7]]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["企业名称", "走访日期", "走访人", "走访方式", "问题描述", "企业诉求", "问题类别"].iter().enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
#[ignore = "drives the real window: needs the built app, tauri-driver and a display (make test runs it)"]
fn a_township_imports_its_visit_sheet_and_opens_the_enterprise_page() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, ui) = open_window(data.path());
    ui.click("start-demo");
    ui.sign_in("cg_zhang");

    // A 城关 enterprise and one of another township, as the ledger lists them.
    let session = ui.invoke_directly("session", json!({}))["ok"].clone();
    let own = session["unit"]["id"].as_str().unwrap().to_string();
    let all = ui.invoke_directly("list_enterprises", json!({}))["ok"].clone();
    let all = all.as_array().unwrap();
    let mine = all.iter().find(|e| e["township_id"] == own.as_str()).unwrap()["name"].as_str().unwrap().to_string();
    let theirs = all.iter().find(|e| e["township_id"] != own.as_str()).unwrap()["name"].as_str().unwrap().to_string();
    let day = |back: i64| (beijing_today() - chrono::Duration::days(back)).to_string();
    let (d1, d2) = (day(3), day(1));
    let good: Vec<[&str; 7]> = vec![
        [&mine, &d1, "张镇长、李干部", "实地走访", "厂房漏雨急需修缮资金（端到端）", "协调技改补助", "融资"],
        ["", "", "", "", "招工难，缺少熟练焊工（端到端）", "对接职业院校", "用工"],
        [&mine, &d2, "张镇长", "电话", "", "", ""],
    ];
    let file = data.path().join("城关走访记录.xlsx");
    let mut bad = good.clone();
    bad.push([&theirs, &d2, "张镇长", "", "", "", ""]);
    sheet(&file, &bad);

    ui.click("nav-visits");
    ui.click("visit-import");
    ui.fill("visit-import-path", &file.display().to_string());
    ui.click("visit-import-preview");
    ui.wait_text("visit-import-summary", "不能导入");
    ui.wait_text("visit-import-issue-5", "只能导入本镇街企业的走访记录");
    ui.shot("40-visit-import-refused");
    let commit = ui.by("visit-import-commit");
    assert_eq!(ui.s.element(&commit, "enabled", None).unwrap(), json!(false), "a bad row holds back the sheet");

    sheet(&file, &good);
    ui.click("visit-import-preview");
    ui.wait_text("visit-import-summary", "新走访 2 次");
    ui.shot("41-visit-import-preview");
    ui.click("visit-import-commit");
    ui.gone("visit-import-summary");

    // The 走访 list is 城关's own, newest first, a page at a time.
    ui.wait(&format!("{} tbody tr", tid("visit-table")));
    let page = ui.invoke_directly("visit_page", json!({ "page": { "offset": 0, "limit": 1000 } }))["ok"].clone();
    let rows = page["rows"].as_array().unwrap();
    assert!(rows.iter().all(|v| v["township_id"] == own.as_str()), "only 城关's visits: {page}");
    let dates: Vec<&str> = rows.iter().map(|v| v["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    assert!(dates.contains(&d1.as_str()) && dates.contains(&d2.as_str()), "the sheet's two visits: {dates:?}");
    let shown = ui.s.find_all("css selector", &format!("{} tbody tr", tid("visit-table"))).len();
    assert_eq!(shown, rows.len().min(50), "one page of 50 at most");

    // The new visit's enterprise name opens its page: the visit with both problems raised.
    ui.click_js(&format!("enterprise-link-{mine}"));
    ui.wait_text("enterprise-title", &mine);
    let visit = ui.wait_text(&format!("enterprise-visit-{d1}"), "厂房漏雨急需修缮资金（端到端）");
    assert!(visit.contains("招工难，缺少熟练焊工（端到端）"), "{visit}");
    ui.shot("42-enterprise-page");

    // The office's 待交办: 诉求 and how long each has waited, counted by the ledger.
    ui.switch_user("office_wang");
    ui.click("nav-console");
    let row = ui.poll("the imported problem in 待交办", 30, || {
        let el = ui.s.find_all("xpath", "//tr[contains(., '协调技改补助')]").into_iter().next()?;
        ui.s.element(&el, "text", None).ok()?.as_str().map(str::to_string)
    });
    assert!(row.contains("已等待 0 天"), "registered today: {row}");
    ui.shot("43-console-waiting");

    // From the monitoring report, a key enterprise's page: its months as the report has them.
    let key = ui.invoke_directly("key_enterprises", json!({ "township_id": null }))["ok"][0].clone();
    let name = key["name"].as_str().unwrap().to_string();
    ui.click("nav-monitoring");
    ui.click("monitoring-tab-report");
    ui.click_js(&format!("report-file-{name}"));
    ui.wait_text("enterprise-title", &name);
    let figures = ui.by("enterprise-figures");
    let scroll = "arguments[0].scrollIntoView({ block: 'start' });";
    ui.s.call("POST", "/execute/sync", Some(json!({ "script": scroll, "args": [{ ELEMENT: figures }] }))).unwrap();
    ui.shot("44-enterprise-key");
}
