//! The `taizhang` CLI end to end on a real file: one problem's life through subcommands,
//! the required commands and their exit codes, errors on stderr with the file untouched.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

pub(crate) struct Cli {
    pub(crate) db: String,
    pub(crate) now: String,
}

impl Cli {
    pub(crate) fn new(dir: &Path) -> Cli {
        Cli { db: dir.join("ledger.db").display().to_string(), now: "2026-03-02T10:00:00+08:00".into() }
    }

    pub(crate) fn cmd(&self, user: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
        c.env("TAIZHANG_NOW", &self.now)
            .env_remove("TAIZHANG_AS")
            .env_remove("TAIZHANG_DB")
            .env_remove("TAIZHANG_LANG");
        c.arg("--db").arg(&self.db);
        if !user.is_empty() {
            c.arg("--as").arg(user);
        }
        c.args(args);
        c
    }

    pub(crate) fn ok(&self, user: &str, args: &[&str]) -> String {
        let out = self.cmd(user, args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    pub(crate) fn json(&self, user: &str, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(user, &a)).unwrap()
    }

    pub(crate) fn fails(&self, user: &str, args: &[&str], code: &str) {
        self.cmd(user, args).assert().failure().stderr(predicate::str::contains(format!("[{code}]")));
    }
}

#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_taizhang"))
        .args(["deadline", "2026-02-12", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the program writes (as `| head` does once it has its lines).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn deadline_and_credit_code_examples() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    assert_eq!(cli.ok("", &["deadline", "2026-02-12", "5"]).trim(), "2026-02-26");
    assert_eq!(cli.ok("", &["deadline", "2026-09-30", "5"]).trim(), "2026-10-13");
    let bin = env!("CARGO_BIN_EXE_taizhang");
    Command::new(bin).args(["credit-code", "91350100M000100Y43"]).assert().code(0);
    Command::new(bin).args(["credit-code", "91330106673959654P"]).assert().code(0);
    Command::new(bin)
        .args(["credit-code", "91350100M000100Y4Z"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("校验码"));
    Command::new(bin).args(["credit-code", "123"]).assert().code(2);
    cli.fails("", &["deadline", "2026-02-30", "5"], "input.bad_date");
}

#[test]
fn one_problem_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    assert!(cli.ok("", &["init"]).contains("admin"));
    cli.fails("", &["init"], "ledger.already_exists");
    for (name, short, kind) in [
        ("城关街道", "城关", "township"),
        ("工业和信息化局", "工信局", "department"),
        ("自然资源局", "资源局", "department"),
    ] {
        cli.ok("admin", &["unit", "add", name, "--short", short, "--kind", kind]);
    }
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.ok("admin", &["user", "add", "gx", "--name", "李四", "--unit", "工信局", "--role", "department"]);
    cli.ok("admin", &["user", "add", "zr", "--name", "王五", "--unit", "资源局", "--role", "department"]);
    let out = cli.json(
        "cg",
        &[
            "register",
            "--new-enterprise",
            "示范区恒达精密机械有限公司",
            "--credit-code",
            "91350100M000100Y43",
            "--category",
            "用地",
            "--description",
            "扩建用地指标未落实 <script>alert(1)</script>",
            "--demand",
            "协调用地指标",
        ],
    );
    let number = out["problem"].as_str().unwrap().to_string();
    assert_eq!(number, "2026-城关-0001");
    cli.fails("gx", &["sign", &number], "auth.forbidden");
    cli.fails("admin", &["close", &number], "workflow.invalid_state");
    cli.fails("cg", &["assign", &number, "--lead", "工信局"], "auth.forbidden");
    cli.fails("admin", &["assign", &number, "--lead", "工信局", "--supporter", "工信局"], "assign.supporter_is_lead");
    cli.ok("admin", &["assign", &number, "--lead", "工信局", "--supporter", "资源局"]);
    // The lead's bell: the assignment is new to it; --seen marks it read.
    let bell = cli.json("gx", &["notices"]);
    assert_eq!((bell["unread"].as_u64(), bell["items"][0]["kind"].as_str()), (Some(1), Some("assigned")));
    assert!(cli.ok("gx", &["notices", "--seen"]).contains("新交办"));
    assert_eq!(cli.json("gx", &["notices"])["unread"], 0);
    cli.fails("", &["notices"], "input.invalid");
    cli.fails("gx", &["return", &number, "--propose", "资源局"], "input.required");
    cli.ok("gx", &["return", &number, "--reason", "属资源局职责", "--propose", "资源局"]);
    cli.ok("admin", &["rule-return", &number, "--uphold", "--note", "维持"]);
    cli.ok("gx", &["sign", &number, "--handler", "李四"]);
    cli.fails("gx", &["resolve", &number, "--result", "已解决"], "resolve.opinions_missing");
    cli.ok("zr", &["opinion", &number, "--text", "可调剂指标"]);
    cli.fails(
        "gx",
        &["request-extension", &number, "--until", "2026-03-01", "--reason", "需审批"],
        "extension.not_later",
    );
    cli.ok("gx", &["request-extension", &number, "--until", "2026-04-10", "--reason", "需市级审批"]);
    cli.ok("admin", &["rule-extension", &number, "--approve"]);
    cli.ok("gx", &["resolve", &number, "--result", "已落实用地指标"]);
    cli.fails("cg", &["evaluate", &number, "--satisfaction", "不满意"], "input.required");
    cli.ok("cg", &["evaluate", &number, "--satisfaction", "不满意", "--comment", "面积不足"]);
    cli.ok("gx", &["resolve", &number, "--result", "已补足面积"]);
    cli.ok("cg", &["evaluate", &number, "--satisfaction", "满意"]);
    cli.ok("admin", &["close", &number]);

    let shown = cli.json("", &["problems", "show", &number]);
    assert_eq!(shown["problem"]["status"], "closed");
    assert_eq!(shown["problem"]["reopen_count"], 1);
    assert_eq!(shown["problem"]["description"], "扩建用地指标未落实 <script>alert(1)</script>", "stored as typed");
    let kinds: Vec<&str> = shown["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"problem_registered"));
    assert_eq!(kinds.iter().filter(|k| **k == "resolved").count(), 2);
    assert!(cli.ok("", &["problems", "show", &number]).contains("已销号"));

    let list = cli.json("", &["problems", "list", "--status", "已销号", "--search", "恒达"]);
    assert_eq!(list["total"], 1);
    let list = cli.json("", &["problems", "list", "--status", "registered"]);
    assert_eq!(list["total"], 0);

    let figures = cli.json("", &["figures", "--period", "2026-03"]);
    let gx = figures["departments"].as_array().unwrap().iter().find(|d| d["unit_name"] == "工业和信息化局").unwrap();
    assert_eq!(gx["lead"]["assigned"], 1);
    assert_eq!(gx["lead"]["resolved"], 2);
    assert_eq!(gx["lead"]["returns_upheld"], 1);
    assert_eq!(gx["lead"]["reopened"], 1);
    for period in ["2026-03-上旬", "2026-Q1", "2026", "2026-03-01..2026-03-15"] {
        cli.json("", &["figures", "--period", period]);
    }
    cli.fails("", &["figures", "--period", "2026-13"], "period.bad_format");

    assert!(cli.ok("", &["verify"]).contains("链完整"));
    assert!(cli.ok("admin", &["rebuild"]).contains("完全一致"));
    assert!(cli.ok("", &["problems", "list"]).contains(&number));
}

#[test]
fn errors_leave_the_file_untouched_and_foreign_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    let count = || -> i64 {
        rusqlite::Connection::open(&cli.db).unwrap().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
    };
    let before = count();
    cli.fails("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"], "input.duplicate");
    cli.fails("nobody", &["unit", "add", "西山镇", "--short", "西山", "--kind", "township"], "auth.unknown_user");
    cli.fails("", &["unit", "add", "西山镇", "--short", "西山", "--kind", "township"], "input.invalid");
    cli.fails("admin", &["close", "2026-城关-9999"], "not_found");
    assert_eq!(count(), before);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "不是台账").unwrap();
    let c = Cli { db: text.display().to_string(), now: cli.now.clone() };
    c.fails("", &["verify"], "ledger.not_a_ledger");
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "不是台账");
    let missing = Cli { db: dir.path().join("missing.db").display().to_string(), now: cli.now.clone() };
    missing.fails("", &["problems", "list"], "ledger.no_such_file");

    // With --json, errors are machine-readable on stderr.
    let out = cli.cmd("admin", &["close", "nope", "--json"]).assert().failure();
    let err: Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn demo_district_verifies_and_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { db: dir.path().join("demo.db").display().to_string(), now: "2026-11-30T10:00:00+08:00".into() };
    let report = cli.json("", &["demo"]);
    assert!(report["problems"].as_u64().unwrap() >= 500);
    assert!(report["enterprises"].as_u64().unwrap() >= 100);
    cli.ok("", &["verify"]);
    assert!(cli.ok("admin", &["rebuild"]).contains("完全一致"));
    let list = cli.json("", &["problems", "list", "--overdue"]);
    assert!(list["total"].as_u64().unwrap() > 0);
    cli.ok("", &["figures", "--period", "2026"]);
}

