//! The monitoring reports printed from the window (docs/monitoring.md, "Printing"): on the demo
//! district the office opens the print page of the 月报, a 旬's 产销旬报 summary, the warnings
//! board under a filter and the 项目进度月报, each titled with the district and the period and
//! footed with 制表单位 and 制表日期; 返回 finds the screen as it was. The figures printed are the
//! ones the shell's commands return. Each page is kept as HTML beside its screenshot, to be
//! printed to PDF through WebKitGTK and looked at (docs/monitoring.md).

use chrono::Datelike;
use serde_json::{json, Value};

use crate::harness::{beijing_today, open_window, tid, Ui};

/// How the print pages write an amount in hundredths: "1,234.50" (logic/printReports.ts).
fn printed_amount(hundredths: i64) -> String {
    let abs = hundredths.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{:02}", if hundredths < 0 { "-" } else { "" }, abs % 100)
}

/// The text of every cell of the row with this test id.
fn cells(ui: &Ui, id: &str) -> Vec<String> {
    let read = "return Array.from(document.querySelectorAll(arguments[0] + ' td')).map(td => td.textContent.trim());";
    let v = ui.s.call("POST", "/execute/sync", Some(json!({ "script": read, "args": [tid(id)] }))).unwrap();
    v.as_array().unwrap().iter().map(|c| c.as_str().unwrap_or_default().to_string()).collect()
}

/// The print page is up with its title, its table's rows and its foot.
fn printed(ui: &Ui, sheet: &str, title: &str) {
    ui.by(&format!("print-sheet-{sheet}"));
    ui.wait_text("print-title", title);
    ui.wait(&format!("{} tbody tr", tid(&format!("print-{sheet}-table"))));
    let foot = ui.wait_text("print-foot", "制表日期");
    assert!(foot.contains("制表单位：示范区企业服务年办公室"), "{foot}");
    let today = beijing_today();
    assert!(foot.contains(&format!("{}年{}月{}日", today.year(), today.month(), today.day())), "{foot}");
}

#[test]
#[ignore = "drives the real window: needs the built app, tauri-driver and a display (make test runs it)"]
fn the_monitoring_reports_print_from_the_window() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, ui) = open_window(data.path());
    ui.click("start-demo");
    ui.sign_in("office_wang");
    let today = beijing_today();
    let last = today.with_day(1).unwrap() - chrono::Duration::days(1);
    let month = json!({ "year": last.year(), "month": last.month() });
    let month_label = format!("{}年{}月", last.year(), last.month());

    // 月报: the district's, township by township with each 小计 and the district's 合计, as the
    // ledger summed them.
    ui.click("nav-monitoring");
    ui.click("monitoring-tab-report");
    ui.wait(&format!("{} tbody tr", tid("monthly-report")));
    ui.click("monitoring-print");
    printed(&ui, "monthly", "示范区重点企业主要经济指标月报");
    assert!(ui.text("print-period").contains(&format!("统计月份：{month_label}")));
    let report = ui.invoke_directly("monthly_report", json!({ "month": month, "township_id": null }))["ok"].clone();
    let district = report["totals"].as_array().unwrap().iter().find(|t| t["township_id"].is_null()).unwrap().clone();
    let name = district["name"].as_str().unwrap();
    let total = cells(&ui, &format!("print-monthly-total-{name}"));
    let output = &district["figures"][0];
    assert_eq!(total[2], printed_amount(output["value"].as_i64().unwrap()), "本月 of the first indicator: {total:?}");
    assert_eq!(total[3], printed_amount(output["cumulative"].as_i64().unwrap()), "累计: {total:?}");
    ui.by("print-not-reported");
    ui.shot("29-print-monthly");
    ui.keep_page("29-print-monthly");
    // 返回: the report tab again.
    ui.click("print-report-back");
    ui.wait(&format!("{} tbody tr", tid("monthly-report")));

    // 产销旬报 of 下旬: the 旬 chosen is the one printed, and is still chosen after 返回.
    ui.click("monitoring-tab-production");
    ui.by("production-panel");
    ui.click_css(&format!("{} label:nth-child(3)", tid("production-xun")));
    ui.click("production-print");
    printed(&ui, "production", "示范区重点企业主要产品产销旬报");
    ui.wait_text("print-period", &format!("统计旬次：{month_label}下旬"));
    let summary = ui
        .invoke_directly("production_summary", json!({ "month": month, "xun": "third", "township_id": null }))["ok"]
        .clone();
    let first = &summary["rows"][0];
    let row = cells(&ui, "print-production-row-0");
    assert_eq!(row[3], first["line"]["product"].as_str().unwrap());
    assert_eq!(row[5], printed_amount(first["line"]["output"].as_i64().unwrap()), "产量: {row:?}");
    ui.shot("30-print-production");
    ui.keep_page("30-print-production");
    ui.click("print-report-back");
    ui.by("production-panel");
    let active = ui.wait(&format!("{} .is-active", tid("production-xun")));
    assert_eq!(ui.s.element(&active, "text", None).unwrap(), json!("下旬"), "the 旬 is kept");

    // 预警清单 of the red warnings, handled ones too: the board's filter in force is printed.
    ui.click("monitoring-tab-warnings");
    ui.wait(&format!("{} tbody tr", tid("warnings-board")));
    ui.click("warnings-open-only");
    ui.click("warnings-level-red");
    ui.click("warnings-print");
    printed(&ui, "warnings", "示范区重点企业和重点项目监测预警清单");
    assert_eq!(ui.text("print-filter"), "全部预警（含已处置），仅红色");
    let board = ui.invoke_directly("warnings_board", json!({ "township_id": null, "open_only": false, "mine": false }));
    let red: Vec<&Value> = board["ok"].as_array().unwrap().iter().filter(|w| w["level"] == "red").collect();
    let shown = ui.s.find_all("css selector", &format!("{} tbody tr[data-testid]", tid("print-warnings-table")));
    assert_eq!(shown.len(), red.len(), "every red warning, and only those");
    ui.shot("31-print-warnings");
    ui.keep_page("31-print-warnings");
    ui.click("print-report-back");
    ui.wait(&format!("{} tbody tr", tid("warnings-board")));

    // 项目进度月报 with the ledger's 合计.
    ui.click("nav-projects");
    ui.wait(&format!("{} tbody tr", tid("projects-table")));
    ui.click("projects-print");
    printed(&ui, "projects", "示范区重点项目进度月报");
    let projects = ui.invoke_directly("project_report", json!({ "month": month, "township_id": null }))["ok"].clone();
    let totals = &projects["totals"];
    let total = cells(&ui, "print-projects-total");
    assert_eq!(total[0], format!("合计（{} 个项目）", totals["projects"]));
    assert_eq!(total[1], printed_amount(totals["total_investment"].as_i64().unwrap()), "总投资: {total:?}");
    assert_eq!(total[4], printed_amount(totals["year_to_date"].as_i64().unwrap()), "年度累计: {total:?}");
    ui.shot("32-print-projects");
    ui.keep_page("32-print-projects");
    ui.click("print-report-back");
    ui.wait(&format!("{} tbody tr", tid("projects-table")));
    let _ = ui.s.call("DELETE", "", None);
}
