//! Monitoring at the command line (docs/monitoring.md): a township reports its key
//! enterprises' months and a 旬; the month's report with totals and who did not report; the
//! warnings raised, one handled with a visit, one turned into a problem; a key project and its
//! progress; refusals with their codes, the file untouched.

use serde_json::Value;

use crate::cli::Cli;

fn warning_ids(v: &Value, rule: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == rule && w["open"] == true)
        .map(|w| w["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_township_reports_and_the_office_watches_at_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut cli = Cli::new(dir.path());
    cli.ok("", &["init"]);
    for (name, short) in [("城关街道", "城关"), ("西山镇", "西山")] {
        cli.ok("admin", &["unit", "add", name, "--short", short, "--kind", "township"]);
    }
    cli.ok("admin", &["unit", "add", "工业和信息化局", "--short", "工信局", "--kind", "department"]);
    cli.ok("admin", &["user", "add", "cg", "--name", "张三", "--unit", "城关", "--role", "township"]);
    cli.ok(
        "cg",
        &["enterprise", "add", "城关精密机械有限公司", "--key-level", "district", "--paired-leader", "赵区长"],
    );
    cli.ok("admin", &["enterprise", "add", "西山新材料有限公司", "--township", "西山", "--key-level", "district"]);
    cli.ok("cg", &["enterprise", "add", "城关五金店"]);

    // February and March below last year (entered as 上年同期): 黄, then 橙 two months running.
    cli.now = "2026-03-05T10:00:00+08:00".into();
    let firm = "城关精密机械有限公司";
    let feb = ["indicator", "report", "--enterprise", firm, "--month", "2026-02"];
    cli.ok(
        "cg",
        &[&feb[..], &["--value", "工业总产值=950", "--last-year", "工业总产值=1000", "--value", "sales_output=930"]]
            .concat(),
    );
    cli.now = "2026-04-08T10:00:00+08:00".into();
    let out = cli.json(
        "cg",
        &[
            "indicator",
            "report",
            "--enterprise",
            firm,
            "--month",
            "2026-03",
            "--value",
            "工业总产值=900",
            "--last-year",
            "工业总产值=1000",
        ],
    );
    let kinds: Vec<&str> = out["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["indicators_reported", "warning_raised"]);

    // Refusals name their code and write nothing.
    let before = cli.json("admin", &["indicator", "show", "--month", "2026-03"]);
    cli.fails(
        "cg",
        &["indicator", "report", "--enterprise", "城关五金店", "--month", "2026-03", "--value", "工业总产值=1"],
        "monitoring.not_key_enterprise",
    );
    cli.fails(
        "cg",
        &["indicator", "report", "--enterprise", firm, "--month", "2026-03", "--value", "工业总产值=-1"],
        "monitoring.negative_value",
    );
    cli.fails(
        "cg",
        &["indicator", "report", "--enterprise", firm, "--month", "2026-13", "--value", "工业总产值=1"],
        "monitoring.no_such_month",
    );
    cli.fails(
        "cg",
        &["indicator", "report", "--enterprise", firm, "--month", "2026-04", "--value", "工业总产值=1"],
        "monitoring.period_not_over",
    );
    cli.fails(
        "cg",
        &["indicator", "report", "--enterprise", firm, "--month", "2026-03", "--value", "幸福指数=1"],
        "monitoring.unknown_indicator",
    );
    cli.fails(
        "cg",
        &["indicator", "report", "--enterprise", firm, "--month", "2026-03", "--value", "工业总产值=1.234"],
        "monitoring.bad_number",
    );
    assert_eq!(cli.json("admin", &["indicator", "show", "--month", "2026-03"]), before, "a refusal wrote something");

    // The month's report: 城关 reported, 西山 did not, named.
    let shown = cli.ok("admin", &["indicator", "show", "--month", "2026-03"]);
    assert!(shown.contains("-10.00%") && shown.contains("西山镇 未报：西山新材料有限公司"), "{shown}");
    let own = cli.ok("cg", &["indicator", "show", "--month", "2026-03"]);
    assert!(!own.contains("西山新材料"), "a township sees its own: {own}");

    // On 9 April 西山's March report is overdue (due 8 April): red, listed; so are both firms'
    // 旬报 of March's 下旬 (due 2 April), none having been sent.
    cli.now = "2026-04-09T10:00:00+08:00".into();
    let board = cli.json("admin", &["warning", "list", "--open"]);
    let missing: Vec<&str> = board
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["rule"] == "report_missing")
        .map(|w| w["params"]["report"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["2026-03 下旬 产销旬报", "2026-03 月报", "2026-03 下旬 产销旬报"], "{board}");
    let yellow = warning_ids(&board, "yoy_negative");
    let orange = warning_ids(&board, "falling_months");
    assert_eq!((yellow.len(), orange.len()), (1, 1), "{board}");
    let text = cli.ok("admin", &["warning", "list", "--open"]);
    assert!(text.contains("连续 2 个月同比下降") && text.contains("赵区长"), "{text}");

    // 黄 handled with a visit; 橙 turned into a problem.
    cli.ok("cg", &["warning", "handle", &yellow[0], "--note", "走访核实：订单季节性下降", "--visitors", "张三"]);
    cli.fails("cg", &["warning", "handle", &yellow[0], "--note", "再次处置"], "monitoring.warning_handled");
    let reg = cli.json(
        "cg",
        &[
            "register",
            "--enterprise",
            firm,
            "--category",
            "市场开拓",
            "--description",
            "订单连续下滑",
            "--from-warning",
            &orange[0],
        ],
    );
    assert!(reg["problem"].as_str().is_some());
    let board = cli.json("admin", &["warning", "list"]);
    let done: Vec<&Value> = board.as_array().unwrap().iter().filter(|w| w["open"] == false).collect();
    assert_eq!(done.len(), 2);
    assert_eq!(cli.json("", &["visit", "list"]).as_array().unwrap().len(), 1, "the visit was recorded with it");

    // A key project: registered by the office, progress by the township, 滞后 in March.
    cli.ok(
        "admin",
        &[
            "project",
            "add",
            "--name",
            "城关智能装备产业园",
            "--township",
            "城关",
            "--total",
            "50000",
            "--plan",
            "12000",
            "--year",
            "2026",
            "--responsible",
            "工信局",
            "--paired-leader",
            "赵区长",
        ],
    );
    cli.fails(
        "cg",
        &["project", "add", "--name", "x", "--township", "城关", "--total", "1", "--plan", "1"],
        "auth.forbidden",
    );
    // The refusal reads in Chinese throughout: no English action key or reason inside it.
    let out = cli
        .cmd("cg", &["project", "add", "--name", "x", "--township", "城关", "--total", "1", "--plan", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("无权登记重点项目：只有区企业服务年办公室可以办理"), "{err}");
    let progress = |month: &str, invested: &str| {
        vec![
            "project",
            "progress",
            "城关智能装备产业园",
            "--month",
            month,
            "--invested",
            invested,
            "--image-progress",
            "主体施工",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let run = |user: &str, args: Vec<String>| cli.ok(user, &args.iter().map(String::as_str).collect::<Vec<_>>());
    // January and February locked on the 20th of the month after: the office's, marked late.
    cli.fails(
        "cg",
        &progress("2026-01", "1000").iter().map(String::as_str).collect::<Vec<_>>(),
        "monitoring.period_locked",
    );
    run("admin", progress("2026-01", "1000"));
    run("admin", progress("2026-02", "500"));
    run("cg", progress("2026-03", "500"));
    let list = cli.json("admin", &["project", "list", "--month", "2026-03"]);
    assert_eq!((list[0]["completion_rate"].as_f64(), list[0]["pace"].as_str()), (Some(16.67), Some("behind")));
    assert!(cli.ok("admin", &["project", "list", "--month", "2026-03"]).contains("滞后"));

    // A 旬报 of 上旬 April.
    cli.now = "2026-04-13T10:00:00+08:00".into();
    cli.ok(
        "cg",
        &[
            "product",
            "report",
            "--enterprise",
            firm,
            "--month",
            "2026-04",
            "--xun",
            "上旬",
            "--line",
            "数控机床,台,100,80,10,5",
        ],
    );
    let s = cli.json("admin", &["product", "show", "--month", "2026-04", "--xun", "上旬"]);
    assert_eq!(s["rows"][0]["rate"].as_f64(), Some(90.0));
    assert_eq!(s["not_reported"][0]["name"], "西山新材料有限公司");

    assert!(cli.ok("", &["verify", "--full"]).contains("规则重放通过"));
}