#[test]
fn import_a_ledger_sheet_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    let sheet = dir.path().join("城关台账.csv");
    std::fs::write(
        &sheet,
        "2026年城关街道企业问题台账\n序号,企业名称,所属镇(街道),存在问题,问题类别,反映时间,主办单位,协办单位,办理时限,是否办结\n\
         1,示范区恒达精密机械有限公司,城关街道,扩建厂房用地指标未落实,用地,2026年2月25日,区自然资源局,区工信局、区住建局,15个工作日,否\n\
         2,东湖食品有限公司,城关街道,招工难,用工,2026/2/26,区人社局,,10个工作日,是\n\
         合计,2\n",
    )
    .unwrap();
    let file = sheet.display().to_string();

    let preview = cli.json("admin", &["import", "ledger", &file, "--dry-run"]);
    assert_eq!(preview["rows_new"], 2);
    assert_eq!(preview["header_row"], 2);
    assert_eq!(preview["can_commit"], true);
    let human = cli.ok("admin", &["import", "ledger", &file, "--dry-run"]);
    assert!(human.contains("主办单位 → 牵头单位"), "{human}");
    assert!(human.contains("区自然资源局 → 新建（部门）"), "{human}");
    assert!(human.contains("未写入"), "{human}");
    assert_eq!(cli.json("admin", &["problems", "list"])["total"], 0, "a dry run writes nothing");

    let done = cli.json("admin", &["import", "ledger", &file]);
    assert_eq!(done["preview"]["rows_new"], 2);
    let list = cli.json("admin", &["problems", "list"]);
    assert_eq!(list["total"], 2);
    let again = cli.ok("admin", &["import", "ledger", &file]);
    assert!(again.contains("已有（跳过）2"), "{again}");
    assert_eq!(cli.json("admin", &["problems", "list"])["total"], 2);
    assert!(cli.ok("", &["verify"]).contains("链完整"));

    // A township may not import; a file that is no sheet is named as such; the file is untouched.
    let before = std::fs::read(&cli.db).unwrap();
    cli.fails("cg_none", &["import", "ledger", &file], "auth.unknown_user");
    let pdf = dir.path().join("通知.pdf");
    std::fs::write(&pdf, "%PDF").unwrap();
    cli.fails("admin", &["import", "ledger", &pdf.display().to_string()], "import.not_a_spreadsheet");
    cli.fails("admin", &["import", "ledger", &file, "--column", "9=lead_unit"], "input.invalid");
    assert_eq!(std::fs::read(&cli.db).unwrap(), before);
}

