//! `taizhang import visits` and `taizhang template visits` on a real file: the template comes
//! out with the district's categories; a sheet with one bad row is refused whole (exit 1, the
//! row named, not one event written); the corrected sheet records exactly one event per visit
//! and per problem; importing it again writes nothing.

use crate::cli::Cli;

fn events(cli: &Cli) -> Vec<String> {
    let conn = rusqlite::Connection::open(&cli.db).unwrap();
    let mut st = conn.prepare("SELECT kind FROM events ORDER BY seq").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn district(cli: &Cli) {
    cli.ok("", &["init"]);
    for (name, short) in [("城关街道", "城关"), ("西山镇", "西山")] {
        cli.ok("admin", &["unit", "add", name, "--short", short, "--kind", "township"]);
    }
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.ok(
        "admin",
        &[
            "enterprise",
            "add",
            "示范区恒达精密机械有限公司",
            "--credit-code",
            "91350100M000100Y43",
            "--township",
            "城关",
        ],
    );
    cli.ok("admin", &["enterprise", "add", "西山新材料科技有限公司", "--township", "西山"]);
}

#[test]
fn a_township_imports_its_visit_sheet_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    cli.now = "2026-03-20T10:00:00+08:00".into();
    district(&cli);

    let template = dir.path().join("走访模板.xlsx");
    let t = template.display().to_string();
    assert!(cli.ok("cg", &["template", "visits", &t]).contains("走访记录导入模板"));
    let wb = sheet_rows(&template, "填写说明");
    assert!(wb.iter().flatten().any(|c| c == "审批/政务服务"), "the district's categories are listed");
    cli.fails("cg", &["template", "visits", &t], "output.exists");
    cli.ok("cg", &["template", "visits", &t, "--force"]);

    let header = "企业名称,统一社会信用代码,走访日期,走访人,走访方式,问题描述,企业诉求,问题类别\n";
    let good = "示范区恒达精密机械有限公司,,2026-03-02,张三、王五,实地走访,流动资金紧张,协调授信,融资\n\
                ,,,,,厂房用地指标未落实,协调用地,用地\n\
                ,91350100M000100Y43,2026-03-16,张三,电话,,,\n";
    let bad = "西山新材料科技有限公司,,2026-03-03,张三,,,,\n";
    let sheet = dir.path().join("走访记录.csv");
    let file = sheet.display().to_string();
    std::fs::write(&sheet, format!("{header}{good}{bad}")).unwrap();
    let before = events(&cli);

    let out = cli.cmd("cg", &["import", "visits", &file, "--dry-run"]).assert().failure();
    let human = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(human.contains("第5行［企业名称］“西山新材料科技有限公司” 错误"), "{human}");
    assert!(human.contains("[import.visits.other_township]"), "{human}");
    assert!(human.contains("走访日期 → 走访日期"), "{human}");
    assert!(
        human.contains("第2行 走访1　示范区恒达精密机械有限公司 2026-03-02 张三、王五　记录走访并登记问题"),
        "{human}"
    );
    cli.fails("cg", &["import", "visits", &file], "import.has_errors");
    assert_eq!(events(&cli), before, "a bad row writes nothing");

    std::fs::write(&sheet, format!("{header}{good}")).unwrap();
    let preview = cli.json("cg", &["import", "visits", &file, "--dry-run"]);
    assert_eq!((preview["visits_new"].as_u64(), preview["problems_new"].as_u64()), (Some(2), Some(2)));
    assert_eq!(events(&cli), before, "a dry run writes nothing");
    let done = cli.json("cg", &["import", "visits", &file]);
    assert_eq!(done["events"], 4);
    let after = events(&cli);
    assert_eq!(after[before.len()..], ["visit_recorded", "problem_registered", "problem_registered", "visit_recorded"]);
    let list = cli.json("cg", &["problems", "list"]);
    assert_eq!(list["total"], 2);

    let again = cli.ok("cg", &["import", "visits", &file]);
    assert!(again.contains("写入事件 0 个"), "{again}");
    assert_eq!(events(&cli), after);
    assert!(cli.ok("", &["verify"]).contains("链完整"));
}

fn sheet_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    taizhang_exchange::sheet::read_workbook(path, Some(sheet)).unwrap().sheet.rows
}

/// `visit list`: newest first, a township official's own township's, `--township` for anyone,
/// a page with `--offset` and `--limit`, and the count of all of them.
#[test]
fn visit_list_is_scoped_newest_first_and_paged() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    cli.now = "2026-03-20T10:00:00+08:00".into();
    district(&cli);
    cli.ok("admin", &["user", "add", "xs", "--name", "李四", "--unit", "西山", "--role", "township"]);
    for (by, firm, date) in [
        ("cg", "示范区恒达精密机械有限公司", "2026-03-02"),
        ("xs", "西山新材料科技有限公司", "2026-03-05"),
        ("cg", "示范区恒达精密机械有限公司", "2026-03-09"),
        ("cg", "示范区恒达精密机械有限公司", "2026-03-01"),
    ] {
        cli.ok(by, &["visit", "add", "--enterprise", firm, "--date", date, "--visitors", by]);
    }
    let dates = |user: &str, args: &[&str]| -> Vec<String> {
        let v = cli.json(user, &[&["visit", "list"], args].concat());
        v.as_array().unwrap().iter().map(|v| v["date"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(dates("admin", &[]), ["2026-03-09", "2026-03-05", "2026-03-02", "2026-03-01"]);
    assert_eq!(dates("cg", &[]), ["2026-03-09", "2026-03-02", "2026-03-01"], "城关's own");
    assert_eq!(dates("admin", &["--township", "西山"]), ["2026-03-05"]);
    assert_eq!(dates("cg", &["--offset", "1", "--limit", "1"]), ["2026-03-02"]);
    let table = cli.ok("cg", &["visit", "list", "--limit", "2"]);
    assert!(table.contains("共 3 条，第 1–2 条"), "{table}");
}
