//! Each role's day through the real window on the demo district (issue 19, item 9), driven as
//! a person would: the office assigns from 督办中心 with the suggested lead department and saves
//! the 交办通知书 as a PDF; the lead department's head signs three items in one batch from the
//! 待办 their day starts on; a township official records a visit and registers two problems
//! from it, one with a photo; a district leader gives a 批示 and finds it under 我的批示件, and
//! the bell shows them the items of the enterprises paired with them. Every role's home page
//! and the printed documents are kept as screenshots (README.md, `make screenshots`).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;
use taizhang_core::text::normalize_name;

use crate::harness::{open_window, tid, Ui, TINY_PNG};

/// The rows of the list under `list` (a table's test id prefix, as `inbox-row-<number>`).
fn row_numbers(ui: &Ui, prefix: &str) -> Vec<String> {
    let read = "return Array.from(document.querySelectorAll(arguments[0])).filter(e => e.offsetParent !== null)
        .map(e => e.getAttribute('data-testid'));";
    let css = format!("[data-testid^=\"{prefix}\"]");
    let v = ui.s.call("POST", "/execute/sync", Some(json!({ "script": read, "args": [css] }))).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x.as_str()?.strip_prefix(prefix).map(str::to_string))
        .filter(|n| n.contains('-'))
        .collect()
}

/// Clicks through the page's own script (a control in a pinned cell, a hidden checkbox input).
fn click_page(ui: &Ui, css: &str) {
    ui.wait(css);
    let click = "const el = document.querySelector(arguments[0]); if (el) el.click(); return !!el;";
    let r = ui.s.call("POST", "/execute/sync", Some(json!({ "script": click, "args": [css] }))).unwrap();
    assert_eq!(r, json!(true), "{css} is there");
}

/// Saves the print page on screen as a PDF through its 存为 PDF dialog, and checks the file:
/// a PDF of `pages` pages or more. Its first page is rendered beside the screenshots as
/// `<shot>.png` (pdftoppm), to be looked at.
fn save_pdf(ui: &Ui, button: &str, pdf: &Path, shot: &str) {
    ui.click(button);
    ui.fill("export-path", &pdf.display().to_string());
    ui.click("export-start");
    let done = ui.poll("the PDF saved", 120, || {
        if ui.exists("export-error") {
            let e = ui.text("export-error");
            if !e.is_empty() {
                ui.shot("failure");
                panic!("存为 PDF refused: {e}");
            }
        }
        ui.exists("export-result").then(|| ui.text("export-result"))
    });
    assert!(done.contains("已存为 PDF"), "{done}");
    let bytes = std::fs::read(pdf).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 1000, "a PDF, not empty: {} bytes", bytes.len());
    ui.click("export-close");
    let png = ui.shots.join(shot);
    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&png)
        .status()
        .is_ok_and(|s| s.success());
    if !rendered {
        eprintln!("pdftoppm is not there: {shot} not rendered");
    }
}

/// Text as read off a PDF by poppler's pdftotext, made comparable: NFKC (the CJK font's
/// ToUnicode gives some characters as radicals, 二 as the Kangxi radical ⼆, which NFKC folds;
/// it also makes （） plain parentheses), the simplified supplement radicals it gives (页 as ⻚
/// U+2EDA) named here, and no white space (Chinese comes out with spaces where the layout had
/// gaps). Both sides of a comparison go through it.
fn reads(text: &str) -> String {
    const SUPPLEMENT: [(char, char); 12] = [
        ('⻚', '页'),
        ('⻔', '门'),
        ('⻅', '见'),
        ('⻩', '黄'),
        ('⻓', '长'),
        ('⻋', '车'),
        ('⻢', '马'),
        ('⻉', '贝'),
        ('⻛', '风'),
        ('⻜', '飞'),
        ('⻝', '食'),
        ('⻰', '龙'),
    ];
    normalize_name(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| SUPPLEMENT.iter().find(|(radical, _)| *radical == c).map_or(c, |(_, ideograph)| *ideograph))
        .collect()
}