#[test]
fn import_a_sheet_in_its_own_words_from_the_cli_mapping_categories_by_flag() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    let sheet = dir.path().join("西山台账.csv");
    std::fs::write(
        &sheet,
        "序号,企业名称,所属乡镇,企业提出的困难问题和诉求,问题归类,反映日期,区级牵头单位,主要承办人,完成期限,目前推进情况,联络员\n\
         1,示范区恒达精密机械有限公司,城关街道,扩建厂房用地指标未落实,园区配套类,2026-02-25 00:00:00,区自然资源局,李明,2026-04-23 00:00:00,已现场踏勘,王五\n\
         2,东湖食品有限公司,城关街道,招工难,人才引进,20260226,区人社局,,15个工作日,,王五\n\
         3,东湖食品有限公司,城关街道,冷库用电增容,科技创新,2026/2/27 0:00,区发改局,张华,2026/4/30,,王五\n",
    )
    .unwrap();
    let file = sheet.display().to_string();

    // The headers need no --column; the preview says how each was matched and what is left out.
    let human = cli.ok(
        "admin",
        &["import", "ledger", &file, "--dry-run", "--category", "人才引进=用工", "--add-category", "科技创新"],
    );
    assert!(human.contains("企业提出的困难问题和诉求 → 问题描述（合并列；另含“企业诉求”，未导入）"), "{human}");
    assert!(human.contains("主要承办人 → 责任人（按含义）"), "{human}");
    assert!(human.contains("联络员（3 行有数据）：无法识别表头"), "{human}");
    assert!(human.contains("园区配套类 → 基础设施/园区配套（按含义，1 行）"), "{human}");

    // Unmapped categories refuse the import and write nothing.
    let before = std::fs::read(&cli.db).unwrap();
    cli.fails("admin", &["import", "ledger", &file], "import.has_errors");
    assert_eq!(std::fs::read(&cli.db).unwrap(), before);
    cli.fails("admin", &["import", "ledger", &file, "--category", "人才引进"], "input.invalid");

    let done =
        cli.json("admin", &["import", "ledger", &file, "--category", "人才引进=用工", "--add-category", "科技创新"]);
    assert_eq!(done["preview"]["rows_new"], 3);
    let list = cli.json("admin", &["problems", "list"]);
    let mut categories: Vec<String> =
        list["rows"].as_array().unwrap().iter().map(|p| p["category"].as_str().unwrap().to_string()).collect();
    categories.sort();
    assert_eq!(categories, vec!["基础设施/园区配套", "用工", "科技创新"]);
    assert!(cli.ok("", &["verify"]).contains("链完整"));
}

