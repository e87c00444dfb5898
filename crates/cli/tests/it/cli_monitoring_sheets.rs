//! `export monthly-report|production|projects|warnings` and `import indicators` end to end on
//! a small demo ledger: each workbook is written and reads back; an indicator sheet (CSV, the
//! month in its title) is previewed, refused whole while a row is wrong, then recorded.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

struct Cli {
    db: String,
}

impl Cli {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
        c.env("TAIZHANG_NOW", "2026-12-07T10:00:00+08:00")
            .env_remove("TAIZHANG_AS")
            .env_remove("TAIZHANG_DB")
            .env_remove("TAIZHANG_LANG");
        c.arg("--db").arg(&self.db).args(args);
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        String::from_utf8(self.cmd(args).assert().success().get_output().stdout.clone()).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).unwrap()
    }
}

fn cells(path: &Path) -> Vec<Vec<String>> {
    taizhang_exchange::sheet::read_workbook(path, None).unwrap().sheet.rows
}

#[test]
fn monitoring_reports_export_and_an_indicator_sheet_imports() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { db: dir.path().join("demo.db").display().to_string() };
    cli.ok(&["demo", "--problems", "45", "--days", "60"]);
    let out = |name: &str| dir.path().join(name).display().to_string();

    let m = cli.json(&["export", "monthly-report", "--month", "2026-11", &out("月报.xlsx")]);
    let rows = cells(Path::new(&out("月报.xlsx")));
    assert!(rows[0][0].contains("重点企业主要经济指标月报（2026年11月）"));
    let shown = rows.iter().filter(|r| r.get(1).is_some_and(|c| c.ends_with("公司"))).count();
    assert_eq!(m["rows"].as_u64().unwrap() as usize, shown, "every key enterprise has its row");
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "未报")));
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "示范区合计")));

    cli.ok(&["export", "production", "--month", "2026-11", "--xun", "下旬", &out("旬报.xlsx")]);
    assert!(cells(Path::new(&out("旬报.xlsx")))[0][0].contains("2026年11月下旬"));
    cli.ok(&["export", "projects", "--month", "2026-11", &out("项目.xlsx")]);
    assert!(cells(Path::new(&out("项目.xlsx"))).iter().any(|r| r.iter().any(|c| c == "滞后")));
    let w = cli.json(&["export", "warnings", "--open", &out("预警.xlsx")]);
    assert!(w["rows"].as_u64().unwrap() > 0);
    cli.cmd(&["export", "warnings", &out("预警.xlsx")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("[output.exists]"));

    // An indicator sheet: two key enterprises and one that is not key.
    let report = cli.json(&["indicator", "show", "--month", "2026-11"]);
    let key: Vec<String> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["reported"].as_bool().unwrap())
        .map(|r| r["enterprise"]["name"].as_str().unwrap().to_string())
        .take(2)
        .collect();
    let all = cli.json(&["enterprise", "list"]);
    let general = all.as_array().unwrap().iter().find(|e| e["key_level"] == "general").unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let sheet = dir.path().join("指标.csv");
    let write = |rows: &[&String]| {
        let mut text = String::from(
            "重点企业主要经济指标月报（2026年11月）,,,\n企业名称,工业总产值(千元)本月,用电量本月,工业总产值同比%\n",
        );
        for (i, name) in rows.iter().enumerate() {
            text.push_str(&format!("{name},\"1{i},000\",８８.５,3.2\n"));
        }
        std::fs::write(&sheet, text).unwrap();
    };
    write(&[&key[0], &general, &key[1]]);
    let file = sheet.display().to_string();
    let preview = cli.cmd(&["import", "indicators", &file, "--dry-run"]).assert().failure();
    let text = String::from_utf8(preview.get_output().stdout.clone()).unwrap();
    assert!(text.contains("第4行"), "{text}");
    assert!(text.contains("monitoring.not_key_enterprise"), "{text}");
    assert!(text.contains("不是重点企业"), "{text}");
    cli.cmd(&["--as", "admin", "import", "indicators", &file])
        .assert()
        .failure()
        .stderr(predicate::str::contains("[import.has_errors]"));
    let still = cli.json(&["indicator", "show", "--month", "2026-11"]);
    assert_eq!(still, report, "nothing was written");

    write(&[&key[0], &key[1]]);
    let p = cli.json(&["import", "indicators", &file, "--dry-run"]);
    assert_eq!(p["month"], serde_json::json!({ "year": 2026, "month": 11 }));
    assert_eq!(p["can_commit"], true);
    let done = cli.json(&["--as", "admin", "import", "indicators", &file]);
    assert!(done["events"].as_u64().unwrap() >= 2);
    let after = cli.json(&["indicator", "show", "--month", "2026-11"]);
    let row = after["rows"].as_array().unwrap().iter().find(|r| r["enterprise"]["name"] == key[0].as_str()).unwrap();
    assert_eq!(row["reported"], true);
    // 10,000 千元 is 1,000 万元 (amounts are hundredths).
    assert_eq!(row["figures"][0]["value"], 100_000);
}