/// The text of page `n` of a PDF, as `reads` makes it.
fn page_text(pdf: &Path, n: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-f", &n.to_string(), "-l", &n.to_string(), "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/install-deps.sh)");
    assert!(out.status.success(), "pdftotext failed on page {n}");
    reads(&String::from_utf8_lossy(&out.stdout))
}

/// Renders page `n` of a PDF beside the screenshots as `shot`.png.
fn render_page(ui: &Ui, pdf: &Path, n: usize, shot: &str) {
    let n = n.to_string();
    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", &n, "-l", &n, "-singlefile"])
        .arg(pdf)
        .arg(ui.shots.join(shot))
        .status()
        .is_ok_and(|s| s.success());
    assert!(rendered, "pdftoppm rendered page {n} of {}", pdf.display());
}

fn pages_of(pdf: &Path) -> usize {
    let bytes = std::fs::read(pdf).unwrap();
    let needle = b"/Type /Page";
    bytes.windows(needle.len() + 1).filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's').count()
}

#[test]
#[ignore = "drives the real window: needs the built app, tauri-driver and a display (make test runs it)"]
fn each_roles_day_on_the_demo_district() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, ui) = open_window(data.path());
    ui.click("start-demo");

    // ---- The office (办公室): its day starts on 督办中心's 待交办. An item is assigned from its
    // row with the department that usually leads on its category, and its 交办通知书 saved as
    // a PDF.
    ui.sign_in("office_wang");
    ui.by("console-tabs");
    ui.wait("[data-testid^=\"console-row-\"]");
    ui.shot("33-office-console");
    let to_assign = row_numbers(&ui, "console-row-");
    assert!(to_assign.len() >= 3, "the demo district has items to assign: {to_assign:?}");
    let first = &to_assign[0];
    click_page(&ui, &tid(&format!("row-action-{first}-assign")));
    ui.by("action-dialog");
    ui.by("suggested-deadlines");
    let suggestion = ui.wait(&format!("{} [data-testid^=\"lead-suggestion-\"]", tid("lead-suggestions")));
    let lead_id =
        ui.s.element(&suggestion, "attribute/data-testid", None)
            .unwrap()
            .as_str()
            .unwrap()
            .trim_start_matches("lead-suggestion-")
            .to_string();
    ui.s.element(&suggestion, "click", Some(json!({}))).unwrap();
    ui.shot("39-assign-suggested-lead");
    ui.click("action-submit");
    ui.gone(&format!("console-row-{first}"));
    let users = ui.invoke_directly("list_users", json!({}))["ok"].clone();
    let head = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == json!(lead_id) && u["role"] == "department" && u["active"] == json!(true))
        .expect("a handler in the suggested department")
        .clone();
    let lead_name = head["unit_name"].as_str().unwrap().to_string();
    assert_eq!(
        ui.invoke_directly("problem_detail", json!({ "problem": first }))["ok"]["problem"]["assignment"]
            ["lead_unit_id"],
        json!(lead_id),
        "assigned to the suggested department"
    );
    // Two more to the same department, so its head has a batch to sign.
    for n in &to_assign[1..3] {
        click_page(&ui, &tid(&format!("row-action-{n}-assign")));
        ui.by("action-dialog");
        ui.choose("field-lead_unit_id", &lead_name);
        ui.click("action-submit");
        ui.gone(&format!("console-row-{n}"));
    }
    // The notice, issued after confirming and saved as a PDF on A4 upright.
    ui.open_problem(first);
    ui.click("print-menu-button");
    ui.click_js("print-assignment_notice");
    ui.click_css(".el-message-box__btns .el-button--primary");
    ui.by("print-view");
    ui.wait_text("document-number", "〔");
    ui.wait_text("document-addressee", &lead_name);
    ui.shot("27-assignment-notice");
    let pdf = data.path().join("交办通知书.pdf");
    save_pdf(&ui, "print-pdf", &pdf, "27-assignment-notice-pdf");
    assert_eq!(pages_of(&pdf), 1, "one notice, one A4 page");
    ui.click("print-back");
    ui.wait_text("problem-number", first);

    // ---- The lead department's head: the day starts on the 待办; three items ticked in 待签收
    // and signed as one batch.
    ui.switch_user(head["login"].as_str().unwrap());
    ui.by("inbox-tabs");
    ui.shot("34-department-inbox");
    let to_sign = row_numbers(&ui, "inbox-row-");
    for n in &to_assign[..3] {
        assert!(to_sign.contains(n), "{n} waits in 待签收: {to_sign:?}");
        click_page(&ui, &format!("{} td.sel .el-checkbox", tid(&format!("inbox-row-{n}"))));
    }
    ui.wait_text("inbox-selected", "已选 3 项");
    ui.click("bulk-sign");
    ui.click("batch-submit");
    ui.wait_text("batch-summary", "已签收 3 件");
    ui.click("batch-close");
    for n in &to_assign[..3] {
        ui.gone(&format!("inbox-row-{n}"));
        let status = ui.invoke_directly("problem_detail", json!({ "problem": n }))["ok"]["problem"]["status"].clone();
        assert_eq!(status, json!("in_progress"), "{n} signed");
    }

    // ---- A township official: the day starts on the 待办; a visit recorded, then two problems
    // the company raised on it, the first with a photo of the site.
    ui.switch_user("cg_zhang");
    ui.by("todo-tabs");
    ui.shot("38-township-todo");
    ui.click("nav-visits");
    ui.click("visit-create");
    ui.fill("visit-enterprise", "城关");
    ui.click("visit-enterprise-option-0");
    ui.fill("visit-notes", "走访了解企业二季度生产经营情况，企业反映扩产用地和用工两方面困难");
    ui.click("visit-submit");
    ui.by("visit-saved");
    ui.click("visit-register-problem");
    ui.choose("reg-category", "用地");
    ui.fill("reg-description", "二期厂房扩建需新增用地约15亩，用地指标尚未落实，影响新生产线投产");
    ui.fill("reg-demand", "协调落实新增用地指标");
    let photo = data.path().join("厂区现场.png");
    let drawn = Command::new("convert")
        .args(["-size", "320x240", "gradient:#9ab973-#5d7f9e"])
        .arg(&photo)
        .status()
        .is_ok_and(|s| s.success());
    if !drawn {
        std::fs::write(&photo, TINY_PNG).unwrap();
    }
    ui.fill("attachment-path", &photo.display().to_string());
    ui.click("attachment-path-add");
    ui.by("picked-0");
    ui.click("reg-submit");
    let registered = |ui: &Ui| {
        ui.poll("the new problem's number", 30, || {
            if ui.exists("reg-error") {
                panic!("registration refused: {}", ui.text("reg-error"));
            }
            ui.exists("reg-result").then(|| ui.text("reg-result").trim().to_string()).filter(|n| n.contains("-城关-"))
        })
    };
    let one = registered(&ui);
    // 继续登记: the same company, the same visit, the next problem.
    ui.click("reg-again");
    ui.gone("reg-result");
    ui.choose("reg-category", "用工");
    ui.fill("reg-description", "新生产线投产需招聘技术工人约40名，本地招工困难");
    ui.fill("reg-demand", "协助对接职业院校和人社部门组织专场招聘");
    ui.click("reg-submit");
    let two = registered(&ui);
    assert_ne!(one, two);
    let visit_of =
        |n: &str| ui.invoke_directly("problem_detail", json!({ "problem": n }))["ok"]["problem"]["visit_id"].clone();
    let visit = visit_of(&one);
    assert_eq!(visit, visit_of(&two), "both problems from the one visit");
    let recorded = ui.invoke_directly("visit", json!({ "id": visit }))["ok"].clone();
    assert_eq!(recorded["id"], visit, "the problems name the visit");
    assert!(recorded["notes"].as_str().unwrap().contains("扩产用地"), "{recorded}");
    ui.open_problem(&one);
    // The photo went with the first problem, not the second.
    ui.wait(&format!("{} {}", tid("timeline-problem_registered"), tid("attachment-thumb")));
    ui.open_problem(&two);
    ui.by("timeline-problem_registered");
    assert!(ui
        .s
        .find_all("css selector", &format!("{} {}", tid("timeline-problem_registered"), tid("attachment-thumb")))
        .is_empty());

    // ---- A district leader: the day starts on the dashboard; a 批示 on an item signed today,
    // found again under 我的事项's 批示件. The bell holds what happened to the items of the
    // enterprises paired with them, tagged 包联企业.
    ui.switch_user("leader_zhao");
    std::thread::sleep(Duration::from_millis(1500));
    ui.shot("35-leader-dashboard");
    ui.by("bell");
    ui.click("bell");
    ui.wait(&format!("{} {}", tid("bell-list"), tid("notice-paired")));
    ui.shot("36-leader-bell");
    ui.click("bell");
    ui.open_problem(first);
    ui.act("instruct");
    ui.fill("field-text", "请区工信局会同相关部门加快办理，月底前反馈进展");
    ui.submit("办理中");
    ui.click("nav-mine");
    ui.wait_text("mine-instructed", first);
    ui.shot("37-leader-instructed");

    // ---- The 通报 of this month, saved as a PDF on A4 landscape, red and yellow cards per unit.
    ui.switch_user("office_wang");
    ui.click("nav-report");
    ui.by("report-title");
    ui.wait(&format!("{} {}", tid("report-departments"), tid("report-red")));
    // The view lays the 通报 out as sheets itself (docs/documents.md, "Pages"): the PDF has a
    // page for each sheet, numbered as on screen, a continued table's heading marked （续） on
    // the same page as on screen, the annex last.
    ui.wait(&format!("{}[data-sheets]", tid("report")));
    let read = "return Array.from(document.querySelectorAll('[data-testid=\"bulletin-sheet\"]'))
        .map(e => e.textContent.replace(/\\s+/g, ''));";
    let sheets = ui.s.call("POST", "/execute/sync", Some(json!({ "script": read, "args": [] }))).unwrap();
    let sheets: Vec<String> = sheets.as_array().unwrap().iter().map(|v| reads(v.as_str().unwrap())).collect();
    let report = data.path().join("通报.pdf");
    save_pdf(&ui, "report-pdf", &report, "28-bulletin-pdf");
    let pages = pages_of(&report);
    assert!(pages >= 3, "the 通报 runs over sheets, then its annex: {pages} pages");
    assert_eq!(pages, sheets.len(), "one PDF page a sheet");
    let mut continued = None;
    for (i, sheet) in sheets.iter().enumerate() {
        let n = i + 1;
        let text = page_text(&report, n);
        let number = reads(&format!("第 {n} 页 / 共 {pages} 页"));
        assert!(sheet.contains(&number), "sheet {n} is numbered {number}: {sheet}");
        assert!(text.contains(&number), "page {n} is numbered {number}: {text}");
        let goes_on = reads("（续）");
        assert_eq!(text.contains(&goes_on), sheet.contains(&goes_on), "page {n} is sheet {n}: {text}");
        if sheet.contains(&goes_on) && continued.is_none() {
            continued = Some(n);
        }
    }
    let annex = reads("附件");
    assert!(page_text(&report, pages).contains(&annex), "the annex is the last page");
    assert!(!page_text(&report, pages - 1).contains(&annex), "the annex has its page to itself");
    // A table going on from the page before: its heading marked, its header again.
    let continued = continued.expect("a table of the demo's 通报 runs over a page");
    let headers = [
        ("二、部门考核（牵头办理）（续）", "满意率"),
        ("三、部门考核（配合协办）（续）", "协办任务"),
        ("四、镇街走访与登记（续）", "走访次数"),
        ("五、问题类别（续）", "占比"),
        ("六、逾期未办清单（续）", "问题编号"),
    ];
    for (i, sheet) in sheets.iter().enumerate() {
        for (heading, header) in headers {
            let (heading, header) = (reads(heading), reads(header));
            if sheet.contains(&heading) {
                let text = page_text(&report, i + 1);
                assert!(
                    text.contains(&heading) && text.contains(&header),
                    "page {}: {heading} with {header}: {text}",
                    i + 1
                );
            }
        }
    }
    render_page(&ui, &report, continued, "28-bulletin-pdf-continued");
    render_page(&ui, &report, pages, "28-bulletin-pdf-annex");
    let _ = ui.s.call("DELETE", "", None);
}