#[test]
fn export_the_ledger_and_a_report_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    cli.now = "2026-06-15T10:00:00+08:00".into();
    cli.ok("", &["demo", "--problems", "80", "--seed", "5", "--days", "90"]);
    let xlsx = dir.path().join("台账.xlsx").display().to_string();
    let out = cli.ok("admin", &["export", "ledger", &xlsx]);
    assert!(out.contains("已导出 80 行"), "{out}");
    let overdue = dir.path().join("超期.csv").display().to_string();
    let summary = cli.json("admin", &["export", "ledger", &overdue, "--overdue"]);
    let listed = cli.json("admin", &["problems", "list", "--overdue", "--page-size", "1000"]);
    assert_eq!(summary["rows"], listed["total"]);
    let text = std::fs::read(&overdue).unwrap();
    assert!(text.starts_with(b"\xEF\xBB\xBF"), "CSV carries a BOM for Excel");
    let report = dir.path().join("月报.xlsx").display().to_string();
    cli.ok("admin", &["export", "report", "--period", "2026-05", &report]);
    assert!(std::fs::metadata(&report).unwrap().len() > 0);
    let missing = dir.path().join("没有的目录").join("x.xlsx").display().to_string();
    cli.fails("admin", &["export", "ledger", &missing], "export.no_directory");
    cli.fails("admin", &["export", "report", "--period", "2026-13", &report], "period.bad_format");
}

#[test]
fn back_up_and_restore_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    let backup = dir.path().join("备份 2026-03-02.db").display().to_string();
    let out = cli.ok("admin", &["backup", &backup]);
    assert!(out.contains("已备份到"), "{out}");
    cli.ok("admin", &["unit", "add", "西山镇", "--short", "西山", "--kind", "township"]);
    // The backup lacks the unit added since: said so, and restored only when confirmed.
    cli.fails("admin", &["restore", &backup], "restore.older_backup");
    let restored = cli.json("admin", &["restore", &backup, "--yes"]);
    assert!(restored["kept_as"].as_str().unwrap().contains("ledger.replaced-"));
    let units = cli.ok("", &["unit", "list"]);
    assert!(units.contains("城关街道") && !units.contains("西山镇"), "{units}");
    let not_a_backup = dir.path().join("x.db");
    std::fs::write(&not_a_backup, "not sqlite").unwrap();
    let before = std::fs::read(&cli.db).unwrap();
    cli.fails("admin", &["restore", &not_a_backup.display().to_string()], "ledger.not_a_ledger");
    assert_eq!(std::fs::read(&cli.db).unwrap(), before);
}

/// Long work draws a progress bar only on a terminal. Through a pipe (as here, in scripts and
/// CI) stderr holds at most plain progress lines, never a cursor movement or a carriage
/// return, and with `--json` stdout is one JSON document and stderr is empty.
#[test]
fn long_work_prints_plain_progress_or_nothing_through_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli { db: dir.path().join("demo.db").display().to_string(), now: "2026-06-15T10:00:00+08:00".into() };
    let clean = |bytes: &[u8]| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(!text.contains('\u{1b}') && !text.contains('\r'), "terminal control in {text:?}");
        text
    };
    let run = |cli: &Cli, user: &str, args: &[&str]| {
        let out = cli.cmd(user, args).env_remove("TAIZHANG_PROGRESS").assert().success();
        let o = out.get_output();
        (clean(&o.stdout), clean(&o.stderr))
    };

    let (_, err) = run(&cli, "", &["demo", "--problems", "120", "--seed", "7", "--days", "90"]);
    assert!(err.lines().all(|l| l.starts_with("生成演示数据… ") && l.contains('%')), "{err}");
    assert!(err.contains("生成演示数据… 100%"), "{err}");

    let sheet = dir.path().join("大表.csv");
    let mut csv = String::from("序号,企业名称,所属镇(街道),存在问题,问题类别,反映时间,主办单位,办理时限\n");
    for i in 1..=600 {
        csv.push_str(&format!(
            "{i},测试企业{i}有限公司,城关街道,第{i}个问题,用地,2026-05-20,区自然资源局,15个工作日\n"
        ));
    }
    std::fs::write(&sheet, csv).unwrap();
    let sheet = sheet.display().to_string();
    let xlsx = dir.path().join("台账.xlsx").display().to_string();
    let csv_out = dir.path().join("台账.csv").display().to_string();

    for json in [false, true] {
        let with = |args: &[&str]| {
            let mut a = args.to_vec();
            if json {
                a.push("--json");
            }
            a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        };
        let mut results = Vec::new();
        for (user, args) in [
            ("", with(&["verify"])),
            ("admin", with(&["rebuild"])),
            ("admin", with(&["import", "ledger", &sheet, "--dry-run"])),
            ("admin", with(&["export", "ledger", &xlsx, "--force"])),
            ("admin", with(&["export", "ledger", &csv_out, "--force"])),
            ("admin", with(&["export", "report", "--period", "2026-05", &xlsx, "--force"])),
        ] {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            results.push((args.join(" "), run(&cli, user, &args)));
        }
        if !json {
            let (_, err) = run(&cli, "admin", &["import", "ledger", &sheet]);
            assert!(err.contains("导入中… 100%"), "an import of 600 rows says how far it is: {err}");
            assert!(err.lines().all(|l| l.starts_with("导入中… ")), "{err}");
        }
        for (what, (out, err)) in results {
            if json {
                serde_json::from_str::<Value>(&out)
                    .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {out}"));
                assert_eq!(err, "", "{what}: nothing on stderr with --json");
            } else {
                // Below the sizes worth a line (a few thousand rows, 100,000 events) stderr is empty.
                assert_eq!(err, "", "{what}");
                assert!(!out.is_empty(), "{what}");
            }
        }
    }
    cli.now = "2026-06-16T10:00:00+08:00".into();
    assert!(cli.ok("", &["verify"]).contains("链完整"));
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Dates out of range, a deactivated unit's users and an imported number, from the CLI
/// (docs/reliability.md, "Dates out of range, inactive units, imported numbers").
#[test]
fn dates_out_of_range_inactive_units_and_imported_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    // A ledger begun with the clock at year 9999 or −1 is refused before the file exists.
    for bad in ["9999-06-01T10:00:00+08:00", "-0001-06-01"] {
        cli.now = bad.into();
        cli.fails("", &["init"], "clock.out_of_range");
        assert!(!Path::new(&cli.db).exists(), "no file is left behind");
    }
    cli.now = "2026-03-02T10:00:00+08:00".into();
    cli.ok("", &["init"]);
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    let register = |raised: Option<&str>| {
        let mut a = vec![
            "register",
            "--new-enterprise",
            "示范区恒达精密机械有限公司",
            "--category",
            "用地",
            "--description",
            "用地指标未落实",
        ];
        if let Some(r) = raised {
            a.push(r);
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let before = std::fs::read(&cli.db).unwrap();
    for raised in ["--raised-on=-0001-01-01", "--raised-on=1999-12-31"] {
        cli.fails("cg", &args(&register(Some(raised))), "input.date_out_of_range");
    }
    // A date after today is refused by the earlier rule.
    cli.fails("cg", &args(&register(Some("--raised-on=+10000-01-01"))), "input.invalid");
    // Any write with the clock outside the range.
    cli.now = "9999-06-01T10:00:00+08:00".into();
    cli.fails("cg", &args(&register(None)), "clock.out_of_range");
    cli.fails("admin", &["unit", "add", "西山镇", "--short", "西山", "--kind", "township"], "clock.out_of_range");
    cli.now = "2026-03-02T10:00:00+08:00".into();
    assert_eq!(std::fs::read(&cli.db).unwrap(), before, "a refused command writes nothing");

    // The sheet's own numbers, one far ahead in this year and one of next year.
    let sheet = dir.path().join("台账.csv");
    std::fs::write(
        &sheet,
        "问题编号,企业名称,所属镇(街道),存在问题,问题类别,反映时间\n\
         2026-城关-9999,示范区恒达精密机械有限公司,城关街道,招工难,用工,2026/2/26\n\
         2027-城关-0001,示范区恒达精密机械有限公司,城关街道,融资难,融资,2026/2/27\n",
    )
    .unwrap();
    cli.ok("admin", &["import", "ledger", &sheet.display().to_string()]);
    let out = cli.json("cg", &args(&register(None)));
    assert_eq!(out["problem"], "2026-城关-0001", "an imported number does not steer the sequence");
    cli.now = "2027-01-04T10:00:00+08:00".into();
    let out = cli.json("cg", &args(&register(None)));
    assert_eq!(out["problem"], "2027-城关-0002", "the imported 2027-城关-0001 keeps its number");
    // The clock stays in 2027: an act dated before the ledger's latest event is refused.

    // A deactivated unit's users are refused, in sign-in (`--as`) and in every command.
    cli.ok("admin", &["unit", "update", "城关", "--active", "false"]);
    cli.fails("cg", &args(&register(None)), "auth.unit_inactive");
    cli.ok("admin", &["unit", "update", "城关", "--active", "true"]);
    cli.ok("cg", &args(&register(None)));
}

/// `TAIZHANG_NOW` pins the clock for tests and examples; it cannot date an act before the
/// ledger's history (docs/reliability.md, "History that can be bent"). `verify --full`
/// replays every event through the rules.
#[test]
fn the_pinned_clock_cannot_backdate_and_the_full_verify_passes() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    cli.now = "2026-02-02T10:00:00+08:00".into();
    cli.ok("", &["init"]);
    for (name, short, kind) in [("城关街道", "城关", "township"), ("工业和信息化局", "工信局", "department")]
    {
        cli.ok("admin", &["unit", "add", name, "--short", short, "--kind", kind]);
    }
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.ok("admin", &["user", "add", "gx", "--name", "李四", "--unit", "工信局", "--role", "department"]);
    cli.now = "2026-02-03T10:00:00+08:00".into();
    let out = cli.json(
        "cg",
        &[
            "register",
            "--new-enterprise",
            "示范区恒达精密机械有限公司",
            "--category",
            "用地",
            "--description",
            "扩建用地指标未落实",
        ],
    );
    let number = out["problem"].as_str().unwrap().to_string();
    cli.ok("admin", &["assign", &number, "--lead", "工信局"]);
    cli.ok("gx", &["sign", &number]);
    cli.now = "2026-02-28".into();
    cli.ok("admin", &["urge", &number, "--level", "yellow", "--notice", "请加快办理"]);
    cli.now = "2026-03-05".into();
    cli.ok("admin", &["urge", &number, "--level", "red", "--notice", "已逾期"]);
    cli.now = "2026-02-20".into();
    cli.fails("gx", &["resolve", &number, "--result", "已落实用地指标"], "event.time_before_history");
    cli.now = "2026-03-06".into();
    cli.ok("gx", &["resolve", &number, "--result", "已落实用地指标"]);
    let report = cli.json("", &["verify", "--full"]);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["replayed"], report["chain"]["events"]);
    assert!(cli.ok("", &["verify", "--full"]).contains("规则重放通过"));
}

/// Issue 14: an export aimed at the ledger (by any name), a FIFO or an existing file is refused
/// and leaves it as it was; `--force` replaces a plain file, never the ledger.
#[test]
fn exports_and_backups_never_destroy_the_ledger_or_a_non_file() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    let before = std::fs::read(&cli.db).unwrap();
    let dotted = dir.path().join(".").join("ledger.db").display().to_string();
    let wal = format!("{}-wal", cli.db);
    for target in [cli.db.as_str(), dotted.as_str(), wal.as_str()] {
        cli.fails("", &["export", "ledger", target], "output.target_is_open_ledger");
        cli.fails("", &["export", "ledger", target, "--force"], "output.target_is_open_ledger");
        cli.fails(
            "admin",
            &["export", "report", "--period", "2026-03", target, "--force"],
            "output.target_is_open_ledger",
        );
        cli.fails("admin", &["backup", target, "--force"], "output.target_is_open_ledger");
    }
    assert_eq!(std::fs::read(&cli.db).unwrap(), before, "the ledger is untouched");
    let backup = dir.path().join("b.db").display().to_string();
    cli.ok("admin", &["backup", &backup]);
    cli.fails("admin", &["backup", &backup, "--force"], "output.target_is_ledger");
    cli.fails("", &["export", "ledger", &backup, "--force"], "output.target_is_ledger");
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.xlsx");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let fifo = fifo.display().to_string();
        cli.fails("", &["export", "ledger", &fifo, "--force"], "output.not_a_regular_file");
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");
    }
    let existing = dir.path().join("台账.csv");
    std::fs::write(&existing, "mine").unwrap();
    let existing = existing.display().to_string();
    cli.fails("", &["export", "ledger", &existing], "output.exists");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine");
    cli.ok("", &["export", "ledger", &existing, "--force"]);
    assert!(std::fs::read(&existing).unwrap().starts_with(b"\xEF\xBB\xBF"), "replaced by the export");
}

/// Issue 14: backup, restore, rebuild and the report ask the core's capabilities of the acting
/// user, as the window does.
#[test]
fn office_tools_ask_who_acts() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    cli.ok("admin", &["unit", "add", "城关街道", "--short", "城关", "--kind", "township"]);
    cli.ok("admin", &["unit", "add", "区政府领导", "--short", "区领导", "--kind", "leadership"]);
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.ok("admin", &["user", "add", "ld", "--name", "孙区长", "--unit", "区领导", "--role", "leader"]);
    let backup = dir.path().join("b.db").display().to_string();
    let report = dir.path().join("r.xlsx").display().to_string();
    cli.fails("", &["backup", &backup], "input.invalid");
    for args in [
        vec!["backup", backup.as_str()],
        vec!["rebuild"],
        vec!["export", "report", "--period", "2026-03", report.as_str()],
    ] {
        cli.fails("cg", &args, "auth.forbidden");
    }
    assert!(!Path::new(&backup).exists() && !Path::new(&report).exists());
    cli.fails("ld", &["backup", &backup], "auth.forbidden");
    cli.ok("ld", &["rebuild"]);
    cli.ok("ld", &["export", "report", "--period", "2026-03", &report]);
    cli.ok("admin", &["backup", &backup]);
    let before = std::fs::read(&cli.db).unwrap();
    cli.fails("cg", &["restore", &backup, "--force"], "auth.forbidden");
    cli.fails("", &["restore", &backup, "--force"], "input.invalid");
    assert_eq!(std::fs::read(&cli.db).unwrap(), before);
    cli.ok("admin", &["restore", &backup]);
}

/// Issue 14: a backup of another district's ledger is refused without --force.
#[test]
fn restoring_another_districts_backup_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    let other = Cli { db: dir.path().join("other.db").display().to_string(), now: cli.now.clone() };
    other.ok("", &["init"]);
    let foreign = dir.path().join("other-backup.db").display().to_string();
    other.ok("admin", &["backup", &foreign]);
    let before = std::fs::read(&cli.db).unwrap();
    cli.fails("admin", &["restore", &foreign], "restore.foreign_ledger");
    assert_eq!(std::fs::read(&cli.db).unwrap(), before);
    let out = cli.json("admin", &["restore", &foreign, "--force"]);
    assert!(out["kept_as"].as_str().is_some());
}

#[test]
fn key_enterprises_overdue_for_a_visit_at_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    for (name, short) in [("城关街道", "城关"), ("西山镇", "西山")] {
        cli.ok("admin", &["unit", "add", name, "--short", short, "--kind", "township"]);
    }
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.ok("cg", &["enterprise", "add", "城关重点企业", "--key-level", "district", "--steward", "李干部"]);
    cli.ok("admin", &["enterprise", "add", "西山重点企业", "--township", "西山", "--key-level", "district"]);
    cli.ok("cg", &["enterprise", "add", "城关一般企业"]);
    assert!(cli.ok("", &["enterprise", "unvisited"]).contains("没有超期未走访的重点企业"));

    // 31 days on, both 区级重点 firms are due; the township official sees their own.
    cli.now = "2026-04-02T10:00:00+08:00".into();
    let all = cli.json("", &["enterprise", "unvisited"]);
    let names: Vec<&str> = all.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["城关重点企业", "西山重点企业"]);
    assert_eq!(all[0]["overdue"]["days_since"], 31);
    let own = cli.ok("cg", &["enterprise", "unvisited"]);
    assert!(own.contains("城关重点企业") && own.contains("李干部") && own.contains("从未走访"), "{own}");
    assert!(!own.contains("西山重点企业"), "{own}");
    assert!(cli.ok("", &["enterprise", "unvisited", "--township", "西山"]).contains("西山重点企业"));
    cli.fails("", &["enterprise", "unvisited", "--township", "东山"], "not_found");
}
